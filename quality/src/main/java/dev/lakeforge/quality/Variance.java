package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** Variance: the population variance of the non-null values. Fails when there are none. */
public record Variance(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Variance";
  }

  @Override
  public Variance where(String p) {
    return new Variance(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(s.populationVariance(column));
  }
}
