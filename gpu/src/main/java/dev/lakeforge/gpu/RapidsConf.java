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

  // Set once, by a factory or on a fresh copy in a method below: never changed after it returns.
  private final boolean cluster;
  private int executorGpus = 1;
  private int tasksPerGpu;
  private int concurrentGpuTasks = 2;
  private String pinnedPoolSize;
  private Shuffle shuffle;
  private Explain explain = Explain.NOT_ON_GPU;
  private boolean incompatibleOps;
  private String discoveryScript;
  private String vendor = "nvidia.com";

  private RapidsConf(boolean cluster) {
    this.cluster = cluster;
  }

  private RapidsConf copy() {
    RapidsConf c = new RapidsConf(cluster);
    c.executorGpus = executorGpus;
    c.tasksPerGpu = tasksPerGpu;
    c.concurrentGpuTasks = concurrentGpuTasks;
    c.pinnedPoolSize = pinnedPoolSize;
    c.shuffle = shuffle;
    c.explain = explain;
    c.incompatibleOps = incompatibleOps;
    c.discoveryScript = discoveryScript;
    c.vendor = vendor;
    return c;
  }

  /** Local Spark on a machine with a GPU. */
  public static RapidsConf gpuLocal() {
    RapidsConf c = new RapidsConf(false);
    c.tasksPerGpu = 1;
    c.pinnedPoolSize = "1g";
    c.shuffle = Shuffle.SPARK;
    return c;
  }

  /** Executors with GPUs on Kubernetes (or any cluster manager that schedules GPUs). */
  public static RapidsConf gpuK8s() {
    RapidsConf c = new RapidsConf(true);
    c.tasksPerGpu = 4;
    c.pinnedPoolSize = "2g";
    c.shuffle = Shuffle.MULTITHREADED;
    c.discoveryScript = IMAGE_DISCOVERY_SCRIPT;
    return c;
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
    RapidsConf c = copy();
    c.executorGpus = gpus;
    return c;
  }

  /**
   * Tasks scheduled per GPU: {@code spark.task.resource.gpu.amount} is its inverse. Match it to the
   * executor's cores, so that every core gets work.
   */
  public RapidsConf tasksPerGpu(int tasks) {
    require(tasks >= 1, "tasksPerGpu must be at least 1, got " + tasks);
    RapidsConf c = copy();
    c.tasksPerGpu = tasks;
    return c;
  }

  /** Tasks on one GPU at the same time ({@code spark.rapids.sql.concurrentGpuTasks}). */
  public RapidsConf concurrentGpuTasks(int tasks) {
    require(tasks >= 1, "concurrentGpuTasks must be at least 1, got " + tasks);
    RapidsConf c = copy();
    c.concurrentGpuTasks = tasks;
    return c;
  }

  /** Host memory pinned for transfers to the GPU, e.g. {@code 2g}; {@code 0} turns it off. */
  public RapidsConf pinnedPoolSize(String size) {
    require(
        size.matches("(?i)\\d+[kmgt]?b?"),
        "pinnedPoolSize: expected a size such as 2g, got " + size);
    RapidsConf c = copy();
    c.pinnedPoolSize = size;
    return c;
  }

  /** The shuffle between GPU executors. */
  public RapidsConf shuffle(Shuffle mode) {
    require(
        cluster || mode == Shuffle.SPARK,
        "local Spark has one executor: the RAPIDS shuffle ("
            + mode
            + ") needs a cluster (gpu-k8s)");
    RapidsConf c = copy();
    c.shuffle = mode;
    return c;
  }

  /** What RAPIDS logs about the plan ({@code spark.rapids.sql.explain}). */
  public RapidsConf explain(Explain level) {
    RapidsConf c = copy();
    c.explain = level;
    return c;
  }

  /**
   * Whether operations whose GPU result may differ slightly from Spark's (some float aggregations,
   * date formats) run on the GPU ({@code spark.rapids.sql.incompatibleOps.enabled}). Off by
   * default: results then equal the CPU's.
   */
  public RapidsConf incompatibleOps(boolean allowed) {
    RapidsConf c = copy();
    c.incompatibleOps = allowed;
    return c;
  }

  /**
   * The script each executor runs to find its GPUs, a path on the executor's file system; cluster
   * only.
   */
  public RapidsConf discoveryScript(String path) {
    RapidsConf c = copy();
    c.discoveryScript = path;
    return c;
  }

  /** The GPU resource's vendor on Kubernetes, {@code nvidia.com} by default. */
  public RapidsConf vendor(String name) {
    RapidsConf c = copy();
    c.vendor = name;
    return c;
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
