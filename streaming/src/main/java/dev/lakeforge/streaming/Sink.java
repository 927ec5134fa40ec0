package dev.lakeforge.streaming;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where a batch's good rows go. A sink gets the flattened batch's good rows: the value's fields
 * beside the record's {@code _key} and coordinates. Sinks run in the order the pipeline declares
 * them, each once per batch.
 */
interface Sink {
  /**
   * Writes one batch's good rows.
   *
   * @param good the good rows of the batch (cached: reading them again costs no Kafka read)
   * @param rows how many there are (known in advance, so no sink counts them)
   * @param batchId the streaming batch id
   * @return the rows this write added: {@code rows}, or 0 when the sink already held this batch
   */
  long write(Dataset<Row> good, long rows, long batchId);

  /** What and where, for logs and the dry run: {@code iceberg lake.sales.orders}. */
  String describe();
}
