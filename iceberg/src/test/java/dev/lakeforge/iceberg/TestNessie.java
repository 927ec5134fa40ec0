package dev.lakeforge.iceberg;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakeforge.testing.SharedSpark;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One real Nessie server per test JVM: the {@code nessie-quarkus} runner jar (copied by Maven) in a
 * child process on a JDK >= 21 (override with {@code -Dlakeforge.test.jdk21=/path/to/jdk}),
 * in-memory store, free ports. Tests are skipped when no such JDK exists.
 */
final class TestNessie {
  private static Process server;
  private static String uri;

  private TestNessie() {}

  static synchronized String uri() {
    if (server == null) {
      Path jar =
          Path.of(
              System.getProperty("lakeforge.test.target", "target"),
              "nessie",
              "nessie-quarkus-runner.jar");
      assumeTrue(Files.isRegularFile(jar), "the Nessie runner jar is missing: " + jar);
      Optional<Path> java = jdk21();
      assumeTrue(
          java.isPresent(),
          "no JDK >= 21 found for the Nessie server (set -Dlakeforge.test.jdk21)");
      start(java.get(), jar);
    }
    return uri;
  }

  private static void start(Path java, Path jar) {
    int http = freePort();
    int management = freePort();
    try {
      Path log = Files.createDirectories(SharedSpark.root()).resolve("nessie.log");
      server =
          new ProcessBuilder(
                  List.of(
                      java.toString(),
                      "-Xms128m",
                      "-Xmx512m",
                      "-XX:+UseSerialGC",
                      "-XX:TieredStopAtLevel=1",
                      "-Dquarkus.http.host=127.0.0.1",
                      "-Dquarkus.http.port=" + http,
                      "-Dquarkus.management.host=127.0.0.1",
                      "-Dquarkus.management.port=" + management,
                      "-Dnessie.version.store.type=IN_MEMORY",
                      "-Dquarkus.http.access-log.enabled=false",
                      "-jar",
                      jar.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(server::destroy, "lakeforge-test-nessie-stop"));
      uri = "http://127.0.0.1:" + http + "/api/v2";
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
      while (System.nanoTime() < deadline) {
        if (!server.isAlive()) {
          throw new IllegalStateException("the Nessie server exited at start; see " + log);
        }
        try {
          HttpResponse<String> r =
              client.send(
                  HttpRequest.newBuilder(URI.create(uri + "/config")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(
          "the Nessie server did not answer on " + uri + " within 300 s; see " + log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Nessie server: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the Nessie server", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A java binary of a JDK whose release is 21 or newer. */
  static Optional<Path> jdk21() {
    String override = System.getProperty("lakeforge.test.jdk21", System.getenv("LAKEFORGE_JDK21"));
    if (override != null) {
      return Optional.of(Path.of(override, "bin", "java"));
    }
    Pattern version = Pattern.compile("JAVA_VERSION=\"(\\d+)");
    for (String root : List.of("/usr/lib/jvm", "/opt/java", "/usr/local/java")) {
      Path dir = Path.of(root);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> jdks = Files.list(dir)) {
        for (Path jdk : jdks.sorted().toList()) {
          Path release = jdk.resolve("release");
          Path java = jdk.resolve("bin/java");
          if (Files.isRegularFile(release) && Files.isExecutable(java)) {
            Matcher m = version.matcher(Files.readString(release));
            if (m.find() && Integer.parseInt(m.group(1)) >= 21) {
              return Optional.of(java);
            }
          }
        }
      } catch (IOException ignored) {
        // try the next folder
      }
    }
    return Optional.empty();
  }
}
