package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.SharedSpark;
import dev.lakeforge.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start's sql job on the bundled demo SQL, against a real Iceberg catalog. */
@SparkTest
class SqlDemoTest {
  /** The shared session's catalog {@code lake} (Spark caches a catalog once loaded). */
  private static final Path LAKE = SharedSpark.root().resolve("lake");

  @TempDir Path dir;

  private static final Path DEMO =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples/sql-demo.yaml");

  private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... extra) {
    String[] args =
        new String[] {
          "sql", "--config", DEMO.toString(), "--set", "run.reportDir=" + dir.resolve("runs")
        };
    String[] all = Stream.concat(Arrays.stream(args), Arrays.stream(extra)).toArray(String[]::new);
    return new Launcher(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(all);
  }

  @Test
  void demoCreatesWritesAndQueriesAnIcebergTableAndIsRepeatable(SparkSession spark)
      throws Exception {
    for (int attempt = 1; attempt <= 2; attempt++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = run(out, err);
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCode.OK);
      assertThat(printed)
          .contains("| PAID      | 2      | 49.75   |")
          .contains("ran 5 statement(s) from demo.sql");
    }
    assertThat(spark.sql("SELECT count(*) FROM lake.sql_demo.orders").first().getLong(0))
        .isEqualTo(5);
    assertThat(LAKE.resolve("sql_demo/orders/metadata")).isDirectory();
    try (var reports = Files.list(dir.resolve("runs"))) {
      assertThat(reports.count()).isEqualTo(2);
    }
  }

  @Test
  void demoDryRunPassesAndWritesNothing() throws Exception {
    List<Path> before = files(LAKE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = run(out, new ByteArrayOutputStream(), "--dry-run");
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCode.OK);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("No problems found.");
    assertThat(files(LAKE)).isEqualTo(before);
    assertThat(dir.resolve("runs")).doesNotExist();
  }

  private static List<Path> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (var s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
