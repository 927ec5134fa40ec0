package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes records that cannot be used to the dead-letter topic, with their original key and bytes
 * and headers {@code dlq.reason}, {@code dlq.topic}, {@code dlq.partition}, {@code dlq.offset} and
 * {@code dlq.timestamp}. At least once: a replayed batch may repeat them.
 */
final class DeadLetterWriter {
  private final String topic;
  private final Map<String, String> writerOptions;

  DeadLetterWriter(String topic, Map<String, String> writerOptions) {
    this.topic = topic;
    this.writerOptions = Map.copyOf(writerOptions);
  }

  /** Writes rows of the flattened batch; {@code reason} gives each one's {@code dlq.reason}. */
  void write(Dataset<Row> rows, Column reason) {
    rows.select(
            col("_key").as("key"),
            col("_value").as("value"),
            array(
                    header("dlq.reason", reason),
                    header("dlq.topic", col("_topic")),
                    header("dlq.partition", col("_partition")),
                    header("dlq.offset", col("_offset")),
                    header("dlq.timestamp", col("_timestamp")))
                .as("headers"))
        .write()
        .format("kafka")
        .options(writerOptions)
        .option("topic", topic)
        .option("includeHeaders", "true")
        .save();
  }

  private static Column header(String name, Column value) {
    return struct(lit(name).as("key"), value.cast("string").cast("binary").as("value"));
  }
}
