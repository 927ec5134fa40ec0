package dev.lakeforge.quality.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class QualityCheckJobTest {
  @TempDir static Path dir;
  private static Path csv;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void data() throws IOException {
    csv =
        Files.writeString(
            dir.resolve("orders.csv"),
            """
        order_id,status,amount
        1,NEW,10.5
        2,PAID,20
        3,PAID,
        4,LOST,40
        """);
  }

  private static Path suite(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  private static Result launch(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "run.reportDir=" + dir.resolve("runs")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(all.toArray(String[]::new));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final String ERROR_SUITE =
      """
      checks:
        - description: orders
          level: error
          constraints:
            - isComplete: order_id
            - isComplete: amount
            - isContainedIn: {column: status, values: [NEW, PAID, SHIPPED]}
      """;

  @Test
  void errorCheckFailureExitsThreeAndWritesResultMetricsAndSplit(SparkSession spark)
      throws IOException {
    Path s = suite("error.yaml", ERROR_SUITE);
    Path metrics = dir.resolve("out/metrics.json");
    Path result = dir.resolve("out/result.json");
    String good = dir.resolve("out/good").toString();
    String bad = dir.resolve("out/bad").toString();
    Result r =
        launch(
            "quality-check",
            "--suite",
            s.toString(),
            "--input",
            csv.toString(),
            "--metrics-out",
            metrics.toString(),
            "--result-out",
            result.toString(),
            "--good-out",
            good,
            "--bad-out",
            bad);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(r.out())
        .contains("Verification ERROR")
        .contains("FAILED isComplete(amount)")
        .contains("rows: 2 good")
        .contains("2 bad");
    JsonNode json = new ObjectMapper().readTree(result.toFile());
    assertThat(json.get("status").asText()).isEqualTo("ERROR");
    assertThat(json.get("checks").get(0).get("constraints")).hasSize(3);
    assertThat(Files.readString(metrics))
        .contains("\"name\":\"Completeness\"")
        .contains("\"instance\":\"amount\"");
    assertThat(spark.read().parquet(good).count() + spark.read().parquet(bad).count()).isEqualTo(4);
    assertThat(spark.read().parquet(bad).columns()).contains("_dq_reasons");
    assertThat(Path.of(bad, "_lakeforge_run_report.json")).exists();

    Result diagnosis = launch("diagnose", Path.of(bad, "_lakeforge_run_report.json").toString());
    assertThat(diagnosis.out())
        .contains("cause: quality gate")
        .contains("runbook: docs/runbooks.md#quality-gate");
  }

  @Test
  void onlyWarningsExitZero() throws IOException {
    Path s = suite("warn.yaml", ERROR_SUITE.replace("level: error", "level: warning"));
    Result r = launch("quality-check", "--suite", s.toString(), "--input", csv.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("Verification WARNING");
  }

  @Test
  void passingSuiteOnATableExitsZero(SparkSession spark, TestWarehouse w) throws IOException {
    spark
        .read()
        .option("header", "true")
        .option("inferSchema", "true")
        .csv(csv.toString())
        .write()
        .saveAsTable("orders_tbl");
    Path s =
        suite(
            "pass.yaml",
            "checks:\n  - description: ids\n    constraints:\n      - isUnique: order_id\n"
                + "      - hasSize: 4\n");
    Result r =
        launch("quality-check", "--suite", s.toString(), "--input", w.database() + ".orders_tbl");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("Verification SUCCESS");
  }

  @Test
  void malformedSuiteOrMissingColumnExitsTwoWithLocation() throws IOException {
    Path bad =
        suite(
            "bad.yaml",
            "checks:\n  - description: x\n    constraints:\n      - isComplet: order_id\n");
    Result r = launch("quality-check", "--suite", bad.toString(), "--input", csv.toString());
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("bad.yaml:4:")
        .contains("unknown constraint 'isComplet' (did you mean 'isComplete'?)");
    Path missing =
        suite(
            "missing.yaml",
            "checks:\n  - description: x\n    constraints:\n      - isComplete: customer\n");
    Result m = launch("quality-check", "--suite", missing.toString(), "--input", csv.toString());
    assertThat(m.code()).isEqualTo(ExitCode.USAGE);
    assertThat(m.err())
        .contains("missing.yaml:4:")
        .contains("column 'customer' does not exist in the data");
  }

  @Test
  void anomalyChecksCompareWithEarlierRunsInTheMetricsRepositoryAndNeedOne() throws IOException {
    Path anomalies =
        suite(
            "anomalies.yaml",
            """
        anomalies:
          - analyzer: size
            strategy: {relativeRateOfChange: {maxRateDecrease: 0.5, maxRateIncrease: 1.5}}
            level: error
        """);
    Path growing = Files.writeString(dir.resolve("growing.csv"), Files.readString(csv));
    Result none =
        launch("quality-check", "--suite", anomalies.toString(), "--input", growing.toString());
    assertThat(none.code()).isEqualTo(ExitCode.USAGE);
    assertThat(none.err())
        .contains(
            "has anomaly checks, which compare with earlier runs: give --metrics-repository PATH");
    String repository = dir.resolve("anomaly-metrics").toString();
    Result first =
        launch(
            "quality-check",
            "--suite",
            anomalies.toString(),
            "--input",
            growing.toString(),
            "--metrics-repository",
            repository);
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    // twice the rows of the last run: a rate of change of 2, above 1.5
    Files.writeString(growing, Files.readString(csv) + "5,NEW,1\n6,NEW,2\n7,NEW,3\n8,NEW,4\n");
    Result second =
        launch(
            "quality-check",
            "--suite",
            anomalies.toString(),
            "--input",
            growing.toString(),
            "--metrics-repository",
            repository);
    assertThat(second.code())
        .as(second.out() + second.err())
        .isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(second.out()).contains("anomaly detection for Size(*)");
  }

  @Test
  void dryRunValidatesSuiteAgainstSchemaAndWritesNothing() throws IOException {
    Path missing =
        suite(
            "dry.yaml",
            "checks:\n  - description: x\n    constraints:\n      - isComplete: amount\n"
                + "      - satisfies: {predicate: \"amount > limit\"}\n");
    String bad = dir.resolve("dry-bad").toString();
    Result r =
        launch(
            "quality-check",
            "--suite",
            missing.toString(),
            "--input",
            csv.toString(),
            "--bad-out",
            bad,
            "--dry-run");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out())
        .contains("input schema: struct<order_id:string,status:string,amount:string>")
        .contains("row-level constraints: x: isComplete(amount), x: amount > limit")
        .contains("dry.yaml:5:")
        .contains("'amount > limit' does not work on the data");
    assertThat(Path.of(bad)).doesNotExist();
    Path ok = suite("dry-ok.yaml", ERROR_SUITE);
    Result fine =
        launch("quality-check", "--suite", ok.toString(), "--input", csv.toString(), "--dry-run");
    assertThat(fine.code()).as(fine.out() + fine.err()).isEqualTo(ExitCode.OK);
    assertThat(fine.out()).contains("No problems found.");
  }
}
