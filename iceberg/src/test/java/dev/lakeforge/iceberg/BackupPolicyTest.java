package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.testing.DataFrameAssert;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backups on a schedule: a verified generation per run, retention, RPO and RTO. */
@SparkTest
class BackupPolicyTest {
  @BeforeAll
  static void catalog(SparkSession spark, TestWarehouse w) {
    Catalogs.sparkConf(
            "bp",
            CatalogSettings.jdbc(
                EmbeddedPostgresServer.jdbcUrl(),
                "postgres",
                Secret.of("postgres"),
                Location.of(w.resolve("bp-warehouse"))))
        .forEach((k, v) -> spark.conf().set(k, v));
    spark.sql("CREATE NAMESPACE IF NOT EXISTS bp.sales");
  }

  private static BackupPolicy policy(Path root, int keep, String at) {
    return BackupPolicy.to(Location.of(root.toString()))
        .keep(keep)
        .clock(Clock.fixed(Instant.parse(at), ZoneOffset.UTC));
  }

  private static List<String> generations(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void eachRunAddsAVerifiedBackupAndRetentionKeepsTheNewest(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE bp.sales.orders (id INT, tags MAP<STRING, STRING>) USING iceberg");
    spark.sql("INSERT INTO bp.sales.orders VALUES (1, map('a', 'x')), (2, NULL)");
    Path root = w.resolve("policy-backups");
    Path dir = root.resolve("bp.sales.orders");

    BackupPolicy.Result first =
        policy(root, 2, "2026-11-25T02:00:00Z").run(spark, "bp.sales.orders");
    assertThat(first.generation()).isEqualTo("20261125T020000000Z");
    assertThat(first.rows()).isEqualTo(2);
    assertThat(first.rpo()).as("the backup holds the newest commit").isZero();
    assertThat(first.rto()).isPositive();
    assertThat(dir.resolve(first.generation()).resolve(BackupPolicy.VERIFIED)).exists();
    assertThat(spark.catalog().listTables("bp.sales").collectAsList())
        .as("the scratch table of the verification is dropped")
        .extracting(t -> t.name())
        .noneMatch(name -> name.contains("lakeforge_verify"));

    BackupPolicy.Result unchanged =
        policy(root, 2, "2026-11-25T03:00:00Z").run(spark, "bp.sales.orders");
    assertThat(unchanged.generation()).as("no commit since, no new backup").isNull();
    assertThat(generations(dir)).containsExactly("20261125T020000000Z");

    spark.sql("ALTER TABLE bp.sales.orders ADD COLUMN note STRING");
    BackupPolicy.Result schemaChanged =
        policy(root, 2, "2026-11-25T04:00:00Z").run(spark, "bp.sales.orders");
    assertThat(schemaChanged.generation())
        .as("a new column commits no snapshot, yet the backup must have it")
        .isEqualTo("20261125T040000000Z");
    Restore.from(spark, dir.resolve("20261125T040000000Z").toUri().toString())
        .asTable("bp.sales.orders_with_note");
    assertThat(spark.table("bp.sales.orders_with_note").columns()).contains("note");
    spark.sql("DROP TABLE bp.sales.orders_with_note");

    spark.sql("INSERT INTO bp.sales.orders VALUES (3, map('b', 'y'), 'third')");
    policy(root, 2, "2026-11-26T02:00:00Z").run(spark, "bp.sales.orders");
    spark.sql("INSERT INTO bp.sales.orders VALUES (4, NULL, NULL)");
    BackupPolicy.Result third =
        policy(root, 2, "2026-11-27T02:00:00Z").run(spark, "bp.sales.orders");

    assertThat(third.deleted()).containsExactly("20261125T040000000Z");
    assertThat(third.verified()).containsExactly("20261126T020000000Z", "20261127T020000000Z");
    assertThat(generations(dir)).containsExactly("20261126T020000000Z", "20261127T020000000Z");
    assertThat(third.rows()).isEqualTo(4);
    Restore.from(spark, dir.resolve("20261126T020000000Z").toUri().toString())
        .asTable("bp.sales.orders_day_before");
    assertThat(spark.table("bp.sales.orders_day_before").count())
        .as("each generation restores on its own")
        .isEqualTo(3);
  }

  @Test
  void aMarkerFromAnOlderOrNewerLakeforgeIsReadAndAnOldOneCostsOneMoreBackupOnce(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql("CREATE TABLE bp.sales.legacy (id INT) USING iceberg");
    spark.sql("INSERT INTO bp.sales.legacy VALUES (1), (2)");
    Path root = w.resolve("legacy-backups");
    Path dir = root.resolve("bp.sales.legacy");
    policy(root, 2, "2026-11-25T02:00:00Z").run(spark, "bp.sales.legacy");
    Path marker = dir.resolve("20261125T020000000Z").resolve(BackupPolicy.VERIFIED);
    ObjectNode old = (ObjectNode) new ObjectMapper().readTree(marker.toFile());
    old.remove(List.of("schemaId", "specId")); // written before they were recorded
    old.put("writtenBy", "a later Lakeforge"); // and a field this one does not know
    Files.writeString(marker, old.toString());
    Files.deleteIfExists(marker.resolveSibling("." + marker.getFileName() + ".crc"));

    BackupPolicy.Result again =
        policy(root, 2, "2026-11-25T03:00:00Z").run(spark, "bp.sales.legacy");
    assertThat(again.generation())
        .as("a marker without the schema cannot tell it holds the table's: one more backup")
        .isEqualTo("20261125T030000000Z");
    assertThat(again.verified()).containsExactly("20261125T020000000Z", "20261125T030000000Z");
    assertThat(policy(root, 2, "2026-11-25T04:00:00Z").run(spark, "bp.sales.legacy").generation())
        .as("only once")
        .isNull();
  }

  @Test
  void aCorruptDataFileFailsTheRunAndKeepsEveryVerifiedBackup(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE bp.sales.payments (id INT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO bp.sales.payments VALUES (1, 10.0), (2, 20.0)");
    Path root = w.resolve("corrupt-backups");
    Path dir = root.resolve("bp.sales.payments");
    policy(root, 1, "2026-11-26T02:00:00Z").run(spark, "bp.sales.payments");
    spark.sql("INSERT INTO bp.sales.payments VALUES (3, 30.0)");
    // a data file overwritten in place, as on an object store: no checksum sidecar to catch it
    Path file = firstDataFile(spark, "bp.sales.payments");
    Files.write(file, new byte[(int) Files.size(file)]);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));

    assertThatThrownBy(
            () -> policy(root, 1, "2026-11-27T02:00:00Z").run(spark, "bp.sales.payments"))
        .isInstanceOf(LakeTableException.class)
        .satisfies(e -> assertThat(((LakeTableException) e).kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessageContaining("failed verification")
        .hasMessageContaining("no backup is deleted");
    assertThat(generations(dir)).containsExactly("20261126T020000000Z", "20261127T020000000Z");
    assertThat(dir.resolve("20261127T020000000Z").resolve(BackupPolicy.VERIFIED)).doesNotExist();

    // the runbook: restore in place from the newest verified backup, then back up again
    Restore.from(spark, dir.resolve("20261126T020000000Z").toUri().toString())
        .inPlace("bp.sales.payments");
    DataFrameAssert.assertThat(spark.table("bp.sales.payments"))
        .hasSameRowsAs(spark.sql("SELECT 1 AS id, 10.0D AS amount UNION ALL SELECT 2, 20.0D"));
    spark.sql("INSERT INTO bp.sales.payments VALUES (3, 30.0)");
    BackupPolicy.Result after =
        policy(root, 1, "2026-11-28T02:00:00Z").run(spark, "bp.sales.payments");
    assertThat(after.rows()).isEqualTo(3);
    assertThat(after.deleted())
        .as("the failed backup goes; the one the table now reads its files from stays")
        .containsExactly("20261127T020000000Z");
    assertThat(generations(dir)).containsExactly("20261126T020000000Z", "20261128T020000000Z");
    assertThat(after.verified())
        .as("the generation the table now reads is its storage, not a backup")
        .containsExactly("20261128T020000000Z");
    assertThat(spark.table("bp.sales.payments").count()).isEqualTo(3);
  }

  @Test
  void anUnverifiedGenerationIsKeptUntilItsGraceEndsAndAPlanListsTheDeletions(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql("CREATE TABLE bp.sales.returns (id INT) USING iceberg");
    spark.sql("INSERT INTO bp.sales.returns VALUES (1)");
    Path root = w.resolve("concurrent-backups");
    Path dir = root.resolve("bp.sales.returns");
    policy(root, 1, "2026-11-26T02:00:00Z").run(spark, "bp.sales.returns");
    // another run of the table, started at 02:30, still writes its generation
    Files.createDirectories(dir.resolve("20261126T023000000Z/data"));
    spark.sql("INSERT INTO bp.sales.returns VALUES (2)");

    BackupPolicy.Plan plan =
        policy(root, 1, "2026-11-26T03:00:00Z").plan(spark, "bp.sales.returns");
    assertThat(plan.newBackup()).isTrue();
    assertThat(plan.verified()).containsExactly("20261126T020000000Z");
    assertThat(plan.deletions())
        .as("the older verified backup, once the new one is verified; not the run under way")
        .containsExactly("20261126T020000000Z");
    assertThat(generations(dir))
        .as("a plan writes and deletes nothing")
        .containsExactly("20261126T020000000Z", "20261126T023000000Z");

    BackupPolicy.Result run =
        policy(root, 1, "2026-11-26T03:00:00Z").run(spark, "bp.sales.returns");
    assertThat(run.deleted()).isEqualTo(plan.deletions());
    assertThat(generations(dir)).containsExactly("20261126T023000000Z", "20261126T030000000Z");

    spark.sql("INSERT INTO bp.sales.returns VALUES (3)");
    assertThat(
            policy(root, 1, "2026-11-27T03:00:00Z")
                .unverifiedGrace(Duration.ofDays(2))
                .plan(spark, "bp.sales.returns")
                .deletions())
        .as("a longer grace keeps the unverified one a day later")
        .containsExactly("20261126T030000000Z");
    BackupPolicy.Result dayAfter =
        policy(root, 1, "2026-11-27T03:00:00Z").run(spark, "bp.sales.returns");
    assertThat(dayAfter.deleted())
        .as("past its grace, the leftover of a run that never finished goes")
        .containsExactly("20261126T023000000Z", "20261126T030000000Z");
    assertThat(dayAfter.verified()).containsExactly("20261127T030000000Z");
  }

  @Test
  void theBackupJobRunsThePolicyFromTheConfigAndSchedulesIt(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE bp.sales.refunds (id INT) USING iceberg");
    spark.sql("INSERT INTO bp.sales.refunds VALUES (1), (2), (3)");
    Path project = Files.createDirectories(w.resolve("backup-project"));
    Path config =
        Files.writeString(
            project.resolve("backup.yaml"),
            """
            run: {reportDir: runs}
            backup:
              policy: {to: backups, tables: [bp.sales.refunds], keep: 3}
            """);

    Launched run = Launched.run("backup", "--config", config.toString());
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out())
        .containsPattern("bp.sales.refunds: backup \\d{8}T\\d{9}Z written and verified")
        .contains("(3 rows); RPO 0.0 s, RTO ")
        .contains("1 verified backup(s) kept");
    assertThat(project.resolve("backups/bp.sales.refunds")).isDirectory();
    Launched badGrace =
        Launched.run(
            "backup",
            "--config",
            config.toString(),
            "--set",
            "backup.policy.unverifiedGrace=PT12",
            "--dry-run");
    assertThat(badGrace.code()).as(badGrace.all()).isEqualTo(2);
    assertThat(badGrace.err())
        .contains("unverifiedGrace")
        .contains("expected an ISO-8601 duration such as PT30M, got 'PT12'")
        .doesNotContain("\tat ");
    Launched dry = Launched.run("backup", "--config", config.toString(), "--dry-run");
    assertThat(dry.code()).as(dry.all()).isZero();
    assertThat(dry.out())
        .contains("bp.sales.refunds: no new backup: the newest verified one holds snapshot ")
        .contains("; 1 verified backup(s) now; none deleted");
    JsonNode details;
    try (Stream<Path> reports = Files.list(project.resolve("runs"))) {
      Path report = reports.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      details = new ObjectMapper().readTree(report.toFile()).path("details");
    }
    assertThat(details.path("bp.sales.refunds.rows").asLong()).isEqualTo(3);
    assertThat(details.path("bp.sales.refunds.rpoSeconds").asDouble()).isZero();
    assertThat(details.path("bp.sales.refunds.rtoSeconds").asDouble()).isPositive();

    Launched slow =
        Launched.run("backup", "--config", config.toString(), "--set", "backup.policy.rto=0s");
    assertThat(slow.code()).as("an RTO objective the restore exceeds").isEqualTo(3);
    assertThat(slow.out()).contains("RTO objective 0s exceeded: bp.sales.refunds");

    Path partly =
        Files.writeString(
            project.resolve("backup-partly.yaml"),
            """
            run: {reportDir: runs-partly}
            backup:
              policy: {to: backups, tables: [bp.sales.nothing, bp.sales.refunds], keep: 3}
            """);
    Launched missing = Launched.run("backup", "--config", partly.toString());
    assertThat(missing.code()).as(missing.all()).isEqualTo(2);
    assertThat(missing.out()).contains("bp.sales.nothing: FAILED").contains("bp.sales.refunds: ");
    assertThat(missing.err())
        .contains("backup failed for bp.sales.nothing")
        .doesNotContain("\tat ");
    try (Stream<Path> reports = Files.list(project.resolve("runs-partly"))) {
      Path report = reports.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      details = new ObjectMapper().readTree(report.toFile()).path("details");
    }
    assertThat(details.path("errorKind").asText())
        .as("the failed run's report says why, and what the other tables' backups cover")
        .isEqualTo("USAGE");
    assertThat(details.path("bp.sales.nothing.failed").asText()).contains("bp.sales.nothing");
    assertThat(details.path("bp.sales.refunds.rows").asLong()).isEqualTo(3);
    assertThat(details.has("bp.sales.refunds.rtoSeconds")).isTrue();

    Launched cron =
        Launched.run(
            "backup",
            "--config",
            config.toString(),
            "--set",
            "spark.kubernetes.schedule=0 3 * * *",
            "--set",
            "spark.kubernetes.image=registry.example.com/lakeforge-jobs:0.1.0",
            "--emit-k8s",
            "cronjob");
    assertThat(cron.code()).as(cron.all()).isZero();
    assertThat(cron.out())
        .contains("kind: CronJob")
        .contains("schedule: 0 3 * * *")
        .contains("- backup");

    Launched none = Launched.run("backup", "--set", "run.reportDir=" + project.resolve("runs"));
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("give --table or --nessie-uri (with --to), or a backup.policy");
  }

  private static Path firstDataFile(SparkSession spark, String table) throws IOException {
    try (CloseableIterable<FileScanTask> tasks =
        LakeTable.of(spark, table).table().newScan().planFiles()) {
      DataFile f = tasks.iterator().next().file();
      String location = f.location();
      return location.startsWith("file:")
          ? Path.of(java.net.URI.create(location))
          : Path.of(location);
    }
  }
}
