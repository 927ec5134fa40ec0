package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.max;

import dev.lakeforge.quality.Analyzer.NullBehavior;
import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * MaxLength: the longest length (in characters) of the values of a string column; nulls as {@link
 * NullBehavior} says.
 */
public record MaxLength(String column, NullBehavior nulls, String filter)
    implements Analyzer, OneColumn, ScanShareable {
  public MaxLength {
    nulls = nulls == null ? NullBehavior.IGNORE : nulls;
  }

  @Override
  public String name() {
    return "MaxLength";
  }

  @Override
  public MaxLength where(String p) {
    return new MaxLength(column, nulls, p);
  }

  /** A copy that treats nulls as {@code behavior} says. */
  public MaxLength withNulls(NullBehavior behavior) {
    return new MaxLength(column, behavior, filter);
  }

  @Override
  public Requirement requirement() {
    return Requirement.STRING;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(max(s.only(Plans.length(column, nulls, Double.MAX_VALUE))));
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.single(this, v[0]);
  }
}
