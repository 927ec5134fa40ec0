package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.count;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Kurtosis: the population excess kurtosis of the non-null values; 0 when they are all equal, as in
 * Deequ.
 */
public record Kurtosis(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Kurtosis";
  }

  @Override
  public Kurtosis where(String p) {
    return new Kurtosis(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(count(s.number(column)), functions.kurtosis(s.number(column)));
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.moment(this, v);
  }
}
