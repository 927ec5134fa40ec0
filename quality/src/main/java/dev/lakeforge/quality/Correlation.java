package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.covar_pop;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Correlation: the Pearson correlation of two numeric columns over rows where both are non-null.
 */
public record Correlation(String first, String second, String filter)
    implements Analyzer, ScanShareable {
  @Override
  public String name() {
    return "Correlation";
  }

  @Override
  public String instance() {
    return first + "," + second;
  }

  @Override
  public Entity entity() {
    return Entity.MULTICOLUMN;
  }

  @Override
  public List<String> columns() {
    return List.of(first, second);
  }

  @Override
  public Correlation where(String p) {
    return new Correlation(first, second, p);
  }

  @Override
  public Requirement requirement() {
    return Requirement.NUMERIC;
  }

  /**
   * Pearson's r from the population covariance and variances of the rows where both are set: a
   * constant column gives NaN, as in Deequ, where Spark's corr divides by zero (an error under
   * ANSI).
   */
  @Override
  public List<Column> aggregations(Scope s) {
    Column both = Engine.column(first).isNotNull().and(Engine.column(second).isNotNull());
    Column x = s.only(when(both, Engine.column(first).cast("double")));
    Column y = s.only(when(both, Engine.column(second).cast("double")));
    return List.of(covar_pop(x, y), var_pop(x), var_pop(y));
  }

  @Override
  public Metric metric(Object[] v) {
    return v[0] == null
        ? Metric.empty(this)
        : Metric.of(
            this, Plans.asDouble(v[0]) / Math.sqrt(Plans.asDouble(v[1]) * Plans.asDouble(v[2])));
  }
}
