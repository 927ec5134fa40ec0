package dev.lakeforge.quality;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Column;

/**
 * One rule of a {@link Check}: an analyzer, an assertion on its metric, an optional hint, and,
 * where the rule can be judged row by row, the condition under which a row breaks it.
 */
public final class Constraint {
  private final String name;
  private final Analyzer analyzer;
  private final Predicate<Metric> passes;
  private final ToDoubleFunction<Metric> value;
  private final String requirement;
  private final String hint;
  private final Function<String, Column> rowFailure;

  Constraint(
      String name,
      Analyzer analyzer,
      Predicate<Metric> passes,
      ToDoubleFunction<Metric> value,
      String requirement,
      String hint,
      Function<String, Column> rowFailure) {
    this.name = name;
    this.analyzer = analyzer;
    this.passes = passes;
    this.value = value;
    this.requirement = requirement;
    this.hint = hint;
    this.rowFailure = rowFailure;
  }

  /** A constraint on a number, e.g. completeness. */
  static Constraint onValue(
      String name, Analyzer analyzer, Assertion assertion, Function<String, Column> rowFailure) {
    return new Constraint(
        name,
        analyzer,
        m -> assertion.test(m.value()),
        Metric::value,
        assertion.toString(),
        null,
        rowFailure);
  }

  /** The readable name, e.g. {@code isComplete(order_id)}. */
  public String name() {
    return name;
  }

  public Analyzer analyzer() {
    return analyzer;
  }

  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /** What the metric must satisfy, e.g. {@code >= 0.99}. */
  public String requirement() {
    return requirement;
  }

  /** Whether rows can be judged one by one against this constraint. */
  public boolean isRowLevel() {
    return rowFailure != null;
  }

  /** The condition under which a row breaks this constraint (true = broken), or empty. */
  public Optional<Column> rowFailure() {
    return rowFailure == null ? Optional.empty() : Optional.of(rowFailure.apply(analyzer.filter()));
  }

  Constraint withHint(String newHint) {
    return new Constraint(name, analyzer, passes, value, requirement, newHint, rowFailure);
  }

  Constraint where(String filter) {
    String newName = name + " where " + filter;
    return new Constraint(
        newName, analyzer.where(filter), passes, value, requirement, hint, rowFailure);
  }

  ConstraintResult evaluate(Metric metric) {
    if (!metric.isSuccess()) {
      return new ConstraintResult(this, ConstraintResult.Status.FAILURE, null, metric.failure());
    }
    double v = value.applyAsDouble(metric);
    boolean ok;
    try {
      ok = passes.test(metric);
    } catch (RuntimeException e) {
      return new ConstraintResult(
          this,
          ConstraintResult.Status.FAILURE,
          v,
          "the assertion threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (ok) {
      return new ConstraintResult(this, ConstraintResult.Status.SUCCESS, v, null);
    }
    String msg =
        "Value: "
            + format(v)
            + " does not meet the constraint requirement ("
            + requirement
            + ")!"
            + (hint == null ? "" : " " + hint);
    return new ConstraintResult(this, ConstraintResult.Status.FAILURE, v, msg);
  }

  /**
   * A metric value as messages and reports write it: whole numbers without a fraction, others in
   * full.
   */
  public static String format(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  @Override
  public String toString() {
    return name + " " + requirement;
  }
}
