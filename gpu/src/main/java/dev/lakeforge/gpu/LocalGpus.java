package dev.lakeforge.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The GPUs of this machine, as {@code nvidia-smi} lists them: what the discovery script prints for
 * Spark, asked from Java for a local run.
 *
 * @param indexes the GPUs' indexes, empty when there is none
 * @param problem why there is none ({@code nvidia-smi} missing, failing or listing none), else null
 */
record LocalGpus(List<String> indexes, String problem) {
  /** Long enough for a driver that is slow to answer on a loaded machine. */
  private static final long TIMEOUT_SECONDS = 60;

  static LocalGpus find(String nvidiaSmi) {
    String command = nvidiaSmi == null ? "nvidia-smi" : nvidiaSmi;
    Process process;
    try {
      process =
          new ProcessBuilder(command, "--query-gpu=index", "--format=csv,noheader")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage());
      return none("cannot run " + command + " (" + why.substring(why.lastIndexOf(", ") + 2) + ")");
    }
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return none(command + " did not answer within " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        String first = out.lines().findFirst().orElse("").strip();
        return none(command + " failed (exit " + process.exitValue() + "): " + first);
      }
      List<String> indexes = out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
      return indexes.isEmpty() ? none(command + " lists no GPU") : new LocalGpus(indexes, null);
    } catch (IOException e) {
      return none("cannot read " + command + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return none("interrupted while asking " + command);
    }
  }

  private static LocalGpus none(String problem) {
    return new LocalGpus(List.of(), problem);
  }
}
