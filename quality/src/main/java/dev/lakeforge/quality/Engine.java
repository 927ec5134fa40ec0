package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.quality.Plans.Definition;
import dev.lakeforge.quality.Plans.FrequencyBased;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Plans and runs an analysis on the public Column API: one scan for the scan analyzers, one
 * grouping-sets aggregation for the column sets of the frequency analyzers.
 */
final class Engine {
  private static final Logger LOG = LogManager.getLogger(Engine.class);

  static final String COUNT = "__lf_count";

  /** The grouping id of a frequency row: which column set it counts. */
  private static final String GID = "__lf_gid";

  /** Grouping ids are bit masks of the grouping columns in a long. */
  private static final int MAX_SHARED_COLUMNS = 62;

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
      out.putAll(frequenciesSharing(data, sets));
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
   * The queries {@link #run} would run, unexecuted, named for a reader: the one aggregation the
   * scan analyzers share, then one per grouping column set; analyzers that run their own queries
   * (exact quantiles, custom SQL, ...) and those that cannot run on this data are left out.
   */
  static Map<String, Dataset<Row>> plans(Dataset<Row> data, List<Analyzer> analyzers) {
    StructType schema = data.schema();
    boolean gpu = gpuExpressions(data);
    Work work = Work.of(data, analyzers);
    List<Column> scans = new ArrayList<>();
    for (ScanShareable s : work.scans()) {
      scans.addAll(s.aggregations(new Plans.Scope(((Analyzer) s).filter(), schema, false, gpu)));
    }
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    if (!scans.isEmpty()) {
      out.put("one scan for " + work.scans().size() + " analyzers", aggregation(data, scans));
    }
    for (List<List<FrequencyBased>> sets : work.byFilter().values()) {
      if (shareable(schema, sets)) {
        out.put(
            "frequencies of "
                + String.join("; ", sets.stream().map(g -> describe(schema, g)).toList()),
            sharedFrequencyAggregation(data, sets));
      } else {
        for (List<FrequencyBased> group : sets) {
          out.put("frequencies of " + describe(schema, group), frequencyAggregation(data, group));
        }
      }
    }
    return out;
  }

  /**
   * Whether the session asks for the GPU-friendly expressions: {@value Analysis#GPU_EXPRESSIONS}
   * {@code true}, or {@code auto} (the default) on a session that runs the RAPIDS Accelerator.
   */
  static boolean gpuExpressions(Dataset<Row> data) {
    org.apache.spark.sql.RuntimeConfig conf = data.sparkSession().conf();
    String mode = conf.get(Analysis.GPU_EXPRESSIONS, "auto");
    if (!mode.equalsIgnoreCase("auto")) {
      return Boolean.parseBoolean(mode);
    }
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
   * All scan analyzers in one aggregation. If it fails at run time, each analyzer alone to find the
   * culprit; one whose predicate or filter raised on some rows (a data error under ANSI: division
   * by zero, an invalid cast) is computed once more with errors as nulls, and says how many rows
   * raised.
   */
  private static Map<Analyzer, Metric> runScans(Dataset<Row> data, List<ScanShareable> plans) {
    Map<Analyzer, Metric> out = new HashMap<>();
    if (plans.isEmpty()) {
      return out;
    }
    StructType schema = data.schema();
    boolean gpu = gpuExpressions(data);
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

  // ---- frequencies ----------------------------------------------------------------------

  private static boolean needsMarginals(Dataset<Row> data, List<FrequencyBased> group) {
    return group.get(0).groupColumns(data.schema()).size() == 2
        && group.stream().anyMatch(FrequencyBased::needsMarginals);
  }

  /**
   * The frequencies of the group's column set (one group-by), aggregated once for every analyzer of
   * the group: rows, groups, unique, sum of c ln c, duplicates, and mutual information's sum.
   */
  private static Dataset<Row> frequencyAggregation(Dataset<Row> data, List<FrequencyBased> group) {
    Analyzer first = (Analyzer) group.get(0);
    List<String> cols = group.get(0).groupColumns(data.schema());
    Column anyNonNull = lit(false);
    for (String c : cols) {
      anyNonNull = anyNonNull.or(column(c).isNotNull());
    }
    Dataset<Row> rows =
        first.filter() == null ? data : data.where(new Plans.Scope(first.filter(), null).rows());
    Column[] keys = cols.stream().map(Engine::column).toArray(Column[]::new);
    Dataset<Row> freq = rows.where(anyNonNull).groupBy(keys).agg(count(lit(1)).as(COUNT));
    Column n = col(COUNT).cast("double");
    List<Column> aggs =
        new ArrayList<>(
            List.of(
                sum(col(COUNT)).cast("long").as("rows"),
                count(lit(1)).as("groups"),
                sum(when(col(COUNT).equalTo(1), 1).otherwise(0)).cast("long").as("unique"),
                sum(n.multiply(log(n))).as("clogc"),
                sum(when(col(COUNT).gt(1), col(COUNT)).otherwise(0))
                    .cast("long")
                    .as("duplicates")));
    if (needsMarginals(data, group)) {
      freq =
          freq.withColumn("__px", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(0)))))
              .withColumn("__py", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(1)))));
      // MI = sum over cells of p(x,y) ln(p(x,y) / (p(x) p(y))), p = count / N,
      //    = (sum of c ln(c / (cx cy))) / N + ln N: N comes from this aggregation, no window over
      // all rows
      aggs.add(sum(n.multiply(log(n.divide(col("__px").multiply(col("__py")))))).as("mi"));
    }
    return freq.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /**
   * The metrics of the frequency analyzers with one filter: for two or more column sets, one
   * grouping-sets aggregation (one scan, one exchange), then one aggregation grouped by the
   * grouping id over every set's frequencies (and one more per mutual information), in one job; for
   * one set, or if the shared query fails, one group-by per set, so that a failure lands on the
   * analyzers of its own set only.
   */
  private static Map<Analyzer, Metric> frequenciesSharing(
      Dataset<Row> data, List<List<FrequencyBased>> sets) {
    if (shareable(data.schema(), sets)) {
      try {
        return sharedFrequencies(data, sets);
      } catch (Exception e) { // AnalysisException is checked, thrown from Scala undeclared
        LOG.warn(
            "the column sets' shared frequencies failed, each set runs alone to tell which: {}",
            LakeforgeException.firstLine(e));
      }
    }
    Map<Analyzer, Metric> out = new HashMap<>();
    for (List<FrequencyBased> group : sets) {
      out.putAll(frequencies(data, group));
    }
    return out;
  }

  /** A column set and its analyzers: {@code status for Distinctness(status), Entropy(status)}. */
  private static String describe(StructType schema, List<FrequencyBased> group) {
    return String.join(", ", group.get(0).groupColumns(schema))
        + " for "
        + String.join(", ", group.stream().map(a -> ((Analyzer) a).describe()).toList());
  }

  /**
   * Whether the sets can share one grouping-sets aggregation: two or more distinct sets of
   * top-level columns, few enough for the grouping id's bits.
   */
  private static boolean shareable(StructType schema, List<List<FrequencyBased>> sets) {
    if (sets.stream().map(g -> Set.copyOf(nonNull(columnSet(schema, g)))).distinct().count() < 2) {
      return false;
    }
    List<String> all = sharedColumns(schema, sets);
    // a name that matches its field only ignoring case is left to Spark's resolution, per set
    return all.size() <= MAX_SHARED_COLUMNS
        && all.stream().allMatch(Objects::nonNull)
        && sets.stream().allMatch(g -> g.get(0).groupColumns(schema).equals(columnSet(schema, g)));
  }

  /** A group's columns by their names in the schema, in order; null for one not found there. */
  private static List<String> columnSet(StructType schema, List<FrequencyBased> group) {
    return group.get(0).groupColumns(schema).stream()
        .map(c -> field(schema, c) == null ? null : field(schema, c).name())
        .toList();
  }

  private static List<String> nonNull(List<String> names) {
    return names.stream().filter(Objects::nonNull).toList();
  }

  /** Every column of the sets, once, in order of appearance: the grouping columns. */
  private static List<String> sharedColumns(StructType schema, List<List<FrequencyBased>> sets) {
    return sets.stream().flatMap(g -> columnSet(schema, g).stream()).distinct().toList();
  }

  /**
   * A set's grouping id: bit {@code k-1-i} is set for each grouping column {@code i} not in it, as
   * Spark's {@code grouping_id()}.
   */
  private static long groupingId(List<String> all, Collection<String> set) {
    long id = 0;
    for (int i = 0; i < all.size(); i++) {
      if (!set.contains(all.get(i))) {
        id |= 1L << (all.size() - 1 - i);
      }
    }
    return id;
  }

  /**
   * Every set's frequencies in one grouping-sets aggregation tagged with its grouping id (the
   * groups of a set whose columns are all null are left out, as the single-set query leaves out
   * such rows), then per grouping id: rows, groups, unique, sum of c ln c and duplicates; and for
   * each mutual information, its sum over the cells with the marginals as windows within its set.
   * The branches read the same exchange, which Spark runs once.
   */
  private static Dataset<Row> sharedFrequencyAggregation(
      Dataset<Row> data, List<List<FrequencyBased>> sets) {
    StructType schema = data.schema();
    List<String> all = sharedColumns(schema, sets);
    String filter = ((Analyzer) sets.get(0).get(0)).filter();
    Dataset<Row> rows = filter == null ? data : data.where(new Plans.Scope(filter, null).rows());
    // Spark's Seq of the grouping sets is the immutable one; scala.collection.Seq is imported
    List<scala.collection.immutable.Seq<Column>> groupingSets = new ArrayList<>();
    Column keep = lit(false);
    // one grouping set per set of columns, whatever their order: (a, b) and (b, a) count alike
    for (Set<String> set :
        sets.stream().map(g -> Set.copyOf(columnSet(schema, g))).distinct().toList()) {
      groupingSets.add(columns(List.copyOf(set)));
      Column anyNonNull = lit(false);
      for (String c : set) {
        anyNonNull = anyNonNull.or(column(c).isNotNull());
      }
      keep = keep.or(col(GID).equalTo(groupingId(all, set)).and(anyNonNull));
    }
    Dataset<Row> freq =
        rows.groupingSets(
                CollectionConverters.asScala(groupingSets).toList(),
                all.stream().map(Engine::column).toArray(Column[]::new))
            .agg(count(lit(1)).as(COUNT), grouping_id().as(GID))
            .where(keep);
    Column n = col(COUNT).cast("double");
    Dataset<Row> out =
        freq.groupBy(col(GID))
            .agg(
                sum(col(COUNT)).cast("long").as("rows"),
                count(lit(1)).as("groups"),
                sum(when(col(COUNT).equalTo(1), 1).otherwise(0)).cast("long").as("unique"),
                sum(n.multiply(log(n))).as("clogc"),
                sum(when(col(COUNT).gt(1), col(COUNT)).otherwise(0)).cast("long").as("duplicates"),
                lit(null).cast("double").as("mi"));
    for (List<String> set :
        sets.stream()
            .filter(g -> needsMarginals(data, g))
            .map(g -> columnSet(schema, g))
            .distinct()
            .toList()) {
      long id = groupingId(all, set);
      // over every set's groups, not only this one's: a filter on the grouping id would be pushed
      // below the exchange, which the branches could then no longer share. The other sets' groups
      // are their own window partitions (by all their columns), so none gathers in one partition.
      Column others =
          when(
              col(GID).notEqual(id),
              struct(all.stream().map(Engine::column).toArray(Column[]::new)));
      Dataset<Row> cells =
          freq.withColumn(
                  "__px",
                  sum(col(COUNT)).over(Window.partitionBy(col(GID), column(set.get(0)), others)))
              .withColumn(
                  "__py",
                  sum(col(COUNT)).over(Window.partitionBy(col(GID), column(set.get(1)), others)));
      out =
          out.unionByName(
              cells
                  .agg(
                      sum(when(
                              col(GID).equalTo(id),
                              n.multiply(log(n.divide(col("__px").multiply(col("__py")))))))
                          .as("mi"))
                  .withColumn(GID, lit(id)),
              true);
    }
    return out;
  }

  private static Map<Analyzer, Metric> sharedFrequencies(
      Dataset<Row> data, List<List<FrequencyBased>> sets) {
    StructType schema = data.schema();
    List<String> all = sharedColumns(schema, sets);
    Map<Long, Row> stats = new HashMap<>();
    Map<Long, Double> mutualInformation = new HashMap<>();
    for (Row r : sharedFrequencyAggregation(data, sets).collectAsList()) {
      long id = ((Number) r.getAs(GID)).longValue();
      if (r.isNullAt(r.fieldIndex("rows"))) {
        Object mi = r.getAs("mi");
        mutualInformation.put(id, mi == null ? Double.NaN : ((Number) mi).doubleValue());
      } else {
        stats.put(id, r);
      }
    }
    Map<Analyzer, Metric> result = new HashMap<>();
    for (List<FrequencyBased> group : sets) {
      long id = groupingId(all, columnSet(schema, group));
      Row r = stats.get(id); // none: no group of the set had a non-null value
      Plans.Frequencies f =
          new Plans.Frequencies(
              r == null ? 0 : r.<Long>getAs("rows"),
              r == null ? 0 : r.<Long>getAs("groups"),
              r == null ? 0 : r.<Long>getAs("unique"),
              r == null ? 0 : r.<Double>getAs("clogc"),
              r == null ? 0 : r.<Long>getAs("duplicates"),
              needsMarginals(data, group)
                  ? mutualInformation.getOrDefault(id, Double.NaN)
                  : Double.NaN);
      for (FrequencyBased a : group) {
        result.put((Analyzer) a, a.metric(f));
      }
    }
    return result;
  }

  private static scala.collection.immutable.Seq<Column> columns(List<String> names) {
    return CollectionConverters.asScala(names.stream().map(Engine::column).toList()).toList();
  }

  /**
   * One group-by on the column set, then one aggregation over the frequencies for every analyzer.
   */
  private static Map<Analyzer, Metric> frequencies(Dataset<Row> data, List<FrequencyBased> group) {
    Map<Analyzer, Metric> result = new HashMap<>();
    try {
      boolean mutualInformation = needsMarginals(data, group);
      Row r = frequencyAggregation(data, group).first();
      Plans.Frequencies f =
          new Plans.Frequencies(
              r.isNullAt(0) ? 0 : r.getLong(0),
              r.getLong(1),
              r.isNullAt(2) ? 0 : r.getLong(2),
              r.isNullAt(3) ? 0 : r.getDouble(3),
              r.isNullAt(4) ? 0 : r.getLong(4),
              mutualInformation && !r.isNullAt(5) ? r.getDouble(5) : Double.NaN);
      for (FrequencyBased a : group) {
        result.put((Analyzer) a, a.metric(f));
      }
    } catch (Exception e) {
      group.forEach(
          a ->
              result.putIfAbsent(
                  (Analyzer) a, Metric.failed((Analyzer) a, LakeforgeException.firstLine(e))));
    }
    return result;
  }
}
