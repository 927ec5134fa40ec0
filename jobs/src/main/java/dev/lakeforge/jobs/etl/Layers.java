package dev.lakeforge.jobs.etl;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import dev.lakeforge.streaming.PostgresTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * One source through raw, quarantine and cleaned, each written so that a run killed at any point
 * and run again writes nothing twice: raw replaces the run's window (an atomic Iceberg overwrite by
 * filter), quarantine and cleaned merge by key, and the source's state moves last.
 */
final class Layers {
  static final String RUN = "_run_id";

  /** A quality gate that failed: the layer and what failed, or a source's low completeness. */
  static final class GateFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GateFailed(String what, VerificationResult r) {
      this("the quality gate on " + what + " failed:\n" + r.summary());
    }

    GateFailed(String message) {
      super(message);
    }
  }

  private final SparkSession spark;
  private final String ns;
  private final String runId;

  Layers(SparkSession spark, String ns, String runId) {
    this.spark = spark;
    this.ns = ns;
    this.runId = runId;
  }

  String raw(String source) {
    return ns + ".raw_" + source;
  }

  String clean(String source) {
    return ns + ".clean_" + source;
  }

  String quarantine(String source) {
    return ns + ".quarantine_" + source;
  }

  /**
   * Loads what {@code e} read; returns the counts. The cleaned rows changed by this run are handed
   * to {@code changed} (e.g. the warehouse upsert) before the caller moves the state.
   */
  Map<String, Object> load(
      String name, EtlSettings.Source s, Extract e, double minCompleteness, PostgresTable warehouse)
      throws Exception {
    Dataset<Row> in = e.rows().persist();
    try {
      return load(name, s, e, in, minCompleteness, warehouse);
    } finally {
      in.unpersist();
    }
  }

  private Map<String, Object> load(
      String name,
      EtlSettings.Source s,
      Extract e,
      Dataset<Row> in,
      double minCompleteness,
      PostgresTable warehouse)
      throws Exception {
    List<String> columns = new ArrayList<>();
    for (String c : in.columns()) {
      if (!c.equals(Extract.UNREADABLE) && !c.equals(Extract.RECORD)) {
        columns.add(c);
      }
    }
    Check rawCheck = Check.error(name + " raw");
    for (String k : s.key()) {
      rawCheck = rawCheck.isComplete(k);
    }
    rawCheck = rawCheck.isComplete(s.watermark());
    Split split =
        Verification.onData(
                in.where(col(Extract.UNREADABLE).unary_$bang()).drop(Extract.UNREADABLE))
            .addCheck(rawCheck)
            .split();

    // quarantine: unreadable records and rows without key or watermark, each once
    Dataset<Row> bad =
        split
            .bad()
            .select(col(Extract.RECORD).as("record"), col(Verification.REASONS).as("reasons"))
            .unionByName(
                in.where(col(Extract.UNREADABLE))
                    .select(
                        col(Extract.RECORD).as("record"),
                        array(lit("unreadable: not a record of the source's schema"))
                            .as("reasons")))
            .withColumn("run_id", lit(runId))
            .withColumn("at", current_timestamp())
            .dropDuplicates("record");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + quarantine(name)
            + " (record STRING, reasons ARRAY<STRING>, run_id STRING, at TIMESTAMP) USING iceberg");
    bad.createOrReplaceTempView("lf_etl_bad");
    spark.sql(
        "MERGE INTO "
            + quarantine(name)
            + " t USING lf_etl_bad s ON t.record = s.record WHEN NOT MATCHED THEN INSERT *");
    long quarantined = bad.count();

    // raw: the window's rows replace what an earlier, interrupted run wrote of the same window
    Dataset<Row> good =
        split
            .good()
            .drop(Extract.RECORD)
            .withColumn(RUN, lit(runId))
            .withColumn("_extracted_at", current_timestamp());
    if (!spark.catalog().tableExists(raw(name))) {
      good.writeTo(raw(name)).using("iceberg").create();
    } else {
      good.writeTo(raw(name)).overwrite(e.window());
    }
    long landed = spark.table(raw(name)).where(e.window()).count();
    double completeness =
        e.sourceRows() == 0 ? 1.0 : Math.min(1.0, (landed + quarantined) / (double) e.sourceRows());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("sourceRows", e.sourceRows());
    counts.put("raw", landed);
    counts.put("quarantined", quarantined);
    counts.put("completeness", completeness);
    if (completeness < minCompleteness) {
      throw new GateFailed(
          String.format(
              Locale.ROOT,
              "%s: completeness %.4f is below %.2f: the source holds %d rows in the window, %d landed in raw and %d in quarantine",
              name,
              completeness,
              minCompleteness,
              e.sourceRows(),
              landed,
              quarantined));
    }

    // cleaned: the newest row per key, merged by key
    List<String> cleanColumns = columns.stream().filter(c -> !c.startsWith("_kafka")).toList();
    Column[] keys = s.key().stream().map(k -> col(k)).toArray(Column[]::new);
    Dataset<Row> newest =
        spark
            .table(raw(name))
            .where(e.window())
            .withColumn(
                "_rank",
                row_number().over(Window.partitionBy(keys).orderBy(col(s.watermark()).desc())))
            .where(col("_rank").equalTo(1))
            .select(cleanColumns.stream().map(c -> col(c)).toArray(Column[]::new))
            .withColumn(RUN, lit(runId))
            .persist();
    if (!spark.catalog().tableExists(clean(name))) {
      newest.limit(0).writeTo(clean(name)).using("iceberg").create();
    }
    newest.createOrReplaceTempView("lf_etl_newest");
    String on = String.join(" AND ", s.key().stream().map(k -> "t." + k + " = s." + k).toList());
    spark.sql(
        "MERGE INTO "
            + clean(name)
            + " t USING lf_etl_newest s ON "
            + on
            + " WHEN MATCHED AND s."
            + s.watermark()
            + " >= t."
            + s.watermark()
            + " THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    Check cleanCheck =
        Check.error(name + " cleaned")
            .isPrimaryKey(
                s.key().get(0), s.key().subList(1, s.key().size()).toArray(String[]::new));
    VerificationResult r = Verification.onData(spark.table(clean(name))).addCheck(cleanCheck).run();
    if (r.hasErrors()) {
      throw new GateFailed(clean(name), r);
    }
    counts.put("cleaned", newest.count());
    if (warehouse != null) {
      warehouse.createIfMissing(spark.table(clean(name)).schema());
      warehouse.upsert(newest);
    }
    newest.unpersist();
    return counts;
  }
}
