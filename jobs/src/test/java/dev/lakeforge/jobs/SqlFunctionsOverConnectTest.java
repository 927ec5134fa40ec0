package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.ConnectServer;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A client that loads no Lakeforge code (as a Python notebook) verifies and profiles with SQL over
 * Spark Connect.
 */
@SparkTest
class SqlFunctionsOverConnectTest {
  @Test
  void lakeforgeVerifyAndProfileAnswerThroughAConnectClient(SparkSession spark, TestWarehouse w)
      throws Exception {
    spark.sql("CREATE TABLE orders_cx (order_id INT, status STRING, amount DOUBLE) USING parquet");
    spark.sql(
        "INSERT INTO orders_cx VALUES (1, 'NEW', 10.0), (2, 'PAID', NULL), (2, 'PAID', 30.0)");
    Path suite =
        Files.writeString(
            w.resolve("orders.yaml"),
            """
        checks:
          - description: orders
            constraints:
              - isComplete: order_id
              - isUnique: order_id
              - hasCompleteness: {column: amount, assertion: ">= 0.5"}
        """);
    String table = w.database() + ".orders_cx";
    try (SparkSession remote = ConnectServer.client()) {
      List<Row> rows =
          remote
              .sql(
                  "SELECT constraint, status, value FROM lakeforge_verify('"
                      + suite
                      + "', '"
                      + table
                      + "')")
              .orderBy("constraint")
              .collectAsList();
      assertThat(rows)
          .extracting(Row::toString)
          .containsExactly(
              "[hasCompleteness(amount),SUCCESS,0.6666666666666666]",
              "[isComplete(order_id),SUCCESS,1.0]",
              "[isUnique(order_id),FAILURE,0.3333333333333333]");
      Row status =
          remote
              .sql(
                  "SELECT completeness, approx_distinct, histogram FROM lakeforge_profile('"
                      + table
                      + "')"
                      + " WHERE column = 'status'")
              .first();
      assertThat(status.getDouble(0)).isEqualTo(1.0);
      assertThat(status.getLong(1)).isEqualTo(2);
      assertThat(status.getString(2)).isEqualTo("{NEW=1, PAID=2}");
      assertThatThrownBy(
              () -> remote.sql("SELECT * FROM lakeforge_verify('" + suite + "')").collect())
          .hasMessageContaining("lakeforge_verify takes 2 string argument(s), got 1");
    }
  }
}
