package dev.lakeforge.gpu;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeforge.core.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * GPU-friendly feature transforms: each is built from Spark's built-in expressions, runs fully on
 * the GPU by the RAPIDS plan report, and gives the results of its plain-Spark definition (tests
 * prove both). New columns are named after their input: {@code amount_std}, {@code ts_hour}.
 *
 * <pre>{@code
 * Dataset<Row> features =
 *     Transforms.pipeline(
 *             Transforms.dedup(List.of("event_id"), "ingested_at DESC"),
 *             Transforms.dateParts("ts", "hour", "dayofweek"),
 *             Transforms.cyclic("ts_hour", 24),
 *             Transforms.rolling("customer", "ts", "amount", 7, "sum", "avg"),
 *             Transforms.standardize("amount"))
 *         .apply(events);
 * }</pre>
 */
public final class Transforms {
  private static final Set<String> DATE_PARTS =
      Set.of(
          "year",
          "quarter",
          "month",
          "day",
          "dayofweek",
          "dayofyear",
          "weekofyear",
          "hour",
          "minute",
          "second");
  private static final Set<String> WINDOW_FUNCTIONS = Set.of("sum", "avg", "min", "max", "count");

  /** The most distinct values {@link #oneHot(String)} learns before asking for categories. */
  static final int MAX_LEARNED_CATEGORIES = 100;

  private Transforms() {}

  /** Several steps in order. */
  public static Transform pipeline(Transform... steps) {
    if (steps.length == 0) {
      throw new GpuException(ErrorKind.USAGE, "a pipeline needs at least one transform");
    }
    Transform all = steps[0];
    for (int i = 1; i < steps.length; i++) {
      all = all.andThen(steps[i]);
    }
    return all;
  }

  /**
   * The features the model-retraining workflow trains on, from customer events: hour and day of
   * week as cyclic features, the amount's rolling sum, mean, maximum and count over the customer's
   * last 7 events, the session number (30 minutes idle ends one), the category hashed into 32
   * buckets, and the amount standardized.
   *
   * @param customer the customer key column
   * @param time the event timestamp column
   * @param amount the numeric amount column
   * @param category the categorical column
   */
  public static Transform customerEventFeatures(
      String customer, String time, String amount, String category) {
    return pipeline(
        dateParts(time, "hour", "dayofweek"),
        cyclic(time + "_hour", 24),
        cyclic(time + "_dayofweek", 7),
        rolling(customer, time, amount, 7, "sum", "avg", "max", "count"),
        sessionize(customer, time, Duration.ofMinutes(30)),
        hashBuckets(category, 32),
        standardize(amount));
  }

  /**
   * {@code <c>_std = (c - mean) / sample standard deviation} per column, from one aggregation of
   * the input; 0 where the column is constant, null where the value is null.
   */
  public static Transform standardize(String... columns) {
    return fitted(
        "standardize " + String.join(", ", columns),
        columns,
        c -> List.of(avg(c), stddev_samp(c)),
        (c, stats) -> {
          Double mean = stats.get(0);
          Double std = stats.get(1);
          Column x = col(c).cast("double");
          Column scaled =
              std == null || std == 0.0 ? lit(0.0) : x.minus(lit(mean)).divide(lit(std));
          return when(x.isNotNull(), scaled).as(c + "_std");
        });
  }

  /**
   * {@code <c>_norm = (c - min) / (max - min)} per column, in [0, 1], from one aggregation of the
   * input; 0.5 where the column is constant (as Spark ML's MinMaxScaler), null where null.
   */
  public static Transform normalize(String... columns) {
    return fitted(
        "normalize " + String.join(", ", columns),
        columns,
        c -> List.of(min(col(c).cast("double")), max(col(c).cast("double"))),
        (c, stats) -> {
          Double lo = stats.get(0);
          Double hi = stats.get(1);
          Column x = col(c).cast("double");
          Column scaled =
              lo == null || hi.equals(lo) ? lit(0.5) : x.minus(lit(lo)).divide(lit(hi - lo));
          return when(x.isNotNull(), scaled).as(c + "_norm");
        });
  }

  /**
   * {@code <c>_bucket}: the index of the split interval holding the value, as Spark ML's
   * Bucketizer: bucket {@code i} holds {@code splits[i] <= x < splits[i+1]}, the last bucket also
   * its upper bound; null outside the splits, for NaN and for null.
   *
   * @param splits at least two, strictly increasing
   */
  public static Transform bucketize(String column, double... splits) {
    if (splits.length < 2) {
      throw new GpuException(
          ErrorKind.USAGE,
          "bucketize " + column + ": give at least two splits, got " + splits.length);
    }
    for (int i = 1; i < splits.length; i++) {
      if (!(splits[i] > splits[i - 1])) {
        throw new GpuException(
            ErrorKind.USAGE,
            "bucketize " + column + ": splits must increase strictly: " + Arrays.toString(splits));
      }
    }
    return columnStep(
        "bucketize " + column + " at " + Arrays.toString(splits),
        List.of(column),
        true,
        df -> {
          Column x = col(column).cast("double");
          int last = splits.length - 2;
          Column bucket = when(x.equalTo(lit(splits[last + 1])), lit(last));
          for (int i = 0; i <= last; i++) {
            bucket = bucket.when(x.geq(lit(splits[i])).and(x.lt(lit(splits[i + 1]))), lit(i));
          }
          return df.withColumn(column + "_bucket", bucket);
        });
  }

  /**
   * {@code <c>_<category>} per category: 1 where the column equals it, else 0 (null too). Column
   * names keep letters, digits and {@code _} of the category.
   */
  public static Transform oneHot(String column, List<String> categories) {
    if (categories.isEmpty()) {
      throw new GpuException(ErrorKind.USAGE, "oneHot " + column + ": no categories");
    }
    return columnStep(
        "one-hot " + column + " over " + categories,
        List.of(column),
        false,
        df -> {
          List<Column> out = new ArrayList<>(List.of(col("*")));
          for (String category : categories) {
            out.add(
                when(col(column).cast("string").equalTo(lit(category)), lit(1))
                    .otherwise(lit(0))
                    .as(column + "_" + category.replaceAll("[^A-Za-z0-9_]", "_")));
          }
          return df.select(out.toArray(Column[]::new));
        });
  }

  /**
   * {@link #oneHot(String, List)} over the column's distinct values, learned from the input
   * (sorted; at most {@value #MAX_LEARNED_CATEGORIES}: hash larger vocabularies with {@link
   * #hashBuckets}).
   */
  public static Transform oneHot(String column) {
    return new Transform() {
      @Override
      public Dataset<Row> apply(Dataset<Row> input) {
        requireColumns("oneHot", input, List.of(column), false);
        List<Row> values =
            input
                .select(col(column).cast("string"))
                .where(col(column).isNotNull())
                .distinct()
                .orderBy(col(column))
                .limit(MAX_LEARNED_CATEGORIES + 1)
                .collectAsList();
        if (values.size() > MAX_LEARNED_CATEGORIES) {
          throw new GpuException(
              ErrorKind.USAGE,
              "oneHot "
                  + column
                  + ": more than "
                  + MAX_LEARNED_CATEGORIES
                  + " distinct values; list the categories, or use hashBuckets");
        }
        return oneHot(column, values.stream().map(r -> r.getString(0)).toList()).apply(input);
      }

      @Override
      public String describe() {
        return "one-hot " + column + " over its distinct values";
      }
    };
  }

  /**
   * {@code <c>_hash}: the value's 64-bit xxHash modulo {@code buckets}, in [0, buckets): feature
   * hashing of a categorical column whatever its vocabulary.
   */
  public static Transform hashBuckets(String column, int buckets) {
    if (buckets < 1) {
      throw new GpuException(
          ErrorKind.USAGE,
          "hashBuckets " + column + ": buckets must be at least 1, got " + buckets);
    }
    return columnStep(
        "hash " + column + " into " + buckets + " buckets",
        List.of(column),
        false,
        df ->
            df.withColumn(
                column + "_hash", pmod(xxhash64(col(column)), lit((long) buckets)).cast("int")));
  }

  /**
   * {@code <c>_<part>} per part of a date or timestamp column: {@code year}, {@code quarter},
   * {@code month}, {@code day}, {@code dayofweek} (1 = Sunday), {@code dayofyear}, {@code
   * weekofyear}, {@code hour}, {@code minute}, {@code second}, in the session's time zone.
   */
  public static Transform dateParts(String column, String... parts) {
    for (String p : parts) {
      if (!DATE_PARTS.contains(p)) {
        throw new GpuException(
            ErrorKind.USAGE,
            "dateParts "
                + column
                + ": unknown part '"
                + p
                + "'; expected one of "
                + sorted(DATE_PARTS));
      }
    }
    return columnStep(
        "date parts " + String.join(", ", parts) + " of " + column,
        List.of(column),
        false,
        df -> {
          List<Column> out = new ArrayList<>(List.of(col("*")));
          for (String p : parts) {
            out.add(datePart(col(column), p).as(column + "_" + p));
          }
          return df.select(out.toArray(Column[]::new));
        });
  }

  private static Column datePart(Column c, String part) {
    return switch (part) {
      case "year" -> org.apache.spark.sql.functions.year(c);
      case "quarter" -> org.apache.spark.sql.functions.quarter(c);
      case "month" -> org.apache.spark.sql.functions.month(c);
      case "day" -> org.apache.spark.sql.functions.dayofmonth(c);
      case "dayofweek" -> org.apache.spark.sql.functions.dayofweek(c);
      case "dayofyear" -> org.apache.spark.sql.functions.dayofyear(c);
      case "weekofyear" -> isoWeek(c);
      case "hour" -> org.apache.spark.sql.functions.hour(c);
      case "minute" -> org.apache.spark.sql.functions.minute(c);
      default -> org.apache.spark.sql.functions.second(c);
    };
  }

  /**
   * The ISO week, as Spark's {@code weekofyear}, from expressions the GPU runs (RAPIDS has no
   * {@code WeekOfYear}): the week of a day is the week its Thursday falls in, and that week's
   * number is the Thursday's day of the year, divided by 7, rounded up.
   */
  private static Column isoWeek(Column c) {
    Column date = c.cast("date");
    Column isoDayOfWeek =
        pmod(org.apache.spark.sql.functions.dayofweek(date).plus(lit(5)), lit(7)).plus(lit(1));
    Column thursday = org.apache.spark.sql.functions.date_add(date, lit(4).minus(isoDayOfWeek));
    return org.apache
        .spark
        .sql
        .functions
        .floor(org.apache.spark.sql.functions.dayofyear(thursday).minus(lit(1)).divide(lit(7)))
        .plus(lit(1))
        .cast("int");
  }

  /**
   * {@code <c>_sin} and {@code <c>_cos}: a cyclic feature (hour of day with period 24, day of week
   * with period 7) as a point on the unit circle, so that the last value lies next to the first.
   */
  public static Transform cyclic(String column, double period) {
    if (!(period > 0)) {
      throw new GpuException(
          ErrorKind.USAGE, "cyclic " + column + ": the period must be positive, got " + period);
    }
    return columnStep(
        "cyclic " + column + " with period " + period,
        List.of(column),
        true,
        df -> {
          Column angle = col(column).cast("double").multiply(lit(2 * Math.PI / period));
          return df.withColumn(column + "_sin", sin(angle)).withColumn(column + "_cos", cos(angle));
        });
  }

  /**
   * {@code <c>_<function>_<rows>}: each function ({@code sum}, {@code avg}, {@code min}, {@code
   * max}, {@code count}) over the key's last {@code rows} rows up to this one, in order of {@code
   * orderBy}.
   */
  public static Transform rolling(
      String key, String orderBy, String column, int rows, String... functions) {
    if (rows < 1) {
      throw new GpuException(
          ErrorKind.USAGE, "rolling " + column + ": rows must be at least 1, got " + rows);
    }
    for (String f : functions) {
      if (!WINDOW_FUNCTIONS.contains(f)) {
        throw new GpuException(
            ErrorKind.USAGE,
            "rolling "
                + column
                + ": unknown function '"
                + f
                + "'; expected one of "
                + sorted(WINDOW_FUNCTIONS));
      }
    }
    return columnStep(
        "rolling "
            + String.join(", ", functions)
            + " of "
            + column
            + " over "
            + rows
            + " rows per "
            + key
            + " by "
            + orderBy,
        List.of(key, orderBy, column),
        false,
        df -> {
          WindowSpec w =
              Window.partitionBy(col(key)).orderBy(col(orderBy)).rowsBetween(-(rows - 1), 0);
          List<Column> out = new ArrayList<>(List.of(col("*")));
          for (String f : functions) {
            Column c = col(column);
            Column agg =
                switch (f) {
                  case "sum" -> sum(c);
                  case "avg" -> avg(c);
                  case "min" -> min(c);
                  case "max" -> max(c);
                  default -> count(c);
                };
            out.add(agg.over(w).as(column + "_" + f + "_" + rows));
          }
          return df.select(out.toArray(Column[]::new));
        });
  }

  /**
   * Keeps one row per key: the first in the order given ({@code "updated_at DESC"}, several
   * allowed; ties broken by the order Spark reads them, so give a unique order for a stable
   * result).
   */
  public static Transform dedup(List<String> keys, String... orderBy) {
    if (keys.isEmpty() || orderBy.length == 0) {
      throw new GpuException(
          ErrorKind.USAGE, "dedup: give the key columns and at least one ordering, e.g. 'ts DESC'");
    }
    List<String> needed = new ArrayList<>(keys);
    List<Column> order = new ArrayList<>();
    for (String o : orderBy) {
      String[] words = o.trim().split("\\s+");
      if (words.length > 2 || words.length == 2 && !words[1].matches("(?i)asc|desc")) {
        throw new GpuException(
            ErrorKind.USAGE, "dedup: expected 'column [ASC|DESC]', got '" + o + "'");
      }
      needed.add(words[0]);
      boolean desc = words.length == 2 && words[1].equalsIgnoreCase("desc");
      order.add(desc ? col(words[0]).desc_nulls_last() : col(words[0]).asc_nulls_last());
    }
    String rank = "__lakeforge_rank";
    return columnStep(
        "dedup by " + keys + " keeping the first by " + String.join(", ", orderBy),
        needed,
        false,
        df ->
            df.withColumn(
                    rank,
                    row_number()
                        .over(
                            Window.partitionBy(
                                    keys.stream().map(k -> col(k)).toArray(Column[]::new))
                                .orderBy(order.toArray(Column[]::new))))
                .where(col(rank).equalTo(1))
                .drop(rank));
  }

  /**
   * {@code session}: numbers each key's sessions from 1, in time order; a session ends when the
   * next event of the key comes more than {@code gap} later.
   *
   * @param time a timestamp column
   */
  public static Transform sessionize(String key, String time, Duration gap) {
    if (gap.isNegative() || gap.isZero()) {
      throw new GpuException(ErrorKind.USAGE, "sessionize: the gap must be positive, got " + gap);
    }
    return columnStep(
        "sessions per " + key + " by " + time + " with gaps over " + gap,
        List.of(key, time),
        false,
        df -> {
          WindowSpec byTime = Window.partitionBy(col(key)).orderBy(col(time));
          Column seconds = col(time).cast("long");
          Column previous = lag(seconds, 1).over(byTime);
          Column starts =
              when(previous.isNull().or(seconds.minus(previous).gt(lit(gap.toSeconds()))), lit(1L))
                  .otherwise(lit(0L));
          String start = "__lakeforge_session_start";
          return df.withColumn(start, starts)
              .withColumn(
                  "session",
                  sum(col(start))
                      .over(byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
              .drop(start);
        });
  }

  /**
   * Joins a small table to each row, broadcast to every task (no shuffle of the input).
   *
   * @param joinType {@code inner}, {@code left}, {@code left_semi} or {@code left_anti}
   */
  public static Transform broadcastJoin(Dataset<Row> small, List<String> on, String joinType) {
    Set<String> types = Set.of("inner", "left", "left_semi", "left_anti");
    if (!types.contains(joinType)) {
      throw new GpuException(
          ErrorKind.USAGE,
          "broadcastJoin: join type '" + joinType + "'; expected one of " + sorted(types));
    }
    return columnStep(
        joinType + " join (broadcast) on " + on,
        on,
        false,
        df -> {
          requireColumns("broadcastJoin", small, on, false);
          return df.join(
              broadcast(small),
              scala.jdk.javaapi.CollectionConverters.asScala(on).toSeq(),
              joinType);
        });
  }

  /** A step over columns that must exist (and be numeric, if said). */
  private static Transform columnStep(
      String description,
      List<String> columns,
      boolean numeric,
      Function<Dataset<Row>, Dataset<Row>> body) {
    return new Transform() {
      @Override
      public Dataset<Row> apply(Dataset<Row> input) {
        requireColumns(description, input, columns, numeric);
        return body.apply(input);
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  /** A step that learns per-column statistics in one aggregation, then projects the new columns. */
  private static Transform fitted(
      String description,
      String[] columns,
      Function<String, List<Column>> statistics,
      java.util.function.BiFunction<String, List<Double>, Column> project) {
    if (columns.length == 0) {
      throw new GpuException(ErrorKind.USAGE, description + ": give at least one column");
    }
    return new Transform() {
      @Override
      public Dataset<Row> apply(Dataset<Row> input) {
        requireColumns(description, input, List.of(columns), true);
        List<Column> aggs = new ArrayList<>();
        for (String c : columns) {
          aggs.addAll(statistics.apply(c));
        }
        Row stats =
            input.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        int per = aggs.size() / columns.length;
        List<Column> out = new ArrayList<>(List.of(col("*")));
        for (int i = 0; i < columns.length; i++) {
          List<Double> values = new ArrayList<>();
          for (int j = 0; j < per; j++) {
            Object v = stats.get(i * per + j);
            values.add(v == null ? null : ((Number) v).doubleValue());
          }
          out.add(project.apply(columns[i], values));
        }
        return input.select(out.toArray(Column[]::new));
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  static void requireColumns(
      String step, Dataset<Row> input, List<String> columns, boolean numeric) {
    List<String> names = Arrays.asList(input.columns());
    for (String c : columns) {
      StructField field =
          Arrays.stream(input.schema().fields())
              .filter(f -> f.name().equalsIgnoreCase(c))
              .findFirst()
              .orElseThrow(
                  () ->
                      new GpuException(
                          ErrorKind.USAGE,
                          step
                              + ": no column '"
                              + c
                              + "' in the input (columns: "
                              + String.join(", ", names)
                              + ")"));
      DataType type = field.dataType();
      if (numeric && !(type instanceof NumericType)) {
        throw new GpuException(
            ErrorKind.USAGE,
            step + ": column '" + c + "' is " + type.simpleString() + ", expected a number");
      }
    }
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList()).toLowerCase(Locale.ROOT);
  }
}
