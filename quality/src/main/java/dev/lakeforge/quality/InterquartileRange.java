package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** InterquartileRange: the exact 75th minus the exact 25th percentile of the non-null values. */
public record InterquartileRange(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "InterquartileRange";
  }

  @Override
  public InterquartileRange where(String p) {
    return new InterquartileRange(column, p);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        percentile(s.number(column), lit(0.25)), percentile(s.number(column), lit(0.75)));
  }

  @Override
  public Metric metric(Object[] v) {
    return v[0] == null
        ? Metric.empty(this)
        : Metric.of(this, Plans.asDouble(v[1]) - Plans.asDouble(v[0]));
  }
}
