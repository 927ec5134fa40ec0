package dev.lakeforge.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RAPIDS settings each preset and choice stands for, key by key, as docs/gpu.md lists them. */
class GpuConfigTest {
  @TempDir Path dir;

  @Test
  void gpuK8sPresetIsExactlyTheDocumentedConf() {
    assertThat(RapidsConf.preset("gpu-k8s").toSparkConf())
        .containsExactly(
            entry("spark.plugins", "com.nvidia.spark.SQLPlugin"),
            entry("spark.rapids.sql.enabled", "true"),
            entry("spark.executor.resource.gpu.amount", "1"),
            entry("spark.executor.resource.gpu.vendor", "nvidia.com"),
            entry(
                "spark.executor.resource.gpu.discoveryScript",
                "/opt/lakeforge/bin/gpu-discovery.sh"),
            entry("spark.task.resource.gpu.amount", "0.25"),
            entry("spark.rapids.sql.concurrentGpuTasks", "2"),
            entry("spark.rapids.memory.pinnedPool.size", "2g"),
            entry("spark.shuffle.manager", "com.nvidia.spark.rapids.spark400.RapidsShuffleManager"),
            entry("spark.rapids.shuffle.mode", "MULTITHREADED"),
            entry("spark.rapids.sql.explain", "NOT_ON_GPU"),
            entry("spark.rapids.sql.incompatibleOps.enabled", "false"));
  }

  @Test
  void gpuLocalPresetSchedulesNoResources() {
    assertThat(RapidsConf.preset("gpu-local").toSparkConf())
        .containsExactly(
            entry("spark.plugins", "com.nvidia.spark.SQLPlugin"),
            entry("spark.rapids.sql.enabled", "true"),
            entry("spark.rapids.sql.concurrentGpuTasks", "2"),
            entry("spark.rapids.memory.pinnedPool.size", "1g"),
            entry("spark.rapids.sql.explain", "NOT_ON_GPU"),
            entry("spark.rapids.sql.incompatibleOps.enabled", "false"));
  }

  @Test
  void eachChoiceChangesItsKeys() {
    Map<String, String> conf =
        RapidsConf.gpuK8s()
            .executorGpus(2)
            .tasksPerGpu(3)
            .concurrentGpuTasks(1)
            .pinnedPoolSize("4g")
            .shuffle(RapidsConf.Shuffle.UCX)
            .explain(RapidsConf.Explain.ALL)
            .incompatibleOps(true)
            .discoveryScript("/opt/spark/getGpusResources.sh")
            .vendor("amd.com")
            .toSparkConf();

    assertThat(conf)
        .contains(
            entry("spark.executor.resource.gpu.amount", "2"),
            entry("spark.executor.resource.gpu.vendor", "amd.com"),
            entry("spark.executor.resource.gpu.discoveryScript", "/opt/spark/getGpusResources.sh"),
            entry("spark.task.resource.gpu.amount", "0.3333"),
            entry("spark.rapids.sql.concurrentGpuTasks", "1"),
            entry("spark.rapids.memory.pinnedPool.size", "4g"),
            entry("spark.rapids.shuffle.mode", "UCX"),
            entry("spark.rapids.sql.explain", "ALL"),
            entry("spark.rapids.sql.incompatibleOps.enabled", "true"));
    assertThat(RapidsConf.gpuK8s().tasksPerGpu(1).toSparkConf())
        .containsEntry("spark.task.resource.gpu.amount", "1.0");
    assertThat(RapidsConf.gpuK8s().shuffle(RapidsConf.Shuffle.SPARK).toSparkConf())
        .doesNotContainKeys("spark.shuffle.manager", "spark.rapids.shuffle.mode");
  }

  @Test
  void badChoicesSayWhatIsExpected() {
    assertThatThrownBy(() -> RapidsConf.preset("gpu"))
        .isInstanceOf(GpuException.class)
        .hasMessage("unknown GPU preset 'gpu': expected gpu-local or gpu-k8s");
    assertThatThrownBy(() -> RapidsConf.gpuLocal().shuffle(RapidsConf.Shuffle.MULTITHREADED))
        .hasMessageContaining("the RAPIDS shuffle (MULTITHREADED) needs a cluster");
    assertThatThrownBy(() -> RapidsConf.gpuK8s().tasksPerGpu(0))
        .hasMessage("tasksPerGpu must be at least 1, got 0");
  }

  @Test
  void sectionTakesExecutorSizeFromKubernetesSettings() {
    Map<String, String> conf =
        contribute(
            """
            spark:
              master: k8s://https://kubernetes.default.svc
              kubernetes: {image: lakeforge-jobs:0.1.0, executorCores: 8, executorGpus: 2}
            gpu: {preset: gpu-k8s, concurrentGpuTasks: 3, explain: all}
            """);

    assertThat(conf)
        .contains(
            entry("spark.executor.resource.gpu.amount", "2"),
            entry("spark.task.resource.gpu.amount", "0.125"),
            entry("spark.rapids.sql.concurrentGpuTasks", "3"),
            entry("spark.rapids.sql.explain", "ALL"))
        .doesNotContainKey(Sessions.GPU_FALLBACK_KEY);
  }

  @Test
  void presetFollowsTheMasterWhenNotNamed() {
    assertThat(contribute("spark: {master: 'spark://m:7077'}\ngpu: {enabled: true}\n"))
        .containsEntry("spark.rapids.shuffle.mode", "MULTITHREADED");
  }

  @Test
  void badSettingsNameTheirKey() {
    assertThatThrownBy(() -> contribute("gpu: {preset: gpu-k8s, shuffle: fast}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gpu.shuffle")
        .hasMessageContaining("expected spark, multithreaded or ucx, got 'fast'");
    assertThatThrownBy(() -> contribute("gpu: {preset: gpu-cloud}\n"))
        .hasMessageContaining("gpu.preset")
        .hasMessageContaining("expected gpu-local or gpu-k8s, got 'gpu-cloud'");
    assertThatThrownBy(() -> contribute("gpu: {preset: gpu-local, shuffle: ucx}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs a cluster");
  }

  @Test
  void noSectionOrDisabledAddsNothing() {
    assertThat(contribute("spark: {appName: x}\n")).isEmpty();
    assertThat(contribute("gpu: {enabled: false, preset: gpu-local}\n")).isEmpty();
  }

  @Test
  void localRunWithAGpuGetsTheRapidsConf() throws IOException {
    Path smi = fakeNvidiaSmi("echo 0; echo 1");

    assertThat(contribute("gpu: {preset: gpu-local, nvidiaSmi: '" + smi + "'}\n"))
        .containsEntry("spark.plugins", "com.nvidia.spark.SQLPlugin")
        .doesNotContainKey(Sessions.GPU_FALLBACK_KEY);
  }

  @Test
  void localRunWithoutAGpuFallsBackToTheCpuSayingWhy() throws IOException {
    Path broken =
        fakeNvidiaSmi(
            "echo 'NVIDIA-SMI has failed because it couldn'\\''t communicate with the NVIDIA"
                + " driver.'; exit 9");

    assertThat(contribute("gpu: {preset: gpu-local, nvidiaSmi: '" + broken + "'}\n"))
        .containsExactly(
            entry(
                Sessions.GPU_FALLBACK_KEY,
                "no GPU on this machine: "
                    + broken
                    + " failed (exit 9): NVIDIA-SMI has failed because it couldn't communicate"
                    + " with the NVIDIA driver."));
    assertThat(contribute("gpu: {preset: gpu-local, nvidiaSmi: '" + fakeNvidiaSmi("true") + "'}\n"))
        .hasEntrySatisfying(
            Sessions.GPU_FALLBACK_KEY, reason -> assertThat(reason).endsWith(" lists no GPU"));
    assertThat(contribute("gpu: {preset: gpu-local, nvidiaSmi: '" + dir.resolve("none") + "'}\n"))
        .hasEntrySatisfying(
            Sessions.GPU_FALLBACK_KEY,
            reason -> assertThat(reason).contains("none is not on this machine"));
  }

  @Test
  void requiredGpuWithoutOneIsAUsageError() {
    String yaml =
        "gpu: {preset: gpu-local, required: true, nvidiaSmi: '" + dir.resolve("none") + "'}\n";

    assertThatThrownBy(() -> contribute(yaml))
        .isInstanceOfSatisfying(
            GpuException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
        .hasMessageStartingWith(
            "the GPU is required (--require-gpu or gpu.required), but no GPU on this machine: ");
    assertThatThrownBy(() -> contribute("gpu: {required: true}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--require-gpu, but the config does not ask for the GPU");
  }

  private static Map<String, String> contribute(String yaml) {
    return new GpuContributor().sparkConf(Config.parse(yaml, "job.yaml"));
  }

  private Path fakeNvidiaSmi(String body) throws IOException {
    Path script = Files.createTempFile(dir, "nvidia-smi", ".sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
