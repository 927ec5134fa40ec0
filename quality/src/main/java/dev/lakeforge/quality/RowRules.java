package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;

/**
 * Conditions under which one row breaks a constraint (true = broken); rows outside the filter never
 * break it.
 */
final class RowRules {
  private RowRules() {}

  static Column scoped(String filter, Column broken) {
    Column b = coalesce(broken, lit(false));
    return filter == null ? b : coalesce(expr(filter), lit(false)).and(b);
  }

  static Function<String, Column> isNull(String column) {
    return f -> scoped(f, Engine.column(column).isNull());
  }

  /** The SQL predicate is false or null. */
  static Function<String, Column> violates(String predicate) {
    return f -> scoped(f, not(coalesce(expr(predicate), lit(false))));
  }

  /** The key (at least one column non-null) occurs more than once among the rows in scope. */
  static Function<String, Column> duplicate(List<String> columns) {
    return f -> {
      Column[] keys = columns.stream().map(Engine::column).toArray(Column[]::new);
      Column anyNonNull = lit(false);
      for (String c : columns) {
        anyNonNull = anyNonNull.or(Engine.column(c).isNotNull());
      }
      Column inScope = f == null ? lit(1) : when(coalesce(expr(f), lit(false)), 1).otherwise(0);
      return scoped(f, anyNonNull.and(sum(inScope).over(Window.partitionBy(keys)).gt(1)));
    };
  }

  /** A non-null value breaks a declarative assertion; null when the assertion is a Java lambda. */
  static Function<String, Column> value(String column, Assertion a) {
    return a.isDeclarative()
        ? f ->
            scoped(
                f,
                Engine.column(column)
                    .isNotNull()
                    .and(not(a.onColumn(Engine.column(column)).orElseThrow())))
        : null;
  }

  /**
   * A value's length breaks a declarative assertion; a null breaks it as the null behaviour says
   * (ignored; as an empty string; always, as FAIL makes the metric fail).
   */
  static Function<String, Column> lengthOf(
      String column, Assertion a, Analyzer.NullBehavior nulls) {
    if (!a.isDeclarative()) {
      return null;
    }
    Column c = Engine.column(column);
    return f ->
        scoped(
            f,
            switch (nulls) {
              case IGNORE -> c.isNotNull().and(not(a.onColumn(length(c)).orElseThrow()));
              case EMPTY_STRING -> not(a.onColumn(coalesce(length(c), lit(0))).orElseThrow());
              case FAIL -> c.isNull().or(not(a.onColumn(length(c)).orElseThrow()));
            });
  }

  /** The value (null included) holds no match of the regex, as PatternMatch counts it. */
  static Function<String, Column> pattern(String column, String regex) {
    return f -> scoped(f, not(Engine.matches(Engine.column(column), regex)));
  }
}
