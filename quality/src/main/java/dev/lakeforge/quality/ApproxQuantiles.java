package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * ApproxQuantiles: several quantiles at once; the metric is keyed by quantile ({@code
 * ApproxQuantiles-0.5}).
 */
public record ApproxQuantiles(
    String column, List<Double> quantiles, double relativeError, String filter)
    implements Analyzer, NumericScan {
  public ApproxQuantiles {
    quantiles = List.copyOf(quantiles);
    quantiles.forEach(ApproxQuantile::requireQuantile);
    if (quantiles.isEmpty()) {
      throw new IllegalArgumentException("ApproxQuantiles needs at least one quantile");
    }
    ApproxQuantile.requireRelativeError(relativeError);
  }

  @Override
  public String name() {
    return "ApproxQuantiles";
  }

  @Override
  public ApproxQuantiles where(String p) {
    return new ApproxQuantiles(column, quantiles, relativeError, p);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    Column[] qs = quantiles.stream().map(q -> lit(q)).toArray(Column[]::new);
    return List.of(
        percentile_approx(
            s.number(column), array(qs), lit(ApproxQuantile.accuracy(relativeError))));
  }

  @Override
  public Metric metric(Object[] v) {
    if (v[0] == null) {
      return Metric.empty(this);
    }
    List<?> values = Engine.toList(v[0]);
    Map<String, Double> keyed = new LinkedHashMap<>();
    for (int i = 0; i < quantiles.size(); i++) {
      keyed.put(quantiles.get(i).toString(), Plans.asDouble(values.get(i)));
    }
    return Metric.keyed(this, keyed);
  }
}
