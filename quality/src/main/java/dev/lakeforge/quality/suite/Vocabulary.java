package dev.lakeforge.quality.suite;

import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.ApproxQuantile;
import dev.lakeforge.quality.ApproxQuantiles;
import dev.lakeforge.quality.Assertion;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.CountDistinct;
import dev.lakeforge.quality.CustomSql;
import dev.lakeforge.quality.DatasetMatch;
import dev.lakeforge.quality.Distinctness;
import dev.lakeforge.quality.DuplicateRowCount;
import dev.lakeforge.quality.Histogram;
import dev.lakeforge.quality.HistogramBinned;
import dev.lakeforge.quality.KllSketch;
import dev.lakeforge.quality.UniqueValueRatio;
import dev.lakeforge.quality.Uniqueness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The words of a suite file, declared once: each constraint word with its shorthand, keys and the
 * {@link Check} method it calls; each analyzer word with the {@link Analyzer} it makes. The same
 * table reads suite files ({@link SuiteFiles}), writes suggested entries ({@code
 * dev.lakeforge.quality.Suggestions}) and generates the vocabulary section of docs/quality.md; a
 * test holds it equal to the fluent API.
 */
final class Vocabulary {
  private Vocabulary() {}

  /**
   * The check with the entry's filter and hint on the constraint it added last; a word that adds
   * more than one constraint scopes the earlier ones itself, with this.
   */
  static Check scoped(Check check, SuiteArgs a) {
    String where = a.string("where");
    String hint = a.string("hint");
    Check out = check;
    if (where != null) {
      if (!(out instanceof Check.Filterable f)) {
        throw a.error("where", a.entry + " takes no where filter");
      }
      out = f.where(where);
    }
    if (hint != null) {
      if (!(out instanceof Check.Hintable h)) {
        throw a.error("hint", a.entry + " takes no hint");
      }
      out = h.hint(hint);
    }
    return out;
  }

  static final Set<String> COMMON = Set.of("where", "hint");
  static final Set<String> ASSERTION_OPERATORS =
      Set.of("between", "equals", "atLeast", "atMost", "greaterThan", "lessThan");

  enum Shorthand {
    COLUMN,
    COLUMNS,
    ASSERTION,
    NONE
  }

  /**
   * A word of the vocabulary: its shorthand, keys, and how it adds a constraint or makes an
   * analyzer.
   */
  record Def(
      Shorthand shorthand,
      Set<String> keys,
      Set<String> required,
      BiFunction<Check, SuiteArgs, Check> add,
      Function<SuiteArgs, Analyzer> make) {
    Def(
        Shorthand shorthand,
        Set<String> keys,
        Set<String> required,
        Function<SuiteArgs, Analyzer> make) {
      this(shorthand, keys, required, null, make);
    }
  }

  static final Map<String, Def> CONSTRAINTS = new LinkedHashMap<>();
  static final Map<String, Def> ANALYZERS = new LinkedHashMap<>();

  private static Set<String> keys(String... k) {
    return Set.of(k);
  }

  private static void constraint(
      String name,
      Shorthand s,
      Set<String> keys,
      Set<String> required,
      BiFunction<Check, SuiteArgs, Check> add) {
    CONSTRAINTS.put(name, new Def(s, keys, required, add, null));
  }

  private static void columnAssertion(String name, TriAdd add) {
    constraint(
        name,
        Shorthand.NONE,
        keys("column", "assertion"),
        keys("column", "assertion"),
        (c, a) -> add.add(c, a.requiredString("column"), a.assertion("assertion", null)));
  }

  private static void columnsAssertion(String name, TriListAdd add) {
    constraint(
        name,
        Shorthand.NONE,
        keys("columns", "assertion"),
        keys("columns", "assertion"),
        (c, a) -> add.add(c, a.strings("columns"), a.assertion("assertion", null)));
  }

  private interface TriAdd {
    Check add(Check c, String column, Assertion a);
  }

  private interface TriListAdd {
    Check add(Check c, List<String> columns, Assertion a);
  }

  private static List<String> two(SuiteArgs a, String key) {
    List<String> cols = a.strings(key);
    if (cols.size() != 2) {
      throw a.error(key, a.entry + " needs exactly two columns, got " + cols.size());
    }
    return cols;
  }

  static {
    Set<String> none = Set.of();
    constraint(
        "hasSize",
        Shorthand.ASSERTION,
        keys("assertion"),
        keys("assertion"),
        (c, a) -> c.hasSize(a.assertion("assertion", null)));
    constraint(
        "isComplete",
        Shorthand.COLUMN,
        keys("column"),
        keys("column"),
        (c, a) -> c.isComplete(a.requiredString("column")));
    columnAssertion("hasCompleteness", Check::hasCompleteness);
    constraint(
        "isUnique",
        Shorthand.COLUMN,
        keys("column"),
        keys("column"),
        (c, a) -> c.isUnique(a.requiredString("column")));
    constraint(
        "isPrimaryKey",
        Shorthand.COLUMNS,
        keys("columns"),
        keys("columns"),
        (c, a) -> {
          List<String> cols = a.strings("columns");
          return c.isPrimaryKey(cols.get(0), cols.subList(1, cols.size()).toArray(String[]::new));
        });
    columnsAssertion("hasUniqueness", Check::hasUniqueness);
    columnsAssertion("hasDistinctness", Check::hasDistinctness);
    columnsAssertion("hasUniqueValueRatio", Check::hasUniqueValueRatio);
    columnAssertion("hasNumberOfDistinctValues", Check::hasNumberOfDistinctValues);
    constraint(
        "hasHistogramValues",
        Shorthand.NONE,
        keys("column", "value", "ratio", "absolute"),
        keys("column", "value"),
        (c, a) -> {
          String value = a.requiredString("value");
          if (a.has("ratio") == a.has("absolute")) {
            throw a.error(
                null,
                "hasHistogramValues needs exactly one of 'ratio' or 'absolute' (an assertion on the value's share or count)");
          }
          boolean ratio = a.has("ratio");
          Assertion test = a.assertion(ratio ? "ratio" : "absolute", null);
          return c.hasHistogramValues(
              a.requiredString("column"),
              d -> test.test(ratio ? d.ratio(value) : d.absolute(value)));
        });
    columnAssertion("hasEntropy", Check::hasEntropy);
    constraint(
        "hasMutualInformation",
        Shorthand.NONE,
        keys("columns", "assertion"),
        keys("columns", "assertion"),
        (c, a) -> {
          List<String> cols = two(a, "columns");
          return c.hasMutualInformation(cols.get(0), cols.get(1), a.assertion("assertion", null));
        });
    constraint(
        "hasApproxQuantile",
        Shorthand.NONE,
        keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) ->
            c.hasApproxQuantile(
                a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint(
        "hasMinLength",
        Shorthand.NONE,
        keys("column", "assertion", "nulls"),
        keys("column", "assertion"),
        (c, a) ->
            c.hasMinLength(
                a.requiredString("column"), a.assertion("assertion", null), a.nulls("nulls")));
    constraint(
        "hasMaxLength",
        Shorthand.NONE,
        keys("column", "assertion", "nulls"),
        keys("column", "assertion"),
        (c, a) ->
            c.hasMaxLength(
                a.requiredString("column"), a.assertion("assertion", null), a.nulls("nulls")));
    constraint(
        "hasColumnCount",
        Shorthand.ASSERTION,
        keys("assertion"),
        keys("assertion"),
        (c, a) -> c.hasColumnCount(a.assertion("assertion", null)));
    constraint(
        "hasColumn",
        Shorthand.COLUMN,
        keys("column"),
        keys("column"),
        (c, a) -> c.hasColumn(a.requiredString("column")));
    columnAssertion("hasVariance", Check::hasVariance);
    columnAssertion("hasSkewness", Check::hasSkewness);
    columnAssertion("hasKurtosis", Check::hasKurtosis);
    columnAssertion("hasZerosCount", Check::hasZerosCount);
    columnAssertion("hasInterquartileRange", Check::hasInterquartileRange);
    constraint(
        "hasExactQuantile",
        Shorthand.NONE,
        keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) ->
            c.hasExactQuantile(
                a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint(
        "hasKllQuantile",
        Shorthand.NONE,
        keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) ->
            c.hasKllQuantile(
                a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint(
        "hasRatioOfSums",
        Shorthand.NONE,
        keys("numerator", "denominator", "assertion"),
        keys("numerator", "denominator", "assertion"),
        (c, a) ->
            c.hasRatioOfSums(
                a.requiredString("numerator"),
                a.requiredString("denominator"),
                a.assertion("assertion", null)));
    constraint(
        "hasDuplicateRowCount",
        Shorthand.ASSERTION,
        keys("columns", "assertion"),
        keys("assertion"),
        (c, a) ->
            c.hasDuplicateRowCount(
                a.has("columns") ? a.strings("columns") : List.of(),
                a.assertion("assertion", null)));
    constraint(
        "customSql",
        Shorthand.NONE,
        keys("query", "assertion"),
        keys("query", "assertion"),
        (c, a) -> c.customSql(a.requiredString("query"), a.assertion("assertion", null)));
    constraint(
        "doesDatasetMatch",
        Shorthand.NONE,
        keys("table", "keys", "compare", "assertion"),
        keys("table", "keys", "assertion"),
        (c, a) -> c.doesDatasetMatch(datasetMatch(a), a.assertion("assertion", null)));
    columnAssertion("hasMin", Check::hasMin);
    columnAssertion("hasMax", Check::hasMax);
    columnAssertion("hasMean", Check::hasMean);
    columnAssertion("hasSum", Check::hasSum);
    columnAssertion("hasStandardDeviation", Check::hasStandardDeviation);
    columnAssertion("hasApproxCountDistinct", Check::hasApproxCountDistinct);
    constraint(
        "hasCorrelation",
        Shorthand.NONE,
        keys("columns", "assertion"),
        keys("columns", "assertion"),
        (c, a) -> {
          List<String> cols = two(a, "columns");
          return c.hasCorrelation(cols.get(0), cols.get(1), a.assertion("assertion", null));
        });
    constraint(
        "satisfies",
        Shorthand.NONE,
        keys("predicate", "name", "assertion"),
        keys("predicate"),
        (c, a) -> {
          String predicate = a.requiredString("predicate");
          return c.satisfies(
              predicate,
              a.has("name") ? a.string("name") : predicate,
              a.assertion("assertion", Assertion.equalTo(1)));
        });
    constraint(
        "hasPattern",
        Shorthand.NONE,
        keys("column", "pattern", "assertion"),
        keys("column", "pattern"),
        (c, a) -> {
          String pattern = a.requiredString("pattern");
          try {
            Pattern.compile(pattern);
          } catch (PatternSyntaxException e) {
            throw a.error("pattern", "invalid regex '" + pattern + "': " + e.getDescription());
          }
          return c.hasPattern(
              a.requiredString("column"), pattern, a.assertion("assertion", Assertion.equalTo(1)));
        });
    for (String n :
        List.of(
            "containsEmail",
            "containsURL",
            "containsCreditCardNumber",
            "isNonNegative",
            "isPositive")) {
      constraint(
          n,
          Shorthand.COLUMN,
          keys("column", "assertion"),
          keys("column"),
          (c, a) -> {
            String col = a.requiredString("column");
            Assertion as = a.assertion("assertion", Assertion.equalTo(1));
            return switch (n) {
              case "containsEmail" -> c.containsEmail(col, as);
              case "containsURL" -> c.containsURL(col, as);
              case "containsCreditCardNumber" -> c.containsCreditCardNumber(col, as);
              case "isNonNegative" -> c.isNonNegative(col, as);
              default -> c.isPositive(col, as);
            };
          });
    }
    for (String n :
        List.of("isLessThan", "isLessThanOrEqualTo", "isGreaterThan", "isGreaterThanOrEqualTo")) {
      constraint(
          n,
          Shorthand.COLUMNS,
          keys("columns"),
          keys("columns"),
          (c, a) -> {
            List<String> cols = two(a, "columns");
            return switch (n) {
              case "isLessThan" -> c.isLessThan(cols.get(0), cols.get(1));
              case "isLessThanOrEqualTo" -> c.isLessThanOrEqualTo(cols.get(0), cols.get(1));
              case "isGreaterThan" -> c.isGreaterThan(cols.get(0), cols.get(1));
              default -> c.isGreaterThanOrEqualTo(cols.get(0), cols.get(1));
            };
          });
    }
    constraint(
        "isContainedIn",
        Shorthand.NONE,
        keys("column", "values", "lower", "upper", "includeLower", "includeUpper", "assertion"),
        keys("column"),
        (c, a) -> {
          String col = a.requiredString("column");
          Assertion as = a.assertion("assertion", Assertion.equalTo(1));
          if (a.has("values")) {
            if (a.has("lower") || a.has("upper")) {
              throw a.error(
                  null, "isContainedIn takes either 'values' or 'lower'/'upper', not both");
            }
            return c.isContainedIn(col, a.strings("values"), as);
          } else if (a.has("lower") && a.has("upper")) {
            return c.isContainedIn(
                col,
                a.number("lower"),
                a.number("upper"),
                a.bool("includeLower", true),
                a.bool("includeUpper", true),
                as);
          } else {
            throw a.error(
                null, "isContainedIn needs 'values' (a list) or both 'lower' and 'upper'");
          }
        });
    constraint(
        "hasDataType",
        Shorthand.NONE,
        keys("column", "type", "assertion"),
        keys("column", "type"),
        (c, a) -> {
          String t = a.requiredString("type");
          Check.DataTypes type;
          try {
            type = Check.DataTypes.valueOf(t.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw a.error(
                "type",
                "expected one of null, fractional, integral, boolean, string, numeric, got '"
                    + t
                    + "'");
          }
          return c.hasDataType(
              a.requiredString("column"), type, a.assertion("assertion", Assertion.equalTo(1)));
        });

    // Great Expectations names, mapped onto the same constraints.
    constraint(
        "expect_column_values_to_not_be_null",
        Shorthand.COLUMN,
        keys("column", "mostly"),
        keys("column"),
        (c, a) -> {
          if (a.has("mostly")) {
            return c.hasCompleteness(a.requiredString("column"), a.mostly());
          } else {
            return c.isComplete(a.requiredString("column"));
          }
        });
    constraint(
        "expect_column_values_to_be_unique",
        Shorthand.COLUMN,
        keys("column"),
        keys("column"),
        (c, a) -> c.isUnique(a.requiredString("column")));
    constraint(
        "expect_compound_columns_to_be_unique",
        Shorthand.NONE,
        keys("column_list"),
        keys("column_list"),
        (c, a) -> {
          List<String> cols = a.strings("column_list");
          return c.isPrimaryKey(cols.get(0), cols.subList(1, cols.size()).toArray(String[]::new));
        });
    constraint(
        "expect_column_values_to_be_in_set",
        Shorthand.NONE,
        keys("column", "value_set", "mostly"),
        keys("column", "value_set"),
        (c, a) -> c.isContainedIn(a.requiredString("column"), a.strings("value_set"), a.mostly()));
    constraint(
        "expect_column_values_to_be_between",
        Shorthand.NONE,
        keys("column", "min_value", "max_value", "strict_min", "strict_max", "mostly"),
        keys("column"),
        (c, a) -> {
          Double lo = a.number("min_value");
          Double hi = a.number("max_value");
          if (lo == null && hi == null) {
            throw a.error(null, a.entry + " needs min_value, max_value or both");
          }
          return c.isContainedIn(
              a.requiredString("column"),
              lo == null ? Double.NEGATIVE_INFINITY : lo,
              hi == null ? Double.POSITIVE_INFINITY : hi,
              !a.bool("strict_min", false),
              !a.bool("strict_max", false),
              a.mostly());
        });
    constraint(
        "expect_column_values_to_match_regex",
        Shorthand.NONE,
        keys("column", "regex", "mostly"),
        keys("column", "regex"),
        (c, a) -> c.hasPattern(a.requiredString("column"), a.requiredString("regex"), a.mostly()));
    constraint(
        "expect_table_row_count_to_be_between",
        Shorthand.NONE,
        keys("min_value", "max_value"),
        none,
        (c, a) -> c.hasSize(a.range()));
    constraint(
        "expect_table_row_count_to_equal",
        Shorthand.NONE,
        keys("value"),
        keys("value"),
        (c, a) -> c.hasSize(Assertion.equalTo(a.number("value"))));
    Map<String, TriAdd> stats = new LinkedHashMap<>();
    stats.put("expect_column_mean_to_be_between", Check::hasMean);
    stats.put("expect_column_min_to_be_between", Check::hasMin);
    stats.put("expect_column_max_to_be_between", Check::hasMax);
    stats.put("expect_column_sum_to_be_between", Check::hasSum);
    stats.put("expect_column_stdev_to_be_between", Check::hasStandardDeviation);
    stats.put("expect_column_unique_value_count_to_be_between", Check::hasNumberOfDistinctValues);
    stats.put(
        "expect_column_proportion_of_unique_values_to_be_between",
        (c, col, as) -> c.hasDistinctness(List.of(col), as));
    stats.forEach(
        (n, add) ->
            constraint(
                n,
                Shorthand.NONE,
                keys("column", "min_value", "max_value", "strict_min", "strict_max"),
                keys("column"),
                (c, a) -> add.add(c, a.requiredString("column"), a.range())));
    constraint(
        "expect_column_value_lengths_to_be_between",
        Shorthand.NONE,
        keys("column", "min_value", "max_value"),
        keys("column"),
        (c, a) -> {
          String col = a.requiredString("column");
          Double lo = a.number("min_value");
          Double hi = a.number("max_value");
          if (lo == null && hi == null) {
            throw a.error(null, a.entry + " needs min_value, max_value or both");
          }
          if (hi == null) {
            return c.hasMinLength(col, Assertion.atLeast(lo));
          }
          Check next = lo == null ? c : scoped(c.hasMinLength(col, Assertion.atLeast(lo)), a);
          return next.hasMaxLength(col, Assertion.atMost(hi));
        });
    constraint(
        "expect_column_pair_values_a_to_be_greater_than_b",
        Shorthand.NONE,
        keys("column_A", "column_B", "or_equal"),
        keys("column_A", "column_B"),
        (c, a) -> {
          if (a.bool("or_equal", false)) {
            return c.isGreaterThanOrEqualTo(
                a.requiredString("column_A"), a.requiredString("column_B"));
          } else {
            return c.isGreaterThan(a.requiredString("column_A"), a.requiredString("column_B"));
          }
        });

    // Analyzers (computed and reported).
    analyzer("size", Shorthand.NONE, keys(), a -> Analyzer.size());
    for (String n :
        List.of(
            "completeness",
            "approxCountDistinct",
            "minimum",
            "maximum",
            "mean",
            "sum",
            "standardDeviation",
            "variance",
            "skewness",
            "kurtosis",
            "zerosCount",
            "interquartileRange",
            "minLength",
            "maxLength",
            "entropy",
            "dataType",
            "histogram")) {
      Set<String> k =
          switch (n) {
            case "histogram" -> keys("column", "maxBins", "binning", "sumOf");
            case "minLength", "maxLength" -> keys("column", "nulls");
            default -> keys("column");
          };
      ANALYZERS.put(n, new Def(Shorthand.COLUMN, k, keys("column"), a -> (columnAnalyzer(n, a))));
    }
    for (String n : List.of("uniqueness", "distinctness", "uniqueValueRatio", "countDistinct")) {
      ANALYZERS.put(
          n,
          new Def(
              Shorthand.COLUMNS,
              keys("columns"),
              keys("columns"),
              a -> {
                List<String> cols = a.strings("columns");
                return (switch (n) {
                  case "uniqueness" -> new Uniqueness(cols, null);
                  case "distinctness" -> new Distinctness(cols, null);
                  case "uniqueValueRatio" -> new UniqueValueRatio(cols, null);
                  default -> new CountDistinct(cols, null);
                });
              }));
    }
    ANALYZERS.put(
        "approxQuantile",
        new Def(
            Shorthand.NONE,
            keys("column", "quantile", "relativeError"),
            keys("column", "quantile"),
            a ->
                (new ApproxQuantile(
                    a.requiredString("column"),
                    a.number("quantile"),
                    a.has("relativeError")
                        ? a.number("relativeError")
                        : ApproxQuantile.DEFAULT_RELATIVE_ERROR,
                    null))));
    ANALYZERS.put(
        "approxQuantiles",
        new Def(
            Shorthand.NONE,
            keys("column", "quantiles", "relativeError"),
            keys("column", "quantiles"),
            a -> {
              List<Double> qs = a.numbers("quantiles");
              return (new ApproxQuantiles(
                  a.requiredString("column"),
                  qs,
                  a.has("relativeError")
                      ? a.number("relativeError")
                      : ApproxQuantile.DEFAULT_RELATIVE_ERROR,
                  null));
            }));
    analyzer("columnCount", Shorthand.NONE, keys(), c -> Analyzer.columnCount());
    ANALYZERS.put(
        "columnExists",
        new Def(
            Shorthand.COLUMN,
            keys("column"),
            keys("column"),
            a -> (Analyzer.columnExists(a.requiredString("column")))));
    ANALYZERS.put(
        "duplicateRowCount",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys(),
            a ->
                (new DuplicateRowCount(
                    a.has("columns") ? a.strings("columns") : List.of(), null))));
    ANALYZERS.put(
        "exactQuantile",
        new Def(
            Shorthand.NONE,
            keys("column", "quantile"),
            keys("column", "quantile"),
            a -> (Analyzer.exactQuantile(a.requiredString("column"), a.number("quantile")))));
    ANALYZERS.put(
        "kllSketch",
        new Def(
            Shorthand.COLUMN,
            keys("column", "sketchSize", "buckets", "quantiles"),
            keys("column"),
            a -> {
              KllSketch k = Analyzer.kllSketch(a.requiredString("column"));
              double[] qs =
                  a.has("quantiles")
                      ? a.numbers("quantiles").stream().mapToDouble(Double::doubleValue).toArray()
                      : k.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
              return k.with(
                  a.has("sketchSize") ? a.positiveInt("sketchSize") : k.sketchSize(),
                  a.has("buckets") ? a.positiveInt("buckets") : k.buckets(),
                  qs);
            }));
    ANALYZERS.put(
        "ratioOfSums",
        new Def(
            Shorthand.NONE,
            keys("numerator", "denominator"),
            keys("numerator", "denominator"),
            a ->
                (Analyzer.ratioOfSums(
                    a.requiredString("numerator"), a.requiredString("denominator")))));
    ANALYZERS.put(
        "customSql",
        new Def(
            Shorthand.NONE,
            keys("query", "name"),
            keys("query"),
            a -> (new CustomSql(a.requiredString("query"), a.string("name")))));
    ANALYZERS.put(
        "datasetMatch",
        new Def(
            Shorthand.NONE,
            keys("table", "keys", "compare"),
            keys("table", "keys"),
            a -> (datasetMatch(a))));
    ANALYZERS.put(
        "histogramBinned",
        new Def(
            Shorthand.NONE,
            keys("column", "binCount", "edges", "overflow"),
            keys("column"),
            a -> {
              if (a.has("binCount") == a.has("edges")) {
                throw a.error(
                    null,
                    "histogramBinned needs exactly one of 'binCount' (bins of equal width) or 'edges'");
              }
              Integer bins = a.has("binCount") ? a.positiveInt("binCount") : null;
              List<Double> edges = a.has("edges") ? a.numbers("edges") : null;
              return (new HistogramBinned(
                  a.requiredString("column"), bins, edges, a.bool("overflow", false), null));
            }));
    ANALYZERS.put(
        "compliance",
        new Def(
            Shorthand.NONE,
            keys("name", "predicate"),
            keys("predicate"),
            a -> (Analyzer.compliance(a.string("name"), a.requiredString("predicate")))));
    ANALYZERS.put(
        "patternMatch",
        new Def(
            Shorthand.NONE,
            keys("column", "pattern"),
            keys("column", "pattern"),
            a -> (Analyzer.patternMatch(a.requiredString("column"), a.requiredString("pattern")))));
    ANALYZERS.put(
        "mutualInformation",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys("columns"),
            a -> {
              List<String> cols = two(a, "columns");
              return (Analyzer.mutualInformation(cols.get(0), cols.get(1)));
            }));
    ANALYZERS.put(
        "correlation",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys("columns"),
            a -> {
              List<String> cols = two(a, "columns");
              return (Analyzer.correlation(cols.get(0), cols.get(1)));
            }));
  }

  private static void analyzer(
      String name, Shorthand s, Set<String> keys, Function<SuiteArgs, Analyzer> make) {
    ANALYZERS.put(name, new Def(s, keys, Set.of(), make));
  }

  private static Analyzer columnAnalyzer(String n, SuiteArgs a) {
    String col = a.requiredString("column");
    return switch (n) {
      case "completeness" -> Analyzer.completeness(col);
      case "approxCountDistinct" -> Analyzer.approxCountDistinct(col);
      case "minimum" -> Analyzer.minimum(col);
      case "maximum" -> Analyzer.maximum(col);
      case "mean" -> Analyzer.mean(col);
      case "sum" -> Analyzer.sum(col);
      case "standardDeviation" -> Analyzer.standardDeviation(col);
      case "variance" -> Analyzer.variance(col);
      case "skewness" -> Analyzer.skewness(col);
      case "kurtosis" -> Analyzer.kurtosis(col);
      case "zerosCount" -> Analyzer.zerosCount(col);
      case "interquartileRange" -> Analyzer.interquartileRange(col);
      case "minLength" -> Analyzer.minLength(col).withNulls(a.nulls("nulls"));
      case "maxLength" -> Analyzer.maxLength(col).withNulls(a.nulls("nulls"));
      case "entropy" -> Analyzer.entropy(col);
      case "dataType" -> Analyzer.dataType(col);
      default -> {
        Integer bins = a.positiveInt("maxBins");
        yield new Histogram(
            col,
            bins == null ? Histogram.DEFAULT_MAX_BINS : bins,
            a.string("binning"),
            a.string("sumOf"),
            null);
      }
    };
  }

  /**
   * A data set match against a table of the session: {@code {table: t, keys: {id: id}, compare:
   * {...}}}.
   */
  private static DatasetMatch datasetMatch(SuiteArgs a) {
    DatasetMatch match = Analyzer.datasetMatch(a.requiredString("table"), a.stringMap("keys"));
    Map<String, String> compare = a.stringMap("compare");
    return compare == null ? match : match.comparing(compare);
  }
}
