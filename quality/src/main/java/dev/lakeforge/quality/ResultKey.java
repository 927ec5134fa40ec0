package dev.lakeforge.quality;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies one run's metrics in a repository: when, and tags such as dataset, partition or
 * pipeline.
 *
 * <pre>{@code
 * ResultKey key = ResultKey.now("orders").withTag("partition", "2026-11-23");
 * }</pre>
 *
 * @param timestamp epoch milliseconds
 * @param tags free-form tags, all of which a query can match on
 */
public record ResultKey(long timestamp, Map<String, String> tags) {
  public ResultKey {
    tags = tags == null ? Map.of() : Map.copyOf(new TreeMap<>(tags));
  }

  /** Now, tagged {@code dataset=<dataset>}. */
  public static ResultKey now(String dataset) {
    return new ResultKey(System.currentTimeMillis(), Map.of("dataset", dataset));
  }

  public static ResultKey at(Instant time, Map<String, String> tags) {
    return new ResultKey(time.toEpochMilli(), tags);
  }

  public ResultKey withTag(String key, String value) {
    Map<String, String> t = new TreeMap<>(tags);
    t.put(key, value);
    return new ResultKey(timestamp, t);
  }

  public Instant instant() {
    return Instant.ofEpochMilli(timestamp);
  }
}
