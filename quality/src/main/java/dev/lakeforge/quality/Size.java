package dev.lakeforge.quality;

import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/** Size: the number of rows (matching the filter). */
public record Size(String filter) implements Analyzer, ScanShareable {
  @Override
  public String name() {
    return "Size";
  }

  @Override
  public String instance() {
    return "*";
  }

  @Override
  public Entity entity() {
    return Entity.DATASET;
  }

  @Override
  public Size where(String p) {
    return new Size(p);
  }

  @Override
  public List<String> columns() {
    return List.of();
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(s.rowCount());
  }

  @Override
  public Metric metric(Object[] v) {
    return Metric.of(this, v[0] == null ? 0 : Plans.asDouble(v[0]));
  }
}
