package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.max;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** Maximum of the non-null values of a numeric column. Fails when there are none. */
public record Maximum(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Maximum";
  }

  @Override
  public Maximum where(String p) {
    return new Maximum(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(max(s.number(column)));
  }
}
