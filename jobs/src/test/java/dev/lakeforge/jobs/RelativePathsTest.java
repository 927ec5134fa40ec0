package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's layout, run in child JVMs: the config and what it names in one folder, the jobs started
 * from other folders. Relative paths in the config start at its folder; relative paths on the
 * command line start at the working directory; everything reaches Spark and Iceberg absolute, so a
 * table opens from anywhere.
 */
class RelativePathsTest {
  private static final Duration BOUND = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  private static Path dir(Path p) throws IOException {
    return Files.createDirectories(p);
  }

  @Test
  void configPathsStartAtTheConfigFolderAndOptionPathsAtTheWorkingDirectory() throws IOException {
    Path conf = dir(home.resolve("project/conf"));
    Path shell1 = dir(home.resolve("shell1"));
    Path shell2 = dir(home.resolve("shell2"));
    Files.writeString(conf.resolve("who.txt"), "alice\n");
    Files.writeString(
        conf.resolve("create.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS lake.rel;
        CREATE TABLE lake.rel.t (id BIGINT, who STRING) USING iceberg;
        INSERT INTO lake.rel.t VALUES (1, '${who}'), (2, 'bob');
        """);
    Path job =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        catalogs:
          lake: {type: hadoop, warehouse: warehouse/lake}
        run: {reportDir: runs}
        sql:
          file: create.sql
          vars: {who: "${file:who.txt}"}
        """);

    ChildJvm.Result created =
        ChildJvm.launcher("sql", "--config", job.toString()).in(shell1).run(BOUND);
    assertThat(created.exitCode()).as(created.output()).isZero();
    Path table = conf.resolve("warehouse/lake/rel/t");
    assertThat(table.resolve("metadata")).isDirectory();
    assertThat(shell1.resolve("warehouse")).doesNotExist();
    assertThat(latestMetadata(table).get("location").asText()).isEqualTo("file:" + table);
    try (Stream<Path> reports = Files.list(conf.resolve("runs"))) {
      assertThat(reports.filter(p -> p.getFileName().toString().startsWith("sql-"))).hasSize(1);
    }

    // Another folder, the same config: the table opens; --file is relative to the working
    // directory.
    Files.writeString(
        shell2.resolve("count.sql"),
        "SELECT count(*) AS alices FROM lake.rel.t WHERE who = 'alice';\n");
    ChildJvm.Result read =
        ChildJvm.launcher("sql", "--config", job.toString(), "--file", "count.sql")
            .in(shell2)
            .run(BOUND);
    assertThat(read.exitCode()).as(read.output()).isZero();
    assertThat(read.stdout()).contains("| 1      |");

    // Backup and restore with relative command-line locations, from the working directory.
    ChildJvm.Result backup =
        ChildJvm.launcher(
                "backup", "--config", job.toString(), "--table", "lake.rel.t", "--to", "backups/t")
            .in(shell2)
            .run(BOUND);
    assertThat(backup.exitCode()).as(backup.output()).isZero();
    Path backupDir = shell2.resolve("backups/t");
    JsonNode manifest = JSON.readTree(backupDir.resolve("_lakeforge_backup.json").toFile());
    assertThat(manifest.get("sourceLocation").asText()).isEqualTo("file:" + table);
    assertThat(latestMetadata(backupDir).get("location").asText()).isEqualTo("file:" + backupDir);

    ChildJvm.Result restore =
        ChildJvm.launcher(
                "restore",
                "--config",
                job.toString(),
                "--from",
                "backups/t",
                "--as",
                "lake.rel.t_restored")
            .in(shell2)
            .run(BOUND);
    assertThat(restore.exitCode()).as(restore.output()).isZero();
    assertThat(restore.stdout()).contains("2 rows");
    assertThat(restore.stderr()).doesNotContain("Exception").doesNotContain("\tat ");

    Files.writeString(
        shell1.resolve("restored.sql"), "SELECT count(*) AS restored FROM lake.rel.t_restored;\n");
    ChildJvm.Result fromElsewhere =
        ChildJvm.launcher("sql", "--config", job.toString(), "--file", "restored.sql")
            .in(shell1)
            .run(BOUND);
    assertThat(fromElsewhere.exitCode()).as(fromElsewhere.output()).isZero();
    assertThat(fromElsewhere.stdout()).contains("| 2        |");
  }

  @Test
  void theEmbeddedDefaultHasALakeCatalogInTheWorkingDirectory() throws IOException {
    Path conf = dir(home.resolve("conf"));
    Path shell = dir(home.resolve("shell"));
    Files.writeString(
        conf.resolve("create.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS lake.demo;
        CREATE TABLE lake.demo.t (id BIGINT) USING iceberg;
        INSERT INTO lake.demo.t VALUES (1), (2), (3);
        SELECT count(*) AS n FROM lake.demo.t;
        """);
    Path job = Files.writeString(conf.resolve("job.yaml"), "sql: {file: create.sql}\n");
    ChildJvm.Result r = ChildJvm.launcher("sql", "--config", job.toString()).in(shell).run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("| 3 |");
    Path table = shell.resolve(".lakeforge/warehouse/lake/demo/t");
    assertThat(latestMetadata(table).get("location").asText()).isEqualTo("file:" + table);
    assertThat(shell.resolve(".lakeforge/runs")).isDirectory();
  }

  @Test
  void aDryRunOfAKubernetesConfigValidatesOnALocalSession() throws IOException {
    Path conf = dir(home.resolve("k8s"));
    Files.writeString(
        conf.resolve("check.sql"), "SELECT 1 AS one;\nSELECT * FROM lake.nowhere.orders;\n");
    Path job =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        spark:
          master: k8s://https://127.0.0.1:1
          kubernetes: {namespace: data, image: registry.example.com/lakeforge-jobs:0.1.0, executors: 4}
        sql: {file: check.sql}
        """);
    ChildJvm.Result r =
        ChildJvm.launcher("sql", "--config", job.toString(), "--dry-run").in(conf).run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
    assertThat(r.stdout())
        .contains(
            "Plans are validated on a local session: the cluster (k8s://https://127.0.0.1:1)"
                + " is not contacted.")
        .contains("statement 1 (")
        .contains("-> ok");
    assertThat(r.stdout())
        .contains(
            "check.sql:2:1: statement 2: catalog 'lake' is not declared: declare it under"
                + " catalogs: in the job config");
    assertThat(r.output()).doesNotContain("Could not parse Master URL").doesNotContain("\tat ");
  }

  @Test
  void aDryRunWritesNothingNotAnEventLogNorAFolder() throws IOException {
    Path conf = dir(home.resolve("quiet/conf"));
    Path shell = dir(home.resolve("quiet/shell"));
    Files.createDirectories(conf.resolve("events"));
    Files.writeString(
        conf.resolve("q.sql"), "CREATE NAMESPACE IF NOT EXISTS lake.quiet;\nSELECT 1 AS one;\n");
    Path job =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        spark:
          conf: {spark.eventLog.enabled: "true", spark.eventLog.dir: events}
        run: {reportDir: runs}
        sql: {file: q.sql}
        """);
    ChildJvm.Result r =
        ChildJvm.launcher("sql", "--config", job.toString(), "--dry-run").in(shell).run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isZero();
    try (Stream<Path> written =
        Stream.concat(Files.list(shell), Files.list(conf.resolve("events")))) {
      assertThat(written).as("no artifacts/, event log, warehouse or run report").isEmpty();
    }
    try (Stream<Path> inConf = Files.list(conf)) {
      assertThat(inConf.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("events", "q.sql", "job.yaml");
    }
  }

  private static JsonNode latestMetadata(Path table) throws IOException {
    try (Stream<Path> files = Files.list(table.resolve("metadata"))) {
      Path latest =
          files
              .filter(p -> p.getFileName().toString().endsWith(".metadata.json"))
              .max(Comparator.comparingLong(RelativePathsTest::version))
              .orElseThrow();
      return JSON.readTree(latest.toFile());
    }
  }

  /** The version in v12.metadata.json or 00012-uuid.metadata.json. */
  private static long version(Path metadataFile) {
    String digits =
        metadataFile.getFileName().toString().replaceFirst("^v", "").replaceFirst("\\D.*", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }
}
