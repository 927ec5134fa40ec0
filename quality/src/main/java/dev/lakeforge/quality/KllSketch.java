package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.count;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;

/**
 * KLLSketch: a KLL sketch (Apache DataSketches) of the non-null values of a numeric column, built
 * in the shared scan from mergeable per-partition sketches. The metric is {@code buckets}
 * equal-width buckets between the minimum and maximum (the first closed, the others {@code (a, b]})
 * with their estimated counts, and the sketch's {@code quantiles}; the rank error is about 1.65 /
 * sketchSize (0.08% at the default 2048).
 */
public record KllSketch(
    String column, int sketchSize, int buckets, List<Double> quantiles, String filter)
    implements Analyzer, NumericScan {
  public static final int DEFAULT_SKETCH_SIZE = 2048;
  public static final int DEFAULT_BUCKETS = 100;
  public static final List<Double> DEFAULT_QUANTILES = List.of(0.1, 0.25, 0.5, 0.75, 0.9, 0.99);

  public KllSketch {
    if (sketchSize < 8 || sketchSize > 65535) {
      throw new IllegalArgumentException("sketchSize must lie in [8, 65535], got " + sketchSize);
    }
    if (buckets < 1 || buckets > HistogramBinned.MAX_BINS) {
      throw new IllegalArgumentException(
          "buckets must lie in [1, " + HistogramBinned.MAX_BINS + "], got " + buckets);
    }
    quantiles = List.copyOf(quantiles);
    quantiles.forEach(ApproxQuantile::requireQuantile);
  }

  @Override
  public String name() {
    return "KLLSketch";
  }

  @Override
  public KllSketch where(String p) {
    return new KllSketch(column, sketchSize, buckets, quantiles, p);
  }

  /** A copy with another sketch size, number of buckets and quantiles. */
  public KllSketch with(int size, int bucketCount, double... qs) {
    return new KllSketch(column, size, bucketCount, Arrays.stream(qs).boxed().toList(), filter);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        functions.udaf(new KllAggregator(sketchSize), Encoders.DOUBLE()).apply(s.number(column)));
  }

  @Override
  public Metric metric(Object[] v) {
    return metricOf(KllAggregator.read((byte[]) v[0]));
  }

  /**
   * The metric of all the data behind the given states, from their sketches alone: the data is not
   * read again. A state is {@link Metric#state()} of a KLL metric (of this column or another, of
   * any sketch size), kept from an earlier run; merging today's with the last six days' gives the
   * week's quantiles. This analyzer's buckets and quantiles are reported.
   *
   * <pre>{@code
   * Metric week = Analyzer.kllSketch("amount").merge(days.stream().map(Metric::state).toList());
   * }</pre>
   *
   * @return a failed metric naming the state that is not a KLL sketch of doubles
   */
  public Metric merge(List<byte[]> states) {
    KllDoublesSketch union = KllDoublesSketch.newHeapInstance(sketchSize);
    for (int i = 0; i < states.size(); i++) {
      byte[] state = states.get(i);
      if (state == null) {
        return Metric.failed(
            this, "state " + i + " is missing (a failed metric, or one of another analyzer)");
      }
      try {
        union.merge(KllAggregator.read(state));
      } catch (RuntimeException e) {
        return Metric.failed(
            this, "state " + i + " is not a KLL sketch of doubles: " + e.getMessage());
      }
    }
    return metricOf(union);
  }

  private Metric metricOf(KllDoublesSketch sketch) {
    if (sketch.isEmpty()) {
      return Metric.empty(this).withState(sketch.toByteArray());
    }
    var inclusive = QuantileSearchCriteria.INCLUSIVE;
    long n = sketch.getN();
    double lo = sketch.getMinItem();
    double hi = sketch.getMaxItem();
    Map<String, Distribution.Value> values = new LinkedHashMap<>();
    long counted = 0;
    for (int i = 0; i < buckets; i++) {
      double low = lo + (hi - lo) * i / buckets;
      double high = i == buckets - 1 ? hi : lo + (hi - lo) * (i + 1) / buckets;
      long upTo = i == buckets - 1 ? n : Math.round(n * sketch.getRank(high, inclusive));
      long count = Math.max(0, upTo - counted);
      counted += count;
      values.put(
          (i == 0 ? "[" : "(") + low + ", " + high + "]",
          new Distribution.Value(count, (double) count / n));
    }
    Map<String, Double> q = new LinkedHashMap<>();
    quantiles.forEach(x -> q.put(x.toString(), sketch.getQuantile(x, inclusive)));
    return Metric.distribution(this, new Distribution(values, buckets))
        .withKeyed(q)
        .withState(sketch.toByteArray());
  }
}
