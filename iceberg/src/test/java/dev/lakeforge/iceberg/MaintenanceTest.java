package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class MaintenanceTest {
  static final String T = "lake.mnt.orders";
  @TempDir Path dir;
  final List<Long> snapshots = new ArrayList<>();
  Path orphan;

  @BeforeEach
  void table(SparkSession spark) throws Exception {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql("CREATE TABLE " + T + " (id INT, v STRING) USING iceberg");
    snapshots.clear();
    for (int i = 1; i <= 6; i++) {
      spark.sql("INSERT INTO " + T + " VALUES (" + i + ", 'v" + i + "')");
      snapshots.add(LakeTable.of(spark, T).current().snapshotId());
    }
    spark.sql("ALTER TABLE " + T + " CREATE TAG release_1 AS OF VERSION " + snapshots.get(1));
    spark.sql("ALTER TABLE " + T + " CREATE BRANCH experiment AS OF VERSION " + snapshots.get(2));
    String location = LakeTable.of(spark, T).table().location().replace("file:", "");
    orphan = Path.of(location, "data", "stray-from-a-crashed-job.parquet");
    Files.writeString(orphan, "not referenced by any snapshot");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(5, ChronoUnit.DAYS)));
  }

  private static MaintenancePolicy policy() {
    return MaintenancePolicy.defaults()
        .withExpireOlderThanDays(0)
        .withRetainLast(2)
        .withOrphanOlderThanHours(24);
  }

  @Test
  void dryRunListsWhatRunDoesAndExpiryKeepsTagsAndBranchHeads(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    long rowsBefore = t.read().count();
    MaintenanceReport wouldDo = t.maintain(policy()).plan();
    assertThat(wouldDo.dryRun()).isTrue();
    // keep: last 2 of main (s5, s6), tag (s2), branch head (s3)
    assertThat(wouldDo.expiredSnapshots())
        .containsExactlyInAnyOrder(snapshots.get(0), snapshots.get(3));
    assertThat(wouldDo.orphanFiles()).anyMatch(f -> f.endsWith("stray-from-a-crashed-job.parquet"));
    assertThat(wouldDo.orphanBytes()).isPositive();
    assertThat(wouldDo.smallFiles()).isEqualTo(6);
    assertThat(wouldDo.manifests()).isPositive();
    assertThat(orphan).as("a dry run deletes nothing").exists();
    assertThat(t.table().snapshot(snapshots.get(0))).as("a dry run expires nothing").isNotNull();

    MaintenanceReport did = t.maintain(policy()).execute();
    assertThat(did.expiredSnapshots())
        .containsExactlyInAnyOrderElementsOf(wouldDo.expiredSnapshots());
    assertThat(orphan).doesNotExist();
    assertThat(did.smallFiles()).isEqualTo(6);
    assertThat(did.addedFiles()).isEqualTo(1);
    var table = t.table();
    assertThat(table.snapshot(snapshots.get(1))).as("tagged snapshot survives").isNotNull();
    assertThat(table.snapshot(snapshots.get(2))).as("branch head survives").isNotNull();
    assertThat(table.snapshot(snapshots.get(0))).isNull();
    assertThat(t.atTag("release_1").count()).isEqualTo(2);
    assertThat(t.atBranch("experiment").count()).isEqualTo(3);
    assertThat(t.read().count()).isEqualTo(rowsBefore);
    List<Long> remaining = new ArrayList<>();
    for (Snapshot s : table.snapshots()) {
      remaining.add(s.snapshotId());
    }
    assertThat(remaining).contains(snapshots.get(1), snapshots.get(2));
  }

  @Test
  void maintenanceJobDryRunChangesNothing(SparkSession spark) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("maintenance.yaml"),
            """
        table-maintenance:
          tables: [lake.mnt.orders]
          default: {expireOlderThanDays: 0, retainLast: 5, orphanOlderThanHours: 24}
          policies:
            lake.mnt.orders: {retainLast: 2}
        run: {reportDir: %s}
        """
                .formatted(dir.resolve("runs")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()))
            .execute("table-maintenance", "--config", config.toString(), "--dry-run");
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("would expire 2 snapshot(s)")
        .contains("would remove 1 orphan file(s)")
        .contains("would rewrite 6 small data file(s)");
    assertThat(orphan).exists();
    assertThat(LakeTable.of(spark, T).table().snapshot(snapshots.get(0))).isNotNull();
  }

  @Test
  void aTablesPolicyIsTheDefaultWithItsOwnKeysAndIsCheckedWhereItIsWritten() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("bad-policy.yaml"),
            """
        table-maintenance:
          tables: [lake.mnt.orders]
          default: {expireOlderThanDays: 0}
          policies:
            lake.mnt.orders: {retainLast: 0}
        """);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute("table-maintenance", "--config", config.toString(), "--dry-run");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("bad-policy.yaml:5:")
        .contains("retainLast: must be at least 1, got 0")
        .doesNotContain("\tat ");
  }
}
