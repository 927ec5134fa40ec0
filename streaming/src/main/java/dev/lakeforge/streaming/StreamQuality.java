package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.MetricsRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a validated Kafka consumer on Structured Streaming. {@link #build} checks the description
 * and returns an immutable {@link PipelineSpec}; {@link PipelineSpec#start} runs it and returns a
 * {@link RunningPipeline}. Each micro-batch goes through four stages:
 *
 * <ol>
 *   <li><b>decode</b>: JSON with a declared schema, or Avro; a record that is empty, not valid
 *       UTF-8, not JSON, of a wrong type, or missing a required field goes to the dead-letter topic
 *       with its original key and bytes and the reason, never dropped;
 *   <li><b>validate</b>: the checks run with row-level reasons; rows that break one go to the
 *       dead-letter topic with the reasons, the others continue;
 *   <li><b>alert</b>: when a batch fails an Error-level check, or a metric is anomalous, an {@link
 *       Alert} per failed constraint goes to the alert topic;
 *   <li><b>sink</b>: good rows are appended to an Iceberg table exactly once (each commit carries
 *       its pipeline and batch id, and a replayed batch is skipped), and optionally upserted into
 *       PostgreSQL and written to a Kafka topic.
 * </ol>
 *
 * <pre>{@code
 * RunningPipeline running = StreamQuality.fromKafka("broker:9092").topics("orders")
 *     .json(schema, "order_id").validate(Check.error("orders").isNonNegative("amount"))
 *     .deadLetterTopic("orders-dlq").alertTopic("quality-alerts").toIceberg("lake.sales.orders")
 *     .checkpoint("s3a://lake/checkpoints/orders").build().start(spark);
 * }</pre>
 *
 * <p>Dead-letter records carry headers {@code dlq.reason}, {@code dlq.topic}, {@code
 * dlq.partition}, {@code dlq.offset} and {@code dlq.timestamp}. The dead-letter and alert topics
 * are written at least once (a replayed batch may repeat them); the Iceberg table exactly once.
 */
public final class StreamQuality {
  final String bootstrap;
  final Map<String, String> kafkaOptions = new LinkedHashMap<>();
  String name = "stream-quality";
  String topics;
  String pattern;
  StructType schema;
  String avroSchema;
  List<String> required = List.of();
  final List<Check> checks = new ArrayList<>();
  String deadLetterTopic;
  String alertTopic;
  String table;
  PipelineSpec.PostgresTarget postgres;
  String outputTopic;
  PipelineSpec.Dedup dedup;
  MetricsRepository repository;
  final List<Analyzer> tracked = new ArrayList<>();
  final List<PipelineSpec.AnomalyRule> anomalies = new ArrayList<>();
  String checkpoint;
  Trigger trigger = Trigger.ProcessingTime("1 second");
  Duration connectTimeout = Duration.ofSeconds(30);
  Duration stopGrace = Duration.ofSeconds(20);

  private StreamQuality(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /**
   * A pipeline reading from the Kafka cluster at {@code bootstrapServers} ({@code host:port,...}).
   */
  public static StreamQuality fromKafka(String bootstrapServers) {
    return new StreamQuality(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
  }

  /** The topics to read ({@code subscribe}); or {@link #topicPattern}. */
  public StreamQuality topics(String... names) {
    this.topics = String.join(",", names);
    return this;
  }

  /** A regex of the topics to read ({@code subscribePattern}), instead of {@link #topics}. */
  public StreamQuality topicPattern(String regex) {
    this.pattern = regex;
    return this;
  }

  /**
   * Passes a setting to the Kafka source: {@code startingOffsets}, {@code maxOffsetsPerTrigger},
   * {@code kafka.*}.
   */
  public StreamQuality option(String key, String value) {
    kafkaOptions.put(key, value);
    return this;
  }

  /** The JSON schema of record values, and the fields that must be present. */
  public StreamQuality json(StructType valueSchema, String... requiredFields) {
    this.schema = valueSchema;
    this.avroSchema = null;
    this.required = List.of(requiredFields);
    return this;
  }

  /**
   * The JSON schema of record values from a file: a JSON Schema document, Spark's JSON form of a
   * schema, or SQL DDL (see {@link ValueSchema}). The file's required fields and {@code
   * moreRequired} must be present.
   */
  public StreamQuality jsonSchemaFile(Path file, String... moreRequired) {
    ValueSchema v = ValueSchema.read(file);
    LinkedHashSet<String> all = new LinkedHashSet<>(v.required());
    all.addAll(List.of(moreRequired));
    return json(v.schema(), all.toArray(String[]::new));
  }

  /**
   * Record values are Avro binary in this writer schema (JSON text of an Avro schema, e.g. read
   * from a {@code .avsc} file); {@code requiredFields} must be present and non-null.
   */
  public StreamQuality avro(String avroSchemaJson, String... requiredFields) {
    Schema parsed = new Schema.Parser().parse(avroSchemaJson);
    if (parsed.getType() != Schema.Type.RECORD) {
      throw usage(
          "the Avro value schema must be a record, got a "
              + parsed.getType().getName()
              + " schema");
    }
    this.avroSchema = avroSchemaJson;
    this.schema = (StructType) SchemaConverters.toSqlType(parsed).dataType();
    this.required = List.of(requiredFields);
    return this;
  }

  /**
   * Checks each batch is validated with: rows that break a row-level constraint are dead-lettered.
   */
  public StreamQuality validate(Check... more) {
    checks.addAll(List.of(more));
    return this;
  }

  /** Where undecodable records and rows that break a check go, with the reason in the headers. */
  public StreamQuality deadLetterTopic(String topic) {
    this.deadLetterTopic = topic;
    return this;
  }

  /** Where {@link Alert}s go: a failed Error-level check or an anomaly (none when not set). */
  public StreamQuality alertTopic(String topic) {
    this.alertTopic = topic;
    return this;
  }

  /** Appends good rows to this Iceberg table, exactly once. */
  public StreamQuality toIceberg(String tableName) {
    this.table = tableName;
    return this;
  }

  /**
   * Also upserts good rows into a PostgreSQL table keyed by {@code keyColumns} (which need a
   * primary key or unique constraint there), so a replayed batch writes nothing twice.
   */
  public StreamQuality toPostgres(
      String jdbcUrl, String user, Secret password, String pgTable, String... keyColumns) {
    this.postgres =
        new PipelineSpec.PostgresTarget(jdbcUrl, user, password, pgTable, List.of(keyColumns));
    return this;
  }

  /**
   * Also writes good rows as JSON to a Kafka topic (at least once), keyed by the source record's
   * key.
   */
  public StreamQuality toKafkaTopic(String topic) {
    this.outputTopic = topic;
    return this;
  }

  /**
   * Drops records whose {@code keyField} repeats within {@code delay} of Kafka record time ({@code
   * dropDuplicatesWithinWatermark}); undecodable records are never merged. The dropped records are
   * counted ({@link RunningPipeline.Counts#duplicates}).
   */
  public StreamQuality deduplicate(String keyField, String delay) {
    this.dedup = new PipelineSpec.Dedup(keyField, delay);
    return this;
  }

  /**
   * Saves each batch's metrics to a repository (tagged {@code pipeline=<name>}) and alerts when a
   * metric is anomalous against the history of earlier batches.
   *
   * <pre>{@code
   * .alertOnAnomaly(repository, AnomalyStrategy.relativeRateOfChange(0.5, 2.0), Analyzer.size())
   * }</pre>
   */
  public StreamQuality alertOnAnomaly(
      MetricsRepository metricsRepository, AnomalyStrategy strategy, Analyzer analyzer) {
    return alertOnAnomaly(metricsRepository, strategy, analyzer, Check.Level.WARNING);
  }

  /**
   * As {@link #alertOnAnomaly(MetricsRepository, AnomalyStrategy, Analyzer)}, with the level of the
   * anomaly check (an anomaly alerts at either level).
   */
  public StreamQuality alertOnAnomaly(
      MetricsRepository metricsRepository,
      AnomalyStrategy strategy,
      Analyzer analyzer,
      Check.Level level) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    anomalies.add(
        new PipelineSpec.AnomalyRule(
            Objects.requireNonNull(strategy, "strategy"),
            Objects.requireNonNull(analyzer, "analyzer"),
            Objects.requireNonNull(level, "level")));
    return this;
  }

  /**
   * Saves each batch's metrics to a repository, tagged {@code pipeline=<name>}: those of the checks
   * and anomaly checks, and of {@code alsoCompute}.
   *
   * <pre>{@code
   * .saveMetricsTo(MetricsRepository.files("s3a://lake/dq/orders-metrics"), Analyzer.mean("amount"))
   * }</pre>
   */
  public StreamQuality saveMetricsTo(MetricsRepository metricsRepository, Analyzer... alsoCompute) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    tracked.addAll(List.of(alsoCompute));
    return this;
  }

  /**
   * The query's checkpoint location, which must survive restarts (object storage, for example). A
   * new checkpoint with the same pipeline name restarts its batch ids: give it a new name too.
   */
  public StreamQuality checkpoint(String location) {
    this.checkpoint = location;
    return this;
  }

  /** The pipeline's name in alerts and as the query name (default {@code stream-quality}). */
  public StreamQuality name(String pipeline) {
    this.name = Objects.requireNonNull(pipeline, "name");
    return this;
  }

  /**
   * How often a batch runs: {@code Trigger.ProcessingTime(..)} (default 1 s) or {@code
   * AvailableNow()}.
   */
  public StreamQuality trigger(Trigger t) {
    this.trigger = Objects.requireNonNull(t, "trigger");
    return this;
  }

  /**
   * How long {@link PipelineSpec#start} waits for a broker to answer before failing (default 30 s):
   * a wrong address or a broker that is down fails in one line instead of a query that never gets
   * its offsets.
   */
  public StreamQuality connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /**
   * How long {@link RunningPipeline#stopGracefully()} lets the batch in flight finish before it
   * stops the query anyway (default 20 s, under Kubernetes' 30 s termination grace period). The
   * abandoned batch is not committed: it runs again after a restart, and its Iceberg commit stays
   * exactly once.
   */
  public StreamQuality stopGracePeriod(Duration grace) {
    this.stopGrace = positive(grace, "stopGracePeriod");
    return this;
  }

  private Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw usage(what + " must be positive, got " + d);
    }
    return d;
  }

  /**
   * Checks the description and returns the immutable pipeline. Touches neither Kafka nor Spark.
   *
   * @throws StreamingException of kind {@code USAGE}, naming what is missing or wrong
   */
  public PipelineSpec build() {
    if (name.isBlank() || name.contains(":")) {
      throw usage(
          "the pipeline's name must be non-empty and hold no ':' (its Iceberg commits are tagged"
              + " <name>:<batch id>)");
    }
    if (topics != null && pattern != null) {
      throw usage("both topics(...) and topicPattern(...) are set: give one");
    }
    if ((topics == null || topics.isBlank()) && pattern == null) {
      throw usage("no topics: call topics(...) or topicPattern(...)");
    }
    if (schema == null) {
      throw usage("no value schema: call json(schema), jsonSchemaFile(file) or avro(schema)");
    }
    if (deadLetterTopic == null) {
      throw usage(
          "no dead-letter topic: bad records are never dropped, call deadLetterTopic(topic)");
    }
    if (table == null && postgres == null && outputTopic == null) {
      throw usage(
          "no sink for good rows: call toIceberg(table), toPostgres(...) or toKafkaTopic(topic)");
    }
    if (checkpoint == null) {
      throw usage("no checkpoint location: call checkpoint(location); exactly-once needs it");
    }
    List<String> fields = List.of(schema.fieldNames());
    for (String r : required) {
      if (!fields.contains(r)) {
        throw usage("required field '" + r + "' is not in the schema " + schema.simpleString());
      }
    }
    if (dedup != null && !fields.contains(dedup.field())) {
      throw usage(
          "deduplication field '"
              + dedup.field()
              + "' is not in the schema "
              + schema.simpleString());
    }
    if (postgres != null && postgres.keys().isEmpty()) {
      throw usage(
          "the PostgreSQL sink to "
              + postgres.table()
              + " needs the business key column(s): toPostgres(url, user, password, table, keyColumns...)");
    }
    return new PipelineSpec(this);
  }

  private StreamingException usage(String problem) {
    return new StreamingException(ErrorKind.USAGE, name + ": " + problem);
  }
}
