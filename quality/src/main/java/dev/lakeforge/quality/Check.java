package dev.lakeforge.quality;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.lakeforge.core.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A named group of constraints at one level, with the constraint vocabulary of Deequ's Check.
 * Assertions are Java predicates on the metric ({@code c -> c >= 0.99}) or declarative {@link
 * Assertion}s. A check is immutable: every constraint returns a new check with the constraint
 * added, so a result left unused is a mistake (Error Prone's {@code CheckReturnValue} says so at
 * compile time). {@link Filterable#where} and {@link Hintable#hint} apply to the constraint just
 * added, and exist only on the types the constraints that take them return.
 *
 * <pre>{@code
 * Check orders = Check.error("orders")
 *     .isComplete("order_id").isUnique("order_id")
 *     .isContainedIn("status", "NEW", "PAID", "SHIPPED", "CANCELLED")
 *     .hasCompleteness("amount", c -> c >= 0.99).hint("the payment service drops some amounts")
 *     .satisfies("amount >= 0", "non-negative amount", f -> f >= 0.995);
 * }</pre>
 */
@CheckReturnValue
public sealed class Check permits Check.Hintable {
  /** Error fails the verification (exit code 3 in jobs); Warning only reports. */
  public enum Level {
    ERROR,
    WARNING
  }

  /** Types for {@link #hasDataType}, as Deequ infers them from strings. */
  public enum DataTypes {
    NULL,
    FRACTIONAL,
    INTEGRAL,
    BOOLEAN,
    STRING,
    NUMERIC
  }

  private final Level level;
  private final String description;
  private final List<Constraint> constraints;
  private final boolean anomalyCheck;

  private Check(Level level, String description, List<Constraint> constraints) {
    this(level, description, constraints, false);
  }

  private Check(
      Level level, String description, List<Constraint> constraints, boolean anomalyCheck) {
    this.level = Objects.requireNonNull(level, "level");
    this.description = Objects.requireNonNull(description, "description");
    this.constraints = List.copyOf(constraints);
    this.anomalyCheck = anomalyCheck;
  }

  public static Check error(String description) {
    return new Check(Level.ERROR, description, List.of());
  }

  public static Check warning(String description) {
    return new Check(Level.WARNING, description, List.of());
  }

  public static Check of(Level level, String description) {
    return new Check(level, description, List.of());
  }

  /** An anomaly check: its constraint judges a metric against the metric's history. */
  static Check anomaly(Level level, String description, Constraint judgement) {
    return new Check(level, description, List.of(judgement), true);
  }

  public Level level() {
    return level;
  }

  public String description() {
    return description;
  }

  public List<Constraint> constraints() {
    return constraints;
  }

  /**
   * Whether this check judges a metric against its history in a metrics repository (one made by
   * {@link Verification#addAnomalyCheck}), rather than against fixed constraints.
   */
  public boolean isAnomalyCheck() {
    return anomalyCheck;
  }

  /**
   * A check whose last constraint takes a hint: {@code .hasColumn("id").hint("the export drops
   * it")}.
   */
  public static sealed class Hintable extends Check permits Filterable {
    private Hintable(Level level, String description, List<Constraint> constraints) {
      super(level, description, constraints);
    }

    /** The check with a hint on the failure message of the constraint just added. */
    public Hintable hint(String hint) {
      return new Hintable(level(), description(), changeLast(c -> c.withHint(hint)));
    }
  }

  /**
   * A check whose last constraint takes a filter and a hint: {@code .hasMean("amount", m -> m >
   * 10).where("status = 'PAID'")}.
   */
  public static final class Filterable extends Hintable {
    private Filterable(Level level, String description, List<Constraint> constraints) {
      super(level, description, constraints);
    }

    /**
     * The check with the constraint just added restricted to rows where the SQL predicate holds.
     */
    public Filterable where(String filter) {
      return new Filterable(level(), description(), changeLast(c -> c.where(filter)));
    }

    @Override
    public Filterable hint(String hint) {
      return new Filterable(level(), description(), changeLast(c -> c.withHint(hint)));
    }
  }

  /** The constraints with the last one changed. */
  List<Constraint> changeLast(UnaryOperator<Constraint> change) {
    List<Constraint> out = new ArrayList<>(constraints);
    out.set(out.size() - 1, change.apply(out.get(out.size() - 1)));
    return out;
  }

  private List<Constraint> plus(Constraint c) {
    List<Constraint> out = new ArrayList<>(constraints);
    out.add(c);
    return out;
  }

  private Filterable add(Constraint c) {
    return new Filterable(level, description, plus(c));
  }

  private Filterable add(
      String name,
      Analyzer analyzer,
      DoublePredicate assertion,
      Function<String, Column> rowFailure) {
    return add(Constraint.onValue(name, analyzer, Assertion.of(assertion), rowFailure));
  }

  /** A constraint on an analyzer that takes no filter (the schema, a query, another data set). */
  private Hintable addUnfiltered(String name, Analyzer analyzer, DoublePredicate assertion) {
    return new Hintable(
        level,
        description,
        plus(Constraint.onValue(name, analyzer, Assertion.of(assertion), null)));
  }

  private static Assertion assertion(DoublePredicate p) {
    return Assertion.of(p);
  }

  // ---- size and completeness --------------------------------------------------------------

  /** The number of rows satisfies the assertion. */
  public Filterable hasSize(DoublePredicate assertion) {
    return add("hasSize", Analyzer.size(), assertion, null);
  }

  /** The number of columns satisfies the assertion. */
  public Hintable hasColumnCount(DoublePredicate assertion) {
    return addUnfiltered("hasColumnCount", Analyzer.columnCount(), assertion);
  }

  /** The data has the column (by its exact name). */
  public Hintable hasColumn(String column) {
    return addUnfiltered(
        "hasColumn(" + column + ")", Analyzer.columnExists(column), Assertion.equalTo(1));
  }

  /**
   * The single number the SQL query returns satisfies the assertion (the query runs in the data's
   * session).
   */
  public Hintable customSql(String query, DoublePredicate assertion) {
    return addUnfiltered("customSql(" + query + ")", Analyzer.customSql(query), assertion);
  }

  /**
   * The fraction of rows that have a row in {@code other} with the same key and equal values in
   * every non-key column satisfies the assertion.
   *
   * @param keys key column of the data to key column of {@code other}
   */
  public Hintable doesDatasetMatch(
      Dataset<Row> other, Map<String, String> keys, DoublePredicate assertion) {
    return doesDatasetMatch(Analyzer.datasetMatch(other, keys), assertion);
  }

  /**
   * As {@link #doesDatasetMatch(Dataset, Map, DoublePredicate)}, comparing only the given columns.
   */
  public Hintable doesDatasetMatch(
      Dataset<Row> other,
      Map<String, String> keys,
      Map<String, String> compared,
      DoublePredicate assertion) {
    return doesDatasetMatch(Analyzer.datasetMatch(other, keys).comparing(compared), assertion);
  }

  /**
   * As {@link #doesDatasetMatch(Dataset, Map, DoublePredicate)}, for a prepared match: against a
   * table ({@code Analyzer.datasetMatch("lake.sales.orders", keys)}), or comparing some columns.
   */
  public Hintable doesDatasetMatch(DatasetMatch match, DoublePredicate assertion) {
    return addUnfiltered("doesDatasetMatch(" + match.instance() + ")", match, assertion);
  }

  /** No value of the column is null. Row level: the value is null. */
  public Filterable isComplete(String column) {
    return add(
        "isComplete(" + column + ")",
        Analyzer.completeness(column),
        Assertion.equalTo(1),
        RowRules.isNull(column));
  }

  /** The fraction of non-null values satisfies the assertion. Row level: the value is null. */
  public Filterable hasCompleteness(String column, DoublePredicate assertion) {
    return add(
        "hasCompleteness(" + column + ")",
        Analyzer.completeness(column),
        assertion,
        RowRules.isNull(column));
  }

  // ---- uniqueness and distinct values ---------------------------------------------------

  /** Every non-null value occurs once. Row level: the value occurs more than once. */
  public Filterable isUnique(String column) {
    return add(
        "isUnique(" + column + ")",
        Analyzer.uniqueness(column),
        Assertion.equalTo(1),
        RowRules.duplicate(List.of(column)));
  }

  /** The columns together identify each row. Row level: the key occurs more than once. */
  public Filterable isPrimaryKey(String column, String... more) {
    List<String> cols = new ArrayList<>(List.of(column));
    cols.addAll(Arrays.asList(more));
    return add(
        "isPrimaryKey(" + String.join(", ", cols) + ")",
        new Uniqueness(cols, null),
        Assertion.equalTo(1),
        RowRules.duplicate(cols));
  }

  public Filterable hasUniqueness(List<String> columns, DoublePredicate assertion) {
    return add(
        "hasUniqueness(" + String.join(", ", columns) + ")",
        new Uniqueness(columns, null),
        assertion,
        null);
  }

  public Filterable hasDistinctness(List<String> columns, DoublePredicate assertion) {
    return add(
        "hasDistinctness(" + String.join(", ", columns) + ")",
        new Distinctness(columns, null),
        assertion,
        null);
  }

  public Filterable hasUniqueValueRatio(List<String> columns, DoublePredicate assertion) {
    return add(
        "hasUniqueValueRatio(" + String.join(", ", columns) + ")",
        new UniqueValueRatio(columns, null),
        assertion,
        null);
  }

  /** The exact number of distinct values satisfies the assertion. */
  public Filterable hasNumberOfDistinctValues(String column, DoublePredicate assertion) {
    return add(
        "hasNumberOfDistinctValues(" + column + ")",
        Analyzer.countDistinct(column),
        assertion,
        null);
  }

  public Filterable hasApproxCountDistinct(String column, DoublePredicate assertion) {
    return add(
        "hasApproxCountDistinct(" + column + ")",
        Analyzer.approxCountDistinct(column),
        assertion,
        null);
  }

  /**
   * The histogram of the column satisfies the assertion (the reported value is the number of bins).
   */
  public Filterable hasHistogramValues(String column, Predicate<Distribution> assertion) {
    Histogram h = Analyzer.histogram(column);
    return add(
        new Constraint(
            "hasHistogramValues(" + column + ")",
            h,
            m -> assertion.test(m.distribution()),
            Metric::value,
            "a custom assertion on the histogram",
            null,
            null));
  }

  public Filterable hasEntropy(String column, DoublePredicate assertion) {
    return add("hasEntropy(" + column + ")", Analyzer.entropy(column), assertion, null);
  }

  public Filterable hasMutualInformation(String first, String second, DoublePredicate assertion) {
    return add(
        "hasMutualInformation(" + first + ", " + second + ")",
        Analyzer.mutualInformation(first, second),
        assertion,
        null);
  }

  // ---- statistics -------------------------------------------------------------------------

  public Filterable hasApproxQuantile(String column, double quantile, DoublePredicate assertion) {
    return add(
        "hasApproxQuantile(" + column + ", " + quantile + ")",
        Analyzer.approxQuantile(column, quantile),
        assertion,
        null);
  }

  /**
   * The shortest string satisfies the assertion. Row level (declarative assertions): the value's
   * length breaks it.
   */
  public Filterable hasMinLength(String column, DoublePredicate assertion) {
    return hasMinLength(column, assertion, Analyzer.NullBehavior.IGNORE);
  }

  /**
   * As {@link #hasMinLength(String, DoublePredicate)}, with nulls treated as {@code nulls} says.
   */
  public Filterable hasMinLength(
      String column, DoublePredicate assertion, Analyzer.NullBehavior nulls) {
    return add(
        "hasMinLength(" + column + ")",
        Analyzer.minLength(column).withNulls(nulls),
        assertion,
        RowRules.lengthOf(column, assertion(assertion), nulls));
  }

  /**
   * The longest string satisfies the assertion. Row level (declarative assertions): the value's
   * length breaks it.
   */
  public Filterable hasMaxLength(String column, DoublePredicate assertion) {
    return hasMaxLength(column, assertion, Analyzer.NullBehavior.IGNORE);
  }

  /**
   * As {@link #hasMaxLength(String, DoublePredicate)}, with nulls treated as {@code nulls} says.
   */
  public Filterable hasMaxLength(
      String column, DoublePredicate assertion, Analyzer.NullBehavior nulls) {
    return add(
        "hasMaxLength(" + column + ")",
        Analyzer.maxLength(column).withNulls(nulls),
        assertion,
        RowRules.lengthOf(column, assertion(assertion), nulls));
  }

  /**
   * The minimum satisfies the assertion. Row level (declarative assertions): the value breaks it.
   */
  public Filterable hasMin(String column, DoublePredicate assertion) {
    return add(
        "hasMin(" + column + ")",
        Analyzer.minimum(column),
        assertion,
        RowRules.value(column, assertion(assertion)));
  }

  /**
   * The maximum satisfies the assertion. Row level (declarative assertions): the value breaks it.
   */
  public Filterable hasMax(String column, DoublePredicate assertion) {
    return add(
        "hasMax(" + column + ")",
        Analyzer.maximum(column),
        assertion,
        RowRules.value(column, assertion(assertion)));
  }

  public Filterable hasMean(String column, DoublePredicate assertion) {
    return add("hasMean(" + column + ")", Analyzer.mean(column), assertion, null);
  }

  public Filterable hasSum(String column, DoublePredicate assertion) {
    return add("hasSum(" + column + ")", Analyzer.sum(column), assertion, null);
  }

  public Filterable hasStandardDeviation(String column, DoublePredicate assertion) {
    return add(
        "hasStandardDeviation(" + column + ")",
        Analyzer.standardDeviation(column),
        assertion,
        null);
  }

  /** The population variance satisfies the assertion. */
  public Filterable hasVariance(String column, DoublePredicate assertion) {
    return add("hasVariance(" + column + ")", Analyzer.variance(column), assertion, null);
  }

  /** The population skewness satisfies the assertion (0 for a constant column). */
  public Filterable hasSkewness(String column, DoublePredicate assertion) {
    return add("hasSkewness(" + column + ")", Analyzer.skewness(column), assertion, null);
  }

  /**
   * The population excess kurtosis satisfies the assertion (0 for a normal distribution and a
   * constant column).
   */
  public Filterable hasKurtosis(String column, DoublePredicate assertion) {
    return add("hasKurtosis(" + column + ")", Analyzer.kurtosis(column), assertion, null);
  }

  /** The number of zeros satisfies the assertion. */
  public Filterable hasZerosCount(String column, DoublePredicate assertion) {
    return add("hasZerosCount(" + column + ")", Analyzer.zerosCount(column), assertion, null);
  }

  /** The exact quantile satisfies the assertion. */
  public Filterable hasExactQuantile(String column, double quantile, DoublePredicate assertion) {
    return add(
        "hasExactQuantile(" + column + ", " + quantile + ")",
        Analyzer.exactQuantile(column, quantile),
        assertion,
        null);
  }

  /** A quantile of the column's KLL sketch satisfies the assertion (rank error about 0.08%). */
  public Filterable hasKllQuantile(String column, double quantile, DoublePredicate assertion) {
    KllSketch a = Analyzer.kllSketch(column).with(KllSketch.DEFAULT_SKETCH_SIZE, 1, quantile);
    String key = Double.toString(quantile);
    Assertion test = Assertion.of(assertion);
    return add(
        new Constraint(
            "hasKllQuantile(" + column + ", " + quantile + ")",
            a,
            m -> test.test(m.keyed().get(key)),
            m -> m.keyed().get(key),
            test.toString(),
            null,
            null));
  }

  /** The interquartile range (exact 75th minus 25th percentile) satisfies the assertion. */
  public Filterable hasInterquartileRange(String column, DoublePredicate assertion) {
    return add(
        "hasInterquartileRange(" + column + ")",
        Analyzer.interquartileRange(column),
        assertion,
        null);
  }

  /** The sum of one column over the sum of another satisfies the assertion. */
  public Filterable hasRatioOfSums(
      String numerator, String denominator, DoublePredicate assertion) {
    return add(
        "hasRatioOfSums(" + numerator + ", " + denominator + ")",
        Analyzer.ratioOfSums(numerator, denominator),
        assertion,
        null);
  }

  /**
   * The number of rows whose values in the columns (every column when none are given) occur more
   * than once satisfies the assertion. Row level: the row's values occur more than once.
   */
  public Filterable hasDuplicateRowCount(List<String> columns, DoublePredicate assertion) {
    DuplicateRowCount a = new DuplicateRowCount(columns, null);
    return add(
        "hasDuplicateRowCount(" + a.instance() + ")",
        a,
        assertion,
        columns.isEmpty() ? null : RowRules.duplicate(columns));
  }

  public Filterable hasCorrelation(String first, String second, DoublePredicate assertion) {
    return add(
        "hasCorrelation(" + first + ", " + second + ")",
        Analyzer.correlation(first, second),
        assertion,
        null);
  }

  // ---- predicates and patterns ------------------------------------------------------------

  /**
   * The fraction of rows where the SQL predicate holds satisfies the assertion (null counts as
   * false). Row level: the predicate is false or null.
   */
  public Filterable satisfies(String predicate, String name, DoublePredicate assertion) {
    return add(name, Analyzer.compliance(name, predicate), assertion, RowRules.violates(predicate));
  }

  /**
   * The fraction of values containing a match of the regex satisfies the assertion. Row level: no
   * match (or null).
   */
  public Filterable hasPattern(String column, String regex, DoublePredicate assertion) {
    return add(
        "hasPattern(" + column + ", " + regex + ")",
        Analyzer.patternMatch(column, regex),
        assertion,
        RowRules.pattern(column, regex));
  }

  public Filterable hasPattern(String column, String regex) {
    return hasPattern(column, regex, Assertion.equalTo(1));
  }

  public Filterable containsEmail(String column, DoublePredicate assertion) {
    return patternNamed("containsEmail", column, Patterns.EMAIL, assertion);
  }

  public Filterable containsEmail(String column) {
    return containsEmail(column, Assertion.equalTo(1));
  }

  public Filterable containsURL(String column, DoublePredicate assertion) {
    return patternNamed("containsURL", column, Patterns.URL, assertion);
  }

  public Filterable containsURL(String column) {
    return containsURL(column, Assertion.equalTo(1));
  }

  public Filterable containsCreditCardNumber(String column, DoublePredicate assertion) {
    return patternNamed("containsCreditCardNumber", column, Patterns.CREDIT_CARD, assertion);
  }

  public Filterable containsCreditCardNumber(String column) {
    return containsCreditCardNumber(column, Assertion.equalTo(1));
  }

  private Filterable patternNamed(
      String name, String column, String regex, DoublePredicate assertion) {
    return add(
        name + "(" + column + ")",
        Analyzer.patternMatch(column, regex),
        assertion,
        RowRules.pattern(column, regex));
  }

  private Filterable compliance(String name, String predicate, DoublePredicate assertion) {
    return add(name, Analyzer.compliance(name, predicate), assertion, RowRules.violates(predicate));
  }

  static String quote(String column) {
    return Frames.quoted(column);
  }

  /** No value is negative (nulls pass). Row level: the value is negative. */
  public Filterable isNonNegative(String column) {
    return isNonNegative(column, Assertion.equalTo(1));
  }

  public Filterable isNonNegative(String column, DoublePredicate assertion) {
    return compliance(
        "isNonNegative(" + column + ")",
        "COALESCE(CAST(" + quote(column) + " AS DECIMAL(38, 10)), 0.0) >= 0",
        assertion);
  }

  /** Every value is positive (nulls pass). Row level: the value is 0 or negative. */
  public Filterable isPositive(String column) {
    return isPositive(column, Assertion.equalTo(1));
  }

  public Filterable isPositive(String column, DoublePredicate assertion) {
    return compliance(
        "isPositive(" + column + ")",
        "COALESCE(CAST(" + quote(column) + " AS DECIMAL(38, 10)), 1.0) > 0",
        assertion);
  }

  public Filterable isLessThan(String first, String second) {
    return compliance(
        "isLessThan(" + first + ", " + second + ")",
        quote(first) + " < " + quote(second),
        Assertion.equalTo(1));
  }

  public Filterable isLessThanOrEqualTo(String first, String second) {
    return compliance(
        "isLessThanOrEqualTo(" + first + ", " + second + ")",
        quote(first) + " <= " + quote(second),
        Assertion.equalTo(1));
  }

  public Filterable isGreaterThan(String first, String second) {
    return compliance(
        "isGreaterThan(" + first + ", " + second + ")",
        quote(first) + " > " + quote(second),
        Assertion.equalTo(1));
  }

  public Filterable isGreaterThanOrEqualTo(String first, String second) {
    return compliance(
        "isGreaterThanOrEqualTo(" + first + ", " + second + ")",
        quote(first) + " >= " + quote(second),
        Assertion.equalTo(1));
  }

  /** Every non-null value is one of the allowed values. Row level: the value is not allowed. */
  public Filterable isContainedIn(String column, String... allowed) {
    return isContainedIn(column, List.of(allowed), Assertion.equalTo(1));
  }

  /** The fraction of rows whose value is null or allowed satisfies the assertion. */
  public Filterable isContainedIn(String column, List<String> allowed, DoublePredicate assertion) {
    String values =
        allowed.stream()
            .map(v -> "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'")
            .collect(Collectors.joining(", "));
    return compliance(
        "isContainedIn(" + column + ", [" + String.join(", ", allowed) + "])",
        quote(column) + " IS NULL OR " + quote(column) + " IN (" + values + ")",
        assertion);
  }

  /** Every non-null value lies in the range. Row level: the value lies outside it. */
  public Filterable isContainedIn(
      String column, double lower, double upper, boolean includeLower, boolean includeUpper) {
    return isContainedIn(column, lower, upper, includeLower, includeUpper, Assertion.equalTo(1));
  }

  public Filterable isContainedIn(
      String column,
      double lower,
      double upper,
      boolean includeLower,
      boolean includeUpper,
      DoublePredicate assertion) {
    String q = quote(column);
    String pred =
        q
            + " IS NULL OR ("
            + q
            + (includeLower ? " >= " : " > ")
            + Constraint.format(lower)
            + " AND "
            + q
            + (includeUpper ? " <= " : " < ")
            + Constraint.format(upper)
            + ")";
    return compliance(
        "isContainedIn("
            + column
            + ", "
            + (includeLower ? "[" : "(")
            + Constraint.format(lower)
            + ", "
            + Constraint.format(upper)
            + (includeUpper ? "]" : ")")
            + ")",
        pred,
        assertion);
  }

  /**
   * The fraction of values inferred as the type satisfies the assertion (NUMERIC = FRACTIONAL +
   * INTEGRAL).
   */
  public Filterable hasDataType(String column, DataTypes type, DoublePredicate assertion) {
    DataType a = Analyzer.dataType(column);
    Assertion test = Assertion.of(assertion);
    ToDoubleFunction<Metric> ratio =
        m ->
            switch (type) {
              case NULL -> m.distribution().ratio("Unknown");
              case NUMERIC ->
                  m.distribution().ratio("Fractional") + m.distribution().ratio("Integral");
              default ->
                  m.distribution()
                      .ratio(
                          type.name().charAt(0)
                              + type.name().substring(1).toLowerCase(Locale.ROOT));
            };
    return add(
        new Constraint(
            "hasDataType(" + column + ", " + type + ")",
            a,
            m -> test.test(ratio.applyAsDouble(m)),
            ratio,
            test.toString(),
            null,
            null));
  }

  @Override
  public String toString() {
    return level + " check '" + description + "' with " + constraints.size() + " constraint(s)";
  }
}
