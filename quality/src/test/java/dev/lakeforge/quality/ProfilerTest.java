package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@SparkTest
class ProfilerTest {
  private static Dataset<Row> data;
  private static String path;

  @BeforeAll
  static void data(SparkSession spark, TestWarehouse w) {
    path = w.resolve("profiled").toString();
    // 200 rows: id unique 0..199; status NEW/PAID/SHIPPED/CANCELLED by id % 4; amount id * 1.5 with
    // every 10th null;
    // code: the id as a string (all Integral)
    spark
        .range(200)
        .selectExpr(
            "id",
            "element_at(array('NEW', 'PAID', 'SHIPPED', 'CANCELLED'), CAST(id % 4 + 1 AS INT)) AS status",
            "CASE WHEN id % 10 = 0 THEN NULL ELSE id * 1.5D END AS amount",
            "CAST(id AS STRING) AS code")
        .write()
        .parquet(path);
    data = spark.read().parquet(path);
  }

  @Test
  void profileMatchesHandComputedValues(SparkSession spark) throws Exception {
    Profile[] holder = new Profile[1];
    long read = SinglePassTest.rowsRead(spark, () -> holder[0] = ColumnProfiler.onData(data).run());
    Profile p = holder[0];
    assertThat(read)
        .as(
            "three reads of 200 rows: the statistics, the sketches apart (Parquet: see"
                + " SinglePassTest), the histograms")
        .isEqualTo(600);
    assertThat(p.rows()).isEqualTo(200);
    ColumnProfile id = p.column("id");
    assertThat(id.completeness()).isEqualTo(1.0);
    assertThat(id.approxDistinct()).isBetween(190L, 210L);
    assertThat(id.min()).isEqualTo(0.0);
    assertThat(id.max()).isEqualTo(199.0);
    assertThat(id.mean()).isEqualTo(99.5);
    assertThat(id.sum()).isEqualTo(19900.0);
    assertThat(id.stdDev()).isCloseTo(Math.sqrt((200.0 * 200 - 1) / 12), within(1e-9));
    assertThat(id.quantiles().get("0.5")).isBetween(98.0, 101.0);
    assertThat(id.histogram()).isNull();
    ColumnProfile status = p.column("status");
    assertThat(status.inferredType()).isEqualTo("String");
    assertThat(status.histogram())
        .isEqualTo(Map.of("NEW", 50L, "PAID", 50L, "SHIPPED", 50L, "CANCELLED", 50L));
    assertThat(status.minLength()).isEqualTo(3.0);
    assertThat(status.maxLength()).isEqualTo(9.0);
    ColumnProfile amount = p.column("amount");
    assertThat(amount.completeness()).isEqualTo(0.9);
    assertThat(amount.min()).isEqualTo(1.5);
    ColumnProfile code = p.column("code");
    assertThat(code.inferredType()).isEqualTo("Integral");
    assertThat(code.typeCounts()).containsEntry("Integral", 200L).containsEntry("Unknown", 0L);
    assertThat(p.toJson()).contains("\"column\" : \"status\"");
  }

  @Test
  void suggestedSuiteCarriesEvidenceLoadsAndPassesOnTheData(SparkSession spark, TestWarehouse w)
      throws Exception {
    Profile p = ColumnProfiler.onData(data).run();
    List<Suggestions.Suggestion> s = Suggestions.from(p, data);
    assertThat(s)
        .extracting(Suggestions.Suggestion::entry)
        .contains(
            "isComplete: id",
            "isUnique: id",
            "isNonNegative: id",
            "isContainedIn: {column: status, values: [CANCELLED, NEW, PAID, SHIPPED]}",
            "hasCompleteness: {column: amount, assertion: \">= 0.85\"}",
            "hasDataType: {column: code, type: integral, assertion: \">= 1\"}");
    assertThat(s).allMatch(x -> !x.evidence().isBlank());
    assertThat(s).noneMatch(x -> x.entry().equals("isUnique: status"));
    Path suite =
        Files.writeString(w.resolve("suggested.yaml"), Suggestions.toSuiteYaml(s, "orders", p));
    assertThat(Files.readString(suite)).contains("# complete: completeness 1.0 over 200 rows");
    VerificationResult r = Suite.load(suite).verification(data).run();
    assertThat(r.status()).as(r.summary()).isEqualTo(CheckStatus.SUCCESS);
  }

  @Test
  void profileJobWritesProfileAndSuite(TestWarehouse w) throws Exception {
    Path out = w.resolve("job/profile.json");
    Path suite = w.resolve("job/suite.yaml");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()))
            .execute(
                "profile",
                "--input",
                path,
                "--out",
                out.toString(),
                "--suggest",
                suite.toString(),
                "--set",
                "run.reportDir=" + w.resolve("runs"));
    assertThat(code).as(stdout.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("Profile of parquet files at")
        .contains("200 rows")
        .contains("suggested constraint(s)");
    assertThat(Files.readString(out)).contains("\"rows\" : 200");
    assertThat(Suite.load(suite).checks()).hasSize(1);
  }
}
