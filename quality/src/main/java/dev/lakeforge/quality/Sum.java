package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DecimalType;

/**
 * Sum of the non-null values of a numeric column; decimals are summed exactly, everything else as
 * double (so a long sum never overflows silently, as Deequ's does). Fails when there are none.
 */
public record Sum(String column, String filter) implements Analyzer, NumericScan {
  @Override
  public String name() {
    return "Sum";
  }

  @Override
  public Sum where(String p) {
    return new Sum(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        functions.sum(s.type(column) instanceof DecimalType ? s.value(column) : s.number(column)));
  }
}
