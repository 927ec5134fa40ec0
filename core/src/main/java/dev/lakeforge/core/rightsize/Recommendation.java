package dev.lakeforge.core.rightsize;

import dev.lakeforge.core.Units;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The calculator's answer, with the reasoning that led to it.
 *
 * @param executors executors to start
 * @param coresPerExecutor {@code spark.executor.cores}
 * @param executorMemoryBytes {@code spark.executor.memory}
 * @param memoryOverheadBytes {@code spark.executor.memoryOverhead}
 * @param gpusPerExecutor {@code spark.executor.resource.gpu.amount} (0 on CPU nodes)
 * @param nodes nodes the executors fill
 * @param inputPartitions input partitions at the target size
 * @param shufflePartitions {@code spark.sql.shuffle.partitions}
 * @param minExecutors dynamic allocation lower bound
 * @param maxExecutors dynamic allocation upper bound
 * @param partitionBytes {@code spark.sql.files.maxPartitionBytes}
 * @param estimatedSeconds estimated run time at the recommended size
 * @param reasoning each step, with its numbers
 */
public record Recommendation(
    int executors,
    int coresPerExecutor,
    long executorMemoryBytes,
    long memoryOverheadBytes,
    int gpusPerExecutor,
    int nodes,
    long inputPartitions,
    long shufflePartitions,
    int minExecutors,
    int maxExecutors,
    long partitionBytes,
    double estimatedSeconds,
    List<String> reasoning) {

  /** The Spark settings to use. */
  public Map<String, String> sparkConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.executor.instances", Integer.toString(executors));
    c.put("spark.executor.cores", Integer.toString(coresPerExecutor));
    c.put("spark.executor.memory", Units.sparkSize(executorMemoryBytes));
    c.put("spark.executor.memoryOverhead", Units.sparkSize(memoryOverheadBytes));
    c.put("spark.sql.shuffle.partitions", Long.toString(shufflePartitions));
    c.put("spark.sql.files.maxPartitionBytes", Units.sparkSize(partitionBytes));
    c.put("spark.dynamicAllocation.enabled", "true");
    c.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
    c.put("spark.dynamicAllocation.minExecutors", Integer.toString(minExecutors));
    c.put("spark.dynamicAllocation.initialExecutors", Integer.toString(executors));
    c.put("spark.dynamicAllocation.maxExecutors", Integer.toString(maxExecutors));
    if (gpusPerExecutor > 0) {
      c.put("spark.executor.resource.gpu.amount", Integer.toString(gpusPerExecutor));
      c.put(
          "spark.task.resource.gpu.amount",
          String.format(Locale.ROOT, "%.4f", 1.0 / coresPerExecutor));
      c.put("spark.rapids.sql.concurrentGpuTasks", "2");
    }
    return c;
  }

  /** The recommendation and its reasoning, as the rightsize job prints it. */
  public String render() {
    StringBuilder sb = new StringBuilder("Reasoning:\n");
    for (int i = 0; i < reasoning.size(); i++) {
      sb.append("  ").append(i + 1).append(". ").append(reasoning.get(i)).append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "Recommendation: %d executors x %d cores, %s heap + %s overhead%s on %d node(s);"
                + " about %.0f min%n",
            executors,
            coresPerExecutor,
            Units.human(executorMemoryBytes),
            Units.human(memoryOverheadBytes),
            gpusPerExecutor > 0 ? ", " + gpusPerExecutor + " GPU" : "",
            nodes,
            estimatedSeconds / 60));
    sb.append("Spark settings:\n");
    sparkConf()
        .forEach((k, v) -> sb.append("  --conf ").append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }
}
