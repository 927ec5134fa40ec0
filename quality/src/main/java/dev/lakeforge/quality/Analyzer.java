package dev.lakeforge.quality;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A metric to compute over a DataFrame, with Deequ's semantics. Every analyzer takes an optional
 * {@code where} filter (a SQL predicate); rows it rejects are ignored. Scan analyzers of one run
 * are computed in one aggregation; grouping analyzers (uniqueness, distinctness, entropy, ...)
 * share one group-by per column set.
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

  /** A copy that only looks at rows where {@code predicate} is true. */
  Analyzer where(String predicate);

  /** The columns the analyzer reads (for validation against a schema). */
  List<String> columns();

  /** Whether it needs a group-by (frequencies) rather than a single scan. */
  default boolean grouping() {
    return false;
  }

  /** A readable form, e.g. {@code Completeness(customer, where status = 'PAID')}. */
  default String describe() {
    String base = getClass().getSimpleName() + "(" + instance() + ")";
    return filter() == null ? base : base.substring(0, base.length() - 1) + ", where " + filter() + ")";
  }

  // ---- factories -------------------------------------------------------------------------

  static Size size() {
    return new Size(null);
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

  static ApproxQuantile approxQuantile(String column, double quantile) {
    return new ApproxQuantile(column, quantile, ApproxQuantile.DEFAULT_RELATIVE_ERROR, null);
  }

  static ApproxQuantiles approxQuantiles(String column, double... quantiles) {
    return new ApproxQuantiles(column, java.util.Arrays.stream(quantiles).boxed().toList(),
        ApproxQuantile.DEFAULT_RELATIVE_ERROR, null);
  }

  static MinLength minLength(String column) {
    return new MinLength(column, null);
  }

  static MaxLength maxLength(String column) {
    return new MaxLength(column, null);
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

  static DataType dataType(String column) {
    return new DataType(column, null);
  }

  // ---- the analyzers ---------------------------------------------------------------------

  /** Size: the number of rows (matching the filter). */
  record Size(String filter) implements Analyzer {
    public String name() {
      return "Size";
    }

    public String instance() {
      return "*";
    }

    public Entity entity() {
      return Entity.DATASET;
    }

    public Size where(String p) {
      return new Size(p);
    }

    public List<String> columns() {
      return List.of();
    }
  }

  /** Completeness: non-null values / rows. Fails on no rows. */
  record Completeness(String column, String filter) implements Analyzer, OneColumn {
    public Completeness {
      Objects.requireNonNull(column, "column");
    }

    public String name() {
      return "Completeness";
    }

    public Completeness where(String p) {
      return new Completeness(column, p);
    }
  }

  /**
   * Uniqueness: values that occur exactly once / rows with at least one non-null value in the
   * columns. 1.0 means the columns form a key.
   */
  record Uniqueness(List<String> columns, String filter) implements Analyzer, Grouping {
    public Uniqueness {
      columns = Grouping.check(columns);
    }

    public String name() {
      return "Uniqueness";
    }

    public Uniqueness where(String p) {
      return new Uniqueness(columns, p);
    }
  }

  /** Distinctness: distinct values / rows with at least one non-null value in the columns. */
  record Distinctness(List<String> columns, String filter) implements Analyzer, Grouping {
    public Distinctness {
      columns = Grouping.check(columns);
    }

    public String name() {
      return "Distinctness";
    }

    public Distinctness where(String p) {
      return new Distinctness(columns, p);
    }
  }

  /** UniqueValueRatio: values that occur exactly once / distinct values. */
  record UniqueValueRatio(List<String> columns, String filter) implements Analyzer, Grouping {
    public UniqueValueRatio {
      columns = Grouping.check(columns);
    }

    public String name() {
      return "UniqueValueRatio";
    }

    public UniqueValueRatio where(String p) {
      return new UniqueValueRatio(columns, p);
    }
  }

  /** CountDistinct: the exact number of distinct non-null value combinations. */
  record CountDistinct(List<String> columns, String filter) implements Analyzer, Grouping {
    public CountDistinct {
      columns = Grouping.check(columns);
    }

    public String name() {
      return "CountDistinct";
    }

    public CountDistinct where(String p) {
      return new CountDistinct(columns, p);
    }
  }

  /** ApproxCountDistinct: distinct non-null values estimated with HyperLogLog++ (5% relative error). */
  record ApproxCountDistinct(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "ApproxCountDistinct";
    }

    public ApproxCountDistinct where(String p) {
      return new ApproxCountDistinct(column, p);
    }
  }

  /** Minimum of the non-null values of a numeric column. Fails when there are none. */
  record Minimum(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "Minimum";
    }

    public Minimum where(String p) {
      return new Minimum(column, p);
    }
  }

  /** Maximum of the non-null values of a numeric column. Fails when there are none. */
  record Maximum(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "Maximum";
    }

    public Maximum where(String p) {
      return new Maximum(column, p);
    }
  }

  /** Mean: sum / count of the non-null values of a numeric column. Fails when there are none. */
  record Mean(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "Mean";
    }

    public Mean where(String p) {
      return new Mean(column, p);
    }
  }

  /** Sum of the non-null values of a numeric column. Fails when there are none. */
  record Sum(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "Sum";
    }

    public Sum where(String p) {
      return new Sum(column, p);
    }
  }

  /** StandardDeviation: the population standard deviation of the non-null values. Fails when there are none. */
  record StandardDeviation(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "StandardDeviation";
    }

    public StandardDeviation where(String p) {
      return new StandardDeviation(column, p);
    }
  }

  /**
   * ApproxQuantile: the value below which {@code quantile} of the non-null values lie, within
   * {@code relativeError} of the rank (Spark's percentile_approx, accuracy 1 / relativeError); a
   * relative error of 0 gives the exact quantile, as in Deequ.
   */
  record ApproxQuantile(String column, double quantile, double relativeError, String filter)
      implements Analyzer, OneColumn {
    public static final double DEFAULT_RELATIVE_ERROR = 0.01;

    public ApproxQuantile {
      if (quantile < 0 || quantile > 1) {
        throw new IllegalArgumentException("quantile must lie in [0, 1], got " + quantile);
      }
      requireRelativeError(relativeError);
    }

    /** Spark's percentile_approx accuracy for a relative error (0, exact: the largest accuracy). */
    static int accuracy(double relativeError) {
      return relativeError == 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, Math.round(1 / relativeError));
    }

    static void requireRelativeError(double relativeError) {
      if (!(relativeError >= 0 && relativeError <= 1)) {
        throw new IllegalArgumentException("relativeError must lie in [0, 1], got " + relativeError);
      }
    }

    public String name() {
      return "ApproxQuantile-" + quantile;
    }

    public ApproxQuantile where(String p) {
      return new ApproxQuantile(column, quantile, relativeError, p);
    }
  }

  /** ApproxQuantiles: several quantiles at once; the metric is keyed by quantile ({@code ApproxQuantiles-0.5}). */
  record ApproxQuantiles(String column, List<Double> quantiles, double relativeError, String filter)
      implements Analyzer, OneColumn {
    public ApproxQuantiles {
      quantiles = List.copyOf(quantiles);
      for (double q : quantiles) {
        if (q < 0 || q > 1) {
          throw new IllegalArgumentException("quantiles must lie in [0, 1], got " + q);
        }
      }
      if (quantiles.isEmpty()) {
        throw new IllegalArgumentException("ApproxQuantiles needs at least one quantile");
      }
      ApproxQuantile.requireRelativeError(relativeError);
    }

    public String name() {
      return "ApproxQuantiles";
    }

    public ApproxQuantiles where(String p) {
      return new ApproxQuantiles(column, quantiles, relativeError, p);
    }
  }

  /** MinLength: the shortest length (in characters) of the non-null values of a string column. */
  record MinLength(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "MinLength";
    }

    public MinLength where(String p) {
      return new MinLength(column, p);
    }
  }

  /** MaxLength: the longest length (in characters) of the non-null values of a string column. */
  record MaxLength(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "MaxLength";
    }

    public MaxLength where(String p) {
      return new MaxLength(column, p);
    }
  }

  /**
   * Compliance: rows where the SQL predicate is true / rows. A predicate that is null for a row
   * counts as not compliant. Fails on no rows.
   */
  record Compliance(String instanceName, String predicate, String filter) implements Analyzer {
    public Compliance {
      Objects.requireNonNull(predicate, "predicate");
      instanceName = instanceName == null ? predicate : instanceName;
    }

    public String name() {
      return "Compliance";
    }

    public String instance() {
      return instanceName;
    }

    public Entity entity() {
      return Entity.COLUMN;
    }

    public Compliance where(String p) {
      return new Compliance(instanceName, predicate, p);
    }

    public List<String> columns() {
      return List.of();
    }
  }

  /**
   * PatternMatch: rows whose value contains a match of the regex / rows. Nulls do not match.
   * See {@link Patterns} for email, URL and credit-card patterns.
   */
  record PatternMatch(String column, String pattern, String filter) implements Analyzer, OneColumn {
    public PatternMatch {
      java.util.regex.Pattern.compile(pattern);
    }

    public String name() {
      return "PatternMatch";
    }

    public PatternMatch where(String p) {
      return new PatternMatch(column, pattern, p);
    }
  }

  /** Entropy: -sum(p * ln p) over the relative frequencies p of the non-null values. */
  record Entropy(String column, String filter) implements Analyzer, Grouping {
    public String name() {
      return "Entropy";
    }

    public List<String> columns() {
      return List.of(column);
    }

    public Entropy where(String p) {
      return new Entropy(column, p);
    }
  }

  /** MutualInformation: sum(p(x,y) * ln(p(x,y) / (p(x) p(y)))) over rows with a non-null value in either column. */
  record MutualInformation(List<String> columns, String filter) implements Analyzer, Grouping {
    public MutualInformation {
      columns = List.copyOf(columns);
      if (columns.size() != 2) {
        throw new IllegalArgumentException("MutualInformation needs exactly two columns, got " + columns);
      }
    }

    public String name() {
      return "MutualInformation";
    }

    public MutualInformation where(String p) {
      return new MutualInformation(columns, p);
    }
  }

  /** Correlation: the Pearson correlation of two numeric columns over rows where both are non-null. */
  record Correlation(String first, String second, String filter) implements Analyzer {
    public String name() {
      return "Correlation";
    }

    public String instance() {
      return first + "," + second;
    }

    public Entity entity() {
      return Entity.MULTICOLUMN;
    }

    public List<String> columns() {
      return List.of(first, second);
    }

    public Correlation where(String p) {
      return new Correlation(first, second, p);
    }
  }

  /**
   * Histogram: each value's count and ratio of all rows (nulls as {@code NullValue}); the
   * {@code maxDetailBins} most frequent values are kept, {@code numberOfBins} counts all.
   */
  record Histogram(String column, int maxDetailBins, String filter) implements Analyzer, Grouping {
    public static final int DEFAULT_MAX_BINS = 1000;
    public static final String NULL_VALUE = "NullValue";

    public Histogram {
      if (column == null || maxDetailBins < 0) {
        throw new IllegalArgumentException("Histogram needs a column and maxDetailBins >= 0 (the bins reported in"
            + " detail; every bin is counted), got " + column + " and " + maxDetailBins);
      }
    }

    public String name() {
      return "Histogram";
    }

    public List<String> columns() {
      return List.of(column);
    }

    public Histogram where(String p) {
      return new Histogram(column, maxDetailBins, p);
    }
  }

  /**
   * DataType: the distribution of inferred types of a column's values as strings: {@code
   * Unknown} (null), {@code Fractional}, {@code Integral}, {@code Boolean} or {@code String}, with
   * Deequ's rules. Reported like a histogram (metric names {@code Histogram.abs.Integral}, ...).
   */
  record DataType(String column, String filter) implements Analyzer, OneColumn {
    public String name() {
      return "Histogram";
    }

    public DataType where(String p) {
      return new DataType(column, p);
    }

    @Override
    public String describe() {
      return "DataType(" + column + (filter == null ? ")" : ", where " + filter + ")");
    }
  }

  /** Analyzers of one column. */
  sealed interface OneColumn extends Analyzer {
    String column();

    default String instance() {
      return column();
    }

    default Entity entity() {
      return Entity.COLUMN;
    }

    default List<String> columns() {
      return List.of(column());
    }
  }

  /** Analyzers computed from value frequencies (a group-by). */
  sealed interface Grouping extends Analyzer {
    @Override
    default boolean grouping() {
      return true;
    }

    default String instance() {
      return String.join(",", columns());
    }

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

  /** The lower-case constraint-style name, e.g. {@code approxquantile}. */
  default String kind() {
    return getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
