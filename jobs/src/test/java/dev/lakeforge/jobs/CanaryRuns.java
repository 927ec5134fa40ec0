package dev.lakeforge.jobs;

import dev.lakeforge.core.job.Launcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs launcher invocations one after another in this JVM, as a scheduler would: one per line of
 * the file given, arguments separated by tabs. Prints each exit code, never the arguments (they
 * hold the canary of {@link SecretCanaryTest}).
 */
final class CanaryRuns {
  private CanaryRuns() {}

  public static void main(String[] args) throws Exception {
    List<String> runs = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    StringBuilder codes = new StringBuilder();
    for (int i = 0; i < runs.size(); i++) {
      String[] run = runs.get(i).split("\t");
      int code = new Launcher(System.out, System.err).execute(run);
      codes.append(i).append(' ').append(run[0]).append(' ').append(code).append('\n');
    }
    Files.writeString(Path.of(args[1]), codes);
    System.out.flush();
    System.exit(0);
  }
}
