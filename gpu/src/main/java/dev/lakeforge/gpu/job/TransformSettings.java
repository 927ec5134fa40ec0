package dev.lakeforge.gpu.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Units;
import dev.lakeforge.gpu.Transform;
import dev.lakeforge.gpu.Transforms;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * One step of {@code gpu-transform.transforms}: its {@code type} and the settings that type takes.
 *
 * <pre>{@code
 * - {type: dedup, keys: [event_id], orderBy: [ingested_at DESC]}
 * - {type: dateParts, column: ts, parts: [hour, dayofweek]}
 * - {type: cyclic, column: ts_hour, period: 24}
 * - {type: rolling, key: customer, orderBy: [ts], column: amount, rows: 7, functions: [sum, avg]}
 * - {type: sessionize, key: customer, time: ts, gap: 30m}
 * - {type: standardize, columns: [amount]}
 * - {type: normalize, columns: [qty]}
 * - {type: bucketize, column: amount, splits: [0, 50, 100, 1000]}
 * - {type: oneHot, column: status, categories: [NEW, PAID]}   # categories: learned when left out
 * - {type: hash, column: customer, buckets: 1024}
 * - {type: join, table: lake.dim.segments, on: [customer], how: left}
 * }</pre>
 *
 * @param type {@code standardize}, {@code normalize}, {@code bucketize}, {@code oneHot}, {@code
 *     hash}, {@code dateParts}, {@code cyclic}, {@code rolling}, {@code dedup}, {@code sessionize}
 *     or {@code join}
 * @param column the input column (bucketize, oneHot, hash, dateParts, cyclic, rolling)
 * @param columns the input columns (standardize, normalize)
 * @param keys the key columns (dedup)
 * @param key the key column (rolling, sessionize)
 * @param orderBy orderings such as {@code ts DESC} (dedup); the order column (rolling)
 * @param time the timestamp column (sessionize)
 * @param gap the idle time that ends a session, e.g. {@code 30m} (sessionize)
 * @param parts date parts, e.g. {@code [year, month, hour]} (dateParts)
 * @param period the cycle's length, e.g. 24 for hours (cyclic)
 * @param rows the window's rows up to the current one (rolling)
 * @param functions {@code sum}, {@code avg}, {@code min}, {@code max}, {@code count} (rolling)
 * @param splits increasing bucket bounds (bucketize)
 * @param categories the one-hot categories (oneHot; learned from the data when left out)
 * @param buckets the number of hash buckets (hash)
 * @param table the small table to join (join)
 * @param on the join columns (join)
 * @param how {@code inner}, {@code left} (default), {@code left_semi} or {@code left_anti} (join)
 */
public record TransformSettings(
    String type,
    String column,
    List<String> columns,
    List<String> keys,
    String key,
    List<String> orderBy,
    String time,
    String gap,
    List<String> parts,
    Double period,
    Integer rows,
    List<String> functions,
    List<Double> splits,
    List<String> categories,
    Integer buckets,
    String table,
    List<String> on,
    String how) {

  private static final Set<String> TYPES =
      Set.of(
          "standardize",
          "normalize",
          "bucketize",
          "oneHot",
          "hash",
          "dateParts",
          "cyclic",
          "rolling",
          "dedup",
          "sessionize",
          "join");

  public TransformSettings {
    require(
        type != null && TYPES.contains(type),
        "type",
        "expected one of "
            + String.join(", ", TYPES.stream().sorted().toList())
            + ", got '"
            + type
            + "'");
    switch (type) {
      case "standardize", "normalize" -> need(columns, "columns", type);
      case "bucketize" -> {
        need(column, "column", type);
        need(splits, "splits", type);
      }
      case "oneHot", "dateParts", "cyclic" -> {
        need(column, "column", type);
        if (type.equals("dateParts")) {
          need(parts, "parts", type);
        }
        if (type.equals("cyclic")) {
          need(period, "period", type);
        }
      }
      case "hash" -> {
        need(column, "column", type);
        need(buckets, "buckets", type);
      }
      case "rolling" -> {
        need(key, "key", type);
        need(orderBy, "orderBy", type);
        need(column, "column", type);
        need(rows, "rows", type);
        need(functions, "functions", type);
        require(orderBy.size() == 1, "orderBy", "rolling takes one order column");
      }
      case "dedup" -> {
        need(keys, "keys", type);
        need(orderBy, "orderBy", type);
      }
      case "sessionize" -> {
        need(key, "key", type);
        need(time, "time", type);
        need(gap, "gap", type);
        try {
          Units.duration(gap);
        } catch (IllegalArgumentException e) {
          require(false, "gap", e.getMessage());
        }
      }
      default -> {
        need(table, "table", type);
        need(on, "on", type);
      }
    }
  }

  private static void need(Object value, String key, String type) {
    require(
        value != null && !(value instanceof List<?> l && l.isEmpty()),
        key,
        "is required for a " + type + " step");
  }

  /** The step these settings stand for. */
  Transform toTransform(SparkSession spark) {
    return switch (type) {
      case "standardize" -> Transforms.standardize(columns.toArray(String[]::new));
      case "normalize" -> Transforms.normalize(columns.toArray(String[]::new));
      case "bucketize" ->
          Transforms.bucketize(column, splits.stream().mapToDouble(Double::doubleValue).toArray());
      case "oneHot" ->
          categories == null || categories.isEmpty()
              ? Transforms.oneHot(column)
              : Transforms.oneHot(column, categories);
      case "hash" -> Transforms.hashBuckets(column, buckets);
      case "dateParts" -> Transforms.dateParts(column, parts.toArray(String[]::new));
      case "cyclic" -> Transforms.cyclic(column, period);
      case "rolling" ->
          Transforms.rolling(key, orderBy.get(0), column, rows, functions.toArray(String[]::new));
      case "dedup" -> Transforms.dedup(keys, orderBy.toArray(String[]::new));
      case "sessionize" -> Transforms.sessionize(key, time, gapDuration());
      default -> Transforms.broadcastJoin(spark.table(table), on, how == null ? "left" : how);
    };
  }

  private Duration gapDuration() {
    return Units.duration(gap);
  }
}
