package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/**
 * Uniqueness: values that occur exactly once / rows with at least one non-null value in the
 * columns. 1.0 means the columns form a key.
 */
public record Uniqueness(List<String> columns, String filter) implements Analyzer, Grouping {
  public Uniqueness {
    columns = Grouping.check(columns);
  }

  @Override
  public String name() {
    return "Uniqueness";
  }

  @Override
  public Uniqueness where(String p) {
    return new Uniqueness(columns, p);
  }

  @Override
  public Metric metric(Frequencies f) {
    return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.unique() / f.rows());
  }
}
