package dev.lakeforge.gpu;

import dev.lakeforge.core.ErrorKind;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Spark settings that put a session's SQL on the GPU with the RAPIDS Accelerator, built from a
 * preset and a few choices. Immutable: each method returns a new {@code RapidsConf}.
 *
 * <pre>{@code
 * Map<String, String> conf = RapidsConf.preset("gpu-k8s").tasksPerGpu(4).toSparkConf();
 * SparkSession.Builder builder = SparkSession.builder();   // with the RAPIDS jar deployed
 * conf.forEach(builder::config);
 * }</pre>
 *
 * <p>{@code gpu-local}: one machine with a GPU, local Spark (no executor resources; two tasks share
 * the GPU, a 1 GB pinned pool). {@code gpu-k8s}: executors with one GPU each, found by the
 * discovery script in the jobs image, 4 tasks per GPU, 2 of them on the GPU at once, a 2 GB pinned
 * pool and RAPIDS' multithreaded shuffle. docs/gpu.md lists every key.
 */
public final class RapidsConf {
  /** Where the jobs image holds the discovery script. */
  public static final String IMAGE_DISCOVERY_SCRIPT = "/opt/lakeforge/bin/gpu-discovery.sh";

  /** Spark 4.0's RAPIDS shuffle manager. */
  static final String SHUFFLE_MANAGER = "com.nvidia.spark.rapids.spark400.RapidsShuffleManager";

  /** How shuffle data moves between GPU executors. */
  public enum Shuffle {
    /** Spark's own shuffle (the only choice for local Spark). */
    SPARK,
    /** RAPIDS' shuffle manager in multithreaded mode: no extra library, faster compression. */
    MULTITHREADED,
    /** RAPIDS' shuffle manager over UCX: GPU to GPU, needs UCX on the nodes. */
    UCX
  }

  /** What RAPIDS logs about its plan: nothing, the parts not on the GPU, or all of it. */
  public enum Explain {
    NONE,
    NOT_ON_GPU,
    ALL
  }

  private final boolean cluster;
  private final int executorGpus;
  private final int tasksPerGpu;
  private final int concurrentGpuTasks;
  private final String pinnedPoolSize;
  private final Shuffle shuffle;
  private final Explain explain;
  private final boolean incompatibleOps;
  private final String discoveryScript;
  private final String vendor;

  private RapidsConf(
      boolean cluster,
      int executorGpus,
      int tasksPerGpu,
      int concurrentGpuTasks,
      String pinnedPoolSize,
      Shuffle shuffle,
      Explain explain,
      boolean incompatibleOps,
      String discoveryScript,
      String vendor) {
    this.cluster = cluster;
    this.executorGpus = executorGpus;
    this.tasksPerGpu = tasksPerGpu;
    this.concurrentGpuTasks = concurrentGpuTasks;
    this.pinnedPoolSize = pinnedPoolSize;
    this.shuffle = shuffle;
    this.explain = explain;
    this.incompatibleOps = incompatibleOps;
    this.discoveryScript = discoveryScript;
    this.vendor = vendor;
  }

  /** Local Spark on a machine with a GPU. */
  public static RapidsConf gpuLocal() {
    return new RapidsConf(
        false, 1, 1, 2, "1g", Shuffle.SPARK, Explain.NOT_ON_GPU, false, null, "nvidia.com");
  }

  /** Executors with GPUs on Kubernetes (or any cluster manager that schedules GPUs). */
  public static RapidsConf gpuK8s() {
    return new RapidsConf(
        true,
        1,
        4,
        2,
        "2g",
        Shuffle.MULTITHREADED,
        Explain.NOT_ON_GPU,
        false,
        IMAGE_DISCOVERY_SCRIPT,
        "nvidia.com");
  }

  /**
   * A preset by name: {@code gpu-local} or {@code gpu-k8s}.
   *
   * @throws GpuException {@code USAGE} naming the presets for any other name
   */
  public static RapidsConf preset(String name) {
    return switch (name) {
      case "gpu-local" -> gpuLocal();
      case "gpu-k8s" -> gpuK8s();
      default ->
          throw new GpuException(
              ErrorKind.USAGE, "unknown GPU preset '" + name + "': expected gpu-local or gpu-k8s");
    };
  }

  /** GPUs each executor asks for ({@code spark.executor.resource.gpu.amount}); cluster only. */
  public RapidsConf executorGpus(int gpus) {
    require(gpus >= 1, "executorGpus must be at least 1, got " + gpus);
    return new RapidsConf(
        cluster,
        gpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        explain,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /**
   * Tasks scheduled per GPU: {@code spark.task.resource.gpu.amount} is its inverse. Match it to the
   * executor's cores, so that every core gets work.
   */
  public RapidsConf tasksPerGpu(int tasks) {
    require(tasks >= 1, "tasksPerGpu must be at least 1, got " + tasks);
    return new RapidsConf(
        cluster,
        executorGpus,
        tasks,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        explain,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /** Tasks on one GPU at the same time ({@code spark.rapids.sql.concurrentGpuTasks}). */
  public RapidsConf concurrentGpuTasks(int tasks) {
    require(tasks >= 1, "concurrentGpuTasks must be at least 1, got " + tasks);
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        tasks,
        pinnedPoolSize,
        shuffle,
        explain,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /** Host memory pinned for transfers to the GPU, e.g. {@code 2g}; {@code 0} turns it off. */
  public RapidsConf pinnedPoolSize(String size) {
    require(
        size.matches("(?i)\\d+[kmgt]?b?"),
        "pinnedPoolSize: expected a size such as 2g, got " + size);
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        size,
        shuffle,
        explain,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /** The shuffle between GPU executors. */
  public RapidsConf shuffle(Shuffle mode) {
    require(
        cluster || mode == Shuffle.SPARK,
        "local Spark has one executor: the RAPIDS shuffle ("
            + mode
            + ") needs a cluster (gpu-k8s)");
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        mode,
        explain,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /** What RAPIDS logs about the plan ({@code spark.rapids.sql.explain}). */
  public RapidsConf explain(Explain level) {
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        level,
        incompatibleOps,
        discoveryScript,
        vendor);
  }

  /**
   * Whether operations whose GPU result may differ slightly from Spark's (some float aggregations,
   * date formats) run on the GPU ({@code spark.rapids.sql.incompatibleOps.enabled}). Off by
   * default: results then equal the CPU's.
   */
  public RapidsConf incompatibleOps(boolean allowed) {
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        explain,
        allowed,
        discoveryScript,
        vendor);
  }

  /**
   * The script each executor runs to find its GPUs, a path on the executor's file system; cluster
   * only.
   */
  public RapidsConf discoveryScript(String path) {
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        explain,
        incompatibleOps,
        path,
        vendor);
  }

  /** The GPU resource's vendor on Kubernetes, {@code nvidia.com} by default. */
  public RapidsConf vendor(String name) {
    return new RapidsConf(
        cluster,
        executorGpus,
        tasksPerGpu,
        concurrentGpuTasks,
        pinnedPoolSize,
        shuffle,
        explain,
        incompatibleOps,
        discoveryScript,
        name);
  }

  /** Whether the settings are for executors on a cluster ({@code gpu-k8s}) rather than local. */
  public boolean isCluster() {
    return cluster;
  }

  /** GPUs per executor (1 for local Spark). */
  public int executorGpus() {
    return executorGpus;
  }

  /** The Spark settings, in the order docs/gpu.md lists them. */
  public Map<String, String> toSparkConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.plugins", Rapids.PLUGIN);
    conf.put("spark.rapids.sql.enabled", "true");
    if (cluster) {
      conf.put("spark.executor.resource.gpu.amount", Integer.toString(executorGpus));
      conf.put("spark.executor.resource.gpu.vendor", vendor);
      if (discoveryScript != null) {
        conf.put("spark.executor.resource.gpu.discoveryScript", discoveryScript);
      }
      conf.put("spark.task.resource.gpu.amount", taskAmount());
    }
    conf.put("spark.rapids.sql.concurrentGpuTasks", Integer.toString(concurrentGpuTasks));
    conf.put("spark.rapids.memory.pinnedPool.size", pinnedPoolSize);
    if (shuffle != Shuffle.SPARK) {
      conf.put("spark.shuffle.manager", SHUFFLE_MANAGER);
      conf.put("spark.rapids.shuffle.mode", shuffle.name());
    }
    conf.put("spark.rapids.sql.explain", explain.name());
    conf.put("spark.rapids.sql.incompatibleOps.enabled", Boolean.toString(incompatibleOps));
    return conf;
  }

  /** 1 / tasks per GPU, written as Spark reads it (at most 4 decimals: 0.25, 0.3333). */
  private String taskAmount() {
    double amount = 1.0 / tasksPerGpu;
    String s = String.format(Locale.ROOT, "%.4f", amount).replaceAll("0+$", "");
    return s.endsWith(".") ? s + "0" : s;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new GpuException(ErrorKind.USAGE, problem);
    }
  }

  @Override
  public String toString() {
    return "RapidsConf" + toSparkConf();
  }
}
