package dev.lakeforge.jobs.etl;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Each source's state, in the Iceberg table {@code etl_state}: the watermark (or Kafka offsets) up
 * to which its rows have landed. One commit per change, so its history shows every run's progress.
 */
final class EtlState {
  private final SparkSession spark;
  private final String table;

  EtlState(SparkSession spark, String ns) {
    this.spark = spark;
    this.table = ns + ".etl_state";
  }

  void create() {
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (source STRING, state STRING, run_id STRING, updated_at TIMESTAMP) USING iceberg");
  }

  /** The state of {@code source}, or null before its first run. */
  String get(String source) {
    List<Row> rows =
        spark
            .sql("SELECT state FROM " + table + " WHERE source = " + quote(source))
            .collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getString(0);
  }

  void put(String source, String state, String runId) {
    spark.sql(
        "MERGE INTO "
            + table
            + " t USING (SELECT "
            + quote(source)
            + " AS source, "
            + quote(state)
            + " AS state, "
            + quote(runId)
            + " AS run_id, current_timestamp() AS updated_at) s ON t.source = s.source"
            + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
