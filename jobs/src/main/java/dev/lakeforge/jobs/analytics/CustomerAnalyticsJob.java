package dev.lakeforge.jobs.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.jobs.CatalogNamespace;
import dev.lakeforge.streaming.PostgresTable;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * Customer analytics, run hourly: customer events from a Kafka topic or files → hourly aggregates
 * per customer → segment, churn score, lifetime value and engagement score per customer, in Iceberg
 * and PostgreSQL. Each run reads what arrived since the last one (its checkpoint), merges events up
 * to {@code allowedLateness} behind the newest, and recomputes only the hours and customers they
 * touch. A quality gate guards each layer: bad events are quarantined with their reasons; a failed
 * gate on the aggregates or metrics publishes nothing of them and exits 3.
 *
 * <pre>{@code
 * bin/lakeforge customer-analytics --config examples/customer-analytics.yaml
 * }</pre>
 */
public final class CustomerAnalyticsJob implements SparkJob {
  private AnalyticsSettings settings;

  @Override
  public String name() {
    return "customer-analytics";
  }

  @Override
  public String description() {
    return "Customer events (Kafka or files) to hourly aggregates, segments, churn, lifetime value and engagement in Iceberg and PostgreSQL.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return AnalyticsSettings.class;
  }

  @Override
  public void configure(Config config) {
    settings = config.bind(name(), AnalyticsSettings.class);
  }

  private String ns() {
    return settings.namespace();
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("customer-analytics into " + ns());
    AnalyticsSettings.Source source = settings.source();
    if (source.kafka() != null) {
      plan.step(
          "read new events from topic "
              + source.kafka().topic()
              + " at "
              + source.kafka().bootstrapServers());
      try {
        reachable(source.kafka(), source.kafka().timeout());
      } catch (LakeforgeException e) {
        plan.problem(e.getMessage());
      }
    } else {
      plan.step("read new " + source.files().format() + " files in " + source.files().path());
      if (source.files().path().isLocal() && !Files.isDirectory(source.files().path().toPath())) {
        plan.problem(
            "no folder " + source.files().path() + " (customer-analytics.source.files.path)");
      }
    }
    CatalogNamespace.undeclaredCatalog(ctx.spark(), ns())
        .ifPresent(
            c -> plan.problem("no catalog " + c + " (customer-analytics.namespace " + ns() + ")"));
    plan.step(
            "gate the events, quarantine bad and late ones (over "
                + settings.allowedLateness()
                + " behind) in "
                + ns()
                + ".events_quarantine")
        .step(
            "merge new events into "
                + ns()
                + ".events; recompute the hours they touch in "
                + ns()
                + ".customer_hourly")
        .step("recompute the metrics of the customers they touch in " + ns() + ".customer_metrics");
    if (settings.postgres() != null) {
      plan.step(
          "upsert both into PostgreSQL "
              + settings.postgres().url()
              + " schema "
              + settings.postgres().schema());
      try {
        pg("customer_metrics").check();
      } catch (RuntimeException e) {
        plan.problem(e.getMessage());
      }
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    createTables(spark);
    PostgresTable pgHourly = null;
    PostgresTable pgMetrics = null;
    if (settings.postgres() != null) {
      pgHourly = pg("customer_hourly").key("customer_id", "hour");
      pgMetrics = pg("customer_metrics").key("customer_id");
      pgHourly.createIfMissing(spark.table(ns() + ".customer_hourly").schema());
      pgMetrics.createIfMissing(spark.table(ns() + ".customer_metrics").schema());
    }
    AnalyticsBatch batches = new AnalyticsBatch(ns(), settings.lateness(), pgHourly, pgMetrics);
    StreamingQuery query =
        events(spark)
            .writeStream()
            .queryName("customer-analytics")
            .trigger(Trigger.AvailableNow())
            .option("checkpointLocation", settings.checkpoint().uri())
            .foreachBatch((VoidFunction2<Dataset<Row>, Long>) batches::process)
            .start();
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof AnalyticsBatch.GateFailed gate) {
          ctx.print(gate.getMessage());
          return JobOutcome.qualityGateFailed(
                  "customer-analytics: " + gate.getMessage().lines().findFirst().orElse(""))
              .withDetails(new LinkedHashMap<>(batches.counts));
        }
      }
      throw e;
    }
    Map<String, Object> details = new LinkedHashMap<>(batches.counts);
    String summary =
        String.format(
            Locale.ROOT,
            "customer-analytics: %d event(s) in, %d new, %d duplicate(s), %d late, %d quarantined; %d hour(s) and %d customer(s) updated",
            batches.counts.get("eventsIn"),
            batches.counts.get("newEvents"),
            batches.counts.get("duplicates"),
            batches.counts.get("late"),
            batches.counts.get("quarantined"),
            batches.counts.get("hoursUpdated"),
            batches.counts.get("customersUpdated"));
    ctx.print(summary);
    return JobOutcome.success(summary)
        .withDetails(details)
        .withOutputs(
            List.of(ns() + ".events", ns() + ".customer_hourly", ns() + ".customer_metrics"));
  }

  private PostgresTable pg(String table) {
    AnalyticsSettings.Postgres p = settings.postgres();
    return PostgresTable.of(
        p.url(),
        p.user(),
        p.password() == null ? null : p.password().reveal(),
        p.schema() + "." + table);
  }

  private void createTables(SparkSession spark) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns());
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + ns()
            + ".events ("
            + AnalyticsBatch.EVENT_COLUMNS
            + ") USING iceberg PARTITIONED BY (days(event_at))");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + ns()
            + ".events_quarantine ("
            + AnalyticsBatch.EVENT_COLUMNS
            + ", raw STRING, reasons ARRAY<STRING>, batch_id BIGINT) USING iceberg");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + ns()
            + ".customer_hourly (customer_id STRING, hour TIMESTAMP,"
            + " events BIGINT, views BIGINT, clicks BIGINT, carts BIGINT, purchases BIGINT,"
            + " revenue DECIMAL(18, 2)) USING iceberg PARTITIONED BY (days(hour))");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + ns()
            + ".customer_metrics (customer_id STRING, events BIGINT,"
            + " purchases BIGINT, revenue DECIMAL(18, 2), first_seen TIMESTAMP, last_active TIMESTAMP,"
            + " engagement_score DOUBLE, churn_score DOUBLE, lifetime_value DECIMAL(18, 2),"
            + " segment STRING) USING iceberg");
  }

  /**
   * The events as a stream: the event columns and {@value AnalyticsBatch#RAW} for unreadable ones.
   */
  private Dataset<Row> events(SparkSession spark) {
    StructType schema =
        StructType.fromDDL(AnalyticsBatch.EVENT_COLUMNS + ", " + AnalyticsBatch.RAW + " STRING");
    AnalyticsSettings.Source source = settings.source();
    if (source.kafka() != null) {
      DataStreamReader reader =
          spark
              .readStream()
              .format("kafka")
              .option("kafka.bootstrap.servers", source.kafka().bootstrapServers())
              .option("subscribe", source.kafka().topic())
              .option("startingOffsets", "earliest")
              .options(source.kafka().options());
      // a record that is not JSON, or JSON with none of the event's fields, cannot be read
      StructType event = StructType.fromDDL(AnalyticsBatch.EVENT_COLUMNS);
      List<Column> columns = new ArrayList<>();
      List<Column> asText = new ArrayList<>();
      for (String f : event.fieldNames()) {
        columns.add(col("e." + f).as(f));
        asText.add(col("e." + f).cast("string"));
      }
      Column unread = col("e").isNull().or(coalesce(asText.toArray(Column[]::new)).isNull());
      columns.add(when(unread, coalesce(col("value"), lit(""))).as(AnalyticsBatch.RAW));
      return reader
          .load()
          .select(col("value").cast("string").as("value"))
          .select(from_json(col("value"), event).as("e"), col("value"))
          .select(columns.toArray(Column[]::new));
    }
    AnalyticsSettings.Files files = source.files();
    DataStreamReader reader = spark.readStream().format(files.format()).schema(schema);
    if (!files.format().equals("parquet")) {
      reader =
          reader
              .option("columnNameOfCorruptRecord", AnalyticsBatch.RAW)
              .option("mode", "PERMISSIVE");
    }
    if (files.format().equals("csv")) {
      reader = reader.option("header", "true");
    }
    return reader.load(files.path().uri());
  }

  private static void reachable(AnalyticsSettings.Kafka kafka, Duration timeout) {
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new LakeforgeException(
          ErrorKind.UNAVAILABLE,
          "no Kafka broker answered at "
              + kafka.bootstrapServers()
              + " within "
              + timeout.toSeconds()
              + " s (customer-analytics.source.kafka.bootstrapServers)");
    }
  }
}
