package dev.lakeforge.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/gpu-discovery.sh, as an executor runs it, with a fake {@code nvidia-smi} on the PATH; its
 * output is read by Spark's own parser.
 */
class GpuDiscoveryScriptTest {
  private static final Path SCRIPT = Path.of("..", "bin", "gpu-discovery.sh").toAbsolutePath();

  @TempDir Path bin;

  @Test
  void listsTheGpusNvidiaSmiSees() throws Exception {
    fakeNvidiaSmi("echo 0; echo ' 1'");

    Run run = discover();

    assertThat(run.exitCode).isZero();
    ResourceInformation gpus = ResourceInformation.parseJson(run.stdout);
    assertThat(gpus.name()).isEqualTo("gpu");
    assertThat(gpus.addresses()).containsExactly("0", "1");
  }

  @Test
  void withoutNvidiaSmiPrintsNoGpuAndExitsZero() throws Exception {
    Run run = discover();

    assertThat(run.exitCode).isZero();
    assertThat(ResourceInformation.parseJson(run.stdout).addresses()).isEmpty();
    assertThat(run.stderr).contains("nvidia-smi is not on the PATH");
  }

  @Test
  void whenNvidiaSmiFailsPrintsNoGpu() throws Exception {
    fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it couldn'\\''t communicate'; exit 9");

    Run run = discover();

    assertThat(run.exitCode).isZero();
    assertThat(run.stdout.strip()).isEqualTo("{\"name\": \"gpu\", \"addresses\": []}");
    assertThat(run.stderr).contains("nvidia-smi failed");
  }

  @Test
  void ignoresLinesThatAreNotIndexes() throws Exception {
    fakeNvidiaSmi("echo 0; echo 'No devices were found'; echo");

    assertThat(ResourceInformation.parseJson(discover().stdout).addresses()).containsExactly("0");
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private Run discover() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString());
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the script ends").isTrue();
    return new Run(p.exitValue(), out, err);
  }

  private void fakeNvidiaSmi(String body) throws IOException {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
