package dev.lakeforge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class DataFrameAssertTest {
  private static Dataset<Row> frame(SparkSession s, String values) {
    return s.sql("SELECT * FROM VALUES " + values + " AS t(id, name, score)");
  }

  @Test
  void passesForSameRowsInAnotherOrder(SparkSession spark) {
    Dataset<Row> e = frame(spark, "(1, 'a', 0.5D), (2, 'b', 1.5D), (2, 'b', 1.5D)");
    Dataset<Row> a = frame(spark, "(2, 'b', 1.5D), (1, 'a', 0.5D), (2, 'b', 1.5D)");
    DataFrameAssert.assertThat(a).hasSameSchemaAs(e).hasSameRowsAs(e);
  }

  @Test
  void catchesAChangedRowAndShowsItSideBySide(SparkSession spark) {
    Dataset<Row> e = frame(spark, "(1, 'a', 0.5D), (2, 'b', 1.5D)");
    Dataset<Row> a = frame(spark, "(1, 'a', 0.5D), (2, 'B', 1.5D)");
    assertThatThrownBy(() -> DataFrameAssert.assertThat(a).hasSameRowsAs(e))
        .hasMessageContaining("1 expected row(s) not found, 1 actual row(s) not expected")
        .hasMessageContaining("name (expected) | name (actual)")
        .hasMessageContaining("| b               | *B            |");
  }

  @Test
  void catchesAMissingDuplicate(SparkSession spark) {
    Dataset<Row> e = frame(spark, "(1, 'a', 0.5D), (1, 'a', 0.5D)");
    Dataset<Row> a = frame(spark, "(1, 'a', 0.5D)");
    assertThatThrownBy(() -> DataFrameAssert.assertThat(a).hasSameRowsAs(e))
        .hasMessageContaining("expected 2 rows, actual 1");
  }

  @Test
  void catchesAChangedTypeWithAReadableDiff(SparkSession spark) {
    Dataset<Row> e = frame(spark, "(1, 'a', 0.5D)");
    Dataset<Row> a = e.selectExpr("CAST(id AS BIGINT) AS id", "name", "score");
    assertThatThrownBy(() -> DataFrameAssert.assertThat(a).hasSameSchemaAs(e))
        .hasMessageContaining("schemas differ")
        .hasMessageContainingAll("| * | id: int not null ", "| id: bigint not null ")
        .hasMessageContaining("|   | name: string not null  | name: string not null  |");
  }

  @Test
  void doublesWithinToleranceMatchAndOutsideItFail(SparkSession spark) {
    Dataset<Row> e = frame(spark, "(1, 'a', 1.0D), (2, 'b', 100.0D)");
    Dataset<Row> close = frame(spark, "(1, 'a', 1.0000000001D), (2, 'b', 100.00000001D)");
    DataFrameAssert.assertThat(close).withTolerance(1e-9).hasSameRowsAs(e);
    Dataset<Row> far = frame(spark, "(1, 'a', 1.001D), (2, 'b', 100.0D)");
    assertThatThrownBy(() -> DataFrameAssert.assertThat(far).withTolerance(1e-9).hasSameRowsAs(e))
        .hasMessageContaining("(doubles within 1.0E-9)")
        .hasMessageContaining("*1.001");
    assertThatThrownBy(() -> DataFrameAssert.assertThat(close).hasSameRowsAs(e))
        .hasMessageContaining("not found");
  }

  @Test
  void eachClassGetsItsOwnWarehouse(SparkSession spark, TestWarehouse warehouse) {
    spark.sql("CREATE TABLE lands_here (x INT) USING parquet");
    spark.sql("INSERT INTO lands_here VALUES (1)");
    assertThat(spark.catalog().currentDatabase()).isEqualTo(warehouse.database());
    assertThat(warehouse.resolve("lands_here")).isDirectory();
  }
}
