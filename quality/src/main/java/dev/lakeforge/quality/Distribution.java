package dev.lakeforge.quality;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A histogram: the count and ratio of each value (most frequent first; bins in order), how many
 * distinct values there are, and what the values left out add up to.
 *
 * @param values the value (as a string; null as {@code NullValue}) to its count and ratio
 * @param numberOfBins the number of distinct values (may exceed {@code values.size()} when capped)
 * @param tail the rows (or sums) of the values not kept in detail; for binned histograms, the nulls
 */
public record Distribution(Map<String, Value> values, long numberOfBins, long tail) {
  public Distribution {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** A distribution with every value in detail. */
  public Distribution(Map<String, Value> values, long numberOfBins) {
    this(values, numberOfBins, 0);
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
