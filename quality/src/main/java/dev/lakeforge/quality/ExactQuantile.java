package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** ExactQuantile: the exact quantile of the non-null values, interpolated as Spark's percentile. */
public record ExactQuantile(String column, double quantile, String filter)
    implements Analyzer, NumericScan {
  public ExactQuantile {
    ApproxQuantile.requireQuantile(quantile);
  }

  @Override
  public String name() {
    return "ExactQuantile-" + quantile;
  }

  @Override
  public ExactQuantile where(String p) {
    return new ExactQuantile(column, quantile, p);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(percentile(s.number(column), lit(quantile)));
  }
}
