package dev.lakeforge.quality;

import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * RatioOfSums: the sum of one numeric column over the sum of another (a double division). Fails on
 * no rows.
 */
public record RatioOfSums(String numerator, String denominator, String filter)
    implements Analyzer, ScanShareable {
  @Override
  public String name() {
    return "RatioOfSums";
  }

  @Override
  public String instance() {
    return numerator + "," + denominator;
  }

  @Override
  public Entity entity() {
    return Entity.MULTICOLUMN;
  }

  @Override
  public List<String> columns() {
    return List.of(numerator, denominator);
  }

  @Override
  public RatioOfSums where(String p) {
    return new RatioOfSums(numerator, denominator, p);
  }

  @Override
  public Requirement requirement() {
    return Requirement.NUMERIC;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(functions.sum(s.number(numerator)), functions.sum(s.number(denominator)));
  }

  @Override
  public Metric metric(Object[] v) {
    return v[0] == null || v[1] == null
        ? Metric.empty(this)
        : Metric.of(this, Plans.asDouble(v[0]) / Plans.asDouble(v[1]));
  }
}
