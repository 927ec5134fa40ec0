package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.CheckResult;
import dev.lakeforge.quality.CheckStatus;
import dev.lakeforge.quality.ConstraintResult;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A validated Kafka consumer on Structured Streaming:
 * <ol>
 *   <li><b>decode</b>: JSON with a declared schema; a record that is empty, not valid UTF-8, not
 *       JSON, of a wrong type, or missing a required field goes to the dead-letter topic with its
 *       original key and bytes and the reason, never dropped;</li>
 *   <li><b>validate</b>: each micro-batch runs the checks with row-level reasons; rows that break
 *       one go to the dead-letter topic with the reasons, the others continue;</li>
 *   <li><b>alert</b>: when a batch fails an Error-level check, a JSON alert (pipeline, check,
 *       constraint, value, expected, batch id, first offending offsets) goes to the alert topic;</li>
 *   <li><b>sink</b>: good rows are appended to an Iceberg table exactly once: each batch's commit
 *       carries its query and batch id, and a replayed batch is skipped.</li>
 * </ol>
 *
 * <pre>{@code
 * StreamingQuery q = StreamQuality.fromKafka(spark, "broker:9092").topics("orders")
 *     .json(schema, "order_id").validate(Check.error("orders").isNonNegative("amount"))
 *     .deadLetterTopic("orders-dlq").alertTopic("quality-alerts").toIceberg("lake.sales.orders")
 *     .checkpoint("s3a://lake/checkpoints/orders").start();
 * }</pre>
 *
 * <p>Dead-letter records carry headers {@code dlq.reason}, {@code dlq.topic}, {@code dlq.partition},
 * {@code dlq.offset} and {@code dlq.timestamp}. The dead-letter and alert topics are written at
 * least once (a replayed batch may repeat them); the Iceberg table exactly once.
 */
public final class StreamQuality {
  private static final Logger LOG = LogManager.getLogger(StreamQuality.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The Iceberg snapshot summary key that records which streaming batch a commit holds. */
  public static final String BATCH_PROPERTY = "lakeforge.stream-batch";
  static final String REASON = "_reason";

  private final SparkSession spark;
  private final String bootstrap;
  private final Map<String, String> kafkaOptions = new LinkedHashMap<>();
  private String topics;
  private String pattern;
  private StructType schema;
  private String avroSchema;
  private final Stats stats = new Stats();

  /**
   * What the query did so far, for the run report.
   *
   * @param recordsIn records read from Kafka
   * @param good rows written to the sinks
   * @param bad decoded rows that broke a row-level constraint
   * @param deadLettered records sent to the dead-letter topic: the bad rows and the undecodable records
   * @param alerts alerts published
   * @param batches micro-batches processed
   */
  public record Counts(long recordsIn, long good, long bad, long deadLettered, long alerts, long batches) {}

  /** Counters the batches add to (batches run on the driver, one at a time). */
  static final class Stats {
    final AtomicLong in = new AtomicLong();
    final AtomicLong good = new AtomicLong();
    final AtomicLong bad = new AtomicLong();
    final AtomicLong dead = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
  }

  /** The counts of the query this pipeline started. */
  public Counts counts() {
    return new Counts(stats.in.get(), stats.good.get(), stats.bad.get(), stats.dead.get(), stats.alerts.get(),
        stats.batches.get());
  }
  private List<String> required = List.of();
  private final List<Check> checks = new ArrayList<>();
  private String deadLetterTopic;
  private String alertTopic;
  private String table;
  private String checkpoint;
  private PostgresTarget postgres;
  private String outputTopic;
  private String dedupField;
  private MetricsRepository repository;
  private final List<Analyzer> tracked = new ArrayList<>();

  /** An anomaly check on each batch: the analyzer's metric against the pipeline's earlier batches. */
  private record AnomalyRule(AnomalyStrategy strategy, Analyzer analyzer,
      Check.Level level) {}

  private final List<AnomalyRule> anomalyChecks = new ArrayList<>();
  private String dedupDelay;
  private volatile StreamingQuery query;
  /** The Iceberg sink's handle, made at the first batch (batches run one at a time, on the driver). */
  private LakeTable sinkTable;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  /** A batch that started after the stop request waits here, having done nothing, for the stop. */
  private final CountDownLatch parked = new CountDownLatch(1);

  /** Where the PostgreSQL sink writes. */
  private record PostgresTarget(String url, String user, String password, String table, List<String> keys) {}
  private String name = "stream-quality";
  private Trigger trigger = Trigger.ProcessingTime("1 second");

  private StreamQuality(SparkSession spark, String bootstrap) {
    this.spark = spark;
    this.bootstrap = bootstrap;
  }

  public static StreamQuality fromKafka(SparkSession spark, String bootstrapServers) {
    return new StreamQuality(Objects.requireNonNull(spark, "spark"), Objects.requireNonNull(bootstrapServers, "bootstrap"));
  }

  public StreamQuality topics(String... names) {
    this.topics = String.join(",", names);
    return this;
  }

  public StreamQuality topicPattern(String regex) {
    this.pattern = regex;
    return this;
  }

  /** Passes a setting to the Kafka source: {@code startingOffsets}, {@code maxOffsetsPerTrigger}, {@code kafka.*}. */
  public StreamQuality option(String key, String value) {
    kafkaOptions.put(key, value);
    return this;
  }

  /** The JSON schema of record values, and the fields that must be present. */
  public StreamQuality json(StructType valueSchema, String... requiredFields) {
    this.schema = valueSchema;
    this.required = List.of(requiredFields);
    return this;
  }

  /**
   * The JSON schema of record values from a file: a JSON Schema document, Spark's JSON form of a
   * schema, or SQL DDL (see {@link ValueSchema}). The file's required fields and
   * {@code moreRequired} must be present.
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
    this.avroSchema = avroSchemaJson;
    this.schema = (StructType) SchemaConverters.toSqlType(
        new Schema.Parser().parse(avroSchemaJson)).dataType();
    this.required = List.of(requiredFields);
    return this;
  }

  public StreamQuality validate(Check... more) {
    checks.addAll(List.of(more));
    return this;
  }

  public StreamQuality deadLetterTopic(String topic) {
    this.deadLetterTopic = topic;
    return this;
  }

  public StreamQuality alertTopic(String topic) {
    this.alertTopic = topic;
    return this;
  }

  public StreamQuality toIceberg(String tableName) {
    this.table = tableName;
    return this;
  }

  /**
   * Also upserts good rows into a PostgreSQL table keyed by {@code keyColumns} (which need a
   * primary key or unique constraint there), so a replayed batch writes nothing twice.
   */
  public StreamQuality toPostgres(String jdbcUrl, String user, Secret password, String pgTable,
      String... keyColumns) {
    if (keyColumns.length == 0) {
      throw new StreamingException(name + ": the PostgreSQL sink needs the business key column(s)");
    }
    this.postgres = new PostgresTarget(jdbcUrl, user, password == null ? null : password.reveal(), pgTable,
        List.of(keyColumns));
    return this;
  }

  /** Also writes good rows as JSON to a Kafka topic (at least once), keyed by the source record's key. */
  public StreamQuality toKafkaTopic(String topic) {
    this.outputTopic = topic;
    return this;
  }

  /**
   * Drops records whose {@code keyField} repeats within {@code delay} of Kafka record time
   * ({@code dropDuplicatesWithinWatermark}); undecodable records are never merged.
   */
  public StreamQuality deduplicate(String keyField, String delay) {
    this.dedupField = keyField;
    this.dedupDelay = delay;
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
  public StreamQuality alertOnAnomaly(MetricsRepository metricsRepository,
      AnomalyStrategy strategy, Analyzer analyzer) {
    return alertOnAnomaly(metricsRepository, strategy, analyzer, Check.Level.WARNING);
  }

  /** As {@link #alertOnAnomaly(MetricsRepository, AnomalyStrategy,
   * Analyzer)}, with the level of the anomaly check (an anomaly alerts at either level). */
  public StreamQuality alertOnAnomaly(MetricsRepository metricsRepository,
      AnomalyStrategy strategy, Analyzer analyzer, Check.Level level) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    anomalyChecks.add(new AnomalyRule(Objects.requireNonNull(strategy, "strategy"), Objects.requireNonNull(analyzer,
        "analyzer"), Objects.requireNonNull(level, "level")));
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
  public StreamQuality saveMetricsTo(MetricsRepository metricsRepository,
      Analyzer... alsoCompute) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    tracked.addAll(List.of(alsoCompute));
    return this;
  }

  public StreamQuality checkpoint(String location) {
    this.checkpoint = location;
    return this;
  }

  /** The pipeline's name in alerts and as the query name (default {@code stream-quality}). */
  public StreamQuality name(String pipeline) {
    this.name = pipeline;
    return this;
  }

  public StreamQuality trigger(Trigger t) {
    this.trigger = t;
    return this;
  }

  /**
   * Starts the query.
   *
   * @throws StreamingException naming what is missing (topics, schema, dead-letter topic, table, checkpoint)
   */
  public StreamingQuery start() {
    if (topics == null && pattern == null) {
      throw new StreamingException(name + ": no topics: call topics(...) or topicPattern(...)");
    }
    if (schema == null || deadLetterTopic == null || table == null || checkpoint == null) {
      throw new StreamingException(name + ": json(schema) or avro(schema), deadLetterTopic, toIceberg and checkpoint are"
          + " required");
    }
    for (String r : required) {
      if (!List.of(schema.fieldNames()).contains(r)) {
        throw new StreamingException(name + ": required field '" + r + "' is not in the schema " + schema.simpleString());
      }
    }
    // A consumer that has read to the end of a partition leaves a fetch waiting at the broker for
    // fetch.max.wait.ms (Kafka's default 500 ms), and the next batch's read waits for it: a short
    // wait keeps small batches, and so alerts, fast. The user's kafka.* options still win.
    var reader = spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap)
        .option("failOnDataLoss", "false").option("kafka.fetch.max.wait.ms", "50");
    reader = topics != null ? reader.option("subscribe", topics) : reader.option("subscribePattern", pattern);
    reader = reader.options(kafkaOptions);
    Dataset<Row> decoded = decode(reader.load());
    if (dedupField != null) {
      if (!List.of(schema.fieldNames()).contains(dedupField)) {
        throw new StreamingException(name + ": deduplication field '" + dedupField + "' is not in the schema "
            + schema.simpleString());
      }
      Column dedupKey = when(col(REASON).isNull().and(col("_v." + dedupField).isNotNull()),
          col("_v." + dedupField).cast("string"))
          .otherwise(concat_ws("/", lit("raw"), col("topic"), col("partition").cast("string"), col("offset").cast("string")));
      decoded = decoded.withColumn("_dedup", dedupKey).withWatermark("timestamp", dedupDelay)
          .dropDuplicatesWithinWatermark("_dedup");
    }
    try {
      query = decoded.writeStream().queryName(name).option("checkpointLocation", checkpoint).trigger(trigger)
          .foreachBatch((VoidFunction2<Dataset<Row>, Long>) this::processBatch).start();
      return query;
    } catch (TimeoutException e) {
      throw new StreamingException(name + ": the query did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the query between batches, for a SIGTERM: the batch in flight finishes and commits, and
   * no further batch does any work. If Spark has already planned the next batch, that batch runs
   * after a restart from the checkpoint, with the same offsets. Returns once the query has stopped.
   *
   * <p>Call it from your stop path (a signal handler, an admin endpoint), not from a JVM shutdown
   * hook: Spark's own hooks stop the SparkContext concurrently. The {@code stream-quality} job
   * calls it on SIGTERM.
   *
   * <pre>{@code
   * StreamQuality pipeline = StreamQuality.fromKafka(spark, brokers)...;
   * StreamingQuery query = pipeline.start();
   * // later, from another thread:
   * pipeline.stopGracefully();
   * }</pre>
   */
  public void stopGracefully() {
    StreamingQuery q = query;
    if (q == null) {
      return;
    }
    stopRequested.set(true);
    try {
      // stop when idle between triggers, or when the next batch has parked before doing anything
      while (q.isActive() && q.status().isTriggerActive() && !parked.await(50, TimeUnit.MILLISECONDS)) {
        // the batch in flight is still running
      }
      q.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamingException(name + ": interrupted while stopping", e);
    } catch (TimeoutException e) {
      throw new StreamingException(name + ": the query did not stop: " + e.getMessage(), e);
    }
  }

  /**
   * The decode step alone, on Kafka-shaped rows (a binary {@code value} column): adds the parsed
   * value ({@code _v}) and the reason it cannot be used ({@code _reason}, null when fine). For batch
   * use and benchmarks; {@link #start} applies it to the stream.
   */
  public Dataset<Row> decode(Dataset<Row> raw) {
    if (avroSchema != null) {
      Column parsedAvro = org.apache.spark.sql.avro.functions.from_avro(col("value"), avroSchema, Map.of("mode", "PERMISSIVE"));
      // PERMISSIVE from_avro gives a struct of nulls for bytes that do not decode
      Column allNull = lit(true);
      for (String f : schema.fieldNames()) {
        allNull = allNull.and(col("_v." + f).isNull());
      }
      Column why = when(col("value").isNull().or(length(col("value")).equalTo(0)), lit("empty payload"))
          .when(col("_v").isNull().or(allNull), lit("value is not valid Avro for the schema"));
      for (String r : required) {
        why = why.when(col("_v." + r).isNull(), lit("required field '" + r + "' is missing or null"));
      }
      return raw.withColumn("_v", parsedAvro).withColumn(REASON, why);
    }
    StructType withCorrupt = schema.add("_corrupt", DataTypes.StringType);
    Column text = col("value").cast("string");
    Column parsed = from_json(text, withCorrupt, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", "_corrupt"));
    Column reason = when(col("value").isNull().or(length(col("value")).equalTo(0)), lit("empty payload"))
        .when(org.apache.spark.sql.functions.expr("NOT is_valid_utf8(CAST(value AS STRING))"), lit("value is not valid UTF-8"))
        .when(trim(text).startsWith("{").equalTo(false), lit("value is not a JSON object"))
        .when(col("_v").isNull(), lit("value is not valid JSON"))
        .when(col("_v._corrupt").isNotNull(), lit("malformed JSON or a value of the wrong type for " + schema.simpleString()));
    for (String r : required) {
      reason = reason.when(col("_v." + r).isNull(), lit("required field '" + r + "' is missing or null"));
    }
    return raw.withColumn("_v", parsed).withColumn(REASON, reason);
  }

  /** The source's {@code kafka.*} settings a producer knows (TLS, SASL, ...), not the consumer-only ones. */
  Map<String, String> writerOptions() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kafka.bootstrap.servers", bootstrap);
    // Dead letters come in bursts: batch them (Kafka's defaults are 16 KiB batches, no linger).
    out.put("kafka.batch.size", "262144");
    out.put("kafka.linger.ms", "5");
    kafkaOptions.forEach((k, v) -> {
      if (k.startsWith("kafka.") && PRODUCER_KEYS.contains(k.substring("kafka.".length()))) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Every setting a Kafka producer knows: the source's others would make it warn about each. */
  private static final Set<String> PRODUCER_KEYS = ProducerConfig.configNames();

  /**
   * One micro-batch. The batch is decoded, flattened and annotated with its row-level reasons, then
   * persisted; a single aggregation over it (the job that fills the cache) gives the batch's size,
   * its undecodable and invalid counts and its earliest record time. Every later step reads the
   * cache and knows its counts in advance, so no write is preceded by a count, and a write with
   * nothing to write is skipped. Alerts go out as soon as the checks are judged, before the
   * dead-letter and sink writes, to keep alert latency low.
   */
  private void processBatch(Dataset<Row> batch, Long batchId) throws InterruptedException {
    if (stopRequested.get()) {
      // Stopping: this batch does nothing and is not committed; stop() interrupts the wait.
      LOG.info("{} batch {} left for the next run: the query is stopping", name, batchId);
      parked.countDown();
      Thread.sleep(Long.MAX_VALUE);
    }
    List<Column> flat = new ArrayList<>();
    for (StructField f : schema.fields()) {
      flat.add(col("_v." + f.name()).as(f.name()));
    }
    flat.addAll(List.of(col("topic").as("_topic"), col("partition").as("_partition"), col("offset").as("_offset"),
        col("timestamp").as("_timestamp"), col("key").as("_key"), col("value").as("_value"), col(REASON)));
    // The batch is cached for a few seconds and read a few times: compressing the cache costs more
    // (dictionary statistics on every value) than it saves. The batch runs in the query's own
    // session (a clone Structured Streaming makes), so this setting stays out of the user's session.
    batch.sparkSession().conf().set("spark.sql.inMemoryColumnarStorage.compressed", "false");
    Dataset<Row> b = Verification.onData(batch.select(flat.toArray(Column[]::new))).addChecks(checks).annotate()
        .persist();
    try {
      Column decodable = col(REASON).isNull();
      Column invalid = decodable.and(size(col(Verification.REASONS)).gt(0));
      Column good = decodable.and(size(col(Verification.REASONS)).equalTo(0));
      long started = System.nanoTime();
      Row sizes = b.agg(count(lit(1)), count(col(REASON)), count_if(invalid), min("_timestamp")).first();
      long total = sizes.getLong(0);
      long undecodableCount = sizes.getLong(1);
      long invalidCount = sizes.getLong(2);
      long goodCount = total - undecodableCount - invalidCount;
      long earliest = sizes.isNullAt(3) ? System.currentTimeMillis() : sizes.getTimestamp(3).getTime();

      long read = System.nanoTime();
      if (total == 0) {
        // Nothing arrived (or deduplication left nothing): no checks to judge, no alert, no metrics.
        stats.batches.incrementAndGet();
        LOG.info("{} batch {}: no records", name, batchId);
        return;
      }
      Verification v = Verification.onData(b.where(decodable).drop(Verification.REASONS, REASON)).addChecks(checks);
      if (repository != null) {
        v.addAnalyzers(tracked);
        v.saveMetricsTo(repository, new ResultKey(System.currentTimeMillis(), Map.of("pipeline", name)));
        for (AnomalyRule a : anomalyChecks) {
          v.addAnomalyCheck(a.strategy(), a.analyzer(), null, a.level());
        }
      }
      VerificationResult result = v.run();
      long alerts = 0;
      boolean anomaly = result.checkResults().stream()
          .anyMatch(c -> c.check().isAnomalyCheck()
              && c.status() != CheckStatus.SUCCESS);
      if ((result.hasErrors() || anomaly) && alertTopic != null) {
        alerts = alert(result, invalidCount == 0 ? null : b.where(invalid), batchId, earliest);
      }

      long judged = System.nanoTime();
      if (undecodableCount > 0) {
        toDeadLetter(b.where(col(REASON).isNotNull()));
      }
      if (invalidCount > 0) {
        toDeadLetter(b.where(invalid).withColumn(REASON, concat_ws("; ", col(Verification.REASONS))));
      }
      long deadLettered = System.nanoTime();
      Dataset<Row> goodRows = b.where(good);
      Dataset<Row> goodRecords = goodRows.selectExpr(schema.fieldNames());
      long written = goodCount == 0 ? 0 : sink(goodRecords, goodCount, batchId);
      if (postgres != null && goodCount > 0) {
        goodRecords.foreachPartition(new PostgresUpsert(postgres.url(), postgres.user(),
            postgres.password(), postgres.table(), List.of(schema.fieldNames()), postgres.keys()));
      }
      if (outputTopic != null && goodCount > 0) {
        List<Column> values = new ArrayList<>();
        for (String f : schema.fieldNames()) {
          values.add(col(f));
        }
        goodRows.select(col("_key").as("key"), org.apache.spark.sql.functions.to_json(struct(values.toArray(Column[]::new)))
            .as("value")).write().format("kafka").options(writerOptions()).option("topic", outputTopic)
            .save();
      }
      long dead = undecodableCount + invalidCount;
      stats.in.addAndGet(total);
      stats.good.addAndGet(written);
      stats.bad.addAndGet(invalidCount);
      stats.dead.addAndGet(dead);
      stats.alerts.addAndGet(alerts);
      stats.batches.incrementAndGet();
      LOG.info("{} batch {}: {} row(s) to {}, {} dead-lettered, checks {} (read {} ms, checks and alerts {} ms,"
          + " dead letters {} ms, sinks {} ms)", name, batchId, written, table, dead, result.status(),
          millis(started, read), millis(read, judged), millis(judged, deadLettered), millis(deadLettered, System.nanoTime()));
    } finally {
      b.unpersist();
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1_000_000;
  }

  /** Writes rows of the persisted batch (with {@code _reason}) to the dead-letter topic. */
  private void toDeadLetter(Dataset<Row> rows) {
    rows.select(col("_key").as("key"), col("_value").as("value"),
        array(header("dlq.reason", col(REASON)), header("dlq.topic", col("_topic")), header("dlq.partition", col("_partition")),
            header("dlq.offset", col("_offset")), header("dlq.timestamp", col("_timestamp"))).as("headers"))
        .write().format("kafka").options(writerOptions()).option("topic", deadLetterTopic)
        .option("includeHeaders", "true").save();
  }

  private static Column header(String name, Column value) {
    return struct(lit(name).as("key"), value.cast("string").cast("binary").as("value"));
  }

  /**
   * Appends unless an earlier attempt of this batch already committed (a replay after a crash).
   * Only the newest commit of this pipeline among the table's current ancestors can be the batch
   * being replayed, so the walk stops there instead of reading every snapshot on every batch.
   */
  private long sink(Dataset<Row> good, long rows, long batchId) {
    String id = name + ":" + batchId;
    if (sinkTable == null) {
      sinkTable = LakeTable.of(spark, table);
    }
    for (Snapshot s : SnapshotUtil.currentAncestors(sinkTable.table())) {   // loads and refreshes the table once
      String committed = s.summary().get(BATCH_PROPERTY);
      if (committed != null && committed.startsWith(name + ":")) {
        if (id.equals(committed)) {
          LOG.info("{} batch {} is already in {} (snapshot {}); skipping the replay", name, batchId, table,
              s.snapshotId());
          return 0;
        }
        break;
      }
    }
    try {
      good.writeTo(table).option("snapshot-property." + BATCH_PROPERTY, id).append();
    } catch (Exception e) {
      throw new StreamingException(name + ": cannot append batch " + batchId + " to " + table + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private long alert(VerificationResult result, Dataset<Row> bad, long batchId, long earliestRecordMillis) {
    List<Long> offsets = new ArrayList<>();
    if (bad != null) {
      bad.select("_offset").limit(5).collectAsList().forEach(r -> offsets.add(r.getLong(0)));
    }
    List<Row> alerts = new ArrayList<>();
    for (CheckResult c : result.checkResults()) {
      boolean anomalyCheck = c.check().isAnomalyCheck();
      if (c.check().level() != Check.Level.ERROR && !anomalyCheck) {
        continue;
      }
      for (ConstraintResult k : c.constraints()) {
        if (k.passed()) {
          continue;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pipeline", name);
        a.put("kind", anomalyCheck ? "anomaly" : "check");
        a.put("check", c.check().description());
        a.put("constraint", k.constraint().name());
        a.put("metric", k.constraint().analyzer().describe());
        a.put("value", k.metricValue());
        a.put("expected", k.constraint().requirement());
        a.put("batchId", batchId);
        a.put("firstOffendingOffsets", offsets);
        a.put("at", Instant.now().toString());
        a.put("earliestRecordTime", Instant.ofEpochMilli(earliestRecordMillis).toString());
        // record time to alert, measured when the alert is built (the write follows at once)
        a.put("latencyMs", System.currentTimeMillis() - earliestRecordMillis);
        try {
          alerts.add(RowFactory.create(name, JSON.writeValueAsString(a)));
        } catch (JsonProcessingException e) {
          throw new StreamingException("cannot write an alert: " + e.getMessage(), e);
        }
      }
    }
    StructType s = new StructType().add("key", DataTypes.StringType).add("value", DataTypes.StringType);
    spark.createDataFrame(alerts, s).write().format("kafka").options(writerOptions()).option("topic", alertTopic).save();
    return alerts.size();
  }
}
