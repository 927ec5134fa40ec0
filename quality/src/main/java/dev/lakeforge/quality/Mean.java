package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.avg;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** Mean: sum / count of the non-null values of a numeric column. Fails when there are none. */
public record Mean(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Mean";
  }

  @Override
  public Mean where(String p) {
    return new Mean(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(avg(s.number(column)));
  }
}
