package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of a test JVM: {@code local[2]}, UI off, 4 shuffle partitions, UTC.
 * Modules add static settings (SQL extensions, catalogs) by listing a {@link SparkTestConfigurer}
 * in {@code META-INF/services/dev.lakeforge.testing.SparkTestConfigurer} of their test resources.
 */
public final class SharedSpark {
  private static SparkSession session;
  private static Path root;

  private SharedSpark() {}

  /**
   * The shared session, created on first use and stopped when the JVM exits; made the active one.
   */
  public static synchronized SparkSession session() {
    if (session != null) {
      // A Spark Connect server in this JVM may have made one of its sessions the active one.
      SparkSession.setActiveSession(session);
      SparkSession.setDefaultSession(session);
    }
    if (session == null) {
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("spark.master", "local[2]");
      conf.put("spark.app.name", "lakeforge-tests");
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.ui.showConsoleProgress", "false");
      conf.put("spark.sql.shuffle.partitions", "4");
      conf.put("spark.default.parallelism", "4");
      conf.put("spark.sql.session.timeZone", "UTC");
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
      conf.put("spark.sql.warehouse.dir", root().resolve("warehouse").toUri().toString());
      conf.put("spark.connect.grpc.binding.port", "0");
      conf.put("spark.connect.grpc.binding.address", "127.0.0.1");
      for (SparkTestConfigurer c : ServiceLoader.load(SparkTestConfigurer.class)) {
        c.configure(conf, root());
      }
      SparkSession.Builder b = SparkSession.builder().config("spark.api.mode", "classic");
      conf.forEach(b::config);
      session = b.getOrCreate();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    ConnectServer.stopIfStarted();
                    session.stop();
                  },
                  "lakeforge-test-spark-stop"));
    }
    return session;
  }

  /**
   * A folder for this test JVM's files, under {@code target/} when run by Maven. It starts empty:
   * what an earlier run left there (tables of a fixed name) would change a rerun's results.
   */
  public static synchronized Path root() {
    if (root == null) {
      try {
        String target = System.getProperty("lakeforge.test.target");
        Path base =
            target == null
                ? Files.createTempDirectory("lakeforge-test")
                : Path.of(target, "test-spark");
        if (target != null && Files.exists(base)) {
          try (Stream<Path> earlier = Files.walk(base)) {
            for (Path p : earlier.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
        root = Files.createDirectories(base);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }
}
