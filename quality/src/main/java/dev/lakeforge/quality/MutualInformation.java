package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/**
 * MutualInformation: sum(p(x,y) * ln(p(x,y) / (p(x) p(y)))) over rows with a non-null value in
 * either column.
 */
public record MutualInformation(List<String> columns, String filter) implements Analyzer, Grouping {
  public MutualInformation {
    columns = List.copyOf(columns);
    if (columns.size() != 2) {
      throw new IllegalArgumentException(
          "MutualInformation needs exactly two columns, got " + columns);
    }
  }

  @Override
  public String name() {
    return "MutualInformation";
  }

  @Override
  public MutualInformation where(String p) {
    return new MutualInformation(columns, p);
  }

  @Override
  public boolean needsMarginals() {
    return true;
  }

  @Override
  public Metric metric(Frequencies f) {
    return f.rows() == 0
        ? Metric.empty(this)
        : Metric.of(this, f.mutualInformation() / f.rows() + Math.log(f.rows()));
  }
}
