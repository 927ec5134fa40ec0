package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/** CountDistinct: the exact number of distinct non-null value combinations. */
public record CountDistinct(List<String> columns, String filter) implements Analyzer, Grouping {
  public CountDistinct {
    columns = Grouping.check(columns);
  }

  @Override
  public String name() {
    return "CountDistinct";
  }

  @Override
  public CountDistinct where(String p) {
    return new CountDistinct(columns, p);
  }

  @Override
  public Metric metric(Frequencies f) {
    return Metric.of(this, f.groups());
  }
}
