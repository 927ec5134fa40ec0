package dev.lakeforge.gpu.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpu-transform job from a config whose paths are relative to its own folder. */
@SparkTest
class GpuTransformJobTest {
  private static final String STEPS =
      """
        transforms:
          - {type: dedup, keys: [event_id], orderBy: [ingested_at DESC]}
          - {type: dateParts, column: ts, parts: [hour, dayofweek]}
          - {type: cyclic, column: ts_hour, period: 24}
          - {type: rolling, key: customer, orderBy: [ts], column: amount, rows: 3, functions: [sum]}
          - {type: sessionize, key: customer, time: ts, gap: 30m}
          - {type: standardize, columns: [amount]}
          - {type: bucketize, column: amount, splits: [0, 50, 100, 1000]}
          - {type: oneHot, column: category}
          - {type: hash, column: customer, buckets: 8}
      """;

  @TempDir Path dir;

  @BeforeEach
  void events(SparkSession spark) {
    Dataset<Row> events =
        spark.sql(
            "SELECT id AS rid, id % 90 AS event_id, concat('c', CAST(id % 7 AS STRING)) AS customer,"
                + " timestamp_seconds(1790000000 + id * 600) AS ts,"
                + " timestamp_seconds(1790000000 + id) AS ingested_at,"
                + " CAST(id % 13 AS DOUBLE) * 7.5 AS amount,"
                + " CASE WHEN id % 3 = 0 THEN 'books' ELSE 'games' END AS category FROM range(100)");
    events.write().parquet(dir.resolve("data/events.parquet").toString());
    events.write().json(dir.resolve("data/events.json").toString());
  }

  @Test
  void appliesTheStepsAndWritesTheResult(SparkSession spark) throws IOException {
    Path config =
        config("input: data/events.parquet\n  output: out/features\n  minCoverage: 1.0\n" + STEPS);

    Launched run = Launched.run("gpu-transform", "--config", config.toString());

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.all())
        .contains("GPU plan: ")
        .contains("operators on the GPU (100.0%), 0 fallbacks");
    Dataset<Row> out = spark.read().parquet(dir.resolve("out/features").toString());
    assertThat(out.count()).isEqualTo(90); // one row per event id
    assertThat(out.columns())
        .contains(
            "ts_hour",
            "ts_dayofweek",
            "ts_hour_sin",
            "ts_hour_cos",
            "amount_sum_3",
            "session",
            "amount_std",
            "amount_bucket",
            "category_books",
            "category_games",
            "customer_hash");
  }

  @Test
  void dryRunPrintsStepsAndCoverageAndWritesNothing() throws IOException {
    Path config = config("input: data/events.parquet\n  output: out/features\n" + STEPS);

    Launched run = Launched.run("gpu-transform", "--config", config.toString(), "--dry-run");

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.all())
        .contains("transforms[0]: dedup by [event_id] keeping the first by ingested_at DESC")
        .contains("transforms[8]: hash customer into 8 buckets")
        .contains("operators on the GPU (100.0%)")
        .contains("write overwrite to file:");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void planBelowMinCoverageIsRefusedWithExitThree() throws IOException {
    // RAPIDS reads JSON on the CPU unless spark.rapids.sql.format.json.enabled is set
    Path config =
        config("input: data/events.json\n  output: out/json\n  minCoverage: 1.0\n" + STEPS);

    Launched run = Launched.run("gpu-transform", "--config", config.toString());

    assertThat(run.code()).as(run.all()).isEqualTo(3);
    assertThat(run.all()).contains("below minCoverage 100.0%").contains("nothing written");
    assertThat(dir.resolve("out/json")).doesNotExist();
  }

  @Test
  void stepWithoutItsSettingNamesTheKey() throws IOException {
    Path config =
        config(
            "input: data/events.parquet\n  output: out/x\n  transforms:\n"
                + "    - {type: dateParts, column: ts, parts: [hour]}\n"
                + "    - {type: bucketize, splits: [0, 1]}\n");

    Launched run = Launched.run("gpu-transform", "--config", config.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.all())
        .contains("gpu-transform.transforms[1].column")
        .contains("is required for a bucketize step")
        .doesNotContain("\tat ");
  }

  private Path config(String section) throws IOException {
    return Files.writeString(dir.resolve("features.yaml"), "gpu-transform:\n  " + section);
  }
}
