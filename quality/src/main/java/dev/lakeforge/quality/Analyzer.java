package dev.lakeforge.quality;

import dev.lakeforge.quality.Plans.FrequencyBased;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
public sealed interface Analyzer
    permits Size,
        ColumnCount,
        ColumnExists,
        CustomSql,
        DatasetMatch,
        Completeness,
        ZerosCount,
        ApproxCountDistinct,
        Uniqueness,
        Distinctness,
        UniqueValueRatio,
        CountDistinct,
        DuplicateRowCount,
        Entropy,
        MutualInformation,
        Minimum,
        Maximum,
        Mean,
        Sum,
        StandardDeviation,
        Variance,
        Skewness,
        Kurtosis,
        RatioOfSums,
        Correlation,
        ApproxQuantile,
        ApproxQuantiles,
        ExactQuantile,
        KllSketch,
        InterquartileRange,
        MinLength,
        MaxLength,
        Compliance,
        PatternMatch,
        Histogram,
        HistogramBinned,
        DataType,
        Analyzer.OneColumn,
        Analyzer.Grouping,
        Analyzer.Unfiltered {
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

  // ---- completeness and counts -----------------------------------------------------------

  // ---- frequencies -----------------------------------------------------------------------

  // ---- statistics ------------------------------------------------------------------------

  // ---- strings, predicates and patterns --------------------------------------------------

  // ---- distributions ---------------------------------------------------------------------

  // ---- shapes ----------------------------------------------------------------------------

  /** Analyzers of one column. */
  sealed interface OneColumn extends Analyzer
      permits Completeness,
          ZerosCount,
          ApproxCountDistinct,
          MinLength,
          MaxLength,
          PatternMatch,
          HistogramBinned,
          DataType,
          NumericScan {
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
  }

  /** One numeric column, one aggregated number. */
  sealed interface NumericScan extends OneColumn, ScanShareable
      permits Minimum,
          Maximum,
          Mean,
          Sum,
          StandardDeviation,
          Variance,
          Skewness,
          Kurtosis,
          ApproxQuantile,
          ApproxQuantiles,
          ExactQuantile,
          KllSketch,
          InterquartileRange {
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
  }

  /** Analyzers computed from value frequencies (a group-by). */
  sealed interface Grouping extends Analyzer, FrequencyBased
      permits Uniqueness,
          Distinctness,
          UniqueValueRatio,
          CountDistinct,
          DuplicateRowCount,
          Entropy,
          MutualInformation {
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
  sealed interface Unfiltered extends Analyzer
      permits ColumnCount, ColumnExists, CustomSql, DatasetMatch {
    @Override
    default String filter() {
      return null;
    }

    @Override
    default List<String> columns() {
      return List.of();
    }
  }
}
