package dev.lakeforge.jobs.ml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * retrain-model on behaviours that change: a good model is promoted, a worse one is not, and a
 * production model that degrades on later data is rolled back, all in the registry.
 */
@SparkTest
class RetrainModelTest {
  private static final int CUSTOMERS = 300;
  private static final int DAYS = 16;
  private static final LocalDateTime FIRST = LocalDateTime.of(2026, 11, 1, 0, 0);

  /** How a day's purchase is drawn for buyers (a third of the customers) and for browsers. */
  enum Behaviour {
    /** buyers buy almost every day */
    STEADY,
    /** buyers buy on even days only */
    ALTERNATE,
    /** anyone buys on a coin flip */
    NOISE
  }

  @TempDir Path dir;

  private static void events(SparkSession spark, String table, Behaviour b) throws Exception {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) {
      boolean buyer = c % 20 < 7;
      for (int d = 0; d < DAYS; d++) {
        double p =
            switch (b) {
              case STEADY -> buyer ? 0.92 : 0.03;
              case ALTERNATE -> buyer && d % 2 == 0 ? 0.95 : 0.03;
              case NOISE -> 0.5;
            };
        boolean buys = random.nextDouble() < p;
        int views = buyer ? 8 : 3;
        LocalDateTime day = FIRST.plusDays(d);
        for (int i = 0; i < views; i++) {
          rows.add(event(c, i < 2 && buyer ? "add_to_cart" : "view", 0, day.plusHours(8 + i)));
        }
        if (buys) {
          rows.add(event(c, "purchase", 20 + random.nextInt(180), day.plusHours(20)));
        }
      }
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.ml_test");
    spark.sql("DROP TABLE IF EXISTS " + table + " PURGE");
    spark
        .createDataFrame(
            rows,
            StructType.fromDDL(
                "customer_id STRING, event_type STRING, amount DOUBLE, event_at TIMESTAMP"))
        .writeTo(table)
        .create();
  }

  private static Row event(int customer, String type, double amount, LocalDateTime at) {
    return RowFactory.create("C" + customer, type, amount, Timestamp.valueOf(at));
  }

  private Launched retrain(String source, String... more) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("retrain.yaml"),
            """
            retrain-model:
              source: %s
              days: 14
              registry: lake.ml_registry_test
              modelDir: models
              minAccuracy: 0.85
              numTrees: 20
              maxDepth: 5
            """
                .formatted(source));
    List<String> args =
        new ArrayList<>(
            List.of(
                "retrain-model",
                "--config",
                config.toString(),
                "--set",
                "run.reportDir=" + dir.resolve("runs")));
    args.addAll(List.of(more));
    return Launched.run(args);
  }

  private static Map<Integer, String> statuses(SparkSession spark) {
    Map<Integer, String> out = new TreeMap<>();
    for (Row r :
        spark
            .sql("SELECT version, status FROM lake.ml_registry_test.model_versions")
            .collectAsList()) {
      out.put(r.getInt(0), r.getString(1));
    }
    return out;
  }

  @Test
  void goodModelIsPromotedWorseIsRejectedDegradedProductionIsRolledBack(SparkSession spark)
      throws Exception {
    events(spark, "lake.ml_test.steady", Behaviour.STEADY);
    events(spark, "lake.ml_test.noise", Behaviour.NOISE);
    events(spark, "lake.ml_test.alternate", Behaviour.ALTERNATE);

    Launched first = retrain("lake.ml_test.steady");
    assertThat(first.code()).as(first.all()).isEqualTo(ExitCode.OK);
    assertThat(first.out()).contains("PROMOTED: v1");
    assertThat(statuses(spark)).isEqualTo(Map.of(1, "production"));

    Launched noisy = retrain("lake.ml_test.noise");
    assertThat(noisy.code()).as(noisy.all()).isEqualTo(ExitCode.OK);
    assertThat(noisy.out())
        .contains("REJECTED: v2 (accuracy")
        .contains("is below the bar 0.85")
        .contains("no earlier version does better: it stays");
    assertThat(statuses(spark)).isEqualTo(Map.of(1, "production", 2, "rejected"));

    Launched changed = retrain("lake.ml_test.alternate");
    assertThat(changed.code()).as(changed.all()).isEqualTo(ExitCode.OK);
    assertThat(changed.out()).contains("PROMOTED: v3");
    assertThat(statuses(spark)).isEqualTo(Map.of(1, "retired", 2, "rejected", 3, "production"));

    Launched check = retrain("lake.ml_test.steady", "--evaluate-only");
    assertThat(check.code()).as(check.all()).isEqualTo(ExitCode.OK);
    assertThat(check.out()).contains("ROLLED BACK: v3 -> v1");
    assertThat(statuses(spark)).isEqualTo(Map.of(1, "production", 2, "rejected", 3, "rolled back"));
    assertThat(
            spark
                .sql("SELECT reason FROM lake.ml_registry_test.model_versions WHERE version = 1")
                .first()
                .getString(0))
        .startsWith("rolled back to: v3 degraded");
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM lake.ml_registry_test.model_evaluations"
                        + " WHERE purpose = 'rollback check'")
                .first()
                .getLong(0))
        .isEqualTo(1);
    assertThat(dir.resolve("models/purchase-propensity/v3/metadata")).isDirectory();
    assertThat(
            spark
                .sql(
                    "SELECT source_table, source_snapshot IS NOT NULL, train_rows > 0"
                        + " FROM lake.ml_registry_test.model_versions WHERE version = 3")
                .first()
                .toString())
        .isEqualTo("[lake.ml_test.alternate,true,true]");
  }
}
