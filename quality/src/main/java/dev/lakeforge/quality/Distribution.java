package dev.lakeforge.quality;

import java.util.Map;

/**
 * A histogram: the count and ratio of each value, and how many distinct values there are.
 *
 * @param values the value (as a string; null as {@code NullValue}) to its count and ratio
 * @param numberOfBins the number of distinct values (may exceed {@code values.size()} when capped)
 */
public record Distribution(Map<String, Value> values, long numberOfBins) {
  public Distribution {
    values = Map.copyOf(values);
  }

  /**
   * @param absolute rows with the value
   * @param ratio {@code absolute / rows}
   */
  public record Value(long absolute, double ratio) {}

  /** The ratio of a value, 0 when absent. */
  public double ratio(String value) {
    Value v = values.get(value);
    return v == null ? 0.0 : v.ratio();
  }

  /** The count of a value, 0 when absent. */
  public long absolute(String value) {
    Value v = values.get(value);
    return v == null ? 0 : v.absolute();
  }
}
