package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.approx_count_distinct;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * ApproxCountDistinct: distinct non-null values estimated with HyperLogLog++ (5% relative error).
 */
public record ApproxCountDistinct(String column, String filter)
    implements Analyzer, OneColumn, ScanShareable {
  @Override
  public String name() {
    return "ApproxCountDistinct";
  }

  @Override
  public ApproxCountDistinct where(String p) {
    return new ApproxCountDistinct(column, p);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(approx_count_distinct(s.value(column), 0.05));
  }

  @Override
  public Metric metric(Object[] v) {
    return Metric.of(this, v[0] == null ? 0 : Plans.asDouble(v[0]));
  }
}
