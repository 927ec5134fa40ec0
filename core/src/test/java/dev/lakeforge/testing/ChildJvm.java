package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Java program in a child process, run the way users run it: its own working directory,
 * environment and output files, with this JVM's Spark flags. For tests that must leave the test
 * JVM: another working directory, a kill, spark-submit, a server with clashing dependencies.
 *
 * <p>A test's child runs briefly on little data, so it starts with the client compiler only and the
 * serial collector: JIT warm-up, not compiled code, is most of its time (this halved the kill and
 * restart test's runs). A program whose speed is measured calls {@link #fullJit()}.
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.launcher("sql", "--config", config.toString()).in(elsewhere).run(Duration.ofMinutes(3));
 * assertThat(r.exitCode()).as(r.output()).isZero();
 * }</pre>
 */
public final class ChildJvm {
  /** JVM options for a short run: no C2 compilation, no parallel collector threads. */
  public static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final String mainClass;
  private final String classpath;
  private final List<String> args;
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private Path workingDirectory;
  private String heap = "1g";
  private boolean fullJit;
  private Path classArchive;
  private Path archiveBeingWritten;

  private ChildJvm(String mainClass, String classpath, List<String> args) {
    this.mainClass = mainClass;
    this.classpath = classpath;
    this.args = args;
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
  }

  /** The {@code lakeforge} launcher on this test JVM's classpath. */
  public static ChildJvm launcher(String... args) {
    return of("dev.lakeforge.core.job.Launcher", System.getProperty("java.class.path"), args);
  }

  /** Any main class on a classpath. */
  public static ChildJvm of(String mainClass, String classpath, String... args) {
    return new ChildJvm(mainClass, classpath, List.of(args));
  }

  /** Runs in this working directory (default: the test JVM's). */
  public ChildJvm in(Path dir) {
    this.workingDirectory = dir;
    return this;
  }

  public ChildJvm env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public ChildJvm heap(String size) {
    this.heap = size;
    return this;
  }

  public ChildJvm jvmArg(String arg) {
    jvmArgs.add(arg);
    return this;
  }

  /** Runs with the JVM's default compilers and collector: for a program whose speed is measured. */
  public ChildJvm fullJit() {
    this.fullJit = true;
    return this;
  }

  /**
   * Starts from a class-data sharing archive of this program's classes, written by its first {@link
   * #run} that exits 0 (then renamed into place, so a half-written one is never read): a program
   * started many times with one classpath starts a few seconds faster. The classpath must hold jars
   * only (the JVM archives no class from a folder).
   */
  public ChildJvm classArchive(Path archive) {
    this.classArchive = archive;
    return this;
  }

  /** The command line. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx" + heap);
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-")
                    || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Dio.netty")
                    || a.startsWith("-Djdk.reflect")
                    || a.startsWith("-Djava.io.tmpdir"))
        .forEach(cmd::add);
    if (!fullJit) {
      cmd.addAll(QUICK_START);
    }
    if (classArchive != null && Files.isRegularFile(classArchive)) {
      cmd.addAll(
          List.of(
              "-XX:SharedArchiveFile=" + classArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    } else if (archiveBeingWritten != null) {
      cmd.addAll(
          List.of(
              "-XX:ArchiveClassesAtExit=" + archiveBeingWritten,
              "-Xlog:cds=off",
              "-Xlog:cds+dynamic=off"));
    }
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", classpath, mainClass));
    cmd.addAll(args);
    return cmd;
  }

  /** This JVM's {@code java} executable. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts it, standard output and error appended to {@code log}. */
  public Process start(Path log) throws IOException {
    ProcessBuilder pb =
        builder()
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  private ProcessBuilder builder() {
    ProcessBuilder pb = new ProcessBuilder(command());
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * Moves the archive this run wrote into place when it succeeded: the JVM writes one as it exits,
   * whatever the code, but a signal (128 + n) may have cut it short and a run that failed early
   * loaded few of the classes later runs need. A rename replaces one another run wrote meanwhile.
   */
  private void keepArchive(int exitCode) throws IOException {
    if (archiveBeingWritten == null) {
      return;
    }
    try {
      if (exitCode == 0 && Files.isRegularFile(archiveBeingWritten)) {
        Files.move(archiveBeingWritten, classArchive, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(archiveBeingWritten);
      archiveBeingWritten = null;
    }
  }

  /**
   * What a finished run printed.
   *
   * @param exitCode the process's exit code
   * @param stdout standard output
   * @param stderr standard error (the launcher's log)
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Both streams, for assertion messages. */
    public String output() {
      return "--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  /**
   * Runs to the end and returns what it printed.
   *
   * @param timeout a generous bound; the process is killed and the test fails after it
   */
  public Result run(Duration timeout) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "child-");
      Path out = dir.resolve("stdout");
      Path err = dir.resolve("stderr");
      if (classArchive != null && !Files.exists(classArchive)) {
        Files.createDirectories(classArchive.toAbsolutePath().getParent());
        archiveBeingWritten =
            classArchive.resolveSibling(classArchive.getFileName() + "." + UUID.randomUUID());
      }
      Process p = builder().redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean ended;
      try {
        ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        keepArchive(-1);
        throw e;
      }
      if (!ended) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        keepArchive(-1);
        throw new AssertionError(
            "still running after "
                + timeout
                + ": "
                + String.join(" ", args)
                + "\n"
                + new Result(-1, Files.readString(out), Files.readString(err)).output());
      }
      keepArchive(p.exitValue());
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
