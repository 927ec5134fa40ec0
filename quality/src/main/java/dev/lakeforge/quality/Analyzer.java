package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.covar_pop;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.quality.Plans.Frequencies;
import dev.lakeforge.quality.Plans.FrequencyBased;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * A metric to compute over a DataFrame, with Deequ's semantics. Every analyzer that Deequ lets
 * filter takes an optional {@code where} filter (a SQL predicate); rows it rejects are ignored.
 * Each analyzer is one definition: its preconditions, the aggregations it adds to the one scan a
 * run shares (or the frequencies it reads, or its own query) and how its metric is read back.
 *
 * <pre>{@code
 * AnalysisResult r = Analysis.onData(orders)
 *     .addAnalyzer(Analyzer.size())
 *     .addAnalyzer(Analyzer.completeness("customer").where("status = 'PAID'"))
 *     .addAnalyzer(Analyzer.uniqueness("order_id"))
 *     .run();
 * }</pre>
 */
public sealed interface Analyzer {
  /** The metric name, as Deequ names it (e.g. {@code Completeness}, {@code ApproxQuantile-0.5}). */
  String name();

  /** The column(s) or instance the metric is about; {@code *} for the dataset. */
  String instance();

  Entity entity();

  /** The filter, or null for all rows. */
  String filter();

  /**
   * A copy that only looks at rows where {@code predicate} is true.
   *
   * @throws IllegalArgumentException for analyzers of the schema or of other data (ColumnCount,
   *     ColumnExists, CustomSql, DatasetMatch), which Deequ does not filter either
   */
  Analyzer where(String predicate);

  /** The columns the analyzer reads (for validation against a schema). */
  List<String> columns();

  /** A readable form, e.g. {@code Completeness(customer, where status = 'PAID')}. */
  default String describe() {
    String base = getClass().getSimpleName() + "(" + instance() + ")";
    return filter() == null
        ? base
        : base.substring(0, base.length() - 1) + ", where " + filter() + ")";
  }

  /** The lower-case constraint-style name, e.g. {@code approxquantile}. */
  default String kind() {
    return getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** How MinLength and MaxLength treat nulls (Deequ's NullBehavior). */
  enum NullBehavior {
    /** Nulls are left out (the default). */
    IGNORE,
    /** A null is an empty string, of length 0. */
    EMPTY_STRING,
    /**
     * A null makes the metric fail any sensible assertion (MinLength -Double.MAX_VALUE, MaxLength
     * Double.MAX_VALUE).
     */
    FAIL
  }

  // ---- factories -------------------------------------------------------------------------

  static Size size() {
    return new Size(null);
  }

  static ColumnCount columnCount() {
    return new ColumnCount();
  }

  static ColumnExists columnExists(String column) {
    return new ColumnExists(column);
  }

  static Completeness completeness(String column) {
    return new Completeness(column, null);
  }

  static Uniqueness uniqueness(String... columns) {
    return new Uniqueness(List.of(columns), null);
  }

  static Distinctness distinctness(String... columns) {
    return new Distinctness(List.of(columns), null);
  }

  static UniqueValueRatio uniqueValueRatio(String... columns) {
    return new UniqueValueRatio(List.of(columns), null);
  }

  static CountDistinct countDistinct(String... columns) {
    return new CountDistinct(List.of(columns), null);
  }

  /** Rows whose values in the columns occur more than once; no columns: whole rows. */
  static DuplicateRowCount duplicateRowCount(String... columns) {
    return new DuplicateRowCount(List.of(columns), null);
  }

  static ApproxCountDistinct approxCountDistinct(String column) {
    return new ApproxCountDistinct(column, null);
  }

  static Minimum minimum(String column) {
    return new Minimum(column, null);
  }

  static Maximum maximum(String column) {
    return new Maximum(column, null);
  }

  static Mean mean(String column) {
    return new Mean(column, null);
  }

  static Sum sum(String column) {
    return new Sum(column, null);
  }

  static StandardDeviation standardDeviation(String column) {
    return new StandardDeviation(column, null);
  }

  static Variance variance(String column) {
    return new Variance(column, null);
  }

  static Skewness skewness(String column) {
    return new Skewness(column, null);
  }

  static Kurtosis kurtosis(String column) {
    return new Kurtosis(column, null);
  }

  static ZerosCount zerosCount(String column) {
    return new ZerosCount(column, null);
  }

  static RatioOfSums ratioOfSums(String numerator, String denominator) {
    return new RatioOfSums(numerator, denominator, null);
  }

  static ApproxQuantile approxQuantile(String column, double quantile) {
    return new ApproxQuantile(column, quantile, ApproxQuantile.DEFAULT_RELATIVE_ERROR, null);
  }

  static ApproxQuantiles approxQuantiles(String column, double... quantiles) {
    return new ApproxQuantiles(
        column,
        Arrays.stream(quantiles).boxed().toList(),
        ApproxQuantile.DEFAULT_RELATIVE_ERROR,
        null);
  }

  /**
   * A KLL sketch of a numeric column: quantiles and equal-width buckets, Deequ's defaults (size
   * 2048, 100 buckets).
   */
  static KllSketch kllSketch(String column) {
    return new KllSketch(
        column,
        KllSketch.DEFAULT_SKETCH_SIZE,
        KllSketch.DEFAULT_BUCKETS,
        KllSketch.DEFAULT_QUANTILES,
        null);
  }

  static ExactQuantile exactQuantile(String column, double quantile) {
    return new ExactQuantile(column, quantile, null);
  }

  static InterquartileRange interquartileRange(String column) {
    return new InterquartileRange(column, null);
  }

  static MinLength minLength(String column) {
    return new MinLength(column, NullBehavior.IGNORE, null);
  }

  static MaxLength maxLength(String column) {
    return new MaxLength(column, NullBehavior.IGNORE, null);
  }

  static Compliance compliance(String instance, String predicate) {
    return new Compliance(instance, predicate, null);
  }

  static PatternMatch patternMatch(String column, String regex) {
    return new PatternMatch(column, regex, null);
  }

  static Entropy entropy(String column) {
    return new Entropy(column, null);
  }

  static MutualInformation mutualInformation(String first, String second) {
    return new MutualInformation(List.of(first, second), null);
  }

  static Correlation correlation(String first, String second) {
    return new Correlation(first, second, null);
  }

  static Histogram histogram(String column) {
    return new Histogram(column, Histogram.DEFAULT_MAX_BINS, null);
  }

  /**
   * A histogram of a numeric column in {@code binCount} bins of equal width between its minimum and
   * maximum.
   */
  static HistogramBinned histogramBinned(String column, int binCount) {
    return new HistogramBinned(column, binCount, null, false, null);
  }

  /** A histogram of a numeric column in the bins between the given edges. */
  static HistogramBinned histogramBinned(String column, double... edges) {
    return new HistogramBinned(column, null, Arrays.stream(edges).boxed().toList(), false, null);
  }

  static DataType dataType(String column) {
    return new DataType(column, null);
  }

  /**
   * The single number a SQL query returns (one row, one column); the query runs in the data's
   * session.
   */
  static CustomSql customSql(String query) {
    return new CustomSql(query, "*");
  }

  /**
   * The fraction of the data's rows that have a row in {@code other} with the same key and the same
   * values in every other column (Deequ's data synchronization).
   *
   * @param keys key column of the data to key column of {@code other}
   */
  static DatasetMatch datasetMatch(Dataset<Row> other, Map<String, String> keys) {
    return new DatasetMatch(other, null, keys, Map.of());
  }

  /**
   * As {@link #datasetMatch(Dataset, Map)}, against a table of the session's catalogs, read when
   * the analysis runs: {@code datasetMatch("lake.sales.orders_yesterday", Map.of("id", "id"))}.
   */
  static DatasetMatch datasetMatch(String table, Map<String, String> keys) {
    return new DatasetMatch(null, table, keys, Map.of());
  }

  // ---- the dataset -----------------------------------------------------------------------

  /** Size: the number of rows (matching the filter). */
  record Size(String filter) implements Analyzer, ScanShareable {
    @Override
    public String name() {
      return "Size";
    }

    @Override
    public String instance() {
      return "*";
    }

    @Override
    public Entity entity() {
      return Entity.DATASET;
    }

    @Override
    public Size where(String p) {
      return new Size(p);
    }

    @Override
    public List<String> columns() {
      return List.of();
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(s.rowCount());
    }

    @Override
    public Metric metric(Object[] v) {
      return Metric.of(this, v[0] == null ? 0 : Plans.asDouble(v[0]));
    }
  }

  /** ColumnCount: the number of columns of the data. Reads no rows. */
  record ColumnCount() implements Analyzer, Standalone, Unfiltered {
    @Override
    public String name() {
      return "ColumnCount";
    }

    @Override
    public String instance() {
      return "*";
    }

    @Override
    public Entity entity() {
      return Entity.DATASET;
    }

    @Override
    public ColumnCount where(String p) {
      throw Unfiltered.refused(this);
    }

    @Override
    public Metric compute(Dataset<Row> data) {
      return Metric.of(this, data.schema().fields().length);
    }
  }

  /** ColumnExists: 1 when the data has the column (by its exact name), else 0. Reads no rows. */
  record ColumnExists(String column) implements Analyzer, Standalone, Unfiltered {
    public ColumnExists {
      Objects.requireNonNull(column, "column");
    }

    @Override
    public String name() {
      return "ColumnExists";
    }

    @Override
    public String instance() {
      return column;
    }

    @Override
    public Entity entity() {
      return Entity.DATASET;
    }

    @Override
    public ColumnExists where(String p) {
      throw Unfiltered.refused(this);
    }

    @Override
    public Metric compute(Dataset<Row> data) {
      return Metric.of(this, Arrays.asList(data.schema().fieldNames()).contains(column) ? 1 : 0);
    }
  }

  /**
   * CustomSql: the single value of a SQL query (one row, one column, cast to double), run in the
   * data's session; the query reads tables and views of that session. Only queries are accepted
   * (SELECT, WITH, VALUES, FROM, TABLE): a check never changes data.
   */
  record CustomSql(String query, String disambiguator) implements Analyzer, Standalone, Unfiltered {
    private static final Pattern QUERY_START =
        Pattern.compile("(?is)^[\\s(]*(SELECT|WITH|VALUES|FROM|TABLE)\\b.*");
    private static final Pattern WRITES =
        Pattern.compile(
            "(?i)\\b(INSERT|MERGE|UPDATE|DELETE|DROP|CREATE|ALTER|TRUNCATE|REPLACE|SET|RESET|CACHE|UNCACHE|REFRESH|"
                + "MSCK|ANALYZE|LOAD|ADD|USE|GRANT|REVOKE|CALL|EXECUTE|DECLARE)\\b");

    public CustomSql {
      Objects.requireNonNull(query, "query");
      disambiguator = disambiguator == null ? "*" : disambiguator;
      String problem = problem(query);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    /** Why the text is not a read-only query, judged on its words outside quotes and comments. */
    static String problem(String query) {
      String bare =
          query
              .replaceAll("(?s)/\\*.*?\\*/", " ")
              .replaceAll("--[^\\n]*", " ")
              .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
              .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
              .replaceAll("`(?:[^`]|``)*`", "``");
      if (!QUERY_START.matcher(bare).matches()) {
        return "CustomSql takes a query (SELECT, WITH, VALUES, FROM or TABLE), got '"
            + query.strip()
            + "'";
      }
      Matcher m = WRITES.matcher(bare);
      if (m.find()) {
        return "CustomSql takes a read-only query, but '"
            + query.strip()
            + "' contains "
            + m.group(1).toUpperCase(Locale.ROOT)
            + " (quote a column of that name with backticks)";
      }
      return null;
    }

    @Override
    public String name() {
      return "CustomSQL";
    }

    @Override
    public String instance() {
      return disambiguator;
    }

    @Override
    public Entity entity() {
      return Entity.DATASET;
    }

    @Override
    public CustomSql where(String p) {
      throw Unfiltered.refused(this);
    }

    /** The query analyses in the data's session (tables and columns exist); it does not run. */
    @Override
    public String dataProblem(Dataset<Row> data) {
      try {
        int columns = data.sparkSession().sql(query).schema().fields().length;
        return columns == 1 ? null : "the query returns " + columns + " columns, not 1";
      } catch (Exception e) {
        return "the query does not analyse: " + LakeforgeException.firstLine(e);
      }
    }

    @Override
    public Metric compute(Dataset<Row> data) {
      Dataset<Row> result = data.sparkSession().sql(query);
      if (result.schema().fields().length != 1) {
        return Metric.failed(
            this, "the query returns " + result.schema().fields().length + " columns, not 1");
      }
      List<Row> rows =
          result
              .select(result.col(Check.quote(result.columns()[0])).cast("double"))
              .limit(2)
              .collectAsList();
      if (rows.size() != 1) {
        return Metric.failed(
            this,
            "the query returns "
                + (rows.isEmpty() ? "no rows" : "more than one row")
                + ", not exactly 1");
      }
      return rows.get(0).isNullAt(0)
          ? Metric.failed(this, "the query returns null")
          : Metric.of(this, rows.get(0).getDouble(0));
    }
  }

  /**
   * DatasetMatch: the fraction of the data's rows that have a row in the other data set with the
   * same key and equal values in the compared columns (all non-key columns of the data unless
   * given). As in Deequ, keys must be unique in both and the row counts equal, else the metric
   * fails saying which; unlike Deequ, two nulls are equal.
   *
   * @param other the other data set, or null to read {@code table}
   * @param table the other data set's table name (suites), or null
   * @param keys key column of the data to key column of the other
   * @param compare compared column of the data to column of the other; empty: every non-key column,
   *     same name
   */
  record DatasetMatch(
      Dataset<Row> other, String table, Map<String, String> keys, Map<String, String> compare)
      implements Analyzer, Standalone, Unfiltered {
    public DatasetMatch {
      if ((other == null) == (table == null)) {
        throw new IllegalArgumentException(
            "DatasetMatch needs the other data set or its table, one of the two");
      }
      if (keys == null || keys.isEmpty()) {
        throw new IllegalArgumentException("DatasetMatch needs at least one key column");
      }
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
      compare =
          Collections.unmodifiableMap(new LinkedHashMap<>(compare == null ? Map.of() : compare));
    }

    /** Compares only these columns (data column to the other's). */
    public DatasetMatch comparing(Map<String, String> columns) {
      return new DatasetMatch(other, table, keys, columns);
    }

    @Override
    public String name() {
      return "DatasetMatch";
    }

    @Override
    public String instance() {
      return String.join(",", keys.keySet());
    }

    @Override
    public Entity entity() {
      return Entity.DATASET;
    }

    @Override
    public List<String> columns() {
      List<String> out = new ArrayList<>(keys.keySet());
      out.addAll(compare.keySet());
      return out;
    }

    @Override
    public DatasetMatch where(String p) {
      throw Unfiltered.refused(this);
    }

    /** The other data set's table exists (a data set given as a Dataset is there already). */
    @Override
    public String dataProblem(Dataset<Row> data) {
      if (table == null) {
        return null;
      }
      try {
        data.sparkSession().table(table).schema();
        return null;
      } catch (Exception e) {
        return "the table to match, "
            + table
            + ", cannot be read: "
            + LakeforgeException.firstLine(e);
      }
    }

    @Override
    public Metric compute(Dataset<Row> data) {
      Dataset<Row> theirs = other != null ? other : data.sparkSession().table(table);
      StructType mine = data.schema();
      Map<String, String> compared = new LinkedHashMap<>(compare);
      if (compared.isEmpty()) {
        for (String c : mine.fieldNames()) {
          if (keys.keySet().stream().noneMatch(c::equalsIgnoreCase)) {
            compared.put(c, c);
          }
        }
      }
      List<String> missing = new ArrayList<>();
      for (String c : keys.values()) {
        if (Plans.field(theirs.schema(), c) == null) {
          missing.add(c);
        }
      }
      for (String c : compared.values()) {
        if (Plans.field(theirs.schema(), c) == null) {
          missing.add(c);
        }
      }
      if (!missing.isEmpty()) {
        return Metric.failed(
            this,
            "the other data set has no column "
                + String.join(", ", missing)
                + "; columns: "
                + String.join(", ", theirs.schema().fieldNames()));
      }
      Row a = keyCounts(data, List.copyOf(keys.keySet()));
      Row b = keyCounts(theirs, List.copyOf(keys.values()));
      if (a.getLong(0) != a.getLong(1) || b.getLong(0) != b.getLong(1)) {
        return Metric.failed(
            this,
            "the keys "
                + keys
                + " are not unique: the data has "
                + a.getLong(1)
                + " keys in "
                + a.getLong(0)
                + " rows, the other "
                + b.getLong(1)
                + " in "
                + b.getLong(0));
      }
      if (a.getLong(0) != b.getLong(0)) {
        return Metric.failed(
            this, "the row counts differ: " + a.getLong(0) + " and " + b.getLong(0));
      }
      if (a.getLong(0) == 0) {
        return Metric.empty(this);
      }
      Dataset<Row> left = data.select(prefixed(keys.keySet(), compared.keySet(), "l"));
      Dataset<Row> right = theirs.select(prefixed(keys.values(), compared.values(), "r"));
      Column on = lit(true);
      int i = 0;
      for (int k = 0; k < keys.size(); k++, i++) {
        on = on.and(col("l" + i).eqNullSafe(col("r" + i)));
      }
      for (int k = 0; k < compared.size(); k++, i++) {
        on = on.and(col("l" + i).eqNullSafe(col("r" + i)));
      }
      long matched = left.join(right, on, "inner").count();
      return Metric.of(this, (double) matched / a.getLong(0));
    }

    private static Row keyCounts(Dataset<Row> d, List<String> cols) {
      Column[] keyCols = cols.stream().map(Engine::column).toArray(Column[]::new);
      return d.groupBy(keyCols)
          .agg(count(lit(1)).as("n"))
          .agg(coalesce(functions.sum(col("n")), lit(0L)).cast("long"), count(lit(1)))
          .first();
    }

    private static Column[] prefixed(
        Collection<String> keyCols, Collection<String> others, String p) {
      List<Column> out = new ArrayList<>();
      for (String c : keyCols) {
        out.add(Engine.column(c).as(p + out.size()));
      }
      for (String c : others) {
        out.add(Engine.column(c).as(p + out.size()));
      }
      return out.toArray(Column[]::new);
    }
  }

  // ---- completeness and counts -----------------------------------------------------------

  /** Completeness: non-null values / rows. Fails on no rows. */
  record Completeness(String column, String filter) implements Analyzer, OneColumn, ScanShareable {
    public Completeness {
      Objects.requireNonNull(column, "column");
    }

    @Override
    public String name() {
      return "Completeness";
    }

    @Override
    public Completeness where(String p) {
      return new Completeness(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          functions.sum(s.only(Engine.column(column).isNotNull().cast("int"))), s.rowCount());
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.ratio(this, v[0], v[1]);
    }
  }

  /**
   * ZerosCount: the rows whose numeric value is 0 (0 when the filter keeps none). Fails on no rows,
   * as in Deequ.
   */
  record ZerosCount(String column, String filter) implements Analyzer, OneColumn, ScanShareable {
    @Override
    public String name() {
      return "ZerosCount";
    }

    @Override
    public ZerosCount where(String p) {
      return new ZerosCount(column, p);
    }

    @Override
    public Requirement requirement() {
      return Requirement.NUMERIC;
    }

    @Override
    public List<Column> aggregations(Scope s) {
      // rows outside the filter count 0, so a filter that keeps nothing gives 0; no rows at all
      // fail, as in Deequ
      return List.of(functions.sum(when(s.value(column).equalTo(0), 1).otherwise(0)).cast("long"));
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.single(this, v[0]);
    }
  }

  /**
   * ApproxCountDistinct: distinct non-null values estimated with HyperLogLog++ (5% relative error).
   */
  record ApproxCountDistinct(String column, String filter)
      implements Analyzer, OneColumn, ScanShareable {
    @Override
    public String name() {
      return "ApproxCountDistinct";
    }

    @Override
    public ApproxCountDistinct where(String p) {
      return new ApproxCountDistinct(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(approx_count_distinct(s.value(column), 0.05));
    }

    @Override
    public Metric metric(Object[] v) {
      return Metric.of(this, v[0] == null ? 0 : Plans.asDouble(v[0]));
    }
  }

  // ---- frequencies -----------------------------------------------------------------------

  /**
   * Uniqueness: values that occur exactly once / rows with at least one non-null value in the
   * columns. 1.0 means the columns form a key.
   */
  record Uniqueness(List<String> columns, String filter) implements Analyzer, Grouping {
    public Uniqueness {
      columns = Grouping.check(columns);
    }

    @Override
    public String name() {
      return "Uniqueness";
    }

    @Override
    public Uniqueness where(String p) {
      return new Uniqueness(columns, p);
    }

    @Override
    public Metric metric(Frequencies f) {
      return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.unique() / f.rows());
    }
  }

  /** Distinctness: distinct values / rows with at least one non-null value in the columns. */
  record Distinctness(List<String> columns, String filter) implements Analyzer, Grouping {
    public Distinctness {
      columns = Grouping.check(columns);
    }

    @Override
    public String name() {
      return "Distinctness";
    }

    @Override
    public Distinctness where(String p) {
      return new Distinctness(columns, p);
    }

    @Override
    public Metric metric(Frequencies f) {
      return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.groups() / f.rows());
    }
  }

  /** UniqueValueRatio: values that occur exactly once / distinct values. */
  record UniqueValueRatio(List<String> columns, String filter) implements Analyzer, Grouping {
    public UniqueValueRatio {
      columns = Grouping.check(columns);
    }

    @Override
    public String name() {
      return "UniqueValueRatio";
    }

    @Override
    public UniqueValueRatio where(String p) {
      return new UniqueValueRatio(columns, p);
    }

    @Override
    public Metric metric(Frequencies f) {
      return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.unique() / f.groups());
    }
  }

  /** CountDistinct: the exact number of distinct non-null value combinations. */
  record CountDistinct(List<String> columns, String filter) implements Analyzer, Grouping {
    public CountDistinct {
      columns = Grouping.check(columns);
    }

    @Override
    public String name() {
      return "CountDistinct";
    }

    @Override
    public CountDistinct where(String p) {
      return new CountDistinct(columns, p);
    }

    @Override
    public Metric metric(Frequencies f) {
      return Metric.of(this, f.groups());
    }
  }

  /**
   * DuplicateRowCount: the rows whose values in the columns (every column when none are given)
   * occur more than once, among rows with at least one non-null value there. 0 on no rows, as in
   * Deequ.
   */
  record DuplicateRowCount(List<String> columns, String filter) implements Analyzer, Grouping {
    public DuplicateRowCount {
      columns = List.copyOf(columns);
    }

    @Override
    public String name() {
      return "DuplicateRowCount";
    }

    @Override
    public String instance() {
      return columns.isEmpty() ? "*" : String.join(",", columns);
    }

    @Override
    public Entity entity() {
      return columns.isEmpty() ? Entity.DATASET : Entity.of(columns);
    }

    @Override
    public DuplicateRowCount where(String p) {
      return new DuplicateRowCount(columns, p);
    }

    @Override
    public List<String> groupColumns(StructType schema) {
      return columns.isEmpty() ? List.of(schema.fieldNames()) : columns;
    }

    @Override
    public Metric metric(Frequencies f) {
      return Metric.of(this, f.duplicateRows());
    }
  }

  /** Entropy: -sum(p * ln p) over the relative frequencies p of the non-null values. */
  record Entropy(String column, String filter) implements Analyzer, Grouping {
    @Override
    public String name() {
      return "Entropy";
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }

    @Override
    public Entropy where(String p) {
      return new Entropy(column, p);
    }

    @Override
    public Metric metric(Frequencies f) {
      return f.rows() == 0
          ? Metric.empty(this)
          : Metric.of(this, Math.log(f.rows()) - f.countLogCount() / f.rows());
    }
  }

  /**
   * MutualInformation: sum(p(x,y) * ln(p(x,y) / (p(x) p(y)))) over rows with a non-null value in
   * either column.
   */
  record MutualInformation(List<String> columns, String filter) implements Analyzer, Grouping {
    public MutualInformation {
      columns = List.copyOf(columns);
      if (columns.size() != 2) {
        throw new IllegalArgumentException(
            "MutualInformation needs exactly two columns, got " + columns);
      }
    }

    @Override
    public String name() {
      return "MutualInformation";
    }

    @Override
    public MutualInformation where(String p) {
      return new MutualInformation(columns, p);
    }

    @Override
    public boolean needsMarginals() {
      return true;
    }

    @Override
    public Metric metric(Frequencies f) {
      return f.rows() == 0
          ? Metric.empty(this)
          : Metric.of(this, f.mutualInformation() / f.rows() + Math.log(f.rows()));
    }
  }

  // ---- statistics ------------------------------------------------------------------------

  /** Minimum of the non-null values of a numeric column. Fails when there are none. */
  record Minimum(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Minimum";
    }

    @Override
    public Minimum where(String p) {
      return new Minimum(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(min(s.number(column)));
    }
  }

  /** Maximum of the non-null values of a numeric column. Fails when there are none. */
  record Maximum(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Maximum";
    }

    @Override
    public Maximum where(String p) {
      return new Maximum(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(max(s.number(column)));
    }
  }

  /** Mean: sum / count of the non-null values of a numeric column. Fails when there are none. */
  record Mean(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Mean";
    }

    @Override
    public Mean where(String p) {
      return new Mean(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(avg(s.number(column)));
    }
  }

  /**
   * Sum of the non-null values of a numeric column; decimals are summed exactly, everything else as
   * double (so a long sum never overflows silently, as Deequ's does). Fails when there are none.
   */
  record Sum(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Sum";
    }

    @Override
    public Sum where(String p) {
      return new Sum(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          functions.sum(
              s.type(column) instanceof DecimalType ? s.value(column) : s.number(column)));
    }
  }

  /**
   * StandardDeviation: the population standard deviation of the non-null values. Fails when there
   * are none.
   */
  record StandardDeviation(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "StandardDeviation";
    }

    @Override
    public StandardDeviation where(String p) {
      return new StandardDeviation(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(stddev_pop(s.number(column)));
    }
  }

  /** Variance: the population variance of the non-null values. Fails when there are none. */
  record Variance(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Variance";
    }

    @Override
    public Variance where(String p) {
      return new Variance(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(var_pop(s.number(column)));
    }
  }

  /**
   * Skewness: the population skewness of the non-null values; 0 when they are all equal, as in
   * Deequ.
   */
  record Skewness(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Skewness";
    }

    @Override
    public Skewness where(String p) {
      return new Skewness(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(count(s.number(column)), functions.skewness(s.number(column)));
    }

    @Override
    public Metric metric(Object[] v) {
      return NumericScan.moment(this, v);
    }
  }

  /**
   * Kurtosis: the population excess kurtosis of the non-null values; 0 when they are all equal, as
   * in Deequ.
   */
  record Kurtosis(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "Kurtosis";
    }

    @Override
    public Kurtosis where(String p) {
      return new Kurtosis(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(count(s.number(column)), functions.kurtosis(s.number(column)));
    }

    @Override
    public Metric metric(Object[] v) {
      return NumericScan.moment(this, v);
    }
  }

  /**
   * RatioOfSums: the sum of one numeric column over the sum of another (a double division). Fails
   * on no rows.
   */
  record RatioOfSums(String numerator, String denominator, String filter)
      implements Analyzer, ScanShareable {
    @Override
    public String name() {
      return "RatioOfSums";
    }

    @Override
    public String instance() {
      return numerator + "," + denominator;
    }

    @Override
    public Entity entity() {
      return Entity.MULTICOLUMN;
    }

    @Override
    public List<String> columns() {
      return List.of(numerator, denominator);
    }

    @Override
    public RatioOfSums where(String p) {
      return new RatioOfSums(numerator, denominator, p);
    }

    @Override
    public Requirement requirement() {
      return Requirement.NUMERIC;
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(functions.sum(s.number(numerator)), functions.sum(s.number(denominator)));
    }

    @Override
    public Metric metric(Object[] v) {
      return v[0] == null || v[1] == null
          ? Metric.empty(this)
          : Metric.of(this, Plans.asDouble(v[0]) / Plans.asDouble(v[1]));
    }
  }

  /**
   * Correlation: the Pearson correlation of two numeric columns over rows where both are non-null.
   */
  record Correlation(String first, String second, String filter)
      implements Analyzer, ScanShareable {
    @Override
    public String name() {
      return "Correlation";
    }

    @Override
    public String instance() {
      return first + "," + second;
    }

    @Override
    public Entity entity() {
      return Entity.MULTICOLUMN;
    }

    @Override
    public List<String> columns() {
      return List.of(first, second);
    }

    @Override
    public Correlation where(String p) {
      return new Correlation(first, second, p);
    }

    @Override
    public Requirement requirement() {
      return Requirement.NUMERIC;
    }

    /**
     * Pearson's r from the population covariance and variances of the rows where both are set: a
     * constant column gives NaN, as in Deequ, where Spark's corr divides by zero (an error under
     * ANSI).
     */
    @Override
    public List<Column> aggregations(Scope s) {
      Column both = Engine.column(first).isNotNull().and(Engine.column(second).isNotNull());
      Column x = s.only(when(both, Engine.column(first).cast("double")));
      Column y = s.only(when(both, Engine.column(second).cast("double")));
      return List.of(covar_pop(x, y), var_pop(x), var_pop(y));
    }

    @Override
    public Metric metric(Object[] v) {
      return v[0] == null
          ? Metric.empty(this)
          : Metric.of(
              this, Plans.asDouble(v[0]) / Math.sqrt(Plans.asDouble(v[1]) * Plans.asDouble(v[2])));
    }
  }

  /**
   * ApproxQuantile: the value below which {@code quantile} of the non-null values lie, within
   * {@code relativeError} of the rank (Spark's percentile_approx, accuracy 1 / relativeError); a
   * relative error of 0 gives the exact quantile, as in Deequ.
   */
  record ApproxQuantile(String column, double quantile, double relativeError, String filter)
      implements Analyzer, NumericScan {
    public static final double DEFAULT_RELATIVE_ERROR = 0.01;

    public ApproxQuantile {
      requireQuantile(quantile);
      requireRelativeError(relativeError);
    }

    /** Spark's percentile_approx accuracy for a relative error (0, exact: the largest accuracy). */
    static int accuracy(double relativeError) {
      return relativeError == 0
          ? Integer.MAX_VALUE
          : (int) Math.min(Integer.MAX_VALUE, Math.round(1 / relativeError));
    }

    static void requireRelativeError(double relativeError) {
      if (!(relativeError >= 0 && relativeError <= 1)) {
        throw new IllegalArgumentException(
            "relativeError must lie in [0, 1], got " + relativeError);
      }
    }

    static void requireQuantile(double quantile) {
      if (!(quantile >= 0 && quantile <= 1)) {
        throw new IllegalArgumentException("quantile must lie in [0, 1], got " + quantile);
      }
    }

    @Override
    public String name() {
      return "ApproxQuantile-" + quantile;
    }

    @Override
    public ApproxQuantile where(String p) {
      return new ApproxQuantile(column, quantile, relativeError, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          percentile_approx(s.number(column), lit(quantile), lit(accuracy(relativeError))));
    }
  }

  /**
   * ApproxQuantiles: several quantiles at once; the metric is keyed by quantile ({@code
   * ApproxQuantiles-0.5}).
   */
  record ApproxQuantiles(String column, List<Double> quantiles, double relativeError, String filter)
      implements Analyzer, NumericScan {
    public ApproxQuantiles {
      quantiles = List.copyOf(quantiles);
      quantiles.forEach(ApproxQuantile::requireQuantile);
      if (quantiles.isEmpty()) {
        throw new IllegalArgumentException("ApproxQuantiles needs at least one quantile");
      }
      ApproxQuantile.requireRelativeError(relativeError);
    }

    @Override
    public String name() {
      return "ApproxQuantiles";
    }

    @Override
    public ApproxQuantiles where(String p) {
      return new ApproxQuantiles(column, quantiles, relativeError, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      Column[] qs = quantiles.stream().map(q -> lit(q)).toArray(Column[]::new);
      return List.of(
          percentile_approx(
              s.number(column), array(qs), lit(ApproxQuantile.accuracy(relativeError))));
    }

    @Override
    public Metric metric(Object[] v) {
      if (v[0] == null) {
        return Metric.empty(this);
      }
      List<?> values = Engine.toList(v[0]);
      Map<String, Double> keyed = new LinkedHashMap<>();
      for (int i = 0; i < quantiles.size(); i++) {
        keyed.put(quantiles.get(i).toString(), Plans.asDouble(values.get(i)));
      }
      return Metric.keyed(this, keyed);
    }
  }

  /**
   * ExactQuantile: the exact quantile of the non-null values, interpolated as Spark's percentile.
   */
  record ExactQuantile(String column, double quantile, String filter)
      implements Analyzer, NumericScan {
    public ExactQuantile {
      ApproxQuantile.requireQuantile(quantile);
    }

    @Override
    public String name() {
      return "ExactQuantile-" + quantile;
    }

    @Override
    public ExactQuantile where(String p) {
      return new ExactQuantile(column, quantile, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(percentile(s.number(column), lit(quantile)));
    }
  }

  /**
   * KLLSketch: a KLL sketch (Apache DataSketches) of the non-null values of a numeric column, built
   * in the shared scan from mergeable per-partition sketches. The metric is {@code buckets}
   * equal-width buckets between the minimum and maximum (the first closed, the others {@code (a,
   * b]}) with their estimated counts, and the sketch's {@code quantiles}; the rank error is about
   * 1.65 / sketchSize (0.08% at the default 2048).
   */
  record KllSketch(
      String column, int sketchSize, int buckets, List<Double> quantiles, String filter)
      implements Analyzer, NumericScan {
    public static final int DEFAULT_SKETCH_SIZE = 2048;
    public static final int DEFAULT_BUCKETS = 100;
    public static final List<Double> DEFAULT_QUANTILES = List.of(0.1, 0.25, 0.5, 0.75, 0.9, 0.99);

    public KllSketch {
      if (sketchSize < 8 || sketchSize > 65535) {
        throw new IllegalArgumentException("sketchSize must lie in [8, 65535], got " + sketchSize);
      }
      if (buckets < 1 || buckets > HistogramBinned.MAX_BINS) {
        throw new IllegalArgumentException(
            "buckets must lie in [1, " + HistogramBinned.MAX_BINS + "], got " + buckets);
      }
      quantiles = List.copyOf(quantiles);
      quantiles.forEach(ApproxQuantile::requireQuantile);
    }

    @Override
    public String name() {
      return "KLLSketch";
    }

    @Override
    public KllSketch where(String p) {
      return new KllSketch(column, sketchSize, buckets, quantiles, p);
    }

    /** A copy with another sketch size, number of buckets and quantiles. */
    public KllSketch with(int size, int bucketCount, double... qs) {
      return new KllSketch(column, size, bucketCount, Arrays.stream(qs).boxed().toList(), filter);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          functions.udaf(new KllAggregator(sketchSize), Encoders.DOUBLE()).apply(s.number(column)));
    }

    @Override
    public Metric metric(Object[] v) {
      return metricOf(KllAggregator.read((byte[]) v[0]));
    }

    /**
     * The metric of all the data behind the given states, from their sketches alone: the data is
     * not read again. A state is {@link Metric#state()} of a KLL metric (of this column or another,
     * of any sketch size), kept from an earlier run; merging today's with the last six days' gives
     * the week's quantiles. This analyzer's buckets and quantiles are reported.
     *
     * <pre>{@code
     * Metric week = Analyzer.kllSketch("amount").merge(days.stream().map(Metric::state).toList());
     * }</pre>
     *
     * @return a failed metric naming the state that is not a KLL sketch of doubles
     */
    public Metric merge(List<byte[]> states) {
      KllDoublesSketch union = KllDoublesSketch.newHeapInstance(sketchSize);
      for (int i = 0; i < states.size(); i++) {
        byte[] state = states.get(i);
        if (state == null) {
          return Metric.failed(
              this, "state " + i + " is missing (a failed metric, or one of another analyzer)");
        }
        try {
          union.merge(KllAggregator.read(state));
        } catch (RuntimeException e) {
          return Metric.failed(
              this, "state " + i + " is not a KLL sketch of doubles: " + e.getMessage());
        }
      }
      return metricOf(union);
    }

    private Metric metricOf(KllDoublesSketch sketch) {
      if (sketch.isEmpty()) {
        return Metric.empty(this).withState(sketch.toByteArray());
      }
      var inclusive = QuantileSearchCriteria.INCLUSIVE;
      long n = sketch.getN();
      double lo = sketch.getMinItem();
      double hi = sketch.getMaxItem();
      Map<String, Distribution.Value> values = new LinkedHashMap<>();
      long counted = 0;
      for (int i = 0; i < buckets; i++) {
        double low = lo + (hi - lo) * i / buckets;
        double high = i == buckets - 1 ? hi : lo + (hi - lo) * (i + 1) / buckets;
        long upTo = i == buckets - 1 ? n : Math.round(n * sketch.getRank(high, inclusive));
        long count = Math.max(0, upTo - counted);
        counted += count;
        values.put(
            (i == 0 ? "[" : "(") + low + ", " + high + "]",
            new Distribution.Value(count, (double) count / n));
      }
      Map<String, Double> q = new LinkedHashMap<>();
      quantiles.forEach(x -> q.put(x.toString(), sketch.getQuantile(x, inclusive)));
      return Metric.distribution(this, new Distribution(values, buckets))
          .withKeyed(q)
          .withState(sketch.toByteArray());
    }
  }

  /** InterquartileRange: the exact 75th minus the exact 25th percentile of the non-null values. */
  record InterquartileRange(String column, String filter) implements Analyzer, NumericScan {
    @Override
    public String name() {
      return "InterquartileRange";
    }

    @Override
    public InterquartileRange where(String p) {
      return new InterquartileRange(column, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          percentile(s.number(column), lit(0.25)), percentile(s.number(column), lit(0.75)));
    }

    @Override
    public Metric metric(Object[] v) {
      return v[0] == null
          ? Metric.empty(this)
          : Metric.of(this, Plans.asDouble(v[1]) - Plans.asDouble(v[0]));
    }
  }

  // ---- strings, predicates and patterns --------------------------------------------------

  /**
   * MinLength: the shortest length (in characters) of the values of a string column; nulls as
   * {@link NullBehavior} says.
   */
  record MinLength(String column, NullBehavior nulls, String filter)
      implements Analyzer, OneColumn, ScanShareable {
    public MinLength {
      nulls = nulls == null ? NullBehavior.IGNORE : nulls;
    }

    @Override
    public String name() {
      return "MinLength";
    }

    @Override
    public MinLength where(String p) {
      return new MinLength(column, nulls, p);
    }

    /** A copy that treats nulls as {@code behavior} says. */
    public MinLength withNulls(NullBehavior behavior) {
      return new MinLength(column, behavior, filter);
    }

    @Override
    public Requirement requirement() {
      return Requirement.STRING;
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(min(s.only(OneColumn.length(column, nulls, -Double.MAX_VALUE))));
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.single(this, v[0]);
    }
  }

  /**
   * MaxLength: the longest length (in characters) of the values of a string column; nulls as {@link
   * NullBehavior} says.
   */
  record MaxLength(String column, NullBehavior nulls, String filter)
      implements Analyzer, OneColumn, ScanShareable {
    public MaxLength {
      nulls = nulls == null ? NullBehavior.IGNORE : nulls;
    }

    @Override
    public String name() {
      return "MaxLength";
    }

    @Override
    public MaxLength where(String p) {
      return new MaxLength(column, nulls, p);
    }

    /** A copy that treats nulls as {@code behavior} says. */
    public MaxLength withNulls(NullBehavior behavior) {
      return new MaxLength(column, behavior, filter);
    }

    @Override
    public Requirement requirement() {
      return Requirement.STRING;
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(max(s.only(OneColumn.length(column, nulls, Double.MAX_VALUE))));
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.single(this, v[0]);
    }
  }

  /**
   * Compliance: rows where the SQL predicate is true / rows. A predicate that is null for a row
   * counts as not compliant; so does one that raises an error on a row (ANSI mode: a division by
   * zero, an invalid cast), and the metric counts those rows ({@link Metric#erroredRows}). Fails on
   * no rows.
   */
  record Compliance(String instanceName, String predicate, String filter)
      implements Analyzer, ScanShareable {
    public Compliance {
      Objects.requireNonNull(predicate, "predicate");
      instanceName = instanceName == null ? predicate : instanceName;
    }

    @Override
    public String name() {
      return "Compliance";
    }

    @Override
    public String instance() {
      return instanceName;
    }

    @Override
    public Entity entity() {
      return Entity.COLUMN;
    }

    @Override
    public Compliance where(String p) {
      return new Compliance(instanceName, predicate, p);
    }

    @Override
    public List<String> columns() {
      return List.of();
    }

    @Override
    public String dataProblem(Dataset<Row> data) {
      String p = Engine.predicateProblem(data, predicate);
      return p == null ? null : "invalid predicate '" + predicate + "': " + p;
    }

    @Override
    public List<Column> aggregations(Scope s) {
      Column compliant = functions.sum(s.only(when(expr(predicate), 1).otherwise(0)));
      // the rows that raised are counted only in the lenient evaluation: under ANSI none got this
      // far
      return s.lenient()
          ? List.of(
              compliant,
              s.rowCount(),
              functions
                  .sum(s.only(when(Engine.raised(predicate, s.schema()), 1).otherwise(0)))
                  .cast("long"))
          : List.of(compliant, s.rowCount());
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.ratio(this, v[0], v[1]);
    }

    /** Rows whose predicate raised an error count as not compliant, and are counted. */
    @Override
    public Metric lenientMetric(Object[] v) {
      Metric m = metric(v);
      return m.isSuccess() && v.length > 2 && v[2] != null
          ? m.withErroredRows(((Number) v[2]).longValue())
          : m;
    }
  }

  /**
   * PatternMatch: rows whose value contains a match of the regex / rows. Nulls do not match. See
   * {@link Patterns} for email, URL and credit-card patterns.
   */
  record PatternMatch(String column, String pattern, String filter)
      implements Analyzer, OneColumn, ScanShareable {
    public PatternMatch {
      Pattern.compile(pattern);
    }

    @Override
    public String name() {
      return "PatternMatch";
    }

    @Override
    public PatternMatch where(String p) {
      return new PatternMatch(column, pattern, p);
    }

    @Override
    public List<Column> aggregations(Scope s) {
      return List.of(
          functions.sum(s.only(Engine.matches(Engine.column(column), pattern).cast("int"))),
          s.rowCount());
    }

    @Override
    public Metric metric(Object[] v) {
      return Plans.ratio(this, v[0], v[1]);
    }
  }

  // ---- distributions ---------------------------------------------------------------------

  /**
   * Histogram: each value's count and ratio of the rows in scope (nulls as {@code NullValue}); the
   * {@code maxDetailBins} most frequent values are kept, {@code numberOfBins} counts all and the
   * tail counts the rows of the others. Optionally the values are first binned by a SQL expression
   * ({@link #binnedBy}), and a numeric column summed instead of rows counted ({@link #summing}).
   *
   * @param binning a SQL expression giving each row's bin, or null for the column's value
   * @param sumOf a numeric column whose sum per value is reported instead of the row count, or null
   */
  record Histogram(String column, int maxDetailBins, String binning, String sumOf, String filter)
      implements Analyzer, Standalone {
    public static final int DEFAULT_MAX_BINS = 1000;
    public static final String NULL_VALUE = "NullValue";

    public Histogram {
      if (column == null || maxDetailBins < 0) {
        throw new IllegalArgumentException(
            "Histogram needs a column and maxDetailBins >= 0 (the bins reported in"
                + " detail; every bin is counted), got "
                + column
                + " and "
                + maxDetailBins);
      }
    }

    public Histogram(String column, int maxDetailBins, String filter) {
      this(column, maxDetailBins, null, null, filter);
    }

    @Override
    public String name() {
      return "Histogram";
    }

    @Override
    public String instance() {
      return column;
    }

    @Override
    public Entity entity() {
      return Entity.COLUMN;
    }

    @Override
    public List<String> columns() {
      return sumOf == null ? List.of(column) : List.of(column, sumOf);
    }

    @Override
    public Histogram where(String p) {
      return new Histogram(column, maxDetailBins, binning, sumOf, p);
    }

    /** Reports the {@code bins} most frequent values in detail. */
    public Histogram withMaxDetailBins(int bins) {
      return new Histogram(column, bins, binning, sumOf, filter);
    }

    /**
     * Bins each row by a SQL expression first (e.g. {@code floor(amount / 100) * 100}); null stays
     * {@code NullValue}.
     */
    public Histogram binnedBy(String expression) {
      return new Histogram(column, maxDetailBins, expression, sumOf, filter);
    }

    /** Sums a numeric column per value instead of counting rows (Deequ's {@code Histogram.Sum}). */
    public Histogram summing(String numericColumn) {
      return new Histogram(column, maxDetailBins, binning, numericColumn, filter);
    }

    @Override
    public String precondition(StructType schema) {
      String p = Standalone.super.precondition(schema);
      if (p == null && sumOf != null) {
        p =
            Requirement.NUMERIC.problem(
                "Histogram's sum", sumOf, Plans.field(schema, sumOf).dataType());
      }
      return p;
    }

    @Override
    public String dataProblem(Dataset<Row> data) {
      String p = binning == null ? null : Engine.expressionProblem(data, binning, false);
      return p == null ? null : "invalid binning '" + binning + "': " + p;
    }

    /**
     * Values as strings, counted (or summed); the top bins, with the total and the number of bins
     * aggregated (not over a window without partitions, which would gather every bin in one task).
     * No rows, or a filter that keeps none, is an empty distribution, as in Deequ.
     */
    @Override
    public Metric compute(Dataset<Row> data) {
      Dataset<Row> rows = filter == null ? data : data.where(new Scope(filter, null).rows());
      Column value = binning == null ? Engine.column(column) : expr(binning);
      Column weight = sumOf == null ? lit(1L) : Engine.column(sumOf).cast("long");
      Dataset<Row> freq =
          rows.select(coalesce(value.cast("string"), lit(NULL_VALUE)).as("value"), weight.as("w"))
              .groupBy(col("value"))
              .agg(coalesce(functions.sum(col("w")), lit(0L)).cast("long").as(Engine.COUNT));
      Dataset<Row> totals =
          freq.agg(
              coalesce(functions.sum(col(Engine.COUNT)), lit(0L)).cast("long").as("__total"),
              count(lit(1)).as("__bins"));
      List<Row> top =
          maxDetailBins == 0
              ? List.of()
              : freq.orderBy(desc(Engine.COUNT), col("value"))
                  .limit(maxDetailBins)
                  .crossJoin(totals)
                  .collectAsList();
      Row counts = top.isEmpty() ? totals.first() : null;
      long total = top.isEmpty() ? counts.getLong(0) : top.get(0).getLong(2);
      long bins = top.isEmpty() ? counts.getLong(1) : top.get(0).getLong(3);
      Map<String, Distribution.Value> values = new LinkedHashMap<>();
      long detailed = 0;
      for (Row r : top) {
        long c = r.getLong(1);
        detailed += c;
        values.put(r.getString(0), new Distribution.Value(c, (double) c / total));
      }
      return Metric.distribution(this, new Distribution(values, bins, total - detailed));
    }
  }

  /**
   * HistogramBinned: a numeric column's counts in bins, either {@code binCount} bins of equal width
   * between the minimum and maximum (the last bin closed; one bin when all values are equal) or the
   * bins between sorted {@code edges} ({@code [a, b)}, the last closed). With {@code overflow},
   * bins below the first and above the last edge catch the rest; without it such values are counted
   * nowhere, as in Deequ. Keys are the bins ({@code [0.0, 10.0)}), in order; nulls are the tail.
   * Ratios are of the rows in scope.
   */
  record HistogramBinned(
      String column, Integer binCount, List<Double> edges, boolean overflow, String filter)
      implements Analyzer, OneColumn, Standalone {
    public static final int MAX_BINS = 1000;

    public HistogramBinned {
      if ((binCount == null) == (edges == null)) {
        throw new IllegalArgumentException(
            "HistogramBinned needs either binCount or edges, one of the two");
      }
      if (binCount != null && (binCount < (overflow ? 3 : 1) || binCount > MAX_BINS)) {
        throw new IllegalArgumentException(
            "binCount must lie in ["
                + (overflow ? 3 : 1)
                + ", "
                + MAX_BINS
                + "] (with overflow bins, at least one bin lies between them), got "
                + binCount);
      }
      if (edges != null) {
        edges = edges.stream().sorted().toList();
        if (edges.size() < 2 || edges.size() > MAX_BINS + 1) {
          throw new IllegalArgumentException(
              "edges must be 2 to " + (MAX_BINS + 1) + " numbers, got " + edges.size());
        }
      }
    }

    @Override
    public String name() {
      return "HistogramBinned";
    }

    @Override
    public HistogramBinned where(String p) {
      return new HistogramBinned(column, binCount, edges, overflow, p);
    }

    /** Adds bins below the first and above the last edge. */
    public HistogramBinned withOverflowBins() {
      return new HistogramBinned(column, binCount, edges, true, filter);
    }

    @Override
    public Requirement requirement() {
      return Requirement.NUMERIC;
    }

    @Override
    public Metric compute(Dataset<Row> data) {
      Dataset<Row> rows = filter == null ? data : data.where(new Scope(filter, null).rows());
      Column x = Engine.column(column).cast("double");
      List<Double> bounds = edges;
      if (bounds == null) {
        Row r = rows.agg(min(x), max(x)).first();
        if (r.isNullAt(0)) {
          bounds = List.of();
        } else {
          double lo = r.getDouble(0);
          double hi = r.getDouble(1);
          int interior = overflow ? binCount - 2 : binCount;
          bounds = new ArrayList<>();
          if (lo == hi) {
            bounds.addAll(List.of(lo, hi));
          } else {
            for (int i = 0; i <= interior; i++) {
              bounds.add(i == interior ? hi : lo + i * (hi - lo) / interior);
            }
          }
        }
      }
      if (overflow && !bounds.isEmpty()) {
        List<Double> b = new ArrayList<>(bounds);
        if (b.get(0) != Double.NEGATIVE_INFINITY) {
          b.add(0, Double.NEGATIVE_INFINITY);
        }
        if (b.get(b.size() - 1) != Double.POSITIVE_INFINITY) {
          b.add(Double.POSITIVE_INFINITY);
        }
        bounds = b;
      }
      int n = Math.max(bounds.size() - 1, 0);
      // The bin of a value: the last edge at or below it; the last interior bin closed (its upper
      // edge in it).
      Column bin = lit(-1);
      int lastClosed = overflow ? n - 2 : n - 1;
      for (int i = n - 1; i >= 0; i--) {
        Column lower = x.geq(bounds.get(i));
        Column upper = i == lastClosed ? x.leq(bounds.get(i + 1)) : x.lt(bounds.get(i + 1));
        bin = when(lower.and(upper), i).otherwise(bin);
      }
      List<Row> counts =
          rows.select(when(x.isNull(), -2).otherwise(bin).as("bin"))
              .groupBy(col("bin"))
              .agg(count(lit(1)).as("n"))
              .collectAsList();
      long total = 0;
      long nulls = 0;
      long[] perBin = new long[n];
      for (Row r : counts) {
        int b = r.getInt(0);
        long c = r.getLong(1);
        total += c;
        if (b == -2) {
          nulls = c;
        } else if (b >= 0) {
          perBin[b] = c;
        }
      }
      Map<String, Distribution.Value> values = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = "[" + bounds.get(i) + ", " + bounds.get(i + 1) + (i == lastClosed ? "]" : ")");
        values.put(
            key, new Distribution.Value(perBin[i], total == 0 ? 0 : (double) perBin[i] / total));
      }
      return Metric.distribution(this, new Distribution(values, n, nulls));
    }
  }

  /**
   * DataType: the distribution of inferred types of a column's values as strings: {@code Unknown}
   * (null), {@code Fractional}, {@code Integral}, {@code Boolean} or {@code String}, with Deequ's
   * rules. Reported like a histogram (metric names {@code Histogram.abs.Integral}, ...).
   */
  record DataType(String column, String filter) implements Analyzer, OneColumn, ScanShareable {
    @Override
    public String name() {
      return "Histogram";
    }

    @Override
    public DataType where(String p) {
      return new DataType(column, p);
    }

    @Override
    public Requirement requirement() {
      return Requirement.FLAT;
    }

    @Override
    public String describe() {
      return "DataType(" + column + (filter == null ? ")" : ", where " + filter + ")");
    }

    @Override
    public List<Column> aggregations(Scope s) {
      Column c =
          Engine.column(column)
              .cast("string"); // any flat type is classified by its text, as in Deequ
      Column tag =
          when(c.isNull(), 0)
              .when(c.rlike(Engine.FRACTIONAL), 1)
              .when(c.rlike(Engine.INTEGRAL), 2)
              .when(c.rlike(Engine.BOOLEAN), 3)
              .otherwise(4);
      List<Column> sums = new ArrayList<>();
      for (int k = 0; k < Engine.TYPE_NAMES.length; k++) {
        sums.add(functions.sum(s.only(when(tag.equalTo(k), 1).otherwise(0))).cast("long"));
      }
      return sums;
    }

    @Override
    public Metric metric(Object[] v) {
      long total = 0;
      for (Object x : v) {
        total += x == null ? 0 : ((Number) x).longValue();
      }
      // no rows: every count 0 and every ratio NaN (0 / 0), as in Deequ
      Map<String, Distribution.Value> values = new LinkedHashMap<>();
      for (int k = 0; k < Engine.TYPE_NAMES.length; k++) {
        long n = v[k] == null ? 0 : ((Number) v[k]).longValue();
        values.put(
            Engine.TYPE_NAMES[k],
            new Distribution.Value(n, total == 0 ? Double.NaN : (double) n / total));
      }
      return Metric.distribution(this, new Distribution(values, Engine.TYPE_NAMES.length));
    }
  }

  // ---- shapes ----------------------------------------------------------------------------

  /** Analyzers of one column. */
  sealed interface OneColumn extends Analyzer {
    String column();

    @Override
    default String instance() {
      return column();
    }

    @Override
    default Entity entity() {
      return Entity.COLUMN;
    }

    @Override
    default List<String> columns() {
      return List.of(column());
    }

    /** A string's length as a double, a null's as the behaviour says ({@code failing} for FAIL). */
    private static Column length(String column, NullBehavior nulls, double failing) {
      Column c = Engine.column(column);
      Column len = org.apache.spark.sql.functions.length(c).cast("double");
      return switch (nulls) {
        case IGNORE -> len;
        case EMPTY_STRING -> when(c.isNull(), lit(0.0)).otherwise(len);
        case FAIL -> when(c.isNull(), lit(failing)).otherwise(len);
      };
    }
  }

  /** One numeric column, one aggregated number. */
  sealed interface NumericScan extends OneColumn, ScanShareable {
    @Override
    default Requirement requirement() {
      return Requirement.NUMERIC;
    }

    @Override
    default Metric metric(Object[] v) {
      return Plans.single(this, v[0]);
    }

    /**
     * A standardised moment from (count, Spark's moment): none on no values, 0 when all are equal
     * (Spark: null).
     */
    private static Metric moment(Analyzer a, Object[] v) {
      long n = v[0] == null ? 0 : ((Number) v[0]).longValue();
      return n == 0 ? Metric.empty(a) : Metric.of(a, v[1] == null ? 0.0 : Plans.asDouble(v[1]));
    }
  }

  /** Analyzers computed from value frequencies (a group-by). */
  sealed interface Grouping extends Analyzer, FrequencyBased {
    @Override
    default String instance() {
      return String.join(",", columns());
    }

    @Override
    default Entity entity() {
      return Entity.of(columns());
    }

    static List<String> check(List<String> columns) {
      if (columns == null || columns.isEmpty()) {
        throw new IllegalArgumentException("at least one column is required");
      }
      return List.copyOf(columns);
    }
  }

  /** Analyzers of the schema or of other data, which take no filter (as in Deequ). */
  sealed interface Unfiltered extends Analyzer {
    @Override
    default String filter() {
      return null;
    }

    @Override
    default List<String> columns() {
      return List.of();
    }

    private static IllegalArgumentException refused(Analyzer a) {
      return new IllegalArgumentException(a.getClass().getSimpleName() + " takes no where filter");
    }
  }
}
