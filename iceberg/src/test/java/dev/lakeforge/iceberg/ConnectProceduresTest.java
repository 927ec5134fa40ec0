package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.ConnectServer;
import dev.lakeforge.testing.SparkTest;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Iceberg's SQL extensions are on, so a notebook over Spark Connect can time travel and roll back
 * with SQL.
 */
@SparkTest
class ConnectProceduresTest {
  @Test
  void proceduresAndMetadataTablesWorkOverSparkConnect(SparkSession spark) throws Exception {
    spark.sql("DROP TABLE IF EXISTS lake.cx.orders");
    spark.sql("CREATE TABLE lake.cx.orders (id INT) USING iceberg");
    spark.sql("INSERT INTO lake.cx.orders VALUES (1)");
    long first = LakeTable.of(spark, "lake.cx.orders").current().snapshotId();
    spark.sql("INSERT INTO lake.cx.orders VALUES (2)");
    try (SparkSession remote = ConnectServer.client()) {
      assertThat(remote.sql("SELECT count(*) FROM lake.cx.orders.snapshots").first().getLong(0))
          .isEqualTo(2);
      assertThat(
              remote
                  .sql("SELECT count(*) FROM lake.cx.orders VERSION AS OF " + first)
                  .first()
                  .getLong(0))
          .isEqualTo(1);
      remote
          .sql(
              "CALL lake.system.rollback_to_snapshot(table => 'lake.cx.orders', snapshot_id => "
                  + first
                  + ")")
          .collect();
      assertThat(remote.sql("SELECT count(*) FROM lake.cx.orders").first().getLong(0)).isEqualTo(1);
    }
    assertThat(LakeTable.of(spark, "lake.cx.orders").current().snapshotId()).isEqualTo(first);
  }
}
