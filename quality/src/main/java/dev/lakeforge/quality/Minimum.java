package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.min;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** Minimum of the non-null values of a numeric column. Fails when there are none. */
public record Minimum(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Minimum";
  }

  @Override
  public Minimum where(String p) {
    return new Minimum(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(min(s.number(column)));
  }
}
