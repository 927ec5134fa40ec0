package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.covar_pop;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Sessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Plans and runs an analysis on the public Column API: one scan, one group-by per column set. */
final class Engine {
  static final String COUNT = "__lf_count";
  /**
   * Deequ's type-inference rules, checked in this order on the value as a string: digits are required
   * (an empty string is a String), a fraction may have an exponent. {@code \z}: the whole value,
   * as Deequ's full match (a {@code $} would let a trailing newline pass).
   */
  static final String FRACTIONAL = "^(-|\\+)? ?\\d+((\\.\\d+)|((?:\\.\\d+)?[Ee][-+]?\\d+))\\z";
  static final String INTEGRAL = "^(-|\\+)? ?\\d+\\z";
  static final String BOOLEAN = "^(true|false)\\z";
  static final String[] TYPE_NAMES = {"Unknown", "Fractional", "Integral", "Boolean", "String"};

  private Engine() {}

  /** One scan analyzer's aggregate columns and how to read its metric from their values. */
  private record ScanPlan(Analyzer analyzer, List<Column> columns, Function<Object[], Metric> finish) {}

  static AnalysisResult run(Dataset<Row> data, List<Analyzer> analyzers) {
    Map<Analyzer, Metric> out = new LinkedHashMap<>();
    StructType schema = data.schema();
    List<ScanPlan> scans = new ArrayList<>();
    Map<String, List<Analyzer>> groups = new LinkedHashMap<>();
    for (Analyzer a : analyzers) {
      try {
        String problem = problem(data, schema, a);
        if (problem != null) {
          out.put(a, Metric.failed(a, problem));
        } else if (a.grouping()) {
          groups.computeIfAbsent(groupKey(a), k -> new ArrayList<>()).add(a);
        } else {
          scans.add(scan(a, schema));
        }
      } catch (Exception e) { // Spark's AnalysisException is a checked exception, thrown from Scala undeclared
        out.put(a, Metric.failed(a, LakeforgeException.firstLine(e)));
      }
    }
    out.putAll(runScans(data, scans));
    for (List<Analyzer> group : groups.values()) {
      out.putAll(runGroup(data, group));
    }
    Map<Analyzer, Metric> ordered = new LinkedHashMap<>();
    analyzers.forEach(a -> ordered.put(a, out.get(a)));
    return new AnalysisResult(ordered);
  }

  private static String groupKey(Analyzer a) {
    return (a instanceof Analyzer.Histogram ? "histogram:" : "freq:") + a.columns() + ":" + a.filter();
  }

  // ---- validation -----------------------------------------------------------------------

  /** Why the analyzer cannot run on this data, or null. */
  static String problem(Dataset<Row> data, StructType schema, Analyzer a) {
    for (String c : a.columns()) {
      StructField f = field(schema, c);
      if (f == null) {
        return "column '" + c + "' does not exist; columns: " + String.join(", ", schema.fieldNames());
      }
      String typeProblem = typeProblem(a, c, f.dataType());
      if (typeProblem != null) {
        return typeProblem;
      }
    }
    if (a.filter() != null) {
      String p = predicateProblem(data, a.filter());
      if (p != null) {
        return "invalid where filter '" + a.filter() + "': " + p;
      }
    }
    if (a instanceof Analyzer.Compliance c) {
      String p = predicateProblem(data, c.predicate());
      if (p != null) {
        return "invalid predicate '" + c.predicate() + "': " + p;
      }
    }
    return null;
  }

  /**
   * The data's column of this name, quoted: a name is a column of the data, never a path into a
   * struct or an expression ({@code order.id} is the column named so, Spark would read field {@code id}
   * of {@code order}); spaces, backticks and any Unicode are part of it.
   */
  static Column column(String name) {
    return col(Check.quote(name));
  }

  static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  static String typeProblem(Analyzer a, String column, DataType type) {
    boolean numeric = type instanceof NumericType;
    boolean string = type instanceof StringType;
    if ((a instanceof Analyzer.Minimum || a instanceof Analyzer.Maximum || a instanceof Analyzer.Mean
        || a instanceof Analyzer.Sum || a instanceof Analyzer.StandardDeviation || a instanceof Analyzer.ApproxQuantile
        || a instanceof Analyzer.ApproxQuantiles || a instanceof Analyzer.Correlation) && !numeric) {
      return a.getClass().getSimpleName() + " needs a numeric column, but '" + column + "' is " + type.simpleString();
    }
    if ((a instanceof Analyzer.MinLength || a instanceof Analyzer.MaxLength) && !string) {
      return a.getClass().getSimpleName() + " needs a string column, but '" + column + "' is " + type.simpleString();
    }
    if (a instanceof Analyzer.DataType && (type instanceof StructType || type instanceof ArrayType
        || type instanceof MapType)) {
      return "DataType needs a column of flat values, but '" + column + "' is " + type.simpleString();
    }
    return null;
  }

  /** Analyses the predicate against the data (no job runs); null when it is a valid boolean condition. */
  static String predicateProblem(Dataset<Row> data, String predicate) {
    try {
      Dataset<Row> selected = data.select(expr(predicate));
      DataType t = selected.schema().fields()[0].dataType();
      if (!(t instanceof BooleanType)) {
        return "it is " + t.simpleString() + ", not a boolean condition";
      }
      return Sessions.isDeterministic(selected) ? null : "it is not deterministic (rand(), uuid() and the like"
          + " answer differently on each read): a check must give the same result on the same data";
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      return msg.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(e.getClass().getSimpleName());
    }
  }

  // ---- scan analyzers -------------------------------------------------------------------

  private static Column rows(String filter) {
    return filter == null ? lit(true) : coalesce(expr(filter), lit(false));
  }

  private static Column only(String filter, Column value) {
    return filter == null ? value : when(rows(filter), value);
  }

  private static Double asDouble(Object v) {
    return v == null ? null : ((Number) v).doubleValue();
  }

  private static Function<Object[], Metric> single(Analyzer a) {
    return v -> v[0] == null ? Metric.empty(a) : Metric.of(a, asDouble(v[0]));
  }

  private static Function<Object[], Metric> ratio(Analyzer a) {
    return v -> v[1] == null || ((Number) v[1]).longValue() == 0 ? Metric.empty(a)
        : Metric.of(a, asDouble(v[0]) / asDouble(v[1]));
  }

  /** Whether the column's string form contains a match of the regex (null: no). */
  static Column matches(Column c, String regex) {
    return coalesce(length(regexp_extract(c.cast("string"), regex, 0)).gt(0), lit(false));
  }

  private static ScanPlan scan(Analyzer a, StructType schema) {
    String f = a.filter();
    Column rowCount = sum(when(rows(f), 1).otherwise(0)).cast("long");
    if (a instanceof Analyzer.Size) {
      return new ScanPlan(a, List.of(rowCount), v -> Metric.of(a, v[0] == null ? 0 : asDouble(v[0])));
    }
    if (a instanceof Analyzer.Completeness c) {
      return new ScanPlan(a, List.of(sum(only(f, column(c.column()).isNotNull().cast("int"))), rowCount), ratio(a));
    }
    if (a instanceof Analyzer.Compliance c) {
      return new ScanPlan(a, List.of(sum(only(f, when(expr(c.predicate()), 1).otherwise(0))), rowCount), ratio(a));
    }
    if (a instanceof Analyzer.PatternMatch p) {
      return new ScanPlan(a, List.of(sum(only(f, matches(column(p.column()), p.pattern()).cast("int"))), rowCount), ratio(a));
    }
    if (a instanceof Analyzer.Minimum m) {
      return new ScanPlan(a, List.of(min(only(f, column(m.column()).cast("double")))), single(a));
    }
    if (a instanceof Analyzer.Maximum m) {
      return new ScanPlan(a, List.of(max(only(f, column(m.column()).cast("double")))), single(a));
    }
    if (a instanceof Analyzer.Mean m) {
      return new ScanPlan(a, List.of(avg(only(f, column(m.column()).cast("double")))), single(a));
    }
    if (a instanceof Analyzer.Sum s) {
      // Decimals are summed as decimals: exact, as Deequ does ({1e20, 1e-10, -1e20} sums to 1e-10, not 0).
      boolean decimal = field(schema, s.column()).dataType() instanceof DecimalType;
      Column value = decimal ? column(s.column()) : column(s.column()).cast("double");
      return new ScanPlan(a, List.of(sum(only(f, value))), single(a));
    }
    if (a instanceof Analyzer.StandardDeviation s) {
      return new ScanPlan(a, List.of(stddev_pop(only(f, column(s.column()).cast("double")))), single(a));
    }
    if (a instanceof Analyzer.MinLength m) {
      return new ScanPlan(a, List.of(min(length(only(f, column(m.column()))))), single(a));
    }
    if (a instanceof Analyzer.MaxLength m) {
      return new ScanPlan(a, List.of(max(length(only(f, column(m.column()))))), single(a));
    }
    if (a instanceof Analyzer.ApproxCountDistinct d) {
      return new ScanPlan(a, List.of(approx_count_distinct(only(f, column(d.column())), 0.05)),
          v -> Metric.of(a, v[0] == null ? 0 : asDouble(v[0])));
    }
    if (a instanceof Analyzer.Correlation c) {
      // Pearson's r from the population covariance and variances of the rows where both are set: a
      // constant column gives NaN, as in Deequ, where Spark's corr divides by zero (an error under ANSI).
      Column both = column(c.first()).isNotNull().and(column(c.second()).isNotNull());
      Column x = only(f, when(both, column(c.first()).cast("double")));
      Column y = only(f, when(both, column(c.second()).cast("double")));
      return new ScanPlan(a, List.of(covar_pop(x, y), var_pop(x), var_pop(y)), v -> v[0] == null ? Metric.empty(a)
          : Metric.of(a, asDouble(v[0]) / Math.sqrt(asDouble(v[1]) * asDouble(v[2]))));
    }
    if (a instanceof Analyzer.ApproxQuantile q) {
      Column pct = percentile_approx(only(f, column(q.column()).cast("double")), lit(q.quantile()),
          lit(Analyzer.ApproxQuantile.accuracy(q.relativeError())));
      return new ScanPlan(a, List.of(pct), single(a));
    }
    if (a instanceof Analyzer.ApproxQuantiles q) {
      Column[] qs = q.quantiles().stream().map(x -> lit(x)).toArray(Column[]::new);
      Column pct = percentile_approx(only(f, column(q.column()).cast("double")), array(qs),
          lit(Analyzer.ApproxQuantile.accuracy(q.relativeError())));
      return new ScanPlan(a, List.of(pct), v -> {
        if (v[0] == null) {
          return Metric.empty(a);
        }
        List<?> values = toList(v[0]);
        Map<String, Double> keyed = new LinkedHashMap<>();
        for (int i = 0; i < q.quantiles().size(); i++) {
          keyed.put(q.quantiles().get(i).toString(), asDouble(values.get(i)));
        }
        return Metric.keyed(a, keyed);
      });
    }
    if (a instanceof Analyzer.DataType d) {
      Column c = column(d.column()).cast("string"); // any flat type is classified by its text, as in Deequ
      Column tag = when(c.isNull(), 0).when(c.rlike(FRACTIONAL), 1).when(c.rlike(INTEGRAL), 2)
          .when(c.rlike(BOOLEAN), 3).otherwise(4);
      List<Column> sums = new ArrayList<>();
      for (int k = 0; k < TYPE_NAMES.length; k++) {
        sums.add(sum(only(f, when(tag.equalTo(k), 1).otherwise(0))).cast("long"));
      }
      return new ScanPlan(a, sums, v -> {
        long total = 0;
        for (Object x : v) {
          total += x == null ? 0 : ((Number) x).longValue();
        }
        if (total == 0) {
          return Metric.empty(a);
        }
        Map<String, Distribution.Value> values = new LinkedHashMap<>();
        for (int k = 0; k < TYPE_NAMES.length; k++) {
          long n = ((Number) v[k]).longValue();
          values.put(TYPE_NAMES[k], new Distribution.Value(n, (double) n / total));
        }
        return Metric.distribution(a, new Distribution(values, TYPE_NAMES.length));
      });
    }
    throw new IllegalStateException("no scan plan for " + a.describe());
  }

  private static List<?> toList(Object arrayValue) {
    if (arrayValue instanceof List<?> l) {
      return l;
    }
    if (arrayValue instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s);
    }
    if (arrayValue instanceof Object[] arr) {
      return List.of(arr);
    }
    throw new IllegalStateException("unexpected array value " + arrayValue.getClass());
  }

  /** All scans in one aggregation; if it fails at run time, each analyzer alone to find the culprit. */
  private static Map<Analyzer, Metric> runScans(Dataset<Row> data, List<ScanPlan> plans) {
    Map<Analyzer, Metric> out = new HashMap<>();
    if (plans.isEmpty()) {
      return out;
    }
    List<Column> all = new ArrayList<>();
    plans.forEach(p -> all.addAll(p.columns()));
    try {
      Row r = aggregate(data, all);
      int offset = 0;
      for (ScanPlan p : plans) {
        out.put(p.analyzer(), finish(p, r, offset));
        offset += p.columns().size();
      }
    } catch (Exception fused) {
      if (plans.size() == 1) {
        out.put(plans.get(0).analyzer(), Metric.failed(plans.get(0).analyzer(), LakeforgeException.firstLine(fused)));
        return out;
      }
      for (ScanPlan p : plans) {
        try {
          out.put(p.analyzer(), finish(p, aggregate(data, p.columns()), 0));
        } catch (Exception e) {
          out.put(p.analyzer(), Metric.failed(p.analyzer(), LakeforgeException.firstLine(e)));
        }
      }
    }
    return out;
  }

  /** Aggregates in one job; columns are aliased by position (Connect rejects duplicate generated names). */
  private static Row aggregate(Dataset<Row> data, List<Column> columns) {
    Column[] named = new Column[columns.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] = columns.get(i).as("m" + i);
    }
    return data.agg(named[0], java.util.Arrays.copyOfRange(named, 1, named.length)).first();
  }

  private static Metric finish(ScanPlan p, Row r, int offset) {
    Object[] values = new Object[p.columns().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(offset + i);
    }
    return p.finish().apply(values);
  }


  // ---- grouping analyzers ---------------------------------------------------------------

  private static Map<Analyzer, Metric> runGroup(Dataset<Row> data, List<Analyzer> group) {
    Map<Analyzer, Metric> out = new HashMap<>();
    try {
      if (group.get(0) instanceof Analyzer.Histogram) {
        for (Analyzer a : group) {
          out.put(a, histogram(data, (Analyzer.Histogram) a));
        }
      } else {
        out.putAll(frequencies(data, group));
      }
    } catch (Exception e) {
      group.forEach(a -> out.putIfAbsent(a, Metric.failed(a, LakeforgeException.firstLine(e))));
    }
    return out;
  }

  /** One group-by on the column set, then one aggregation over the frequencies for every analyzer. */
  private static Map<Analyzer, Metric> frequencies(Dataset<Row> data, List<Analyzer> group) {
    Analyzer first = group.get(0);
    List<String> cols = first.columns();
    Column anyNonNull = lit(false);
    for (String c : cols) {
      anyNonNull = anyNonNull.or(column(c).isNotNull());
    }
    Dataset<Row> rows = first.filter() == null ? data : data.where(rows(first.filter()));
    Column[] keys = cols.stream().map(Engine::column).toArray(Column[]::new);
    Dataset<Row> freq = rows.where(anyNonNull).groupBy(keys).agg(count(lit(1)).as(COUNT));
    boolean mutualInformation = group.stream().anyMatch(a -> a instanceof Analyzer.MutualInformation);
    Column n = col(COUNT).cast("double");
    List<Column> aggs = new ArrayList<>(List.of(
        sum(col(COUNT)).cast("long").as("rows"),
        count(lit(1)).as("groups"),
        sum(when(col(COUNT).equalTo(1), 1).otherwise(0)).cast("long").as("unique"),
        sum(n.multiply(log(n))).as("clogc")));
    if (mutualInformation) {
      freq = freq
          .withColumn("__px", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(0)))))
          .withColumn("__py", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(1)))));
      // MI = sum over cells of p(x,y) ln(p(x,y) / (p(x) p(y))), p = count / N,
      //    = (sum of c ln(c / (cx cy))) / N + ln N: N comes from this aggregation, no window over all rows
      aggs.add(sum(n.multiply(log(n.divide(col("__px").multiply(col("__py")))))).as("mi"));
    }
    Row r = freq.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    long numRows = r.isNullAt(0) ? 0 : r.getLong(0);
    long groups = r.getLong(1);
    long unique = r.isNullAt(2) ? 0 : r.getLong(2);
    Map<Analyzer, Metric> result = new HashMap<>();
    for (Analyzer a : group) {
      Metric m;
      if (a instanceof Analyzer.CountDistinct) {
        m = Metric.of(a, groups);
      } else if (numRows == 0) {
        m = Metric.empty(a);
      } else if (a instanceof Analyzer.Uniqueness) {
        m = Metric.of(a, (double) unique / numRows);
      } else if (a instanceof Analyzer.Distinctness) {
        m = Metric.of(a, (double) groups / numRows);
      } else if (a instanceof Analyzer.UniqueValueRatio) {
        m = Metric.of(a, (double) unique / groups);
      } else if (a instanceof Analyzer.Entropy) {
        m = Metric.of(a, Math.log(numRows) - r.getDouble(3) / numRows);
      } else if (a instanceof Analyzer.MutualInformation) {
        m = Metric.of(a, r.getDouble(4) / numRows + Math.log(numRows));
      } else {
        throw new IllegalStateException("no frequency plan for " + a.describe());
      }
      result.put(a, m);
    }
    return result;
  }

  /**
   * Values as strings (null as NullValue), counted; the top bins, with the total and the number of
   * bins aggregated (not over a window without partitions, which would gather every bin in one task).
   * No rows, or a filter that keeps none, is an empty distribution, as in Deequ.
   */
  private static Metric histogram(Dataset<Row> data, Analyzer.Histogram h) {
    Dataset<Row> rows = h.filter() == null ? data : data.where(rows(h.filter()));
    Dataset<Row> freq = rows
        .select(coalesce(column(h.column()).cast("string"), lit(Analyzer.Histogram.NULL_VALUE)).as("value"))
        .groupBy(col("value")).agg(count(lit(1)).as(COUNT));
    Dataset<Row> totals = freq.agg(coalesce(sum(col(COUNT)), lit(0L)).cast("long").as("__total"),
        count(lit(1)).as("__bins"));
    List<Row> top = h.maxDetailBins() == 0 ? List.of()
        : freq.orderBy(desc(COUNT), col("value")).limit(h.maxDetailBins()).crossJoin(totals).collectAsList();
    Row counts = top.isEmpty() ? totals.first() : null;
    long total = top.isEmpty() ? counts.getLong(0) : top.get(0).getLong(2);
    long bins = top.isEmpty() ? counts.getLong(1) : top.get(0).getLong(3);
    Map<String, Distribution.Value> values = new LinkedHashMap<>();
    for (Row r : top) {
      long c = r.getLong(1);
      values.put(r.getString(0), new Distribution.Value(c, (double) c / total));
    }
    return Metric.distribution(h, new Distribution(values, bins));
  }
}
