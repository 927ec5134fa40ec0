package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The GPU plan report on the jobs' classpath, which holds Iceberg 1.11: RAPIDS 26.08.1 on Spark
 * 4.0.0 cannot plan an Iceberg scan there, and the report says so in one line; other plans report.
 */
@SparkTest
class GpuPlanWithIcebergTest {
  @Test
  void icebergScanCannotBePlannedAndTheReportSaysWhy(SparkSession spark) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.gpu");
    spark.sql("CREATE TABLE IF NOT EXISTS lake.gpu.events (id BIGINT) USING iceberg");

    Launched run = Launched.run("gpu-plan", "--table", "lake.gpu.events");

    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("the RAPIDS Accelerator cannot plan this query")
        .contains("IcebergProviderImpl")
        .contains("with iceberg-spark-runtime 1.10.1 both plan")
        .doesNotContain("\tat ");
  }

  @Test
  void aQueryWithoutIcebergIsReported() {
    Launched run =
        Launched.run(
            "gpu-plan",
            "--query",
            "SELECT id % 3 AS k, count(*) FROM range(100) GROUP BY 1",
            "--min-coverage",
            "1");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("operators on the GPU (100.0%), 0 fallbacks");
  }
}
