package dev.lakeforge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Which reads a second query gives the same rows for, at the cost of the columns it reads. */
@SparkTest
class ColumnarReadTest {
  @Test
  void parquetAndOrcFilesProjectedAndFilteredAreColumnarReadsAndNothingElseIs(
      SparkSession spark, TestWarehouse w) {
    Dataset<Row> rows = spark.range(100).selectExpr("id", "id % 7 AS k");
    String parquet = w.resolve("columnar-parquet").toString();
    String orc = w.resolve("columnar-orc").toString();
    String csv = w.resolve("columnar-csv").toString();
    rows.write().parquet(parquet);
    rows.write().orc(orc);
    rows.write().csv(csv);
    Dataset<Row> files = spark.read().parquet(parquet);

    assertThat(Sessions.isColumnarRead(files)).isTrue();
    assertThat(Sessions.isColumnarRead(spark.read().orc(orc))).isTrue();
    assertThat(Sessions.isColumnarRead(files.where("k > 2").select("id"))).isTrue();
    files.createOrReplaceTempView("columnar_view");
    assertThat(Sessions.isColumnarRead(spark.table("columnar_view"))).isTrue();
    rows.write().partitionBy("k").format("parquet").saveAsTable("columnar_partitioned");
    assertThat(Sessions.isColumnarRead(spark.table("columnar_partitioned")))
        .as("a catalog table lists its partitions again for every query")
        .isFalse();

    assertThat(Sessions.isColumnarRead(spark.read().csv(csv))).as("a row format").isFalse();
    assertThat(Sessions.isColumnarRead(rows)).as("a computation").isFalse();
    assertThat(Sessions.isColumnarRead(files.groupBy("k").count())).isFalse();
    assertThat(Sessions.isColumnarRead(files.join(files.select("k"), "k"))).isFalse();
    assertThat(Sessions.isColumnarRead(files.where("rand() < 0.5").select("id")))
        .as("a random filter below the top node")
        .isFalse();
    assertThat(Sessions.isColumnarRead(files.where("current_timestamp() > timestamp'2026-01-01'")))
        .as("the current time, fixed by each query")
        .isFalse();
    assertThat(Sessions.isColumnarRead(files.where("k IN (SELECT k FROM columnar_view)")))
        .as("a subquery")
        .isFalse();
    assertThat(Sessions.isColumnarRead(spark.readStream().schema(files.schema()).parquet(parquet)))
        .as("a stream")
        .isFalse();
    spark.catalog().dropTempView("columnar_view");
    spark.sql("DROP TABLE columnar_partitioned");
  }
}
