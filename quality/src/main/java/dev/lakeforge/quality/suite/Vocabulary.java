package dev.lakeforge.quality.suite;

import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.Assertion;
import dev.lakeforge.quality.Check;
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

  static Set<String> keys(String... k) {
    return Set.of(k);
  }

  static void constraint(
      String name,
      Shorthand s,
      Set<String> keys,
      Set<String> required,
      BiFunction<Check, SuiteArgs, Check> add) {
    CONSTRAINTS.put(name, new Def(s, keys, required, add, null));
  }

  static void columnAssertion(String name, TriAdd add) {
    constraint(
        name,
        Shorthand.NONE,
        keys("column", "assertion"),
        keys("column", "assertion"),
        (c, a) -> add.add(c, a.requiredString("column"), a.assertion("assertion", null)));
  }

  static void columnsAssertion(String name, TriListAdd add) {
    constraint(
        name,
        Shorthand.NONE,
        keys("columns", "assertion"),
        keys("columns", "assertion"),
        (c, a) -> add.add(c, a.strings("columns"), a.assertion("assertion", null)));
  }

  interface TriAdd {
    Check add(Check c, String column, Assertion a);
  }

  interface TriListAdd {
    Check add(Check c, List<String> columns, Assertion a);
  }

  static List<String> two(SuiteArgs a, String key) {
    List<String> cols = a.strings(key);
    if (cols.size() != 2) {
      throw a.error(key, a.entry + " needs exactly two columns, got " + cols.size());
    }
    return cols;
  }

  static {
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
        (c, a) ->
            c.doesDatasetMatch(AnalyzerWords.datasetMatch(a), a.assertion("assertion", null)));
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

    GreatExpectationsWords.register();
    AnalyzerWords.register();
  }
}
