package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.CheckResult;
import dev.lakeforge.quality.CheckStatus;
import dev.lakeforge.quality.ConstraintResult;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Publishes a batch's alerts: one {@link Alert} per constraint an Error-level check failed, and per
 * anomaly, each with the offsets of the records that broke that constraint. At least once: a
 * replayed batch may repeat them.
 */
final class AlertPublisher {
  /** How many offending offsets an alert lists. */
  static final int OFFSETS = 5;

  private static final StructType RECORD =
      new StructType().add("key", DataTypes.StringType).add("value", DataTypes.StringType);

  private final String pipeline;
  private final String topic;
  private final Map<String, String> writerOptions;

  AlertPublisher(String pipeline, String topic, Map<String, String> writerOptions) {
    this.pipeline = pipeline;
    this.topic = topic;
    this.writerOptions = Map.copyOf(writerOptions);
  }

  /** Whether the batch's result calls for alerts: a failed Error-level check or an anomaly. */
  static boolean alerting(VerificationResult result) {
    return result.hasErrors()
        || result.checkResults().stream()
            .anyMatch(c -> c.check().isAnomalyCheck() && c.status() != CheckStatus.SUCCESS);
  }

  /**
   * Builds and writes the alerts.
   *
   * @param invalid the batch's rows that broke a row-level constraint (with their reasons), or null
   *     when none did
   * @return how many alerts were written
   */
  int publish(
      SparkSession spark,
      VerificationResult result,
      Dataset<Row> invalid,
      long batchId,
      long earliestMillis) {
    List<Failed> failed = new ArrayList<>();
    for (CheckResult c : result.checkResults()) {
      boolean anomaly = c.check().isAnomalyCheck();
      if (c.check().level() != Check.Level.ERROR && !anomaly) {
        continue;
      }
      for (ConstraintResult k : c.constraints()) {
        if (!k.passed()) {
          failed.add(new Failed(c, k, anomaly));
        }
      }
    }
    if (failed.isEmpty()) {
      return 0;
    }
    List<List<Alert.Offset>> offsets = invalid == null ? null : offendingOffsets(invalid, failed);
    List<Row> records = new ArrayList<>();
    for (int i = 0; i < failed.size(); i++) {
      Failed f = failed.get(i);
      ConstraintResult k = f.constraint();
      Instant now = Instant.now();
      Alert alert =
          new Alert(
              pipeline,
              f.anomaly() ? Alert.Kind.ANOMALY : Alert.Kind.CHECK,
              f.check().check().description(),
              k.constraint().name(),
              k.constraint().analyzer().describe(),
              k.metricValue(),
              k.constraint().requirement(),
              batchId,
              offsets == null ? List.of() : offsets.get(i),
              now,
              Instant.ofEpochMilli(earliestMillis),
              now.toEpochMilli() - earliestMillis);
      records.add(RowFactory.create(pipeline, alert.toJson()));
    }
    spark
        .createDataFrame(records, RECORD)
        .write()
        .format("kafka")
        .options(writerOptions)
        .option("topic", topic)
        .save();
    return records.size();
  }

  /** A failed constraint to alert on. */
  private record Failed(CheckResult check, ConstraintResult constraint, boolean anomaly) {}

  /**
   * The first records (by partition, then offset) that broke each failed constraint, in one
   * aggregation over the invalid rows (no shuffle): a row counts for every constraint it broke, a
   * raised one included.
   */
  private static List<List<Alert.Offset>> offendingOffsets(
      Dataset<Row> invalid, List<Failed> failed) {
    Column[] firsts = new Column[failed.size()];
    for (int i = 0; i < firsts.length; i++) {
      String reason =
          Verification.reason(
              failed.get(i).check().check(), failed.get(i).constraint().constraint());
      Column broke =
          array_contains(col(Verification.REASONS), reason)
              .or(array_contains(col(Verification.REASONS), reason + Verification.RAISED));
      Column where = struct(col("_partition"), col("_offset"), col("_topic"));
      firsts[i] = slice(sort_array(collect_list(when(broke, where))), 1, OFFSETS);
    }
    Row row = invalid.agg(firsts[0], Arrays.copyOfRange(firsts, 1, firsts.length)).first();
    List<List<Alert.Offset>> out = new ArrayList<>();
    for (int i = 0; i < firsts.length; i++) {
      List<Row> records = row.getList(i);
      out.add(
          records.stream()
              .map(r -> new Alert.Offset(r.getString(2), r.getInt(0), r.getLong(1)))
              .toList());
    }
    return out;
  }
}
