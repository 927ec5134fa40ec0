package dev.lakeforge.testing;

import dev.lakeforge.gpu.GpuPlan;
import dev.lakeforge.gpu.GpuPlanReport;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Assertions on where the RAPIDS Accelerator would run a DataFrame, on any machine (no GPU needed,
 * the RAPIDS jar on the test classpath). A failure lists every fallback with its reason.
 *
 * <pre>{@code
 * GpuPlanAssert.assertThat(features(spark)).runsFullyOnGpu();
 * GpuPlanAssert.assertThat(report(spark)).hasCoverageAtLeast(0.95);
 * }</pre>
 */
public final class GpuPlanAssert {
  private final GpuPlanReport report;

  private GpuPlanAssert(GpuPlanReport report) {
    this.report = report;
  }

  /** Plans the DataFrame for the GPU (nothing runs). */
  public static GpuPlanAssert assertThat(Dataset<Row> actual) {
    return new GpuPlanAssert(GpuPlan.explain(actual));
  }

  /** Asserts on a report already made. */
  public static GpuPlanAssert assertThat(GpuPlanReport report) {
    return new GpuPlanAssert(report);
  }

  /** Every operator and expression runs on the GPU: no fallback, nothing through the CPU bridge. */
  public GpuPlanAssert runsFullyOnGpu() {
    if (!report.runsFullyOnGpu()) {
      throw new AssertionError("expected the plan to run fully on the GPU, but " + explain());
    }
    return this;
  }

  /** At least this share of the plan's operators runs on the GPU. */
  public GpuPlanAssert hasCoverageAtLeast(double share) {
    if (report.coverage() < share) {
      throw new AssertionError(
          String.format(
              Locale.ROOT,
              "expected at least %.1f%% of the operators on the GPU, but %s",
              100 * share,
              explain()));
    }
    return this;
  }

  /** The report, for assertions of its own. */
  public GpuPlanReport report() {
    return report;
  }

  private String explain() {
    return report.summary()
        + ":\n"
        + report.fallbackList()
        + "RAPIDS explain:\n"
        + report.explainText();
  }
}
