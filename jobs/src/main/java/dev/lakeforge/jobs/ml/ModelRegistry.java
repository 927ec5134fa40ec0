package dev.lakeforge.jobs.ml;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The model registry: an Iceberg table of versions ({@code model_versions}: status, metrics,
 * training window, source table and snapshot, parameters, where the model files are) and one of
 * every evaluation ({@code model_evaluations}). Each change of status is one commit, so the table's
 * history (time travel) is the registry's audit log.
 */
final class ModelRegistry {
  static final String PRODUCTION = "production";
  static final String REJECTED = "rejected";
  static final String RETIRED = "retired";
  static final String ROLLED_BACK = "rolled back";

  /** One registered version. */
  record Version(int version, String status, double accuracy, String path) {}

  /** What a version was trained on and how it scored on its held-out set. */
  record Registration(
      int version,
      double accuracy,
      double f1,
      double auc,
      long trainRows,
      long testRows,
      Timestamp windowStart,
      Timestamp windowEnd,
      String sourceTable,
      long sourceSnapshot,
      String params,
      String path) {}

  private final SparkSession spark;
  private final String ns;
  private final String model;

  ModelRegistry(SparkSession spark, String ns, String model) {
    this.spark = spark;
    this.ns = ns;
    this.model = model;
  }

  String versions() {
    return ns + ".model_versions";
  }

  String evaluations() {
    return ns + ".model_evaluations";
  }

  void create() {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + versions()
            + " (model STRING, version INT, status STRING, accuracy DOUBLE, f1 DOUBLE, auc DOUBLE,"
            + " train_rows BIGINT, test_rows BIGINT, window_start TIMESTAMP, window_end TIMESTAMP,"
            + " source_table STRING, source_snapshot BIGINT, params STRING, path STRING,"
            + " created_at TIMESTAMP, promoted_at TIMESTAMP, status_changed_at TIMESTAMP,"
            + " reason STRING) USING iceberg");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + evaluations()
            + " (model STRING, version INT, run_id STRING, purpose STRING, accuracy DOUBLE,"
            + " f1 DOUBLE, auc DOUBLE, test_rows BIGINT, window_start TIMESTAMP,"
            + " window_end TIMESTAMP, evaluated_at TIMESTAMP) USING iceberg");
  }

  Optional<Version> production() {
    return one("status = '" + PRODUCTION + "'", "version DESC");
  }

  /**
   * The version that was in production before the current one: the latest promoted, retired one.
   */
  Optional<Version> previous() {
    return one("status = '" + RETIRED + "' AND promoted_at IS NOT NULL", "promoted_at DESC");
  }

  int nextVersion() {
    Row r =
        spark
            .sql("SELECT max(version) FROM " + versions() + " WHERE model = " + quote(model))
            .first();
    return r.isNullAt(0) ? 1 : r.getInt(0) + 1;
  }

  private Optional<Version> one(String where, String order) {
    List<Row> rows =
        spark
            .sql(
                "SELECT version, status, accuracy, path FROM "
                    + versions()
                    + " WHERE model = "
                    + quote(model)
                    + " AND "
                    + where
                    + " ORDER BY "
                    + order
                    + " LIMIT 1")
            .collectAsList();
    return rows.stream()
        .findFirst()
        .map(r -> new Version(r.getInt(0), r.getString(1), r.getDouble(2), r.getString(3)));
  }

  /** Registers a trained version with {@code status} and why. */
  void register(Registration v, String status, String reason) {
    spark.sql(
        String.format(
            Locale.ROOT,
            "INSERT INTO %s VALUES (%s, %d, %s, %f, %f, %f, %d, %d, TIMESTAMP '%s', TIMESTAMP '%s',"
                + " %s, %d, %s, %s, current_timestamp(), %s, current_timestamp(), %s)",
            versions(),
            quote(model),
            v.version(),
            quote(status),
            v.accuracy(),
            v.f1(),
            v.auc(),
            v.trainRows(),
            v.testRows(),
            v.windowStart(),
            v.windowEnd(),
            quote(v.sourceTable()),
            v.sourceSnapshot(),
            quote(v.params()),
            quote(v.path()),
            status.equals(PRODUCTION) ? "current_timestamp()" : "NULL",
            quote(reason)));
  }

  /**
   * In one commit: {@code version} becomes production (with {@code reason}), and the production
   * version before it becomes {@code formerStatus}.
   */
  void makeProduction(int version, String formerStatus, String reason) {
    spark.sql(
        String.format(
            Locale.ROOT,
            "MERGE INTO %1$s t USING (SELECT version, CASE WHEN version = %2$d THEN '%3$s' ELSE %4$s"
                + " END AS status FROM %1$s WHERE model = %5$s AND (version = %2$d OR status ="
                + " '%3$s')) s ON t.model = %5$s AND t.version = s.version WHEN MATCHED THEN UPDATE"
                + " SET t.status = s.status, t.status_changed_at = current_timestamp(),"
                + " t.promoted_at = CASE WHEN s.status = '%3$s' THEN current_timestamp() ELSE"
                + " t.promoted_at END, t.reason = CASE WHEN s.version = %2$d THEN %6$s ELSE"
                + " t.reason END",
            versions(),
            version,
            PRODUCTION,
            quote(formerStatus),
            quote(model),
            quote(reason)));
  }

  void recordEvaluation(
      int version,
      String runId,
      String purpose,
      Evaluation e,
      long rows,
      Timestamp windowStart,
      Timestamp windowEnd) {
    spark.sql(
        String.format(
            Locale.ROOT,
            "INSERT INTO %s VALUES (%s, %d, %s, %s, %f, %f, %f, %d, TIMESTAMP '%s', TIMESTAMP '%s',"
                + " current_timestamp())",
            evaluations(),
            quote(model),
            version,
            quote(runId),
            quote(purpose),
            e.accuracy(),
            e.f1(),
            e.auc(),
            rows,
            windowStart,
            windowEnd));
  }

  /** A model's scores on a held-out set. */
  record Evaluation(double accuracy, double f1, double auc) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "accuracy %.4f, F1 %.4f, AUC %.4f", accuracy, f1, auc);
    }
  }

  private static String quote(String text) {
    return text == null ? "NULL" : "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
