package dev.lakeforge.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The result of one analyzer: a number, a keyed set of numbers (quantiles), a distribution
 * (histogram, data types), or a failure saying why it could not be computed.
 *
 * @param analyzer what was computed
 * @param value the number (for distributions: the number of bins), or null on failure
 * @param keyed numbers by key (ApproxQuantiles), else empty
 * @param distribution the histogram, or null
 * @param failure why the metric could not be computed, or null on success
 * @param erroredRows rows on which the analyzer's predicate raised an error (ANSI mode: a division
 *     by zero, an invalid cast); they count as not compliant
 * @param state the analyzer's mergeable state, or null: a KLL sketch's bytes in Apache
 *     DataSketches' serial form ({@link KllSketch#merge})
 */
public record Metric(
    Analyzer analyzer,
    Double value,
    Map<String, Double> keyed,
    Distribution distribution,
    String failure,
    long erroredRows,
    byte[] state) {

  public Metric {
    keyed = keyed == null ? Map.of() : Map.copyOf(keyed);
    state = state == null ? null : state.clone();
  }

  /** A copy of the state, or null when the analyzer has none. */
  @Override
  public byte[] state() {
    return state == null ? null : state.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metric m
        && Objects.equals(analyzer, m.analyzer)
        && Objects.equals(value, m.value)
        && keyed.equals(m.keyed)
        && Objects.equals(distribution, m.distribution)
        && Objects.equals(failure, m.failure)
        && erroredRows == m.erroredRows
        && Arrays.equals(state, m.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(analyzer, value, keyed, distribution, failure, erroredRows) * 31
        + Arrays.hashCode(state);
  }

  @Override
  public String toString() {
    return "Metric[analyzer="
        + analyzer
        + ", value="
        + value
        + ", keyed="
        + keyed
        + ", distribution="
        + distribution
        + ", failure="
        + failure
        + ", erroredRows="
        + erroredRows
        + (state == null ? "" : ", state=" + state.length + " bytes")
        + "]";
  }

  static Metric of(Analyzer a, double value) {
    return new Metric(a, value, null, null, null, 0, null);
  }

  static Metric keyed(Analyzer a, Map<String, Double> values) {
    return new Metric(a, Double.NaN, values, null, null, 0, null);
  }

  static Metric distribution(Analyzer a, Distribution d) {
    return new Metric(a, (double) d.numberOfBins(), null, d, null, 0, null);
  }

  static Metric failed(Analyzer a, String why) {
    return new Metric(a, null, null, null, why, 0, null);
  }

  /** The metric with values by key besides its distribution (a KLL sketch's quantiles). */
  Metric withKeyed(Map<String, Double> values) {
    return new Metric(analyzer, value, values, distribution, failure, erroredRows, state);
  }

  Metric withErroredRows(long rows) {
    return new Metric(analyzer, value, keyed, distribution, failure, rows, state);
  }

  Metric withState(byte[] bytes) {
    return new Metric(analyzer, value, keyed, distribution, failure, erroredRows, bytes);
  }

  static Metric empty(Analyzer a) {
    return failed(
        a,
        "no rows to compute "
            + a.describe()
            + " from (the data, or the rows left by the filter, are"
            + " empty, or all values are null)");
  }

  public boolean isSuccess() {
    return failure == null;
  }

  /** The value as a number. */
  public double doubleValue() {
    if (!isSuccess()) {
      throw new QualityException(analyzer.describe() + " failed: " + failure);
    }
    return value;
  }

  /**
   * A metric record's name for the analyzer: {@code name}, with {@code (where: <filter>)} when it
   * is filtered.
   */
  static String recordName(Analyzer a, String name) {
    return a.filter() == null ? name : name + " (where: " + a.filter() + ")";
  }

  /**
   * The metric as Deequ's flattened double metrics (empty on failure). As in Deequ, a filtered
   * analyzer's names end with {@code (where: <filter>)}, so the same metric with and without a
   * filter are two metrics.
   */
  public List<MetricRecord> flatten() {
    if (!isSuccess()) {
      return List.of();
    }
    String entity = analyzer.entity().json();
    String instance = analyzer.instance();
    String name = analyzer.name();
    List<MetricRecord> out = new ArrayList<>();
    BiConsumer<String, Double> add =
        (n, v) -> out.add(new MetricRecord(entity, instance, recordName(analyzer, n), v));
    if (distribution != null) {
      add.accept(name + ".bins", (double) distribution.numberOfBins());
      new TreeMap<>(distribution.values())
          .forEach(
              (k, v) -> {
                add.accept(name + ".abs." + k, (double) v.absolute());
                add.accept(name + ".ratio." + k, v.ratio());
              });
      if (distribution.tail() > 0) {
        add.accept(
            name + (analyzer instanceof HistogramBinned ? ".nullCount" : ".tailCount"),
            (double) distribution.tail());
      }
    }
    if (!keyed.isEmpty()) {
      new TreeMap<>(keyed).forEach((k, v) -> add.accept(name + "-" + k, v));
    }
    if (distribution == null && keyed.isEmpty()) {
      add.accept(name, value);
    }
    if (erroredRows > 0) {
      add.accept(name + ".erroredRows", (double) erroredRows);
    }
    return out;
  }
}
