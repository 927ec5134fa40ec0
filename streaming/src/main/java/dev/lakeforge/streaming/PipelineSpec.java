package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.Frames;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A validated, immutable streaming pipeline, as {@link StreamQuality}'s builder made it: nothing
 * has touched Kafka or Spark yet. {@link #start} runs it.
 *
 * <pre>{@code
 * PipelineSpec spec = StreamQuality.fromKafka("broker:9092").topics("orders").json(schema, "order_id")
 *     .deadLetterTopic("orders-dlq").toIceberg("lake.sales.orders").checkpoint("s3a://lake/cp/orders").build();
 * RunningPipeline running = spec.start(spark);
 * }</pre>
 */
public final class PipelineSpec {
  /** The Iceberg snapshot summary key that records which streaming batch a commit holds. */
  public static final String BATCH_PROPERTY = "lakeforge.stream-batch";

  /** Where the PostgreSQL sink writes. */
  record PostgresTarget(String url, String user, Secret password, String table, List<String> keys) {
    PostgresTarget {
      keys = List.copyOf(keys);
    }
  }

  /**
   * An anomaly check on each batch: the analyzer's metric against the pipeline's earlier batches.
   */
  record AnomalyRule(AnomalyStrategy strategy, Analyzer analyzer, Check.Level level) {}

  /** Deduplication by a field within a watermark on Kafka record time. */
  record Dedup(String field, String within) {}

  final String name;
  final KafkaConnection kafka;
  final String topics;
  final String pattern;
  final Decoder decoder;
  final List<Check> checks;
  final String deadLetterTopic;
  final String alertTopic;
  final String table;
  final PostgresTarget postgres;
  final String outputTopic;
  final Dedup dedup;
  final MetricsRepository repository;
  final List<Analyzer> tracked;
  final List<AnomalyRule> anomalies;
  final String checkpoint;
  final Trigger trigger;
  final Duration connectTimeout;
  final Duration stopGrace;

  PipelineSpec(StreamQuality b) {
    name = b.name;
    kafka = new KafkaConnection(b.bootstrap, b.kafkaOptions);
    topics = b.topics;
    pattern = b.pattern;
    decoder = new Decoder(b.schema, b.avroSchema, b.required);
    checks = List.copyOf(b.checks);
    deadLetterTopic = b.deadLetterTopic;
    alertTopic = b.alertTopic;
    table = b.table;
    postgres = b.postgres;
    outputTopic = b.outputTopic;
    dedup = b.dedup;
    repository = b.repository;
    tracked = List.copyOf(b.tracked);
    anomalies = List.copyOf(b.anomalies);
    checkpoint = b.checkpoint;
    trigger = b.trigger;
    connectTimeout = b.connectTimeout;
    stopGrace = b.stopGrace;
  }

  /** The pipeline's name: the query's name, the alerts' key, the metrics' {@code pipeline} tag. */
  public String name() {
    return name;
  }

  /** The value schema records are decoded with. */
  public StructType valueSchema() {
    return decoder.schema();
  }

  /** The Iceberg table good rows are appended to, if any. */
  public Optional<String> icebergTable() {
    return Optional.ofNullable(table);
  }

  /**
   * The statement that creates the Iceberg sink table for the value schema, for a user whose table
   * does not exist yet: {@code CREATE TABLE lake.sales.orders (order_id BIGINT NOT NULL, ...) USING
   * iceberg}.
   */
  public Optional<String> createTableSql() {
    if (table == null) {
      return Optional.empty();
    }
    List<String> columns = new ArrayList<>();
    for (StructField f : decoder.schema().fields()) {
      columns.add(quote(f.name()) + " " + f.dataType().sql());
    }
    return Optional.of(
        "CREATE TABLE " + table + " (" + String.join(", ", columns) + ") USING iceberg");
  }

  private static String quote(String identifier) {
    return identifier.matches("[A-Za-z_][A-Za-z0-9_]*") ? identifier : Frames.quoted(identifier);
  }

  /**
   * Checks that a Kafka broker answers at the bootstrap servers, with the source's security
   * settings, within the connect timeout ({@link StreamQuality#connectTimeout}). {@link #start}
   * does this first; a dry run calls it alone.
   *
   * @throws StreamingException of kind {@code UNAVAILABLE}, in one line, when none does
   */
  public void checkBroker() {
    kafka.checkReachable(name, connectTimeout);
  }

  /**
   * Starts the pipeline on {@code spark}: checks the broker (bounded by the connect timeout), then
   * starts the query.
   *
   * @throws StreamingException when the broker does not answer or the query cannot start
   */
  public RunningPipeline start(SparkSession spark) {
    checkBroker();
    Dataset<Row> decoded;
    try {
      decoded = source(spark);
    } catch (RuntimeException e) {
      throw new StreamingException(
          SparkErrors.kind(e), name + ": cannot read the stream: " + SparkErrors.describe(e), e);
    }
    BatchProcessor processor = new BatchProcessor(this, spark);
    RunningPipeline.Progress progress = new RunningPipeline.Progress(spark.streams(), name);
    spark.streams().addListener(progress);
    try {
      StreamingQuery query =
          decoded
              .writeStream()
              .queryName(name)
              .option("checkpointLocation", checkpoint)
              .trigger(trigger)
              .foreachBatch((VoidFunction2<Dataset<Row>, Long>) processor::process)
              .start();
      return new RunningPipeline(this, spark, query, processor, progress);
    } catch (TimeoutException | RuntimeException e) {
      spark.streams().removeListener(progress);
      throw new StreamingException(
          SparkErrors.kind(e), name + ": the query did not start: " + SparkErrors.describe(e), e);
    }
  }

  /** The decoded (and deduplicated) stream from Kafka. */
  private Dataset<Row> source(SparkSession spark) {
    // A consumer that has read to the end of a partition leaves a fetch waiting at the broker for
    // fetch.max.wait.ms (Kafka's default 500 ms), and the next batch's read waits for it: a short
    // wait keeps small batches, and so alerts, fast. The user's kafka.* options still win.
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", kafka.bootstrap())
            .option("failOnDataLoss", "false")
            .option("kafka.fetch.max.wait.ms", "50");
    reader =
        topics != null
            ? reader.option("subscribe", topics)
            : reader.option("subscribePattern", pattern);
    Dataset<Row> decoded = decode(reader.options(kafka.options()).load());
    if (dedup != null) {
      Column field = col("_v").getField(dedup.field());
      Column key =
          when(col(Decoder.REASON).isNull().and(field.isNotNull()), field.cast("string"))
              .otherwise(
                  concat_ws(
                      "/",
                      lit("raw"),
                      col("topic"),
                      col("partition").cast("string"),
                      col("offset").cast("string")));
      decoded =
          decoded
              .withColumn("_dedup", key)
              .withWatermark("timestamp", dedup.within())
              .dropDuplicatesWithinWatermark("_dedup");
    }
    return decoded;
  }

  /**
   * The decode step alone, on Kafka-shaped rows (a binary {@code value} column): adds the parsed
   * value ({@code _v}) and the reason it cannot be used ({@code _reason}, null when fine). For
   * batch use and benchmarks; {@link #start} applies it to the stream.
   */
  public Dataset<Row> decode(Dataset<Row> raw) {
    return decoder.decode(raw);
  }

  /**
   * What each micro-batch computes before it is split, on Kafka-shaped rows: decoded, flattened and
   * annotated with the reasons each row breaks the checks ({@code _reason} for a record that cannot
   * be decoded, {@code _dq_reasons} for one that breaks a row-level constraint). For plan reports
   * ({@code GpuPlan.explain}) and batch use; lazy.
   */
  public Dataset<Row> annotate(Dataset<Row> raw) {
    return annotateDecoded(decode(raw));
  }

  /** The batch step after decoding (the stream decodes before its batches reach it). */
  Dataset<Row> annotateDecoded(Dataset<Row> decoded) {
    return Verification.onData(decoded.select(decoder.flattened())).addChecks(checks).annotate();
  }

  /** The source's {@code kafka.*} settings a producer knows: what the writers use. */
  Map<String, String> writerOptions() {
    return kafka.writerOptions();
  }

  /** The sinks, in order: Iceberg, PostgreSQL, Kafka topic. */
  List<Sink> sinks(SparkSession spark) {
    List<String> fields = List.of(decoder.schema().fieldNames());
    Column[] columns = decoder.valueColumns();
    List<Sink> out = new ArrayList<>();
    if (table != null) {
      out.add(new IcebergSink(spark, name, table, columns));
    }
    if (postgres != null) {
      out.add(new PostgresSink(postgres, fields, columns));
    }
    if (outputTopic != null) {
      out.add(new KafkaTopicSink(outputTopic, columns, writerOptions()));
    }
    return out;
  }
}
