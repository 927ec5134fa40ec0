package dev.lakeforge.gpu;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.SessionContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code gpu:} from a job config: the RAPIDS settings when the GPU can be used, else none, so
 * that the job runs on the CPU with the same results. The reason for running on the CPU travels in
 * {@link Sessions#GPU_FALLBACK_KEY}: the launcher logs it once and writes it in the run report.
 * With {@code gpu.required} ({@code --require-gpu}) no GPU is an error instead (exit 2).
 *
 * <p>A local run needs the RAPIDS jar on the classpath and a GPU {@code nvidia-smi} lists. A
 * cluster run needs the jar on the driver; the executors find their GPUs with the discovery script.
 */
public final class GpuContributor implements SessionContributor {
  @Override
  public String section() {
    return "gpu";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return GpuSettings.class;
  }

  @Override
  public Map<String, String> sparkConf(Config config) {
    if (!config.has("gpu")) {
      return Map.of();
    }
    GpuSettings gpu = config.bind("gpu", GpuSettings.class);
    if (!gpu.isEnabled()) {
      if (gpu.isRequired()) {
        throw config.errorAt(
            "gpu",
            "--require-gpu, but the config does not ask for the GPU: set gpu.preset (gpu-local or"
                + " gpu-k8s) or gpu.enabled: true");
      }
      return Map.of();
    }
    SparkSettings spark = config.bind("spark", SparkSettings.class);
    RapidsConf rapids;
    try {
      rapids = gpu.toRapidsConf(spark);
    } catch (GpuException e) {
      throw config.errorAt("gpu", e.getMessage());
    }
    String problem = problem(rapids, gpu.nvidiaSmi());
    if (problem == null) {
      return rapids.toSparkConf();
    }
    if (gpu.isRequired()) {
      throw new GpuException(
          ErrorKind.USAGE, "the GPU is required (--require-gpu or gpu.required), but " + problem);
    }
    Map<String, String> cpu = new LinkedHashMap<>();
    cpu.put(Sessions.GPU_FALLBACK_KEY, problem);
    return cpu;
  }

  /** Why the GPU cannot be used, or null when it can. */
  static String problem(RapidsConf rapids, String nvidiaSmi) {
    if (!Rapids.onClasspath()) {
      return "the RAPIDS Accelerator jar ("
          + Rapids.ARTIFACT
          + ") is not on the classpath: add it with spark-submit --jars, or use the GPU image";
    }
    if (rapids.isCluster()) {
      return null; // the executors' discovery script finds their GPUs
    }
    LocalGpus gpus = LocalGpus.find(nvidiaSmi);
    return gpus.problem() == null ? null : "no GPU on this machine: " + gpus.problem();
  }
}
