package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.SparkDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs jar under {@code spark-submit}, as users run it (client mode on a local master; the
 * cluster tests submit to a real standalone cluster): the jar holds nothing Spark ships, the log
 * stays Lakeforge's once Spark starts, and the run report says where it ran.
 */
class SparkSubmitIT {
  private static final Duration BOUND = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "canaryZq7s3cr3t";

  /** The one line a JVM prints itself when Spark's launcher adds the vector incubator module. */
  private static final String JVM_WARNING =
      "WARNING: Using incubator modules: jdk.incubator.vector";

  @TempDir Path dir;

  private Path jsonJob() throws IOException {
    Files.writeString(dir.resolve("token.txt"), CANARY + "\n");
    Files.writeString(
        dir.resolve("q.sql"), "SELECT 1 AS one;\nSELECT * FROM lake.nowhere.${table};\n");
    return Files.writeString(
        dir.resolve("job.yaml"),
        """
        logging:
          format: json
          levels: {org.apache.spark.SparkContext: INFO}
        run: {reportDir: runs}
        sql:
          file: q.sql
          vars: {table: "${file:token.txt}"}
        """);
  }

  @Test
  void retrainModelRunsUnderSparkSubmitWithTheDistributionsMLlib() throws IOException {
    Files.copy(Path.of("..", "examples", "retrain-events.sql"), dir.resolve("retrain-events.sql"));
    Path retrain =
        Files.writeString(
            dir.resolve("retrain.yaml"),
            """
            catalogs:
              lake: {type: hadoop, warehouse: warehouse/lake}
            run: {reportDir: runs-retrain}
            sql: {file: retrain-events.sql}
            retrain-model:
              model: purchase-propensity
              source: lake.ml.customer_events
              days: 14
              registry: lake.ml
              modelDir: models
              minAccuracy: 0.85
              numTrees: 10
              maxDepth: 5
            """);
    Path shell = Files.createDirectories(dir.resolve("shell"));
    ChildJvm.Result events = submitJob(shell, "sql", "--config", retrain.toString());
    assertThat(events.exitCode()).as(events.output()).isZero();
    ChildJvm.Result r = submitJob(shell, "retrain-model", "--config", retrain.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("PROMOTED: v1");
    assertThat(dir.resolve("models")).as("under the config's folder").isDirectory();
    assertThat(shell.resolve("models")).doesNotExist();
  }

  /** Any job, with the Iceberg connector, from a working directory of its own. */
  private static ChildJvm.Result submitJob(Path workingDir, String... jobArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--master",
                "local[2]",
                "--conf",
                "spark.sql.shuffle.partitions=4",
                "--class",
                SparkDistribution.LAUNCHER,
                "--jars",
                SparkDistribution.jarsOption("iceberg"),
                SparkDistribution.jobsJar().toString()));
    args.addAll(List.of(jobArgs));
    return SparkDistribution.submit(args.toArray(String[]::new)).in(workingDir).run(BOUND);
  }

  private ChildJvm.Result submit(Path config, String... jvmArgs) {
    ChildJvm submit =
        SparkDistribution.submit(
                "--master",
                "local[2]",
                "--class",
                SparkDistribution.LAUNCHER,
                "--jars",
                SparkDistribution.jarsOption("iceberg"),
                SparkDistribution.jobsJar().toString(),
                "sql",
                "--config",
                config.getFileName().toString(),
                "--verbose")
            .in(dir);
    for (String a : jvmArgs) {
      submit.jvmArg(a);
    }
    return submit.run(BOUND);
  }

  @Test
  void theJobsJarHoldsNoClassSparkShipsAndRelocatesWhatItBrings() throws IOException {
    Set<String> jar = entries(SparkDistribution.jobsJar());
    Set<String> spark = new HashSet<>();
    try (Stream<Path> jars = Files.list(SparkDistribution.home().resolve("jars"))) {
      for (Path j : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        spark.addAll(entries(j));
      }
    }
    Set<String> shared = new TreeSet<>(jar);
    shared.retainAll(spark);
    assertThat(shared).as("classes of the jobs jar that Spark ships").isEmpty();
    assertThat(jar)
        .as("everything in the jar is Lakeforge's or relocated under it")
        .allMatch(c -> c.replaceFirst("^META-INF/versions/\\d+/", "").startsWith("dev/lakeforge/"));
    assertThat(SparkDistribution.jobsJar())
        .satisfies(j -> assertThat(Files.size(j)).isLessThan(16L << 20));
  }

  @Test
  void theImageIsBuiltFromWhatThisBuildAndRepositoryHold() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    List<String> copies =
        Files.readAllLines(root.resolve("jobs/Dockerfile")).stream()
            .filter(l -> l.startsWith("COPY "))
            .toList();
    assertThat(copies).isNotEmpty();
    for (String copy : copies) {
      String[] words = copy.trim().split("\\s+");
      for (int i = 1; i < words.length - 1; i++) {
        assertThat(root.resolve(words[i])).as(copy).exists();
      }
    }
  }

  private static Set<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void underSparkSubmitEveryLineFromTheJobsStartIsJsonWithJobAndRunIdAndSecretsMasked()
      throws IOException {
    ChildJvm.Result r = submit(jsonJob());
    assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
    List<String> lines =
        r.stderr().lines().filter(l -> !l.isBlank() && !l.equals(JVM_WARNING)).toList();
    int start = 0;
    while (start < lines.size()
        && !lines.get(start).contains("\"logger\":\"dev.lakeforge.core.job.Launcher\"")) {
      start++;
    }
    assertThat(start).as("the job's first line\n" + r.stderr()).isLessThan(lines.size());
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines.subList(start, lines.size())) {
      events.add(parse(line, r));
    }
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.path("job").asText()).isEqualTo("sql");
              assertThat(e.path("run_id").asText()).matches("\\d{8}-\\d{6}-[0-9a-f]{6}");
            });
    assertThat(events.stream().map(e -> e.path("logger").asText()))
        .as("Spark's own lines are in it too")
        .anyMatch(l -> l.startsWith("org.apache.spark"));
    assertThat(events.stream().map(e -> e.path("message").asText()))
        .anyMatch(
            m ->
                m.contains(
                    "statement 2: [TABLE_OR_VIEW_NOT_FOUND] The table or view"
                        + " `lake`.`nowhere`.`****` cannot be found"));
    assertThat(r.stdout() + r.stderr()).doesNotContain(CANARY);
  }

  @Test
  void withTheShippedLogConfigurationEveryLineIsJsonFromTheFirst() throws IOException {
    Path log4j = Path.of(System.getProperty("user.dir"), "conf", "log4j2.properties");
    ChildJvm.Result r = submit(jsonJob(), "-Dlog4j2.configurationFile=" + log4j);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
    List<String> lines =
        r.stderr().lines().filter(l -> !l.isBlank() && !l.equals(JVM_WARNING)).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      parse(line, r);
    }
    assertThat(r.stdout() + r.stderr()).doesNotContain(CANARY);
  }

  @Test
  void theRunReportRecordsTheMasterAndDeployMode() throws IOException {
    Files.writeString(dir.resolve("one.sql"), "SELECT 1 AS one;\n");
    Path config =
        Files.writeString(dir.resolve("ok.yaml"), "run: {reportDir: runs}\nsql: {file: one.sql}\n");
    ChildJvm.Result r = submit(config);
    assertThat(r.exitCode()).as(r.output()).isZero();
    try (Stream<Path> reports = Files.list(dir.resolve("runs"))) {
      RunReport report =
          RunReport.read(
              reports
                  .filter(p -> p.getFileName().toString().startsWith("sql-"))
                  .findFirst()
                  .orElseThrow());
      assertThat(report.master()).isEqualTo("local[2]");
      assertThat(report.deployMode()).isEqualTo("client");
    }
  }

  private static JsonNode parse(String line, ChildJvm.Result r) {
    try {
      JsonNode n = JSON.readTree(line);
      assertThat(n.isObject()).as("not a JSON object: " + line).isTrue();
      return n;
    } catch (IOException e) {
      throw new AssertionError("not a JSON line: " + line + "\n" + r.output(), e);
    }
  }
}
