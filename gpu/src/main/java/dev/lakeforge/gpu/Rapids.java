package dev.lakeforge.gpu;

import dev.lakeforge.core.ErrorKind;

/** Facts about the RAPIDS Accelerator this JVM can see. */
final class Rapids {
  /** The Spark plugin that puts SQL on the GPU. */
  static final String PLUGIN = "com.nvidia.spark.SQLPlugin";

  /** The jar that is deployed beside the jobs jar. */
  static final String ARTIFACT = "com.nvidia:rapids-4-spark_2.13:26.08.1";

  private static final String PROBE = "com.nvidia.spark.rapids.ExplainPlan";

  private Rapids() {}

  /** Whether the RAPIDS jar is on this JVM's classpath. */
  static boolean onClasspath() {
    try {
      Class.forName(PROBE, false, Rapids.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static void requireOnClasspath(String what) {
    if (!onClasspath()) {
      throw new GpuException(
          ErrorKind.USAGE,
          what
              + " needs the RAPIDS Accelerator jar ("
              + ARTIFACT
              + ") on the classpath: add it with spark-submit --jars, or put it in the image's"
              + " jars folder");
    }
  }
}
