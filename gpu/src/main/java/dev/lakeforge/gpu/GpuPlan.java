package dev.lakeforge.gpu;

import com.nvidia.spark.rapids.ExplainPlan;
import dev.lakeforge.core.ErrorKind;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The GPU plan report of a DataFrame, on any machine: what the RAPIDS Accelerator would run on the
 * GPU and what would stay on the CPU, and why. It needs the RAPIDS jar on the driver's classpath,
 * but no GPU and no plugin: the plan is only planned, never run.
 *
 * <pre>{@code
 * GpuPlanReport report = GpuPlan.explain(spark.table("sales.orders").groupBy("region").count());
 * System.out.println(report.render());   // coverage, fallbacks with reasons, RAPIDS' explain
 * }</pre>
 *
 * <p>RAPIDS settings on the session are honoured: with {@code
 * spark.rapids.sql.incompatibleDateFormats.enabled=true} a date format RAPIDS calls incompatible
 * shows on the GPU, as it would run.
 */
public final class GpuPlan {
  private GpuPlan() {}

  /** Whether the RAPIDS jar is on this JVM's classpath, so that {@link #explain} can run. */
  public static boolean isAvailable() {
    return Rapids.onClasspath();
  }

  /**
   * Plans the DataFrame for the GPU and parses RAPIDS' verdict on every node.
   *
   * @throws GpuException {@code USAGE} when the RAPIDS jar is not on the classpath, or the
   *     DataFrame belongs to a Spark Connect session (the plan lives on the server: run the {@code
   *     gpu-plan} job there)
   */
  public static GpuPlanReport explain(Dataset<Row> df) {
    Rapids.requireOnClasspath("the GPU plan report");
    if (!(df.sparkSession() instanceof org.apache.spark.sql.classic.SparkSession)) {
      throw new GpuException(
          ErrorKind.USAGE,
          "the GPU plan report reads the physical plan, which a Spark Connect client does not have:"
              + " run the gpu-plan job (or GpuPlan.explain) where the session runs");
    }
    String text;
    try {
      text = ExplainPlan.explainPotentialGpuPlan(df, "ALL");
    } catch (RuntimeException | LinkageError e) {
      throw new GpuException(ErrorKind.VALIDATION, cannotPlan(df, e), e);
    }
    return GpuPlanReport.parse(text);
  }

  /** Why RAPIDS failed to plan the query, from its deepest cause, with what to do where known. */
  static String cannotPlan(Dataset<Row> df, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String cause = root.getClass().getSimpleName() + ": " + root.getMessage();
    String message = "the RAPIDS Accelerator cannot plan this query (" + cause + ")";
    if (root instanceof ClassNotFoundException
        && String.valueOf(root.getMessage()).contains(".iceberg.")) {
      message +=
          ": RAPIDS 26.08.1 has no provider for this Iceberg version on Spark "
              + df.sparkSession().version()
              + ", and needs one for every Iceberg scan and every StaticInvoke expression (Dataset"
              + " encoders among them) while Iceberg is on the classpath; with"
              + " iceberg-spark-runtime 1.10.1 both plan (docs/gpu.md, Iceberg)";
    }
    return message;
  }
}
