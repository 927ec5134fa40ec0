package dev.lakeforge.streaming.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.config.SettingException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.LakeTableException;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.Suite;
import dev.lakeforge.streaming.PipelineSpec;
import dev.lakeforge.streaming.RunningPipeline;
import dev.lakeforge.streaming.StreamQuality;
import dev.lakeforge.streaming.StreamingException;
import dev.lakeforge.streaming.ValueSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * Runs the validated Kafka consumer from a YAML config. On SIGTERM it lets the current batch finish
 * and commit, then stops and exits 0.
 *
 * <pre>{@code
 * stream-quality:
 *   name: orders-pipeline
 *   kafka:
 *     bootstrapServers: broker:9092
 *     topics: [orders]
 *     startingOffsets: earliest
 *     maxOffsetsPerTrigger: 10000
 *     connectTimeout: 30s      # the start and the dry run fail in one line when no broker answers
 *     options: {kafka.security.protocol: SSL, kafka.ssl.truststore.location: /etc/kafka/truststore.jks,
 *               kafka.ssl.truststore.password: "${file:/run/secrets/truststore}"}
 *   schema: "order_id BIGINT, status STRING, amount DOUBLE"
 *   required: [order_id]
 *   suite: orders-suite.yaml       # its anomalies: judge each batch against the earlier ones
 *   metricsRepository: s3a://lake/dq/orders-metrics
 *   deadLetterTopic: orders-dlq
 *   alertTopic: quality-alerts
 *   table: lake.sales.orders
 *   checkpoint: s3a://lake/checkpoints/orders
 *   trigger: 1s          # or availableNow: process what is there, then stop
 *   stopGracePeriod: 20s # on SIGTERM, how long the batch in flight may take
 * }</pre>
 */
public final class StreamQualityJob implements SparkJob {

  /**
   * The Kafka source.
   *
   * @param bootstrapServers host:port list
   * @param topics topics to read
   * @param pattern a topic regex instead of topics
   * @param startingOffsets earliest or latest (default latest)
   * @param maxOffsetsPerTrigger back-pressure: records per batch at most
   * @param options more source options, passed through (kafka.*, consumer group, TLS and SASL
   *     settings)
   * @param connectTimeout how long the start and the dry run wait for a broker to answer (default
   *     30s)
   */
  public record Kafka(
      String bootstrapServers,
      List<String> topics,
      String pattern,
      String startingOffsets,
      Long maxOffsetsPerTrigger,
      Map<String, String> options,
      String connectTimeout) {
    public Kafka {
      require(bootstrapServers != null, "bootstrapServers", "is required, e.g. broker:9092");
      require(
          topics != null || pattern != null, "topics", "give topics (a list) or pattern (a regex)");
      options = options == null ? Map.of() : Map.copyOf(options);
      connectTimeout = connectTimeout == null ? "30s" : connectTimeout;
      require(
          positiveDuration(connectTimeout),
          "connectTimeout",
          "expected a duration such as 30s or 2m, got '" + connectTimeout + "'");
    }
  }

  private static boolean positiveDuration(String text) {
    try {
      return Units.duration(text).toMillis() > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The {@code stream-quality:} section.
   *
   * @param name the pipeline's name (in alerts and the query name)
   * @param kafka the source
   * @param schema the JSON value schema as SQL DDL, e.g. {@code order_id BIGINT, status STRING}
   * @param avroSchemaFile instead of {@code schema}: values are Avro binary in this writer schema
   *     (.avsc)
   * @param schemaFile instead of {@code schema}: the JSON value schema from a file (JSON Schema,
   *     Spark's JSON schema, or SQL DDL); its required fields are added to {@code required}
   * @param required fields that must be present and non-null
   * @param suite the quality suite file
   * @param metricsRepository where each batch's metrics are saved (a file repository: a path or
   *     URI); the suite's anomaly checks compare with the earlier batches there
   * @param deadLetterTopic where undecodable and invalid records go
   * @param alertTopic where alerts go
   * @param table the Iceberg table good rows are appended to
   * @param postgres also upsert good rows into PostgreSQL
   * @param outputTopic also write good rows as JSON to this topic
   * @param deduplicate drop repeated keys within a watermark
   * @param checkpoint the checkpoint location (relative paths in this section start at the config
   *     file's folder)
   * @param trigger a processing interval such as {@code 1s}, or {@code availableNow}
   * @param stopGracePeriod on SIGTERM, how long the batch in flight may take before the query stops
   *     without it (default 20s; it runs again after a restart)
   */
  public record Settings(
      String name,
      Kafka kafka,
      String schema,
      Location avroSchemaFile,
      Location schemaFile,
      List<String> required,
      Location suite,
      Location metricsRepository,
      String deadLetterTopic,
      String alertTopic,
      String table,
      Postgres postgres,
      String outputTopic,
      Dedup deduplicate,
      Location checkpoint,
      String trigger,
      String stopGracePeriod) {
    public Settings {
      name = name == null ? "stream-quality" : name;
      require(kafka != null, "kafka", "is required: bootstrapServers and topics");
      int given =
          (schema != null ? 1 : 0)
              + (avroSchemaFile != null ? 1 : 0)
              + (schemaFile != null ? 1 : 0);
      require(
          given > 0,
          "schema",
          "is required: the JSON value schema as SQL DDL, e.g. \"id BIGINT, name STRING\" (or schemaFile, or avroSchemaFile)");
      require(
          given == 1,
          schema != null ? "schema" : "schemaFile",
          "give one of schema, schemaFile and avroSchemaFile");
      if (schema != null) {
        try {
          StructType.fromDDL(schema);
        } catch (Exception e) {
          throw new SettingException(
              "schema", "is not valid SQL DDL: " + LakeforgeException.firstLine(e));
        }
      }
      required = required == null ? List.of() : List.copyOf(required);
      require(
          deadLetterTopic != null, "deadLetterTopic", "is required: bad records are never dropped");
      require(table != null, "table", "is required: the Iceberg table for good rows");
      require(checkpoint != null, "checkpoint", "is required for exactly-once");
      trigger = trigger == null ? "1s" : trigger;
      stopGracePeriod = stopGracePeriod == null ? "20s" : stopGracePeriod;
      require(
          positiveDuration(stopGracePeriod),
          "stopGracePeriod",
          "expected a duration such as 20s, got '" + stopGracePeriod + "'");
      require(suite == null || suite.isLocal(), "suite", "must be a local file, got " + suite);
      require(
          schemaFile == null || schemaFile.isLocal(),
          "schemaFile",
          "must be a local file, got " + schemaFile);
      require(
          avroSchemaFile == null || avroSchemaFile.isLocal(),
          "avroSchemaFile",
          "must be a local file, got " + avroSchemaFile);
    }
  }

  /**
   * The PostgreSQL sink: good rows are upserted by a business key.
   *
   * @param url JDBC URL
   * @param user the user
   * @param password the password (a secret: use ${file:...})
   * @param table the table (with a primary key or unique constraint on the key)
   * @param key the business key column(s)
   */
  public record Postgres(String url, String user, Secret password, String table, List<String> key) {
    public Postgres {
      require(
          url != null && url.startsWith("jdbc:postgresql:"),
          "url",
          "expected jdbc:postgresql://host:port/db, got '" + url + "'");
      require(table != null, "table", "is required");
      require(key != null && !key.isEmpty(), "key", "is required: the business key column(s)");
    }
  }

  /**
   * Deduplication within a watermark.
   *
   * @param key the field whose repeats are dropped
   * @param within how long a key is remembered, e.g. {@code 1 hour}
   */
  public record Dedup(String key, String within) {
    public Dedup {
      require(key != null, "key", "is required");
      within = within == null ? "1 hour" : within;
    }
  }

  private Settings settings;
  private Suite suite;
  private String avro;
  private ValueSchema valueSchema;
  private String metricsRepository;

  @Override
  public String name() {
    return "stream-quality";
  }

  @Override
  public String description() {
    return "Consumes Kafka, validates each batch, dead-letters bad records, alerts, and writes good rows to Iceberg exactly once.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    settings = config.bind(name(), Settings.class);
    suite = settings.suite() == null ? null : Suite.load(settings.suite().toPath());
    if (suite != null && !suite.anomalies().isEmpty() && settings.metricsRepository() == null) {
      throw config.errorAt(
          "stream-quality.suite",
          settings.suite()
              + " has anomaly checks, which compare each batch with the"
              + " earlier ones: set stream-quality.metricsRepository");
    }
    metricsRepository =
        settings.metricsRepository() == null ? null : settings.metricsRepository().uri();
    if (settings.avroSchemaFile() != null) {
      try {
        avro = Files.readString(settings.avroSchemaFile().toPath());
        new Schema.Parser().parse(avro);
      } catch (IOException e) {
        throw config.errorAt(
            "stream-quality.avroSchemaFile",
            "cannot read " + settings.avroSchemaFile() + ": " + e.getMessage());
      } catch (SchemaParseException e) {
        throw config.errorAt(
            "stream-quality.avroSchemaFile", "is not an Avro schema: " + e.getMessage());
      }
    }
    if (settings.schemaFile() != null) {
      try {
        valueSchema = ValueSchema.read(settings.schemaFile().toPath());
      } catch (StreamingException e) {
        throw config.errorAt("stream-quality.schemaFile", e.getMessage());
      }
      for (String r : settings.required()) {
        if (!List.of(valueSchema.schema().fieldNames()).contains(r)) {
          throw config.errorAt(
              "stream-quality.required",
              "'"
                  + r
                  + "' is not a field of "
                  + settings.schemaFile()
                  + "; fields: "
                  + String.join(", ", valueSchema.schema().fieldNames()));
        }
      }
    }
    if (!settings.trigger().equals("availableNow")) {
      try {
        Units.duration(settings.trigger());
      } catch (IllegalArgumentException e) {
        throw config.errorAt(
            "stream-quality.trigger",
            "expected an interval such as 1s or 500ms, or availableNow, got '"
                + settings.trigger()
                + "'");
      }
    }
  }

  /** The pipeline the settings describe, validated; nothing touches Kafka. */
  private PipelineSpec spec(JobContext ctx) {
    Kafka k = settings.kafka();
    StreamQuality q =
        StreamQuality.fromKafka(k.bootstrapServers())
            .name(settings.name())
            .connectTimeout(Units.duration(k.connectTimeout()))
            .stopGracePeriod(Units.duration(settings.stopGracePeriod()));
    String[] required = settings.required().toArray(String[]::new);
    if (avro != null) {
      q = q.avro(avro, required);
    } else if (valueSchema != null) {
      LinkedHashSet<String> all = new LinkedHashSet<>(valueSchema.required());
      all.addAll(settings.required());
      q = q.json(valueSchema.schema(), all.toArray(String[]::new));
    } else {
      q = q.json(StructType.fromDDL(settings.schema()), required);
    }
    q =
        q.deadLetterTopic(settings.deadLetterTopic())
            .toIceberg(settings.table())
            .checkpoint(settings.checkpoint().uri())
            .trigger(
                settings.trigger().equals("availableNow")
                    ? Trigger.AvailableNow()
                    : Trigger.ProcessingTime(Units.duration(settings.trigger()).toMillis()));
    q =
        k.topics() != null
            ? q.topics(k.topics().toArray(String[]::new))
            : q.topicPattern(k.pattern());
    if (k.startingOffsets() != null) {
      q.option("startingOffsets", k.startingOffsets());
    }
    if (k.maxOffsetsPerTrigger() != null) {
      q.option("maxOffsetsPerTrigger", k.maxOffsetsPerTrigger().toString());
    }
    k.options().forEach(q::option);
    if (settings.alertTopic() != null) {
      q.alertTopic(settings.alertTopic());
    }
    if (settings.postgres() != null) {
      Postgres pg = settings.postgres();
      q.toPostgres(pg.url(), pg.user(), pg.password(), pg.table(), pg.key().toArray(String[]::new));
    }
    if (settings.outputTopic() != null) {
      q.toKafkaTopic(settings.outputTopic());
    }
    if (settings.deduplicate() != null) {
      q.deduplicate(settings.deduplicate().key(), settings.deduplicate().within());
    }
    if (suite != null) {
      suite.checks().forEach(q::validate);
    }
    if (metricsRepository != null) {
      MetricsRepository repository =
          MetricsRepository.files(metricsRepository, Sessions.hadoopConfiguration(ctx.spark()));
      q.saveMetricsTo(
          repository, suite == null ? new Analyzer[0] : suite.analyzers().toArray(Analyzer[]::new));
      for (Suite.Anomaly a : suite == null ? List.<Suite.Anomaly>of() : suite.anomalies()) {
        q.alertOnAnomaly(repository, a.strategy(), a.analyzer(), a.level());
      }
    }
    return q.build();
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan =
        JobPlan.of(
            "stream "
                + (settings.kafka().topics() != null
                    ? settings.kafka().topics()
                    : "topics matching " + settings.kafka().pattern())
                + " from "
                + settings.kafka().bootstrapServers()
                + " into "
                + settings.table());
    String decode =
        avro != null
            ? "Avro (" + settings.avroSchemaFile() + ")"
            : valueSchema != null
                ? "JSON " + valueSchema.schema().toDDL() + " (" + settings.schemaFile() + ")"
                : "JSON " + settings.schema();
    List<String> required =
        new ArrayList<>(valueSchema == null ? List.of() : valueSchema.required());
    settings.required().stream().filter(r -> !required.contains(r)).forEach(required::add);
    plan.step(
        "decode "
            + decode
            + ", required "
            + required
            + "; bad records -> "
            + settings.deadLetterTopic());
    plan.step(
        "validate with "
            + (suite == null ? "no suite" : suite.toString())
            + "; alerts -> "
            + (settings.alertTopic() == null ? "(no alert topic)" : settings.alertTopic())
            + (metricsRepository == null
                ? ""
                : "; metrics -> "
                    + metricsRepository
                    + (suite == null || suite.anomalies().isEmpty()
                        ? ""
                        : ", " + suite.anomalies().size() + " anomaly check(s)")));
    plan.step(
        "append to "
            + settings.table()
            + " exactly once; checkpoint "
            + settings.checkpoint()
            + "; trigger "
            + settings.trigger());
    PipelineSpec spec = spec(ctx);
    try {
      spec.checkBroker();
    } catch (StreamingException e) {
      plan.problem(e.getMessage());
    }
    try {
      LakeTable.of(ctx.spark(), settings.table());
    } catch (LakeTableException.NoSuchTable e) {
      plan.problem(e.getMessage() + "; create it with: " + spec.createTableSql().orElseThrow());
    } catch (RuntimeException e) {
      plan.problem(e.getMessage());
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    PipelineSpec spec = spec(ctx);
    // A table that is not there fails the run at once (a user's mistake, exit 2), even when no
    // batch would ever write to it, and before the broker is asked (start asks it first).
    LakeTable.of(ctx.spark(), settings.table());
    RunningPipeline pipeline = spec.start(ctx.spark());
    StreamingQuery query = pipeline.query();
    GracefulStop stop = GracefulStop.onSigterm(pipeline);
    pipeline.awaitTermination();
    stop.awaitStopped();
    RunningPipeline.Counts n = pipeline.counts();
    String lag = "unknown";
    if (query.lastProgress() != null && query.lastProgress().sources().length > 0) {
      Map<String, String> metrics = query.lastProgress().sources()[0].metrics();
      lag = metrics.getOrDefault("maxOffsetsBehindLatest", "0");
    }
    String summary =
        "query "
            + settings.name()
            + stop.describe()
            + ": "
            + n.recordsIn()
            + " in, "
            + (settings.deduplicate() == null ? "" : n.duplicates() + " duplicate(s) dropped, ")
            + n.good()
            + " good, "
            + n.bad()
            + " bad, "
            + n.deadLettered()
            + " dead-lettered, "
            + n.alerts()
            + " alert(s) in "
            + n.batches()
            + " batch(es); lag "
            + lag;
    ctx.print(summary);
    return JobOutcome.success(summary)
        .withDetails(
            Map.of(
                "table",
                settings.table(),
                "recordsIn",
                n.recordsIn(),
                "duplicates",
                n.duplicates(),
                "good",
                n.good(),
                "bad",
                n.bad(),
                "deadLettered",
                n.deadLettered(),
                "alerts",
                n.alerts(),
                "batches",
                n.batches(),
                "lag",
                lag,
                "stop",
                stop.state()));
  }
}
