package dev.lakeforge.gpu.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpu-plan job as users run it: the report of a SQL file or a table, and its CI gate. */
@SparkTest
class GpuPlanJobTest {
  private static final String SQL =
      """
      CREATE OR REPLACE TEMPORARY VIEW recent AS SELECT * FROM plan_orders WHERE id > 10;
      -- an aggregation the GPU runs whole
      CREATE TABLE plan_totals USING parquet AS
        SELECT region, sum(amount) AS total, count(*) AS n FROM recent GROUP BY region;
      -- to_json is off by default in RAPIDS: its projection stays on the CPU
      SELECT to_json(named_struct('id', id)) AS doc FROM recent;
      DROP TABLE IF EXISTS nothing_here;
      """;

  @TempDir Path dir;

  @BeforeAll
  static void orders(SparkSession spark) {
    spark
        .range(100)
        .selectExpr("id", "id % 5 AS region", "CAST(id AS DOUBLE) AS amount")
        .write()
        .saveAsTable("plan_orders");
  }

  @Test
  void reportsEachQueryOfASqlFileAndWritesNothing(SparkSession spark) throws IOException {
    Path sql = Files.writeString(dir.resolve("nightly.sql"), SQL);

    Launched run = Launched.run("gpu-plan", "--sql", sql.toString());

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.all())
        .contains("nightly.sql:1:1: CREATE OR REPLACE TEMPORARY VIEW recent")
        .contains("ran (it changes the session only)")
        .contains("nightly.sql:3:1: CREATE TABLE plan_totals USING parquet AS")
        .contains("GPU plan: 6 of 6 operators on the GPU (100.0%), 0 fallbacks")
        .contains("nightly.sql:6:1: SELECT to_json(named_struct('id', id)) AS doc FROM recent")
        .contains("GPU plan: 2 of 3 operators on the GPU (66.7%), 2 fallbacks")
        .contains("cannot run: ProjectExec: not all expressions can be replaced")
        .contains("Set spark.rapids.sql.expression.StructsToJson to true")
        .contains("skipped: not a query (DropTable)")
        .contains("8 of 9 operators on the GPU; lowest plan coverage 66.7%");
    assertThat(spark.catalog().tableExists("plan_totals")).isFalse();
  }

  @Test
  void minCoverageFailsThePlanBelowItWithExitThree() throws IOException {
    Path sql = Files.writeString(dir.resolve("nightly.sql"), SQL);

    Launched gate = Launched.run("gpu-plan", "--sql", sql.toString(), "--min-coverage", "0.95");
    Launched lenient = Launched.run("gpu-plan", "--sql", sql.toString(), "--min-coverage", "0.6");

    assertThat(gate.code()).as(gate.all()).isEqualTo(3);
    assertThat(gate.all()).contains("below --min-coverage 95.0%: " + sql + ":6:1");
    assertThat(lenient.code()).as(lenient.all()).isZero();
  }

  @Test
  void reportsATableScan() {
    Launched run = Launched.run("gpu-plan", "--table", "plan_orders", "--full");

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.all())
        .contains("== table plan_orders")
        .contains("GPU plan: 1 of 1 operators on the GPU (100.0%), 0 fallbacks")
        .contains("*Exec <FileSourceScanExec> will run on GPU");
  }

  @Test
  void dryRunPrintsEachPlansCoverage() {
    Launched run =
        Launched.run(
            "gpu-plan",
            "--query",
            "SELECT region, max(amount) FROM plan_orders GROUP BY region",
            "--min-coverage",
            "1",
            "--dry-run");

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.all())
        .contains("--query: 4 of 4 operators on the GPU (100.0%), 0 fallbacks")
        .contains("fail below 100.0% coverage");
  }

  @Test
  void gpuSectionSettingsApplyToThePlan() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("gpu.yaml"),
            "gpu: {preset: gpu-local, nvidiaSmi: /nonexistent/nvidia-smi, explain: all}\n"
                + "spark: {conf: {}}\n");
    String query = "SELECT to_json(named_struct('id', id)) FROM plan_orders";

    Launched off = Launched.run("gpu-plan", "--query", query);
    Launched on =
        Launched.run(
            "gpu-plan",
            "--config",
            config.toString(),
            "--set",
            "gpu.incompatibleOps=true",
            "--query",
            query);

    assertThat(off.all()).contains("1 of 2 operators on the GPU");
    assertThat(on.code()).as(on.all()).isZero();
    assertThat(on.all()).contains("the config asks for the GPU, but no GPU on this machine");
    assertThat(on.all())
        .contains("1 of 2 operators on the GPU"); // StructsToJson has its own switch
  }

  @Test
  void reportsTheQueriesOfAnotherJobFromItsConfig(SparkSession spark) throws IOException {
    spark.table("plan_orders").write().parquet(dir.resolve("orders").toString());
    Files.writeString(
        dir.resolve("suite.yaml"),
        """
        checks:
          - description: orders
            constraints:
              - isComplete: id
              - isUnique: id
              - isNonNegative: amount
        """);
    Path config =
        Files.writeString(
            dir.resolve("check.yaml"),
            """
            quality-check: {suite: suite.yaml, input: orders/, goodOut: good/, badOut: bad/}
            gpu-transform:
              input: orders/
              output: features/
              transforms: [{type: standardize, columns: [amount]}]
            """);

    Launched check =
        Launched.run(
            "gpu-plan",
            "--job",
            "quality-check",
            "--config",
            config.toString(),
            "--min-coverage",
            "1");
    Launched transform =
        Launched.run("gpu-plan", "--job", "gpu-transform", "--config", config.toString());

    assertThat(check.code()).as(check.all()).isZero();
    assertThat(check.all())
        .contains("== job quality-check: one scan for 2 analyzers")
        .contains("== job quality-check: frequencies of id for Uniqueness(id)")
        .contains("== job quality-check: row-level annotation");
    assertThat(transform.code()).as(transform.all()).isZero();
    assertThat(transform.all())
        .contains("== job gpu-transform: transforms of parquet files at")
        .contains("operators on the GPU (100.0%), 0 fallbacks");
    assertThat(dir.resolve("good")).doesNotExist();
    assertThat(dir.resolve("features")).doesNotExist();
  }

  @Test
  void mistakesAreOneLineWithExitTwo() {
    assertThat(Launched.run("gpu-plan", "--table", "t", "--query", "SELECT 1").all())
        .contains("give exactly one of --sql FILE, --query SQL, --table NAME, --job JOB");
    assertThat(Launched.run("gpu-plan", "--job", "nope").all())
        .contains("--job nope: no such job; the jobs: ")
        .contains("quality-check");
    Launched sql = Launched.run("gpu-plan", "--job", "sql", "--set", "sql.file=nothing.sql");
    assertThat(sql.code()).isEqualTo(2);
    Launched missing = Launched.run("gpu-plan", "--table", "no_such_table");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.all()).contains("no_such_table").doesNotContain("\tat ");
    assertThat(Launched.run("gpu-plan", "--query", "SELECT 1", "--min-coverage", "95").all())
        .contains("--min-coverage: expected a share between 0 and 1, such as 0.95, got 95.0");
  }
}
