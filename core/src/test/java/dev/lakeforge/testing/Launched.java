package dev.lakeforge.testing;

import dev.lakeforge.core.job.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One run of the {@code lakeforge} launcher inside the test JVM (its shared session): the exit code
 * and what it printed. For runs that must leave the JVM (another working directory, spark-submit),
 * use {@link ChildJvm}.
 *
 * <pre>{@code
 * Launched r = Launched.run("quality-check", "--suite", suite.toString(), "--input", "lake.sales.orders");
 * assertThat(r.code()).as(r.all()).isEqualTo(3);
 * }</pre>
 */
public record Launched(int code, String out, String err) {
  public static Launched run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(args);
    return new Launched(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  public static Launched run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  /** Standard output, then standard error. */
  public String all() {
    return out + err;
  }

  /**
   * The lines the launcher printed about a failure ({@code lakeforge <job>: ...}); the rest of
   * standard error is the log.
   */
  public List<String> errorLines() {
    return err.lines().filter(l -> l.startsWith("lakeforge ")).toList();
  }
}
