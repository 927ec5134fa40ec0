package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.S3Settings;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.IcebergRestServer;
import dev.lakeforge.testing.S3Server;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same time travel, rollback and backup/restore on every catalog type, each on a real server:
 * hadoop (files), jdbc (PostgreSQL), nessie (the Nessie server) and rest (Iceberg's REST catalog
 * server, tables in a bucket of the S3 server through S3FileIO). Nessie serves the REST API too,
 * but keeps only a table's current snapshot there (its commit log is the history), so snapshot time
 * travel and rollback are tested on Iceberg's own server.
 */
@SparkTest
class CatalogTypesTest {
  @BeforeAll
  static void catalogs(SparkSession spark, TestWarehouse w) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.putAll(
        Catalogs.sparkConf(
            "parity_jdbc",
            CatalogSettings.jdbc(
                EmbeddedPostgresServer.jdbcUrl(),
                "postgres",
                Secret.of("postgres"),
                Location.of(w.resolve("parity-jdbc")))));
    conf.putAll(
        Nessie.catalogConf(
            "parity_nessie",
            TestNessie.uri(),
            "main",
            w.resolve("parity-nessie").toUri().toString()));
    S3Server s3 = S3Server.shared();
    S3Settings client =
        new S3Settings(
            s3.endpoint(),
            "us-east-1",
            true,
            Secret.of(s3.accessKey()),
            Secret.of(s3.secretKey()),
            null);
    conf.putAll(
        Catalogs.sparkConf(
            "parity_rest",
            CatalogSettings.rest(IcebergRestServer.shared().uri())
                .withProperties(client.icebergProperties())));
    conf.forEach((k, v) -> spark.conf().set(k, v));
    // Backups copy files with Hadoop's file systems: S3A for the REST catalog's bucket (s3:// too).
    client.hadoopConf().forEach(spark.sparkContext().hadoopConfiguration()::set);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lake", "parity_jdbc", "parity_nessie", "parity_rest"})
  void timeTravelRollbackAndBackupRestoreWork(String catalog, SparkSession spark, TestWarehouse w)
      throws Exception {
    // one namespace per catalog: the nessie and rest catalogs share the Nessie server's main branch
    String ns = catalog + ".ns_" + catalog;
    String t = ns + ".orders";
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
    spark.sql("DROP TABLE IF EXISTS " + t);
    spark.sql("DROP TABLE IF EXISTS " + t + "_restored");
    spark.sql("CREATE TABLE " + t + " (id INT, status STRING) USING iceberg");
    spark.sql("INSERT INTO " + t + " VALUES (1, 'NEW'), (2, 'NEW')");
    LakeTable table = LakeTable.of(spark, t);
    long s1 = table.current().snapshotId();
    Instant afterS1 = Instant.ofEpochMilli(table.current().committedAt().toEpochMilli() + 1);
    while (!Instant.now().isAfter(afterS1)) {
      Thread.onSpinWait();
    }
    spark.sql("INSERT INTO " + t + " VALUES (3, 'PAID')");
    long s2 = table.current().snapshotId();
    spark.sql("DELETE FROM " + t + " WHERE id = 1");
    long s3 = table.current().snapshotId();

    assertThat(table.history()).extracting(SnapshotInfo::snapshotId).containsExactly(s3, s2, s1);
    assertThat(table.asOf(s1).count()).isEqualTo(2);
    assertThat(table.asOf(afterS1).count()).isEqualTo(2);
    assertThat(table.read().count()).isEqualTo(2);

    RollbackPlan plan = table.rollback().by("ci").reason("parity").toSnapshot(s2);
    assertThat(plan.recordsRestored()).isEqualTo(1);
    plan.commit();
    assertThat(table.current().snapshotId()).isEqualTo(s2);
    assertThat(table.read().count()).isEqualTo(3);
    table.undoLastRollback("ci", "parity");
    assertThat(table.current().snapshotId()).isEqualTo(s3);

    String backup =
        catalog.equals("parity_rest")
            ? "s3://" + IcebergRestServer.BUCKET + "/backups/" + UUID.randomUUID()
            : w.resolve("parity-backup-" + catalog).toString();
    Backup.BackupResult b = table.backupTo(backup).execute();
    assertThat(b.manifest().records()).isEqualTo(2);
    Restore.Report r = Restore.from(spark, backup).asTable(t + "_restored");
    assertThat(r.rows()).isEqualTo(2);
    assertThat(spark.table(t + "_restored").orderBy("id").collectAsList())
        .isEqualTo(spark.table(t).orderBy("id").collectAsList());
  }
}
