package dev.lakeforge.quality;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Five orders with a null in each column but id, a repeated id and non-ASCII names: values worked
 * out by hand in tests.
 */
final class TestOrders {
  private TestOrders() {}

  static Dataset<Row> of(SparkSession spark) {
    return spark.sql(
        """
        SELECT * FROM VALUES
          (1, 'ada',   10.0D, 'NEW'),
          (2, 'bob',   20.0D, 'PAID'),
          (3, NULL,    30.0D, 'PAID'),
          (4, 'dän',   NULL,  'SHIPPED'),
          (4, 'éva😀', 40.0D, NULL)
        AS t(id, name, amount, status)""");
  }
}
