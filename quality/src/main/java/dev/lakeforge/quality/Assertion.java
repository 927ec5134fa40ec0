package dev.lakeforge.quality;

import java.util.Objects;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/**
 * A test on a metric value. Declarative assertions ({@link #atLeast}, {@link #between}, ..., and
 * those parsed from suite files) also know their SQL form, which lets row-level results apply them
 * to each row; a Java lambda ({@link #of}) works on the metric only.
 *
 * <pre>{@code
 * check.hasCompleteness("amount", c -> c >= 0.99);          // a lambda
 * check.hasMaxLength("code", Assertion.atMost(8));           // declarative: also judged per row
 * Assertion a = Assertion.parse(">= 0.99");                  // as written in suite files
 * }</pre>
 */
public final class Assertion implements DoublePredicate {
  private static final Pattern OPERATOR =
      Pattern.compile("\\s*(>=|<=|==|!=|>|<|=)\\s*([-+]?[0-9.]+(?:[eE][-+]?\\d+)?)\\s*");

  private final DoublePredicate test;
  private final String text;
  private final UnaryOperator<Column> sql;

  private Assertion(DoublePredicate test, String text, UnaryOperator<Column> sql) {
    this.test = test;
    this.text = text;
    this.sql = sql;
  }

  /** A Java predicate; judged on the metric only. */
  public static Assertion of(DoublePredicate predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return predicate instanceof Assertion a
        ? a
        : new Assertion(predicate, "a custom assertion", null);
  }

  /** A Java predicate with a description for messages. */
  public static Assertion of(DoublePredicate predicate, String description) {
    return new Assertion(predicate, description, null);
  }

  public static Assertion equalTo(double v) {
    return new Assertion(x -> x == v, "== " + Constraint.format(v), c -> c.equalTo(v));
  }

  public static Assertion notEqualTo(double v) {
    return new Assertion(x -> x != v, "!= " + Constraint.format(v), c -> c.notEqual(v));
  }

  public static Assertion atLeast(double v) {
    return new Assertion(x -> x >= v, ">= " + Constraint.format(v), c -> c.geq(v));
  }

  public static Assertion atMost(double v) {
    return new Assertion(x -> x <= v, "<= " + Constraint.format(v), c -> c.leq(v));
  }

  public static Assertion greaterThan(double v) {
    return new Assertion(x -> x > v, "> " + Constraint.format(v), c -> c.gt(v));
  }

  public static Assertion lessThan(double v) {
    return new Assertion(x -> x < v, "< " + Constraint.format(v), c -> c.lt(v));
  }

  /** {@code lower <= x <= upper}. */
  public static Assertion between(double lower, double upper) {
    if (lower > upper) {
      throw new IllegalArgumentException(
          "between: lower bound "
              + Constraint.format(lower)
              + " exceeds upper bound "
              + Constraint.format(upper));
    }
    return new Assertion(
        x -> x >= lower && x <= upper,
        "between " + Constraint.format(lower) + " and " + Constraint.format(upper),
        c -> c.between(lower, upper));
  }

  /**
   * Parses {@code ">= 0.99"}, {@code "> 0"}, {@code "== 1"}, {@code "!= 0"}, {@code "<= 10"},
   * {@code "< 5"} or a bare number (equality).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Assertion parse(String text) {
    Matcher m = OPERATOR.matcher(text == null ? "" : text);
    if (m.matches()) {
      double v = Double.parseDouble(m.group(2));
      return switch (m.group(1)) {
        case ">=" -> atLeast(v);
        case "<=" -> atMost(v);
        case ">" -> greaterThan(v);
        case "<" -> lessThan(v);
        case "!=" -> notEqualTo(v);
        default -> equalTo(v);
      };
    }
    try {
      return equalTo(Double.parseDouble(text.trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed assertion '"
              + text
              + "': expected an operator and a number"
              + " (>= 0.99, > 0, == 1, != 0, <= 10, < 5), a number, {between: [low, high]} or {equals: x}");
    }
  }

  @Override
  public boolean test(double value) {
    return test.test(value);
  }

  /** The SQL form applied to a column, when the assertion is declarative. */
  public Optional<Column> onColumn(Column value) {
    return sql == null ? Optional.empty() : Optional.of(sql.apply(value));
  }

  public boolean isDeclarative() {
    return sql != null;
  }

  @Override
  public String toString() {
    return text;
  }
}
