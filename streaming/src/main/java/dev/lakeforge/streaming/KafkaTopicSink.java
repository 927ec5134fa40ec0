package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes good rows as JSON to a Kafka topic (at least once), keyed by the source record's key. */
final class KafkaTopicSink implements Sink {
  private final String topic;
  private final Column[] columns;
  private final Map<String, String> writerOptions;

  KafkaTopicSink(String topic, Column[] columns, Map<String, String> writerOptions) {
    this.topic = topic;
    this.columns = columns.clone();
    this.writerOptions = Map.copyOf(writerOptions);
  }

  @Override
  public long write(Dataset<Row> good, long rows, long batchId) {
    good.select(col("_key").as("key"), to_json(struct(columns)).as("value"))
        .write()
        .format("kafka")
        .options(writerOptions)
        .option("topic", topic)
        .save();
    return rows;
  }

  @Override
  public String describe() {
    return "kafka topic " + topic + " (JSON, at least once)";
  }
}
