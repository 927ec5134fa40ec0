package dev.lakeforge.gpu;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.SparkSettings;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code gpu:} section of a job config: run the job's SQL on GPUs with the RAPIDS Accelerator,
 * or on the CPU, with one log line saying why, where no GPU (or no RAPIDS jar) is found.
 *
 * <pre>{@code
 * gpu:
 *   preset: gpu-k8s          # or gpu-local; settings below override the preset
 *   tasksPerGpu: 4
 *   concurrentGpuTasks: 2
 * }</pre>
 *
 * @param enabled whether the job asks for the GPU (default: true when a preset is named)
 * @param preset {@code gpu-local} or {@code gpu-k8s} (default: {@code gpu-local} for a local
 *     master, {@code gpu-k8s} for any other)
 * @param executorGpus GPUs per executor (default 1, or {@code spark.kubernetes.executorGpus})
 * @param tasksPerGpu tasks scheduled per GPU; {@code spark.task.resource.gpu.amount} is its inverse
 *     (default 4, or {@code spark.kubernetes.executorCores})
 * @param concurrentGpuTasks tasks on one GPU at the same time (default 2)
 * @param pinnedPoolSize host memory pinned for transfers, e.g. {@code 2g} (default 1g local, 2g
 *     cluster)
 * @param shuffle {@code spark}, {@code multithreaded} (default on a cluster) or {@code ucx}
 * @param explain what RAPIDS logs about its plan: {@code none}, {@code not_on_gpu} (default) or
 *     {@code all}
 * @param incompatibleOps let operations whose GPU results may differ slightly from Spark's run on
 *     the GPU (default false)
 * @param discoveryScript the script executors run to find their GPUs, a path on the executor
 *     (default: the jobs image's {@code /opt/lakeforge/bin/gpu-discovery.sh})
 * @param vendor the GPU resource's vendor on Kubernetes (default {@code nvidia.com})
 * @param required fail (exit 2) instead of running on the CPU when no GPU is found; {@code
 *     --require-gpu} sets it
 * @param nvidiaSmi the {@code nvidia-smi} a local run asks for GPUs (default: the one on the PATH)
 */
public record GpuSettings(
    Boolean enabled,
    String preset,
    Integer executorGpus,
    Integer tasksPerGpu,
    Integer concurrentGpuTasks,
    String pinnedPoolSize,
    String shuffle,
    String explain,
    Boolean incompatibleOps,
    String discoveryScript,
    String vendor,
    Boolean required,
    String nvidiaSmi) {

  private static final Set<String> PRESETS = Set.of("gpu-local", "gpu-k8s");

  public GpuSettings {
    require(
        preset == null || PRESETS.contains(preset),
        "preset",
        "expected gpu-local or gpu-k8s, got '" + preset + "'");
    require(
        executorGpus == null || executorGpus >= 1,
        "executorGpus",
        "must be at least 1, got " + executorGpus);
    require(
        tasksPerGpu == null || tasksPerGpu >= 1,
        "tasksPerGpu",
        "must be at least 1, got " + tasksPerGpu);
    require(
        concurrentGpuTasks == null || concurrentGpuTasks >= 1,
        "concurrentGpuTasks",
        "must be at least 1, got " + concurrentGpuTasks);
    require(
        pinnedPoolSize == null || pinnedPoolSize.matches("(?i)\\d+[kmgt]?b?"),
        "pinnedPoolSize",
        "expected a size such as 512m or 2g, got '" + pinnedPoolSize + "'");
    require(
        shuffle == null || enumValue(RapidsConf.Shuffle.class, shuffle) != null,
        "shuffle",
        "expected spark, multithreaded or ucx, got '" + shuffle + "'");
    require(
        explain == null || enumValue(RapidsConf.Explain.class, explain) != null,
        "explain",
        "expected none, not_on_gpu or all, got '" + explain + "'");
    enabled = enabled != null ? enabled : preset != null;
    required = required != null && required;
  }

  /** Whether the job asks for the GPU. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Whether a run without a GPU must fail rather than fall back to the CPU. */
  public boolean isRequired() {
    return required;
  }

  /**
   * The RAPIDS settings: the preset (named, or chosen by the master), with this section's choices
   * and the executor size of {@code spark.kubernetes} where this section leaves them out.
   */
  public RapidsConf toRapidsConf(SparkSettings spark) {
    String master = spark.effectiveMaster();
    String name =
        preset != null
            ? preset
            : master == null || master.startsWith("local") ? "gpu-local" : "gpu-k8s";
    RapidsConf conf = RapidsConf.preset(name);
    SparkSettings.Kubernetes k8s = spark.kubernetes();
    Integer gpus = executorGpus != null ? executorGpus : k8s == null ? null : k8s.executorGpus();
    if (gpus != null && gpus > 0 && conf.isCluster()) {
      conf = conf.executorGpus(gpus);
    }
    Integer tasks = tasksPerGpu != null ? tasksPerGpu : k8s == null ? null : k8s.executorCores();
    if (tasks != null) {
      conf = conf.tasksPerGpu(tasks);
    }
    if (concurrentGpuTasks != null) {
      conf = conf.concurrentGpuTasks(concurrentGpuTasks);
    }
    if (pinnedPoolSize != null) {
      conf = conf.pinnedPoolSize(pinnedPoolSize);
    }
    if (shuffle != null) {
      conf = conf.shuffle(enumValue(RapidsConf.Shuffle.class, shuffle));
    }
    if (explain != null) {
      conf = conf.explain(enumValue(RapidsConf.Explain.class, explain));
    }
    if (incompatibleOps != null) {
      conf = conf.incompatibleOps(incompatibleOps);
    }
    if (discoveryScript != null) {
      conf = conf.discoveryScript(discoveryScript);
    }
    String gpuVendor = vendor != null ? vendor : k8s == null ? null : k8s.gpuVendor();
    if (gpuVendor != null) {
      conf = conf.vendor(gpuVendor);
    }
    return conf;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String text) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
