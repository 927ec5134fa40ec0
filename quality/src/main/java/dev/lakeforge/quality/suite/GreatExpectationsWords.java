package dev.lakeforge.quality.suite;

import static dev.lakeforge.quality.suite.Vocabulary.constraint;
import static dev.lakeforge.quality.suite.Vocabulary.keys;
import static dev.lakeforge.quality.suite.Vocabulary.scoped;

import dev.lakeforge.quality.Assertion;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.suite.Vocabulary.Shorthand;
import dev.lakeforge.quality.suite.Vocabulary.TriAdd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Great Expectations' expectation names, each mapped onto the constraint it means. */
final class GreatExpectationsWords {
  private GreatExpectationsWords() {}

  /** Adds the words to the vocabulary's tables (called once, by {@link Vocabulary}). */
  static void register() {
    Set<String> none = Set.of();
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
  }
}
