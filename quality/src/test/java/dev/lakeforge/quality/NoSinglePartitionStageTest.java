package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What users run on large data scales out: the physical plans of a quality suite, the profiler and
 * the row-level split never move rows or groups into one partition (a single partition only ever
 * receives partial aggregates), so their work follows the input's partitions.
 */
@SparkTest
class NoSinglePartitionStageTest {
  private static Dataset<Row> orders;

  @BeforeAll
  static void data(SparkSession spark) {
    orders =
        spark
            .range(0, 5000, 1, 4)
            .selectExpr(
                "id",
                "CASE WHEN id % 9 = 0 THEN NULL ELSE id % 300 END AS customer",
                "element_at(array('NEW', 'PAID', 'LOST'), CAST(id % 3 + 1 AS INT)) AS status",
                "CAST(id % 500 AS DOUBLE) - 5 AS amount",
                "concat('u', CAST(id % 40 AS STRING), '@example.com') AS email");
  }

  private static Check suite() {
    return Check.error("orders")
        .isComplete("id")
        .isUnique("id")
        .hasCompleteness("customer", c -> c >= 0.8)
        .isContainedIn("status", "NEW", "PAID")
        .isNonNegative("amount")
        .containsEmail("email")
        .hasEntropy("status", e -> e > 0)
        .hasDistinctness(List.of("customer", "status"), d -> d > 0)
        .hasApproxQuantile("amount", 0.5, q -> q > 0);
  }

  @Test
  void aSuiteWithScanAndGroupingConstraints(SparkSession spark) {
    List<SparkPlan> plans =
        ExecutedPlans.of(spark, () -> Verification.onData(orders).addCheck(suite()).run());
    assertThat(plans).isNotEmpty();
    ExecutedPlans.assertNoRowsInOnePartition(plans);
  }

  @Test
  void theProfiler(SparkSession spark) {
    List<SparkPlan> plans = ExecutedPlans.of(spark, () -> ColumnProfiler.onData(orders).run());
    assertThat(plans).isNotEmpty();
    ExecutedPlans.assertNoRowsInOnePartition(plans);
  }

  @Test
  void theRowLevelSplitWrittenOut(SparkSession spark, TestWarehouse w) {
    List<SparkPlan> plans =
        ExecutedPlans.of(
            spark,
            () ->
                Verification.onData(orders)
                    .addCheck(suite())
                    .split()
                    .write(
                        w.resolve("split-good").toString(),
                        w.resolve("split-bad").toString(),
                        "parquet"));
    assertThat(plans).isNotEmpty();
    ExecutedPlans.assertNoRowsInOnePartition(plans);
  }
}
