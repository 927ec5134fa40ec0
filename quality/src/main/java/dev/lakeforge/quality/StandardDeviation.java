package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * StandardDeviation: the population standard deviation of the non-null values. Fails when there are
 * none.
 */
public record StandardDeviation(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "StandardDeviation";
  }

  @Override
  public StandardDeviation where(String p) {
    return new StandardDeviation(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(s.populationStddev(column));
  }
}
