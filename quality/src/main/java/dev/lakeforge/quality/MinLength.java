package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.min;

import dev.lakeforge.quality.Analyzer.NullBehavior;
import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * MinLength: the shortest length (in characters) of the values of a string column; nulls as {@link
 * NullBehavior} says.
 */
public record MinLength(String column, NullBehavior nulls, String filter)
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
    return List.of(min(s.only(Plans.length(column, nulls, -Double.MAX_VALUE))));
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.single(this, v[0]);
  }
}
