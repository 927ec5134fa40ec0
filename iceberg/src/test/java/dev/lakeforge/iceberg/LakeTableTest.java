package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@SparkTest
class LakeTableTest {
  static final String T = "lake.tt.orders";
  static long s1;
  static long s2;
  static long s3;
  static Instant betweenS1AndS2;

  @BeforeAll
  static void history(SparkSession spark) throws InterruptedException {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql("CREATE TABLE " + T + " (id INT, status STRING) USING iceberg");
    spark.sql("INSERT INTO " + T + " VALUES (1, 'NEW'), (2, 'NEW')");
    LakeTable t = LakeTable.of(spark, T);
    s1 = t.current().snapshotId();
    Thread.sleep(20);
    betweenS1AndS2 = Instant.now();
    Thread.sleep(20);
    spark.sql("INSERT INTO " + T + " VALUES (3, 'PAID')");
    s2 = t.current().snapshotId();
    spark.sql("DELETE FROM " + T + " WHERE id = 1");
    s3 = t.current().snapshotId();
  }

  @Test
  void historyListsSnapshotsNewestFirstWithTheirSummaries(SparkSession spark) {
    List<SnapshotInfo> h = LakeTable.of(spark, T).history();
    assertThat(h).extracting(SnapshotInfo::snapshotId).containsExactly(s3, s2, s1);
    assertThat(h.get(2).operation()).isEqualTo("append");
    assertThat(h.get(2).addedRecords()).isEqualTo(2);
    assertThat(h.get(1).parentId()).isEqualTo(s1);
    assertThat(h.get(1).totalRecords()).isEqualTo(3);
    assertThat(h.get(0).operation()).isIn("delete", "overwrite");
    assertThat(h.get(0).totalRecords()).isEqualTo(2);
  }

  @Test
  void readsAsOfSnapshotTimeTagAndBranch(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    assertThat(t.asOf(s1).count()).isEqualTo(2);
    assertThat(t.asOf(s2).count()).isEqualTo(3);
    assertThat(t.asOf(betweenS1AndS2).count()).isEqualTo(2);
    assertThat(t.read().count()).isEqualTo(2);
    spark.sql("ALTER TABLE " + T + " CREATE OR REPLACE TAG before_delete AS OF VERSION " + s2);
    spark.sql("ALTER TABLE " + T + " CREATE OR REPLACE BRANCH first AS OF VERSION " + s1);
    assertThat(t.atTag("before_delete").count()).isEqualTo(3);
    assertThat(t.atBranch("first").count()).isEqualTo(2);
  }

  @Test
  void diffListsAddedAndRemovedRows(SparkSession spark) {
    List<Row> d = LakeTable.of(spark, T).diff(s1, s3).orderBy("id").collectAsList();
    assertThat(d).extracting(Row::toString).containsExactly("[1,NEW,removed]", "[3,PAID,added]");
  }

  @Test
  void exportsASnapshotToParquet(SparkSession spark, TestWarehouse w) {
    String path = w.resolve("export").toString();
    LakeTable.of(spark, T).exportSnapshot(s2, path, "parquet");
    assertThat(spark.read().parquet(path).count()).isEqualTo(3);
  }

  @Test
  void missingSnapshotTagBranchOrTableNameWhatExists(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    assertThatThrownBy(() -> t.asOf(42L))
        .isInstanceOf(LakeTableException.NoSuchSnapshot.class)
        .hasMessageContaining("snapshot 42 of lake.tt.orders does not exist")
        .hasMessageContaining(Long.toString(s1));
    assertThatThrownBy(() -> t.atTag("nope"))
        .isInstanceOf(LakeTableException.NoSuchRef.class)
        .hasMessageContaining("tag 'nope' does not exist on lake.tt.orders; tags:");
    assertThatThrownBy(() -> t.atBranch("nope"))
        .hasMessageContaining("branches: [")
        .hasMessageContaining("main");
    assertThatThrownBy(() -> t.asOf(Instant.parse("2000-01-01T00:00:00Z")))
        .hasMessageContaining("has no snapshot at or before 2000-01-01T00:00:00Z");
    assertThatThrownBy(() -> LakeTable.of(spark, "lake.tt.missing"))
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("cannot load Iceberg table lake.tt.missing");
  }
}
