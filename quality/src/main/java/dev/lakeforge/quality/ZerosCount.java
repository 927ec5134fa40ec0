package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * ZerosCount: the rows whose numeric value is 0 (0 when the filter keeps none). Fails on no rows,
 * as in Deequ.
 */
public record ZerosCount(String column, String filter)
    implements Analyzer, OneColumn, ScanShareable {
  @Override
  public String name() {
    return "ZerosCount";
  }

  @Override
  public ZerosCount where(String p) {
    return new ZerosCount(column, p);
  }

  @Override
  public Requirement requirement() {
    return Requirement.NUMERIC;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    // rows outside the filter count 0, so a filter that keeps nothing gives 0; no rows at all
    // fail, as in Deequ
    return List.of(functions.sum(when(s.value(column).equalTo(0), 1).otherwise(0)).cast("long"));
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.single(this, v[0]);
  }
}
