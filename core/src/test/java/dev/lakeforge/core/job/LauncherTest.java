package dev.lakeforge.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class LauncherTest {
  private static final String CANARY = "canary-7f3e9a1c";

  @TempDir Path dir;

  static Launched launch(String... args) {
    return Launched.run(args);
  }

  private Path reports() {
    return dir.resolve("reports");
  }

  private String[] args(String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.add("--set");
    a.add("run.reportDir=" + reports());
    return a.toArray(String[]::new);
  }

  private static Set<String> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private RunReport onlyReport() throws IOException {
    try (Stream<Path> s = Files.list(reports())) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(all).hasSize(1);
      return RunReport.read(all.get(0));
    }
  }

  @Test
  void listShowsJobsAndExitsZero() {
    Launched r = launch("list");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("sql")
        .contains("rightsize")
        .contains("Runs a file of SQL statements");
  }

  @Test
  void jobHelpShowsCommonAndOwnOptionsAndExitCodes() {
    Launched r = launch("sql", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("--config")
        .contains("--profile")
        .contains("--set")
        .contains("--dry-run")
        .contains("--file")
        .contains("Exit codes: 0 success")
        .contains("3 data-quality");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(launch().code()).isEqualTo(ExitCode.USAGE);
    Launched unknown = launch("no-such-job");
    assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err()).contains("no-such-job");
    Launched badOption = launch("sql", "--no-such-option");
    assertThat(badOption.code()).isEqualTo(ExitCode.USAGE);
    assertThat(badOption.err()).contains("--no-such-option");
  }

  @Test
  void configErrorsExitTwoNamingFileLineAndKey() throws IOException {
    Path config = Files.writeString(dir.resolve("job.yaml"), "spark:\n  shufflePartitions: many\n");
    Launched r = launch(args("test-gate", "--outcome", "pass", "--config", config.toString()));
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("job.yaml:2:")
        .contains("spark.shufflePartitions")
        .contains("expected an integer, got 'many'");
    Path unknownSection =
        Files.writeString(dir.resolve("sections.yaml"), "spark: {}\nsqll: {file: x.sql}\n");
    Launched s = launch(args("sql", "--config", unknownSection.toString()));
    assertThat(s.code()).isEqualTo(ExitCode.USAGE);
    assertThat(s.err())
        .contains("sections.yaml:2:1")
        .contains("unknown section 'sqll'")
        .contains("did you mean 'sql'?");
  }

  @Test
  void outcomesMapToExitCodes() throws IOException {
    assertThat(launch(args("test-gate", "--outcome", "pass")).code()).isEqualTo(ExitCode.OK);
    assertThat(launch(args("test-gate", "--outcome", "gate")).code())
        .isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    Launched failed = launch(args("test-gate", "--outcome", "throw"));
    assertThat(failed.code()).isEqualTo(ExitCode.JOB_FAILED);
    assertThat(failed.err()).contains("the job broke on purpose");
    assertThat(files(reports())).hasSize(3);
  }

  @Test
  void sqlJobRunsStatementsAndPrintsRows(SparkSession spark, TestWarehouse warehouse)
      throws IOException {
    Path sql =
        Files.writeString(
            dir.resolve("demo.sql"),
            """
        CREATE TABLE orders_run (id INT, status STRING) USING parquet;
        INSERT INTO orders_run VALUES (1, 'NEW'), (2, 'PAID'), (3, 'PAID');
        SELECT status, count(*) AS n FROM orders_run GROUP BY status ORDER BY status;
        """);
    Launched r = launch(args("sql", "--file", sql.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| status | n |")
        .contains("| PAID   | 2 |")
        .contains("ran 3 statement(s)");
    assertThat(spark.table(warehouse.database() + ".orders_run").count()).isEqualTo(3);
  }

  @Test
  void sqlFailureNamesStatementAndPosition() throws IOException {
    Path sql =
        Files.writeString(
            dir.resolve("fail.sql"), "SELECT 1;\n\nSELECT id\n  FROM missing_table_x;\n");
    Launched r = launch(args("sql", "--file", sql.toString()));
    assertThat(r.code()).as("a missing table is the user's mistake").isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("fail.sql:4:8: statement 2: [TABLE_OR_VIEW_NOT_FOUND]")
        .doesNotContain("\tat ");
  }

  @Test
  void dryRunValidatesEveryStatementAndWritesNothing(SparkSession spark, TestWarehouse warehouse)
      throws IOException {
    Path sql =
        Files.writeString(
            dir.resolve("check.sql"),
            """
        CREATE TABLE dry_orders (id INT, amount DOUBLE) USING parquet;
        INSERT INTO dry_orders VALUES (1, 9.5);
        SELECT idd FROM dry_orders;
        SELECT * FROM no_such_table_y;
        SELEC 1;
        """);
    Set<String> before = files(warehouse.dir());
    Launched r = launch(args("sql", "--file", sql.toString(), "--dry-run"));
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out())
        .contains("statement 1 (")
        .contains("-> ok")
        .contains("statement 2 (")
        .contains("uses what statement 1 creates")
        .contains("check.sql:4:15: statement 4: [TABLE_OR_VIEW_NOT_FOUND]")
        .contains("check.sql:5:1: statement 5: [PARSE_SYNTAX_ERROR]");
    assertThat(spark.catalog().tableExists(warehouse.database(), "dry_orders")).isFalse();
    assertThat(files(warehouse.dir())).isEqualTo(before);
    assertThat(files(reports())).isEmpty();
  }

  @Test
  void dryRunOfValidScriptExitsZero() throws IOException {
    Path sql = Files.writeString(dir.resolve("ok.sql"), "SELECT 1 AS one;\nSELECT 'a' AS s;\n");
    Launched r = launch(args("sql", "--file", sql.toString(), "--dry-run"));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("No problems found.").contains("spark.master = ");
  }

  @Test
  void runReportCountsRowsReadAndPricesCoreHours(SparkSession spark) throws IOException {
    Path data = dir.resolve("events");
    spark
        .range(1234)
        .selectExpr("id", "id % 7 AS bucket")
        .repartition(3)
        .write()
        .parquet(data.toString());
    Path sql =
        Files.writeString(
            dir.resolve("copy.sql"),
            "CREATE TABLE events_copy USING parquet AS SELECT * FROM parquet.`" + data + "`;\n");
    Path config =
        Files.writeString(
            dir.resolve("job.yaml"),
            """
        run: {team: payments, tenant: acme, labels: {pipeline: events}}
        cost: {currency: EUR, pricePerCoreHour: 0.25, pricePerGpuHour: 3.0}
        metrics: {file: %s}
        """
                .formatted(dir.resolve("metrics/lakeforge.prom")));
    Launched r = launch(args("sql", "--file", sql.toString(), "--config", config.toString()));
    assertThat(r.code()).as(r.all()).isZero();
    RunReport report = onlyReport();
    assertThat(report.status()).isEqualTo("SUCCEEDED");
    assertThat(report.spark().inputRecords()).isEqualTo(1234);
    assertThat(report.spark().outputRecords()).isEqualTo(1234);
    assertThat(report.spark().tasks()).isPositive();
    assertThat(report.team()).isEqualTo("payments");
    assertThat(report.tenant()).isEqualTo("acme");
    assertThat(report.labels()).containsEntry("pipeline", "events");
    String master = spark.sparkContext().master(); // local[2]: the one executor holds 2 cores
    double cores =
        Double.parseDouble(master.substring(master.indexOf('[') + 1, master.indexOf(']')));
    assertThat(report.cost().coreHours())
        .isPositive()
        .isCloseTo(cores * report.wallSeconds() / 3600, Percentage.withPercentage(25));
    assertThat(report.cost().gpuHours()).isZero();
    assertThat(report.cost().total()).isEqualTo(report.cost().coreHours() * 0.25);
    assertThat(report.cost().currency()).isEqualTo("EUR");
    String prom = Files.readString(dir.resolve("metrics/lakeforge.prom"));
    assertThat(prom)
        .contains(
            "lakeforge_run_input_records{job=\"sql\",status=\"SUCCEEDED\",team=\"payments\",tenant=\"acme\"} 1234")
        .contains("lakeforge_run_cost{");
    assertThat(r.err()).contains("run report: sql").contains("read 1234 rows");
  }

  @Test
  void canarySecretNeverAppearsInOutputLogsReportsOrMetrics() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), CANARY + "\n");
    Path sql =
        Files.writeString(
            dir.resolve("secret.sql"), "SELECT '${token}' AS leaked, length('${token}') AS n;\n");
    Path config =
        Files.writeString(
            dir.resolve("secret.yaml"),
            """
        spark:
          conf:
            spark.hadoop.fs.s3a.secret.key: ${file:%s}
        sql:
          vars: {token: "${file:%s}"}
        logging: {format: json, level: DEBUG}
        metrics: {file: %s}
        """
                .formatted(secret, secret, dir.resolve("m.prom")));
    Launched dry =
        launch(args("sql", "--file", sql.toString(), "--config", config.toString(), "--dry-run"));
    assertThat(dry.code()).as(dry.all()).isZero();
    assertThat(dry.out()).contains("spark.hadoop.fs.s3a.secret.key = ****");
    Launched run = launch(args("sql", "--file", sql.toString(), "--config", config.toString()));
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).contains("| **** | 15 |");
    for (String text :
        List.of(
            dry.out(), dry.err(), run.out(), run.err(), Files.readString(dir.resolve("m.prom")))) {
      assertThat(text).doesNotContain(CANARY);
    }
    for (String f : files(reports())) {
      assertThat(Files.readString(Path.of(f))).doesNotContain(CANARY);
    }
    // JSON mode: every log line is a JSON object with the job and run id.
    ObjectMapper json = new ObjectMapper();
    List<String> lines = run.err().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("job").asText()).isEqualTo("sql");
      assertThat(n.get("run_id").asText()).isNotBlank();
    }
  }

  @Test
  void rightsizeRunsWithoutSpark() {
    Launched r =
        launch(
            args(
                "rightsize",
                "--input-size",
                "1t",
                "--node-cores",
                "16",
                "--node-memory",
                "64g",
                "--sla",
                "1h"));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("Reasoning:")
        .contains("Recommendation: 3 executors x 5 cores")
        .contains("--conf spark.executor.instances=3");
    Launched missing = launch(args("rightsize", "--node-cores", "16"));
    assertThat(missing.code()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("--input-size is required");
  }
}
