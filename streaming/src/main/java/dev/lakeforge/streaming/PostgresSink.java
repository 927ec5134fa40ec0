package dev.lakeforge.streaming;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Upserts good rows into a PostgreSQL table by a business key, so a replayed batch writes nothing
 * twice.
 */
final class PostgresSink implements Sink {
  private final String table;
  private final Column[] columns;
  private final PostgresUpsert upsert;

  PostgresSink(PipelineSpec.PostgresTarget target, List<String> columnNames, Column[] columns) {
    this.table = target.table();
    this.columns = columns.clone();
    this.upsert =
        new PostgresUpsert(
            target.url(),
            target.user(),
            target.password() == null ? null : target.password().reveal(),
            target.table(),
            columnNames,
            target.keys());
  }

  @Override
  public long write(Dataset<Row> good, long rows, long batchId) {
    good.select(columns).foreachPartition(upsert);
    return rows;
  }

  @Override
  public String describe() {
    return "postgresql " + table + " (upsert by key)";
  }
}
