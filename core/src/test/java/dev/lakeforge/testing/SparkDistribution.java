package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Apache Spark installed as users install it, for tests that {@code spark-submit} the jobs jar: a
 * distribution folder ({@code jars/} and {@code RELEASE}) assembled from Maven artifacts by the
 * {@code testing/spark-dist} module, and the jobs jar with its connectors as the build leaves them.
 * Paths come from system properties the build sets: {@code lakeforge.spark.home}, {@code
 * lakeforge.jobs.jar} and {@code lakeforge.connectors}.
 *
 * <pre>{@code
 * ChildJvm.Result r = SparkDistribution.submit("--master", "local[2]", "--class", LAUNCHER,
 *     SparkDistribution.jobsJar().toString(), "sql", "--config", "job.yaml").in(dir).run(Duration.ofMinutes(3));
 * }</pre>
 */
public final class SparkDistribution {
  /** The launcher's main class, for {@code --class}. */
  public static final String LAUNCHER = "dev.lakeforge.core.job.Launcher";

  private SparkDistribution() {}

  /** {@code SPARK_HOME}. */
  public static Path home() {
    return existing("lakeforge.spark.home");
  }

  /** The jobs jar, as {@code mvn package} leaves it. */
  public static Path jobsJar() {
    return existing("lakeforge.jobs.jar");
  }

  /**
   * The connectors' jars ({@code iceberg}, {@code kafka}, {@code postgres}, {@code s3}), for {@code
   * --jars}.
   */
  public static List<Path> connectorJars(String... connectors) {
    Path root = existing("lakeforge.connectors");
    List<Path> jars = new ArrayList<>();
    for (String c : connectors) {
      try (Stream<Path> files = Files.list(root.resolve(c))) {
        files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
      } catch (IOException e) {
        throw new UncheckedIOException("no connector " + c + " under " + root, e);
      }
    }
    return jars;
  }

  /** The same, comma-separated, as {@code --jars} takes them. */
  public static String jarsOption(String... connectors) {
    return connectorJars(connectors).stream().map(Path::toString).collect(Collectors.joining(","));
  }

  /** Spark's classpath, as its launcher scripts build it. */
  public static String classpath() {
    return home().resolve("jars") + "/*";
  }

  /** A Spark program of the distribution (master, worker, SparkSubmit) with its environment. */
  public static ChildJvm program(String mainClass, String... args) {
    return ChildJvm.of(mainClass, classpath(), args)
        .env("SPARK_HOME", home().toString())
        .env("SPARK_SCALA_VERSION", "2.13")
        .env("SPARK_CONF_DIR", home().resolve("conf").toString());
  }

  /**
   * {@code spark-submit} with these arguments. Its JVM starts from a class-data archive of Spark's
   * classes that the first submit of this test JVM's build writes (a few seconds less per submit).
   */
  public static ChildJvm submit(String... args) {
    return program("org.apache.spark.deploy.SparkSubmit", args).classArchive(submitArchive());
  }

  /** The archive of spark-submit's classes, in this build's temporary folder; none when stale. */
  private static synchronized Path submitArchive() {
    Path archive = Path.of(System.getProperty("java.io.tmpdir"), "spark-submit-classes.jsa");
    try {
      if (Files.exists(archive)
          && Files.getLastModifiedTime(archive)
                  .compareTo(Files.getLastModifiedTime(home().resolve("jars")))
              < 0) {
        Files.deleteIfExists(archive); // the distribution was assembled again since
      }
    } catch (NoSuchFileException another) {
      // another test JVM (the integration tests run two) dropped it meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return archive;
  }

  private static Path existing(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set: run this test with Maven (mvn verify)");
    }
    Path p = Path.of(value);
    if (!Files.exists(p)) {
      throw new IllegalStateException(
          property + " = " + p + " does not exist: build it with mvn -pl jobs -am package");
    }
    return p;
  }
}
