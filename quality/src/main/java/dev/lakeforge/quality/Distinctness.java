package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/** Distinctness: distinct values / rows with at least one non-null value in the columns. */
public record Distinctness(List<String> columns, String filter) implements Analyzer, Grouping {
  public Distinctness {
    columns = Grouping.check(columns);
  }

  @Override
  public String name() {
    return "Distinctness";
  }

  @Override
  public Distinctness where(String p) {
    return new Distinctness(columns, p);
  }

  @Override
  public Metric metric(Frequencies f) {
    return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.groups() / f.rows());
  }
}
