package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.count;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Skewness: the population skewness of the non-null values; 0 when they are all equal, as in Deequ.
 */
public record Skewness(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Skewness";
  }

  @Override
  public Skewness where(String p) {
    return new Skewness(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(count(s.number(column)), functions.skewness(s.number(column)));
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.moment(this, v);
  }
}
