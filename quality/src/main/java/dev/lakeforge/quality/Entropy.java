package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/** Entropy: -sum(p * ln p) over the relative frequencies p of the non-null values. */
public record Entropy(String column, String filter) implements Analyzer, Grouping {
  @Override
  public String name() {
    return "Entropy";
  }

  @Override
  public List<String> columns() {
    return List.of(column);
  }

  @Override
  public Entropy where(String p) {
    return new Entropy(column, p);
  }

  @Override
  public Metric metric(Frequencies f) {
    return f.rows() == 0
        ? Metric.empty(this)
        : Metric.of(this, Math.log(f.rows()) - f.countLogCount() / f.rows());
  }
}
