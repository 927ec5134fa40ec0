package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.DataFrameAssert;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.S3Server;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backup to another location and restore into a JDBC catalog on a real PostgreSQL. */
@SparkTest
class BackupRestoreTest {
  @BeforeAll
  static void catalog(SparkSession spark, TestWarehouse w) {
    Catalogs.sparkConf(
            "dr",
            CatalogSettings.jdbc(
                EmbeddedPostgresServer.jdbcUrl(),
                "postgres",
                Secret.of("postgres"),
                Location.of(w.resolve("dr-warehouse"))))
        .forEach((k, v) -> spark.conf().set(k, v));
    spark.sql("CREATE NAMESPACE IF NOT EXISTS dr.sales");
  }

  @Test
  void backupIsIncrementalVerifiedAndRestoresRowForRow(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql(
        "CREATE TABLE dr.sales.orders (id INT, status STRING, amount DOUBLE) USING iceberg PARTITIONED BY (status)");
    spark.sql(
        "INSERT INTO dr.sales.orders VALUES (1, 'NEW', 10.0), (2, 'PAID', 20.0), (3, 'PAID', 30.0)");
    LakeTable t = LakeTable.of(spark, "dr.sales.orders");
    String backup = "file:" + w.resolve("backups/orders");

    Backup.BackupResult first = t.backupTo(backup).execute();
    assertThat(first.copiedFiles()).isPositive();
    assertThat(first.skippedFiles()).isZero();
    assertThat(first.manifest().records()).isEqualTo(3);

    Restore.Report restored = Restore.from(spark, backup).asTable("dr.sales.orders_restored");
    assertThat(restored.problems()).isEmpty();
    assertThat(restored.checkedFiles()).isEqualTo(first.manifest().files().size());
    assertThat(restored.rto()).isPositive();
    DataFrameAssert.assertThat(spark.table("dr.sales.orders_restored"))
        .hasSameSchemaAs(t.read())
        .hasSameRowsAs(t.read());

    spark.sql("INSERT INTO dr.sales.orders VALUES (4, 'SHIPPED', 40.0)");
    Backup.BackupResult second = t.backupTo(backup).execute();
    assertThat(second.copiedFiles())
        .as("files already backed up are not copied again")
        .isLessThan(second.manifest().files().size());
    long backupBytes =
        second.manifest().files().stream().mapToLong(BackupManifest.Entry::size).sum();
    assertThat(second.copiedBytes()).isLessThan(backupBytes);
    assertThat(second.manifest().records()).isEqualTo(4);
    Restore.from(spark, backup).asTable("dr.sales.orders_restored_2");
    DataFrameAssert.assertThat(spark.table("dr.sales.orders_restored_2")).hasSameRowsAs(t.read());

    // disaster: the table is damaged by a bad delete; restore it in place under its own name
    spark.sql("DELETE FROM dr.sales.orders WHERE status = 'PAID'");
    Restore.Report inPlace = Restore.from(spark, backup).inPlace("dr.sales.orders");
    assertThat(inPlace.rows()).isEqualTo(4);
    DataFrameAssert.assertThat(spark.table("dr.sales.orders"))
        .hasSameRowsAs(spark.table("dr.sales.orders_restored_2"));
  }

  @Test
  void aCorruptBackupFailsVerificationAndRestoresNothing(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE dr.sales.events (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.events VALUES (1), (2)");
    Path dir = w.resolve("backups/events");
    LakeTable.of(spark, "dr.sales.events").backupTo("file:" + dir).execute();
    Path dataFile;
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      dataFile = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(dataFile);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(dataFile, bytes);
    Restore.Report check = Restore.from(spark, "file:" + dir).verify();
    assertThat(check.problems())
        .singleElement()
        .asString()
        .contains("checksum differs from the manifest");
    assertThatThrownBy(() -> Restore.from(spark, "file:" + dir).asTable("dr.sales.events_restored"))
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("failed verification, nothing restored");
    assertThat(spark.catalog().tableExists("dr.sales.events_restored")).isFalse();
    assertThatThrownBy(() -> Restore.from(spark, w.resolve("nowhere").toUri().toString()).verify())
        .hasMessageContaining("no backup at")
        .hasMessageContaining("_lakeforge_backup.json is missing");
  }

  @Test
  void aBackupNeverGoesOverATablesFilesAnotherTablesBackupOrAnythingElse(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql("CREATE TABLE dr.sales.a (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.a VALUES (1), (2)");
    spark.sql("CREATE TABLE dr.sales.b (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.b VALUES (10), (20), (30)");
    LakeTable a = LakeTable.of(spark, "dr.sales.a");
    LakeTable b = LakeTable.of(spark, "dr.sales.b");
    String bLocation = b.table().location();

    assertThatThrownBy(() -> a.backupTo(bLocation).execute())
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("cannot back up dr.sales.a to " + Location.of(bLocation))
        .hasMessageContaining("it is the location of an Iceberg table")
        .satisfies(e -> assertThat(((LakeTableException) e).kind()).isEqualTo(ErrorKind.USAGE));
    assertThat(spark.table("dr.sales.b").count()).as("b still reads its own rows").isEqualTo(3);

    Path bBackup = w.resolve("backups/b");
    b.backupTo(bBackup.toString()).execute();
    String manifest = Files.readString(bBackup.resolve(BackupManifest.FILE));
    assertThatThrownBy(() -> a.backupTo(bBackup.toString()).execute())
        .hasMessageContaining("it holds the backup of another table, dr.sales.b");
    assertThat(Files.readString(bBackup.resolve(BackupManifest.FILE))).isEqualTo(manifest);

    Path other = Files.createDirectories(w.resolve("backups/not-empty"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> a.backupTo(other.toString()).execute())
        .hasMessageContaining("it is not empty and holds no backup (notes.txt)");
    assertThatThrownBy(() -> a.backupTo(a.table().location() + "/backup").execute())
        .hasMessageContaining("it overlaps the table's own location");

    spark.sql("INSERT INTO dr.sales.b VALUES (40)");
    assertThat(b.backupTo(bBackup.toString()).execute().manifest().records())
        .as("the same table's backup grows")
        .isEqualTo(4);
  }

  @Test
  void aMovedOrCopiedBackupRestoresFromWhereItIsNowOnAnyFileSystem(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql(
        "CREATE TABLE dr.sales.moves (id INT, status STRING) USING iceberg PARTITIONED BY (status)");
    spark.sql("INSERT INTO dr.sales.moves VALUES (1, 'NEW'), (2, 'PAID')");
    spark.sql("INSERT INTO dr.sales.moves VALUES (3, 'PAID')");
    LakeTable t = LakeTable.of(spark, "dr.sales.moves");
    Path written = w.resolve("backups/moves-written");
    t.backupTo(written.toString()).execute();

    // a disaster-recovery copy in a folder whose name needs quoting in SQL
    Path copy = w.resolve("backups/o'brien copy");
    copyTree(written, copy);
    Restore fromCopy = Restore.from(spark, copy.toString());
    assertThat(fromCopy.verify().problems()).isEmpty();
    assertThat(fromCopy.movedFrom()).contains(Location.of(written).uri());
    assertThat(fromCopy.asTable("dr.sales.`moves o'brien`").rows()).isEqualTo(3);
    DataFrameAssert.assertThat(spark.table("dr.sales.`moves o'brien`")).hasSameRowsAs(t.read());
    assertThat(Restore.from(spark, copy.toString()).movedFrom())
        .as("the copy now names where it is")
        .isEmpty();
    assertThat(Restore.from(spark, copy.toString()).verify().problems()).isEmpty();
    assertThat(Restore.from(spark, written.toString()).movedFrom())
        .as("the original is untouched")
        .isEmpty();

    // a restore interrupted after staging the rewritten metadata: the next one finishes the
    // relocation
    Path interrupted = w.resolve("backups/moves-interrupted");
    copyTree(written, interrupted);
    Restore.from(spark, interrupted.toString()).stageRelocation();
    assertThat(interrupted.resolve("_relocate")).isDirectory();
    assertThat(
            Restore.from(spark, interrupted.toString())
                .asTable("dr.sales.moves_interrupted")
                .rows())
        .isEqualTo(3);
    assertThat(interrupted.resolve("_relocate")).doesNotExist();

    // moved away: the old folder is gone
    Path moved = w.resolve("backups/moves-moved");
    Files.move(written, moved);
    assertThat(Restore.from(spark, moved.toString()).asTable("dr.sales.moves_moved").rows())
        .isEqualTo(3);
    DataFrameAssert.assertThat(spark.table("dr.sales.moves_moved")).hasSameRowsAs(t.read());

    // to another file system: the copy on an S3 bucket
    S3Server s3 = S3Server.shared();
    s3.hadoopConf().forEach(spark.sparkContext().hadoopConfiguration()::set);
    String bucket = "s3a://" + s3.createBucket("dr-copies") + "/moves-" + UUID.randomUUID();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(bucket);
    FileUtil.copy(
        new File(moved.toString()),
        target.getFileSystem(spark.sparkContext().hadoopConfiguration()),
        target,
        false,
        spark.sparkContext().hadoopConfiguration());
    assertThat(Restore.from(spark, bucket).asTable("dr.sales.moves_s3").rows()).isEqualTo(3);
    DataFrameAssert.assertThat(spark.table("dr.sales.moves_s3")).hasSameRowsAs(t.read());
  }

  @Test
  void aBackupWhoseMetadataDisagreesWithItsManifestRestoresNothing(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql("CREATE TABLE dr.sales.edits (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.edits VALUES (1), (2)");
    spark.sql("INSERT INTO dr.sales.edits VALUES (3)");
    Path original = w.resolve("backups/edits");
    LakeTable.of(spark, "dr.sales.edits").backupTo(original.toString()).execute();
    ObjectMapper json = new ObjectMapper();

    // an object store keeps no checksum sidecars: a manifest removed along with its entry is not a
    // checksum problem
    Path removed = w.resolve("backups/edits-removed");
    copyTree(original, removed);
    ObjectNode m = (ObjectNode) json.readTree(removed.resolve(BackupManifest.FILE).toFile());
    ArrayNode files = (ArrayNode) m.get("files");
    String manifestFile = null;
    for (int i = 0; i < files.size(); i++) {
      String path = files.get(i).get("path").asText();
      if (path.endsWith("-m0.avro")) {
        manifestFile = path;
        files.remove(i);
        break;
      }
    }
    assertThat(manifestFile).isNotNull();
    Files.delete(removed.resolve(manifestFile));
    json.writeValue(removed.resolve(BackupManifest.FILE).toFile(), m);
    assertThat(Restore.from(spark, removed.toString()).verify().problems())
        .singleElement()
        .asString()
        .contains(manifestFile + " is part of the table but not of the backup manifest");
    assertThatThrownBy(
            () -> Restore.from(spark, removed.toString()).asTable("dr.sales.edits_removed"))
        .hasMessageContaining("failed verification, nothing restored")
        .satisfies(
            e -> assertThat(((LakeTableException) e).kind()).isEqualTo(ErrorKind.VALIDATION));
    assertThat(spark.catalog().tableExists("dr.sales.edits_removed")).isFalse();

    Path edited = w.resolve("backups/edits-count");
    copyTree(original, edited);
    m = (ObjectNode) json.readTree(edited.resolve(BackupManifest.FILE).toFile());
    m.put("records", 30);
    json.writeValue(edited.resolve(BackupManifest.FILE).toFile(), m);
    assertThatThrownBy(() -> Restore.from(spark, edited.toString()).asTable("dr.sales.edits_count"))
        .hasMessageContaining("holds 3 records, the manifest says 30");
    assertThat(spark.catalog().tableExists("dr.sales.edits_count")).isFalse();

    // moved and damaged: nothing is rewritten before everything verified
    Path movedRemoved = w.resolve("backups/edits-removed-moved");
    Files.move(removed, movedRemoved);
    assertThatThrownBy(
            () -> Restore.from(spark, movedRemoved.toString()).asTable("dr.sales.edits_removed"))
        .hasMessageContaining("is part of the table but not of the backup manifest");
    assertThat(movedRemoved.resolve("_relocate")).doesNotExist();
  }

  @Test
  void restoreTargetNamesAreParsedNeverPastedIntoSql(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE dr.sales.names (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.names VALUES (1)");
    Path backup = w.resolve("backups/names");
    LakeTable.of(spark, "dr.sales.names").backupTo(backup.toString()).execute();
    String crafted = "dr.sales.x', metadata_file => '/tmp/evil.metadata.json') --";
    assertThatThrownBy(() -> Restore.from(spark, backup.toString()).asTable(crafted))
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("is not a table name")
        .satisfies(e -> assertThat(((LakeTableException) e).kind()).isEqualTo(ErrorKind.USAGE));
    assertThat(spark.sql("SHOW TABLES IN dr.sales").filter("tableName LIKE 'x%'").count()).isZero();
    assertThatThrownBy(() -> Restore.from(spark, backup.toString()).asTable("dr.sales.names"))
        .hasMessageContaining("cannot restore as dr.sales.names: the table exists");
  }

  @Test
  void backupAndRestoreJobs(SparkSession spark, TestWarehouse w) {
    spark.sql("CREATE TABLE dr.sales.items (id INT) USING iceberg");
    spark.sql("INSERT INTO dr.sales.items VALUES (1), (2), (3), (4)");
    String backup = "file:" + w.resolve("backups/items");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Launcher l =
        new Launcher(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()));
    String runs = "run.reportDir=" + w.resolve("runs");
    assertThat(l.execute("backup", "--table", "dr.sales.items", "--to", backup, "--set", runs))
        .isZero();
    assertThat(
            l.execute(
                "restore",
                "--from",
                backup,
                "--as",
                "dr.sales.items_restored",
                "--dry-run",
                "--set",
                runs))
        .isZero();
    assertThat(spark.catalog().tableExists("dr.sales.items_restored")).isFalse();
    assertThat(
            l.execute(
                "restore", "--from", backup, "--as", "dr.sales.items_restored", "--set", runs))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("copied")
        .contains("4 records")
        .contains("file(s) verified")
        .contains("Restored dr.sales.items_restored")
        .contains("RTO");
    assertThat(spark.table("dr.sales.items_restored").count()).isEqualTo(4);
  }

  /** Copies a folder as a copy to an object store would: without Hadoop's local checksum files. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(".crc")) {
          continue;
        }
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
