package dev.lakeforge.iceberg;

import dev.lakeforge.testing.SharedSpark;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** One real PostgreSQL server per test JVM, from Maven artifacts (zonky), on a free port. */
final class TestPostgres {
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path data = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "pg-");
        server = EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setServerConfig("unix_socket_directories", "")
            .setServerConfig("fsync", "off")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL server: " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }, "lakeforge-test-postgres-stop"));
    }
    return server;
  }

  static String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/postgres";
  }
}
