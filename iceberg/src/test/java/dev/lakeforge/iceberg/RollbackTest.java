package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.testing.SparkTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SparkTest
class RollbackTest {
  static final String T = "lake.rb.orders";
  long s1;
  long s2;
  long s3;
  long s4;

  @BeforeEach
  void table(SparkSession spark) {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql("CREATE TABLE " + T + " (id INT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO " + T + " VALUES (1, 10.0), (2, 20.0)");
    s1 = LakeTable.of(spark, T).current().snapshotId();
    spark.sql("INSERT INTO " + T + " VALUES (3, 30.0), (4, 40.0), (5, 50.0)");
    s2 = LakeTable.of(spark, T).current().snapshotId();
    spark.sql("DELETE FROM " + T + " WHERE id = 1");
    s3 = LakeTable.of(spark, T).current().snapshotId();
    spark.sql("INSERT INTO " + T + " VALUES (6, 60.0)");
    s4 = LakeTable.of(spark, T).current().snapshotId();
  }

  @Test
  void previewMatchesWhatApplyDoesAndUndoRestoresTheExactSnapshot(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    long before = t.read().count();
    RollbackPlan plan = t.rollback().by("alice").reason("bad load on Tuesday").toSnapshot(s2);
    assertThat(plan.current().snapshotId()).isEqualTo(s4);
    assertThat(plan.target().snapshotId()).isEqualTo(s2);
    assertThat(plan.undone()).extracting(SnapshotInfo::snapshotId).containsExactly(s4, s3);
    assertThat(plan.recordsRemoved()).isEqualTo(1); // id 6
    assertThat(plan.recordsRestored()).isEqualTo(1); // id 1
    assertThat(plan.describe())
        .contains("undoes 2 snapshot(s): 1 records")
        .contains("1 records and");
    assertThat(t.current().snapshotId()).as("a plan changes nothing").isEqualTo(s4);

    RollbackRecord r = plan.commit();
    assertThat(t.current().snapshotId()).isEqualTo(s2);
    assertThat(t.read().count())
        .isEqualTo(before - plan.recordsRemoved() + plan.recordsRestored())
        .isEqualTo(plan.target().totalRecords());
    assertThat(r.by()).isEqualTo("alice");
    assertThat(t.rollbackLog()).containsExactly(r);
    assertThat(t.table().snapshot(s4)).as("no snapshot is deleted").isNotNull();

    RollbackRecord undo = t.undoLastRollback("bob", "Tuesday's load was fine");
    assertThat(t.current().snapshotId()).isEqualTo(s4);
    assertThat(t.read().orderBy("id").collectAsList()).hasSize((int) before);
    assertThat(undo.undo()).isTrue();
    List<RollbackRecord> log = t.rollbackLog();
    assertThat(log).hasSize(2);
    assertThat(log.get(0).undone()).isTrue();
    assertThatThrownBy(() -> t.undoLastRollback("bob", "again"))
        .hasMessageContaining("has no rollback to undo");
  }

  @Test
  void rollbackToTagAndToTimestamp(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    spark.sql("ALTER TABLE " + T + " CREATE TAG good AS OF VERSION " + s1);
    assertThat(t.rollback().toTag("good").target().snapshotId()).isEqualTo(s1);
    Instant s3Time =
        t.table().snapshot(s3).timestampMillis() == 0
            ? null
            : Instant.ofEpochMilli(t.table().snapshot(s3).timestampMillis());
    assertThat(t.rollback().toTimestamp(s3Time).target().snapshotId()).isEqualTo(s3);
    assertThatThrownBy(() -> t.rollback().toTag("nope"))
        .hasMessageContaining("tag 'nope' does not exist");
  }

  @Test
  void snapshotsOffTheCurrentHistoryOrExpiredAreRefused(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    t.rollback().toSnapshot(s2).commit();
    spark.sql("INSERT INTO " + T + " VALUES (7, 70.0)");
    assertThatThrownBy(() -> t.rollback().toSnapshot(s3))
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("snapshot " + s3 + " is not an ancestor of the current snapshot")
        .hasMessageContaining("can only go back along the current history");
    spark.sql(
        "CALL lake.system.expire_snapshots(table => 'lake.rb.orders', older_than => TIMESTAMP '2999-01-01 00:00:00',"
            + " retain_last => 1)");
    assertThatThrownBy(() -> t.rollback().toSnapshot(s1))
        .isInstanceOf(LakeTableException.NoSuchSnapshot.class)
        .hasMessageContaining(
            "snapshot " + s1 + " of lake.rb.orders does not exist (expired or never committed)");
  }

  @Test
  void commitRefusesWhenTheTableMovedSinceThePlan(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    RollbackPlan plan = t.rollback().toSnapshot(s1);
    spark.sql("INSERT INTO " + T + " VALUES (8, 80.0)");
    assertThatThrownBy(plan::commit)
        .isInstanceOf(LakeTableException.TableChanged.class)
        .hasMessageContaining("moved since this plan was made");
  }

  private static final MaintenancePolicy EXPIRE_EVERYTHING_OLD =
      MaintenancePolicy.defaults()
          .withExpireOlderThanDays(0)
          .withRetainLast(1)
          .withOrphanOlderThanHours(1)
          .withRewriteDataFiles(false, "128m", List.of())
          .withRewriteManifests(false);

  @Test
  void maintenanceKeepsWhatARecordedRollbackNeedsUntilItsUndoWindowEnds(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    long rows = t.read().count();
    RollbackPlan plan = t.rollback().toSnapshot(s1);
    assertThat(plan.describe())
        .contains("can be undone until")
        .contains("undo window 30 day(s)")
        .contains("keeps snapshot " + s4);
    RollbackRecord r = plan.commit();
    assertThat(Instant.parse(r.undoUntil())).isAfter(Instant.now().plus(Duration.ofDays(29)));

    MaintenanceReport m = t.maintain(EXPIRE_EVERYTHING_OLD).execute();
    assertThat(m.expiredSnapshots())
        .as("what the undo does not need goes")
        .contains(s2, s3)
        .doesNotContain(s4);
    RollbackRecord undo = t.undoLastRollback("ops", "the load was fine");
    assertThat(undo.toSnapshot()).isEqualTo(s4);
    assertThat(t.read().count()).isEqualTo(rows);
    assertThat(t.table().refs())
        .as("the undo releases what it kept")
        .doesNotContainKey(RollbackRecord.undoTag(s4));
  }

  @Test
  void anUndoAfterItsWindowEndedIsAUsageErrorSayingWhen(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    RollbackRecord r = t.rollback().undoWindow(Duration.ZERO).toSnapshot(s2).commit();
    long ended = Instant.parse(r.undoUntil()).toEpochMilli();
    while (System.currentTimeMillis() <= ended) {
      Thread.onSpinWait();
    }
    t.maintain(EXPIRE_EVERYTHING_OLD).execute();
    assertThat(t.table().snapshot(s4)).isNull();
    assertThatThrownBy(() -> t.undoLastRollback("ops", "too late"))
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining(
            "can no longer be undone: snapshot "
                + s4
                + " was expired after its undo window ended at "
                + r.undoUntil())
        .satisfies(e -> assertThat(((LakeTableException) e).kind()).isEqualTo(ErrorKind.USAGE));
  }
}
