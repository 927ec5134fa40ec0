package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;

/** UniqueValueRatio: values that occur exactly once / distinct values. */
public record UniqueValueRatio(List<String> columns, String filter) implements Analyzer, Grouping {
  public UniqueValueRatio {
    columns = Grouping.check(columns);
  }

  @Override
  public String name() {
    return "UniqueValueRatio";
  }

  @Override
  public UniqueValueRatio where(String p) {
    return new UniqueValueRatio(columns, p);
  }

  @Override
  public Metric metric(Frequencies f) {
    return f.rows() == 0 ? Metric.empty(this) : Metric.of(this, (double) f.unique() / f.groups());
  }
}
