package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.quality.Plans.Definition;
import dev.lakeforge.quality.Plans.FrequencyBased;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Plans and runs an analysis on the public Column API: one scan for the scan analyzers (two on
 * Parquet and ORC files: the sketches apart, see {@link #scanGroups}), one grouping-sets
 * aggregation for the column sets of the frequency analyzers.
 */
final class Engine {
  static final String COUNT = "__lf_count";

  /**
   * Deequ's type-inference rules, checked in this order on the value as a string: digits are
   * required (an empty string is a String), a fraction may have an exponent. Each must match the
   * whole value, as Deequ's full match: {@link #wholeMatch} ends it with {@code $} and rules out a
   * value ending in a line terminator (which {@code $} would let pass), because the RAPIDS
   * Accelerator cannot run {@code \z} on the GPU.
   */
  static final String FRACTIONAL = "^(-|\\+)? ?\\d+((\\.\\d+)|((?:\\.\\d+)?[Ee][-+]?\\d+))$";

  static final String INTEGRAL = "^(-|\\+)? ?\\d+$";
  static final String BOOLEAN = "^(true|false)$";

  /** Java's line terminators: {@code $} matches before one that ends the value. */
  private static final Column[] LINE_TERMINATORS = {
    lit("\n"), lit("\r"), lit("\u0085"), lit("\u2028"), lit("\u2029")
  };

  /**
   * Whether the whole text matches a pattern anchored with {@code ^...$}: as {@code ...\z} in Java,
   * with expressions the GPU runs.
   */
  static Column wholeMatch(Column text, String anchored) {
    return text.rlike(anchored)
        .and(not(functions.substring(text, -1, 1).isin((Object[]) LINE_TERMINATORS)));
  }

  static final String[] TYPE_NAMES = {"Unknown", "Fractional", "Integral", "Boolean", "String"};

  private Engine() {}

  static AnalysisResult run(Dataset<Row> data, List<Analyzer> analyzers) {
    Work work = Work.of(data, analyzers);
    Map<Analyzer, Metric> out = new LinkedHashMap<>(work.failed());
    out.putAll(runScans(data, work.scans()));
    for (List<List<FrequencyBased>> sets : work.byFilter().values()) {
      out.putAll(FrequencyQueries.run(data, sets));
    }
    for (Standalone s : work.standalone()) {
      try {
        out.put((Analyzer) s, s.compute(data));
      } catch (Exception e) {
        out.put((Analyzer) s, Metric.failed((Analyzer) s, LakeforgeException.firstLine(e)));
      }
    }
    Map<Analyzer, Metric> ordered = new LinkedHashMap<>();
    analyzers.forEach(a -> ordered.put(a, out.get(a)));
    return new AnalysisResult(ordered);
  }

  /**
   * The analyzers sorted by how they run: sharing the one scan, grouped by column set (and filter)
   * for one group-by each, or alone; those that cannot run on this data failed already.
   */
  private record Work(
      List<ScanShareable> scans,
      Map<String, List<FrequencyBased>> groups,
      List<Standalone> standalone,
      Map<Analyzer, Metric> failed) {
    static Work of(Dataset<Row> data, List<Analyzer> analyzers) {
      StructType schema = data.schema();
      Work w =
          new Work(
              new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>(), new LinkedHashMap<>());
      for (Analyzer a : analyzers) {
        try {
          String problem = problem(data, schema, a);
          if (problem != null) {
            w.failed.put(a, Metric.failed(a, problem));
          } else if (a instanceof ScanShareable s) {
            w.scans.add(s);
          } else if (a instanceof FrequencyBased f) {
            w.groups
                .computeIfAbsent(f.groupColumns(schema) + ":" + a.filter(), k -> new ArrayList<>())
                .add(f);
          } else {
            w.standalone.add((Standalone) a);
          }
        } catch (
            Exception e) { // Spark's AnalysisException is a checked exception, thrown from Scala
          // undeclared
          w.failed.put(a, Metric.failed(a, LakeforgeException.firstLine(e)));
        }
      }
      return w;
    }

    /** The column sets (each with its analyzers) by filter: each filter's sets share a query. */
    Map<String, List<List<FrequencyBased>>> byFilter() {
      Map<String, List<List<FrequencyBased>>> out = new LinkedHashMap<>();
      for (List<FrequencyBased> group : groups.values()) {
        out.computeIfAbsent(
                String.valueOf(((Analyzer) group.get(0)).filter()), k -> new ArrayList<>())
            .add(group);
      }
      return out;
    }
  }

  /**
   * The queries {@link #run} would run, unexecuted, named for a reader: the aggregation the scan
   * analyzers share (two on Parquet or ORC, the sketches apart: {@link #scanGroups}), then the
   * frequencies of the grouping column sets; analyzers that run their own queries (custom SQL,
   * histograms, ...) and those that cannot run on this data are left out.
   */
  static Map<String, Dataset<Row>> plans(Dataset<Row> data, List<Analyzer> analyzers) {
    StructType schema = data.schema();
    boolean gpu = gpuExpressions(data);
    Work work = Work.of(data, analyzers);
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    List<List<ScanShareable>> groups = scanGroups(data, work.scans(), gpu);
    for (List<ScanShareable> group : groups) {
      List<Column> scans = new ArrayList<>();
      for (ScanShareable s : group) {
        scans.addAll(s.aggregations(new Plans.Scope(((Analyzer) s).filter(), schema, false, gpu)));
      }
      String name =
          groups.size() == 1
              ? "one scan for " + group.size() + " analyzers"
              : group.get(0).sketch()
                  ? "one scan of their columns for " + group.size() + " sketches"
                  : "one scan for " + group.size() + " analyzers without sketches";
      out.put(name, aggregation(data, scans));
    }
    for (List<List<FrequencyBased>> sets : work.byFilter().values()) {
      out.putAll(FrequencyQueries.plans(data, sets));
    }
    return out;
  }

  /**
   * Whether the session asks for the GPU-friendly expressions: {@value Analysis#GPU_EXPRESSIONS}
   * {@code true}, or {@code auto} (the default) on a session that runs the RAPIDS Accelerator.
   */
  static boolean gpuExpressions(Dataset<Row> data) {
    String mode = mode(data, Analysis.GPU_EXPRESSIONS, "auto", "true", "false");
    return mode.equals("auto") ? onGpu(data) : Boolean.parseBoolean(mode);
  }

  /**
   * A session setting of the engine, in lower case: one of {@code allowed}, the first being the
   * default.
   *
   * @throws QualityException naming the setting and its value when it is none of them
   */
  static String mode(Dataset<Row> data, String key, String... allowed) {
    String value = data.sparkSession().conf().get(key, allowed[0]).trim().toLowerCase(Locale.ROOT);
    if (!List.of(allowed).contains(value)) {
      throw new QualityException(
          ErrorKind.USAGE,
          key
              + " is '"
              + data.sparkSession().conf().get(key)
              + "'; expected "
              + String.join(", ", allowed));
    }
    return value;
  }

  /** Whether the data's session runs the RAPIDS Accelerator. */
  private static boolean onGpu(Dataset<Row> data) {
    org.apache.spark.sql.RuntimeConfig conf = data.sparkSession().conf();
    return Sessions.usesGpu(
        Map.of(
            "spark.plugins",
            conf.get("spark.plugins", ""),
            "spark.rapids.sql.enabled",
            conf.get("spark.rapids.sql.enabled", "true")));
  }

  // ---- validation -----------------------------------------------------------------------

  /** Why the analyzer cannot run on this data, or null. */
  static String problem(Dataset<Row> data, StructType schema, Analyzer a) {
    String p = ((Definition) a).precondition(schema);
    if (p != null) {
      return p;
    }
    if (a.filter() != null) {
      String f = predicateProblem(data, a.filter());
      if (f != null) {
        return "invalid where filter '" + a.filter() + "': " + f;
      }
    }
    return ((Definition) a).dataProblem(data);
  }

  /**
   * What in the analyzer's SQL (a predicate, a binning, a query, a table) does not work on the
   * data; reads no rows.
   */
  static String dataProblem(Analyzer a, Dataset<Row> data) {
    return ((Definition) a).dataProblem(data);
  }

  /**
   * The analyzer's problem with the schema's types, when every column it reads exists (else null).
   */
  static String typeProblem(Analyzer a, StructType schema) {
    return a.columns().stream().allMatch(c -> field(schema, c) != null)
        ? ((Definition) a).precondition(schema)
        : null;
  }

  /**
   * The data's column of this name, quoted: a name is a column of the data, never a path into a
   * struct or an expression ({@code order.id} is the column named so, Spark would read field {@code
   * id} of {@code order}); spaces, backticks and any Unicode are part of it.
   */
  static Column column(String name) {
    return col(Check.quote(name));
  }

  static StructField field(StructType schema, String name) {
    return Plans.field(schema, name);
  }

  /**
   * Analyses the predicate against the data (no job runs); null when it is a valid boolean
   * condition.
   */
  static String predicateProblem(Dataset<Row> data, String predicate) {
    return expressionProblem(data, predicate, true);
  }

  /**
   * Analyses a SQL expression against the data (no job runs): null when it resolves, is
   * deterministic (and boolean).
   */
  static String expressionProblem(Dataset<Row> data, String expression, boolean condition) {
    try {
      Dataset<Row> selected = data.select(expr(expression));
      DataType t = selected.schema().fields()[0].dataType();
      if (condition && !(t instanceof BooleanType)) {
        return "it is " + t.simpleString() + ", not a boolean condition";
      }
      return Sessions.isDeterministic(selected)
          ? null
          : "it is not deterministic (rand(), uuid() and the like"
              + " answer differently on each read): a check must give the same result on the same data";
    } catch (Exception e) {
      return LakeforgeException.firstLine(e);
    }
  }

  /** Whether the column's string form contains a match of the regex (null: no). */
  static Column matches(Column c, String regex) {
    return coalesce(length(regexp_extract(c.cast("string"), regex, 0)).gt(0), lit(false));
  }

  /**
   * Rows where the predicate has no value though every column it names has one: evaluated leniently
   * (errors are null, Spark's non-ANSI rules), the rows on which it raised under ANSI.
   */
  static Column raised(String predicate, StructType schema) {
    Column named = lit(true);
    for (StructField f : schema.fields()) {
      String n = Pattern.quote(f.name());
      if (Pattern.compile(
              "(?i)(?<![\\w`.])("
                  + n
                  + "|`"
                  + Pattern.quote(f.name().replace("`", "``"))
                  + "`)(?![\\w`])")
          .matcher(predicate)
          .find()) {
        named = named.and(column(f.name()).isNotNull());
      }
    }
    return expr(predicate).isNull().and(named);
  }

  static List<?> toList(Object arrayValue) {
    if (arrayValue instanceof List<?> l) {
      return l;
    }
    if (arrayValue instanceof Seq<?> s) {
      return CollectionConverters.asJava(s);
    }
    if (arrayValue instanceof Object[] arr) {
      return List.of(arr);
    }
    throw new IllegalStateException("unexpected array value " + arrayValue.getClass());
  }

  // ---- the scan -------------------------------------------------------------------------

  /**
   * The scan analyzers of one group ({@link #scanGroups}) in one aggregation. If it fails at run
   * time, each analyzer alone to find the culprit; one whose predicate or filter raised on some
   * rows (a data error under ANSI: division by zero, an invalid cast) is computed once more with
   * errors as nulls, and says how many rows raised.
   */
  private static Map<Analyzer, Metric> runScans(Dataset<Row> data, List<ScanShareable> plans) {
    Map<Analyzer, Metric> out = new HashMap<>();
    boolean gpu = gpuExpressions(data);
    for (List<ScanShareable> group : scanGroups(data, plans, gpu)) {
      out.putAll(runScan(data, group, gpu));
    }
    return out;
  }

  /**
   * The scan analyzers in one group, or two: those without sketches, and the sketches ({@link
   * ScanShareable#sketch()}). Spark compiles an aggregation to code only when none of its
   * expressions is a sketch; with one, it evaluates all of them row by row (slower than both groups
   * apart, as GroupingComparison in docs/performance.md measures). The second aggregation reads the
   * data again, but only the sketches' columns: worth it where a read is cheap, pruned to those
   * columns and sure to give the same rows ({@link Sessions#isColumnarRead}: Parquet and ORC
   * files), not where the data is a computation, a row format, a database or a table that may move
   * to a new snapshot between the reads. On the GPU (not measured there; the plans stay as the GPU
   * plan report shows them), one group; and wherever {@link Analysis#SKETCHES_APART} is {@code
   * false}.
   */
  private static List<List<ScanShareable>> scanGroups(
      Dataset<Row> data, List<ScanShareable> plans, boolean gpu) {
    // read (and checked) on every analysis, so that a mistyped value fails wherever it is set
    boolean apart = !mode(data, Analysis.SKETCHES_APART, "auto", "false").equals("false");
    if (plans.isEmpty()) {
      return List.of();
    }
    List<ScanShareable> compiled = plans.stream().filter(p -> !p.sketch()).toList();
    List<ScanShareable> sketches = plans.stream().filter(ScanShareable::sketch).toList();
    return !apart
            || compiled.isEmpty()
            || sketches.isEmpty()
            || !Sessions.isColumnarRead(data)
            || gpu
            || onGpu(data)
        ? List.of(plans)
        : List.of(compiled, sketches);
  }

  private static Map<Analyzer, Metric> runScan(
      Dataset<Row> data, List<ScanShareable> plans, boolean gpu) {
    Map<Analyzer, Metric> out = new HashMap<>();
    StructType schema = data.schema();
    List<List<Column>> columns = new ArrayList<>();
    List<Column> all = new ArrayList<>();
    for (ScanShareable p : plans) {
      List<Column> c = p.aggregations(new Plans.Scope(((Analyzer) p).filter(), schema, false, gpu));
      columns.add(c);
      all.addAll(c);
    }
    try {
      Row r = aggregate(data, all);
      int offset = 0;
      for (int i = 0; i < plans.size(); i++) {
        out.put(
            (Analyzer) plans.get(i), plans.get(i).metric(values(r, offset, columns.get(i).size())));
        offset += columns.get(i).size();
      }
    } catch (Exception fused) {
      for (int i = 0; i < plans.size(); i++) {
        ScanShareable p = plans.get(i);
        Analyzer a = (Analyzer) p;
        Exception failure = fused;
        if (plans.size() > 1) {
          try {
            out.put(a, p.metric(values(aggregate(data, columns.get(i)), 0, columns.get(i).size())));
            continue;
          } catch (Exception e) {
            failure = e;
          }
        }
        out.put(
            a,
            dataError(failure)
                ? lenient(data, p)
                : Metric.failed(a, LakeforgeException.firstLine(failure)));
      }
    }
    return out;
  }

  /**
   * Spark's data exceptions (SQLSTATE class 22): a value an operation cannot take under ANSI rules.
   */
  static boolean dataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st
          && st.getSqlState() != null
          && st.getSqlState().startsWith("22")) {
        return true;
      }
    }
    return false;
  }

  /** The analyzer computed with Spark's non-ANSI rules (errors become nulls) for this one query. */
  private static Metric lenient(Dataset<Row> data, ScanShareable p) {
    Analyzer a = (Analyzer) p;
    try {
      return leniently(
          data,
          same -> {
            List<Column> c =
                p.aggregations(
                    new Plans.Scope(a.filter(), same.schema(), true, gpuExpressions(data)));
            return p.lenientMetric(values(aggregate(same, c), 0, c.size()));
          });
    } catch (Exception e) {
      return Metric.failed(a, LakeforgeException.firstLine(e));
    }
  }

  private static final String ANSI = "spark.sql.ansi.enabled";
  private static final Object CONNECT_LOCK = new Object();

  /**
   * Runs work on the data with Spark's non-ANSI rules, under which an operation that cannot take a
   * value (a division by zero, an invalid cast) gives null instead of raising. The session others
   * use is never changed: on Spark Classic the data is read through a session of its own (the same
   * settings, ANSI off). Over Spark Connect, where the server analyses at run time, the work runs
   * with the session's setting switched for its duration, one such run at a time.
   */
  static <T> T leniently(Dataset<Row> data, Function<Dataset<Row>, T> work) {
    SparkSession spark = data.sparkSession();
    if (!Sessions.isClassic(spark)) {
      synchronized (CONNECT_LOCK) {
        RuntimeConfig conf = spark.conf();
        String before = conf.get(ANSI);
        conf.set(ANSI, "false");
        try {
          return work.apply(data);
        } finally {
          conf.set(ANSI, before);
        }
      }
    }
    return work.apply(moved(data, lenientTwin(spark)));
  }

  /**
   * A Dataset of the data's session whose new expressions follow Spark's non-ANSI rules while the
   * data's own plan keeps its rules. Spark Classic fixes each operation's rules when a query is
   * analysed: the query is built in a lenient session and its analysed plan handed back. Over Spark
   * Connect, which analyses when the query runs, the query follows the session's rules.
   */
  static Dataset<Row> lenientPlan(Dataset<Row> data, UnaryOperator<Dataset<Row>> build) {
    SparkSession spark = data.sparkSession();
    if (!Sessions.isClassic(spark)) {
      return build.apply(data);
    }
    return moved(build.apply(moved(data, lenientTwin(spark))), spark);
  }

  /** A session with the same settings (catalogs included) and ANSI off. */
  private static SparkSession lenientTwin(SparkSession spark) {
    SparkSession twin = spark.newSession();
    CollectionConverters.asJava(spark.conf().getAll())
        .forEach(
            (k, v) -> {
              try {
                twin.conf().set(k, v);
              } catch (
                  Exception staticOrCoreSetting) { // AnalysisException, checked, thrown undeclared
                // the context's own settings (spark.master, static SQL settings) are shared already
              }
            });
    twin.conf().set(ANSI, "false");
    return twin;
  }

  /**
   * The same analysed plan as a Dataset of another session: a global view is the public way to hand
   * a plan between sessions of one Spark context. Analysis is eager on Classic, so the view is
   * dropped at once.
   */
  private static Dataset<Row> moved(Dataset<Row> data, SparkSession to) {
    String view = "lakeforge_lenient_" + UUID.randomUUID().toString().replace("-", "");
    data.createOrReplaceGlobalTempView(view);
    try {
      return to.table(to.conf().get("spark.sql.globalTempDatabase") + "." + view);
    } finally {
      to.catalog().dropGlobalTempView(view);
    }
  }

  /**
   * Aggregates in one job; columns are aliased by position (Connect rejects duplicate generated
   * names).
   */
  private static Row aggregate(Dataset<Row> data, List<Column> columns) {
    return aggregation(data, columns).first();
  }

  private static Dataset<Row> aggregation(Dataset<Row> data, List<Column> columns) {
    Column[] named = new Column[columns.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] = columns.get(i).as("m" + i);
    }
    return data.agg(named[0], Arrays.copyOfRange(named, 1, named.length));
  }

  private static Object[] values(Row r, int offset, int n) {
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      values[i] = r.get(offset + i);
    }
    return values;
  }
}
