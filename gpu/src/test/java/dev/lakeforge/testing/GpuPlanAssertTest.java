package dev.lakeforge.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class GpuPlanAssertTest {
  @Test
  void supportedPlanPasses(SparkSession spark) {
    Dataset<Row> totals = spark.range(100).selectExpr("id % 3 AS k", "id").groupBy("k").sum("id");

    GpuPlanAssert.assertThat(totals).runsFullyOnGpu().hasCoverageAtLeast(1.0);
  }

  @Test
  void failureListsTheFallbacksWithTheirReasons(SparkSession spark) {
    Dataset<Row> json = spark.range(10).selectExpr("to_json(named_struct('id', id)) AS doc");

    assertThatThrownBy(() -> GpuPlanAssert.assertThat(json).runsFullyOnGpu())
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "expected the plan to run fully on the GPU, but 1 of 2 operators on the GPU (50.0%),"
                + " 2 fallbacks:\n  line 1: cannot run: ProjectExec: not all expressions can be"
                + " replaced")
        .hasMessageContaining("Set spark.rapids.sql.expression.StructsToJson to true");
    assertThatThrownBy(() -> GpuPlanAssert.assertThat(json).hasCoverageAtLeast(0.9))
        .hasMessageStartingWith("expected at least 90.0% of the operators on the GPU, but 1 of 2");
    GpuPlanAssert.assertThat(json).hasCoverageAtLeast(0.5);
  }

  @Test
  void cpuBridgeIsNotFullyOnTheGpu(SparkSession spark) {
    Dataset<Row> regex = spark.range(10).selectExpr("CAST(id AS STRING) RLIKE '(?<=1)2' AS m");

    GpuPlanAssert.assertThat(regex).hasCoverageAtLeast(1.0);
    assertThatThrownBy(() -> GpuPlanAssert.assertThat(regex).runsFullyOnGpu())
        .hasMessageContaining("cpu bridge: RLike RLIKE(cast(id#")
        .hasMessageContaining("Positive lookbehind groups are not supported");
  }
}
