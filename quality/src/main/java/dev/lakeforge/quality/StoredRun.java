package dev.lakeforge.quality;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One saved run: its key and its metrics in Deequ's flattened shape.
 *
 * @param key when and how it was tagged
 * @param metrics every successful metric of the run
 */
public record StoredRun(ResultKey key, List<MetricRecord> metrics) {
  public StoredRun {
    metrics = List.copyOf(metrics);
  }

  /** The value of a metric of this run, e.g. {@code value("Column", "amount", "Completeness")}. */
  public OptionalDouble value(String entity, String instance, String name) {
    return metrics.stream()
        .filter(
            m ->
                m.entity().equals(entity) && m.instance().equals(instance) && m.name().equals(name))
        .mapToDouble(MetricRecord::value)
        .findFirst();
  }

  /** The value of an analyzer's (single) metric in this run. */
  public OptionalDouble value(Analyzer a) {
    return value(a.entity().json(), a.instance(), Metric.recordName(a, a.name()));
  }
}
