package dev.lakeforge.jobs.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import dev.lakeforge.streaming.PostgresTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * One micro-batch of events through the layers: decode and gate (bad rows quarantined with their
 * reasons), drop late events to quarantine, merge new events, recompute the hourly aggregates of
 * the hours they touch, recompute the metrics of the customers they touch, gate both, publish.
 * Every step is idempotent, so a batch replayed after a crash changes nothing twice.
 */
final class AnalyticsBatch {
  static final String EVENT_COLUMNS =
      "event_id STRING, customer_id STRING, event_type STRING, amount DOUBLE, event_at TIMESTAMP";
  static final String RAW = "_raw";

  /** A quality gate that failed on a layer: nothing of that layer was published. */
  static final class GateFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient VerificationResult result;

    GateFailed(String layer, VerificationResult result) {
      super(
          "the quality gate on "
              + layer
              + " failed; nothing of it was published:\n"
              + result.summary());
      this.result = result;
    }
  }

  private final String ns;
  private final Duration lateness;
  private final PostgresTable pgHourly;
  private final PostgresTable pgMetrics;
  final Map<String, Long> counts = new LinkedHashMap<>();

  AnalyticsBatch(String ns, Duration lateness, PostgresTable pgHourly, PostgresTable pgMetrics) {
    this.ns = ns;
    this.lateness = lateness;
    this.pgHourly = pgHourly;
    this.pgMetrics = pgMetrics;
    for (String k :
        new String[] {
          "eventsIn",
          "quarantined",
          "late",
          "duplicates",
          "newEvents",
          "hoursUpdated",
          "customersUpdated",
          "batches"
        }) {
      counts.put(k, 0L);
    }
  }

  /** {@code decoded}: the event columns and {@value #RAW}, the record when it could not be read. */
  void process(Dataset<Row> decoded, long batchId) throws NoSuchTableException {
    SparkSession spark = decoded.sparkSession();
    Dataset<Row> in = decoded.persist();
    try {
      long total = in.count();
      if (total == 0) {
        return;
      }
      add("batches", 1);
      add("eventsIn", total);
      Split split =
          Verification.onData(in.where(col(RAW).isNull()).drop(RAW))
              .addCheck(CustomerMetrics.eventsCheck())
              .split();
      // the passed rows are kept: the duplicates within the batch are counted from them, not
      // annotated again
      Dataset<Row> passed = split.good().persist();
      Dataset<Row> good = passed.dropDuplicates("event_id").persist();
      Timestamp watermark = watermark(spark);
      good.createOrReplaceTempView("lf_batch_good");
      spark.table(ns + ".events").createOrReplaceTempView("lf_events");
      Dataset<Row> known =
          spark.sql("SELECT * FROM lf_batch_good LEFT SEMI JOIN lf_events USING (event_id)");
      Dataset<Row> unknown =
          spark.sql("SELECT * FROM lf_batch_good LEFT ANTI JOIN lf_events USING (event_id)");
      Column isLate = watermark == null ? lit(false) : col("event_at").lt(lit(watermark));
      Dataset<Row> late = unknown.where(isLate);
      Dataset<Row> fresh = unknown.where(isLate.unary_$bang()).persist();
      Dataset<Row> quarantine =
          split
              .bad()
              .withColumn(RAW, lit(null).cast("string"))
              .unionByName(undecodable(in))
              .unionByName(
                  late.withColumn(RAW, lit(null).cast("string"))
                      .withColumn(
                          Verification.REASONS,
                          array(
                              lit(
                                  "late: older than the watermark "
                                      + watermark
                                      + " (newest event minus allowedLateness "
                                      + lateness
                                      + ")"))))
              .withColumn("batch_id", lit(batchId))
              .persist();
      long quarantined = quarantine.count();
      if (quarantined > 0) {
        quarantine.selectExpr(quarantineColumns()).writeTo(ns + ".events_quarantine").append();
      }
      add("quarantined", quarantined);
      add("late", late.count());
      add("duplicates", known.count() + (passed.count() - good.count()));
      long newEvents = fresh.count();
      add("newEvents", newEvents);

      fresh.createOrReplaceTempView("lf_fresh");
      spark.sql(
          "MERGE INTO "
              + ns
              + ".events t USING lf_fresh s ON t.event_id = s.event_id WHEN NOT MATCHED THEN INSERT *");

      // the hours touched: those of new events and of known ones (a replayed batch recomputes them)
      known
          .unionByName(fresh)
          .select(col("customer_id"), date_trunc("HOUR", col("event_at")).as("hour"))
          .distinct()
          .createOrReplaceTempView("lf_hours");
      spark.table(ns + ".events").createOrReplaceTempView("lf_events");
      Dataset<Row> hourly = CustomerMetrics.hourly(spark, "lf_events", "lf_hours").persist();
      gate("the hourly aggregates", hourly, CustomerMetrics.hourlyCheck());
      hourly.createOrReplaceTempView("lf_hourly");
      spark.sql(
          "MERGE INTO "
              + ns
              + ".customer_hourly t USING lf_hourly s"
              + " ON t.customer_id = s.customer_id AND t.hour = s.hour"
              + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
      add("hoursUpdated", hourly.count());

      hourly.select("customer_id").distinct().createOrReplaceTempView("lf_customers");
      spark.table(ns + ".customer_hourly").createOrReplaceTempView("lf_all_hourly");
      Dataset<Row> metrics =
          CustomerMetrics.metrics(spark, "lf_all_hourly", "lf_customers").persist();
      gate("the customer metrics", metrics, CustomerMetrics.metricsCheck());
      metrics.createOrReplaceTempView("lf_metrics");
      spark.sql(
          "MERGE INTO "
              + ns
              + ".customer_metrics t USING lf_metrics s ON t.customer_id = s.customer_id"
              + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
      add("customersUpdated", metrics.count());
      if (pgHourly != null) {
        pgHourly.upsert(hourly);
        pgMetrics.upsert(metrics);
      }
      hourly.unpersist();
      metrics.unpersist();
      fresh.unpersist();
      good.unpersist();
      passed.unpersist();
      quarantine.unpersist();
    } finally {
      in.unpersist();
    }
  }

  /** The newest stored event minus the allowed lateness; null before the first event. */
  private Timestamp watermark(SparkSession spark) {
    Row r = spark.sql("SELECT max(event_at) FROM " + ns + ".events").first();
    return r.isNullAt(0) ? null : Timestamp.from(r.getTimestamp(0).toInstant().minus(lateness));
  }

  private static Dataset<Row> undecodable(Dataset<Row> in) {
    return in.where(col(RAW).isNotNull())
        .withColumn(
            Verification.REASONS,
            array(
                concat(
                    lit("not an event: "),
                    when(col(RAW).equalTo(""), lit("an empty record"))
                        .otherwise(lit("cannot be read as " + EVENT_COLUMNS)))));
  }

  private static String[] quarantineColumns() {
    return new String[] {
      "event_id",
      "customer_id",
      "event_type",
      "amount",
      "event_at",
      RAW + " AS raw",
      Verification.REASONS + " AS reasons",
      "batch_id"
    };
  }

  private static void gate(String layer, Dataset<Row> rows, Check check) {
    VerificationResult r = Verification.onData(rows).addCheck(check).run();
    if (r.hasErrors()) {
      throw new GateFailed(layer, r);
    }
  }

  private void add(String key, long n) {
    counts.merge(key, n, Long::sum);
  }
}
