package dev.lakeforge.quality;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which saved runs to load: all of whose tags match, committed in {@code [from, to)}.
 *
 * <pre>{@code
 * repository.load(MetricsQuery.tagged("dataset", "orders").after(Instant.now().minus(Duration.ofDays(30))));
 * }</pre>
 */
public record MetricsQuery(Map<String, String> tags, long fromMillis, long toMillis) {
  public MetricsQuery {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  public static MetricsQuery all() {
    return new MetricsQuery(Map.of(), Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public static MetricsQuery tagged(String key, String value) {
    return all().withTag(key, value);
  }

  public MetricsQuery withTag(String key, String value) {
    Map<String, String> t = new TreeMap<>(tags);
    t.put(key, value);
    return new MetricsQuery(t, fromMillis, toMillis);
  }

  public MetricsQuery after(Instant from) {
    return new MetricsQuery(tags, from.toEpochMilli(), toMillis);
  }

  public MetricsQuery before(Instant to) {
    return new MetricsQuery(tags, fromMillis, to.toEpochMilli());
  }

  /**
   * Whether a run saved under {@code key} is in this query: in the time range, with all its tags.
   */
  public boolean matches(ResultKey key) {
    return key.timestamp() >= fromMillis
        && key.timestamp() < toMillis
        && tags.entrySet().stream().allMatch(e -> e.getValue().equals(key.tags().get(e.getKey())));
  }
}
