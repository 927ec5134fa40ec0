package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Completeness: non-null values / rows. Fails on no rows. */
public record Completeness(String column, String filter)
    implements Analyzer, OneColumn, ScanShareable {
  public Completeness {
    Objects.requireNonNull(column, "column");
  }

  @Override
  public String name() {
    return "Completeness";
  }

  @Override
  public Completeness where(String p) {
    return new Completeness(column, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        functions.sum(s.only(Engine.column(column).isNotNull().cast("int"))), s.rowCount());
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.ratio(this, v[0], v[1]);
  }
}
