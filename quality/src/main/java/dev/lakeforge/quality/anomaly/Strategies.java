package dev.lakeforge.quality.anomaly;

import dev.lakeforge.quality.Anomaly;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.QualityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The anomaly strategies behind {@link AnomalyStrategy}'s factories, with Deequ's semantics.
 * Internal: build strategies with {@code AnomalyStrategy.relativeRateOfChange(..)} and the other
 * factories of {@link AnomalyStrategy}; this class is public only so that they can reach it.
 */
public final class Strategies {
  private Strategies() {}

  /** See {@link AnomalyStrategy#simpleThresholds(double, double)}. */
  public static AnomalyStrategy simpleThresholds(double lower, double upper) {
    return new SimpleThresholds(lower, upper);
  }

  /** See {@link AnomalyStrategy#absoluteChange(double, double, int)}. */
  public static AnomalyStrategy absoluteChange(double maxDecrease, double maxIncrease, int order) {
    return new AbsoluteChange(maxDecrease, maxIncrease, order);
  }

  /** See {@link AnomalyStrategy#relativeRateOfChange(double, double, int)}. */
  public static AnomalyStrategy relativeRateOfChange(
      double maxRateDecrease, double maxRateIncrease, int order) {
    return new RelativeRateOfChange(maxRateDecrease, maxRateIncrease, order);
  }

  /** See {@link AnomalyStrategy#onlineNormal()}. */
  public static AnomalyStrategy onlineNormal() {
    return new OnlineNormal(3, 3, 0.1, true);
  }

  /** See {@link AnomalyStrategy#batchNormal()}. */
  public static AnomalyStrategy batchNormal() {
    return new BatchNormal(3, 3, false);
  }

  /** See {@link AnomalyStrategy#rollingZScore(int, double)}. */
  public static AnomalyStrategy rollingZScore(int window, double threshold) {
    return new RollingZScore(window, threshold);
  }

  /** See {@link AnomalyStrategy#holtWinters(int)}. */
  public static AnomalyStrategy holtWinters(int period) {
    return new HoltWinters(period);
  }

  /**
   * A z-score against a rolling window: {@code |x - mean(previous window)| / stddev(previous
   * window) > threshold}.
   *
   * @param window how many earlier points form the baseline
   * @param threshold how many standard deviations are normal
   */
  record RollingZScore(int window, double threshold) implements AnomalyStrategy {
    RollingZScore {
      if (window < 2) {
        throw new IllegalArgumentException("window must be at least 2, got " + window);
      }
      if (threshold <= 0) {
        throw new IllegalArgumentException("threshold must be positive, got " + threshold);
      }
    }

    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      List<Anomaly> out = new ArrayList<>();
      for (int i = Math.max(from, window); i < to; i++) {
        double mean = 0;
        for (int k = i - window; k < i; k++) {
          mean += s[k];
        }
        mean /= window;
        double var = 0;
        for (int k = i - window; k < i; k++) {
          var += (s[k] - mean) * (s[k] - mean);
        }
        double sd = Math.sqrt(var / window);
        double z = sd == 0 ? (s[i] == mean ? 0 : Double.POSITIVE_INFINITY) : (s[i] - mean) / sd;
        if (Math.abs(z) > threshold) {
          out.add(
              new Anomaly(
                  i,
                  s[i],
                  fmt(
                      "z-score %s against the previous %d points (mean %s, deviation %s) is beyond %s",
                      z, window, mean, sd, threshold)));
        }
      }
      return out;
    }
  }

  /**
   * Values outside {@code [lower, upper]}.
   *
   * @param lower smallest normal value
   * @param upper largest normal value
   */
  record SimpleThresholds(double lower, double upper) implements AnomalyStrategy {
    SimpleThresholds {
      if (lower > upper) {
        throw new IllegalArgumentException(
            "lower bound " + lower + " exceeds upper bound " + upper);
      }
    }

    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      List<Anomaly> out = new ArrayList<>();
      for (int i = from; i < to; i++) {
        if (s[i] < lower || s[i] > upper) {
          out.add(new Anomaly(i, s[i], fmt("value %s is outside [%s, %s]", s[i], lower, upper)));
        }
      }
      return out;
    }
  }

  /** The argument checks of the change strategies. */
  private static void checkBounds(
      String lowName, double low, String highName, double high, int order) {
    if (low > high) {
      throw new IllegalArgumentException(lowName + " " + low + " exceeds " + highName + " " + high);
    }
    if (order < 1) {
      throw new IllegalArgumentException("order must be at least 1, got " + order);
    }
  }

  /**
   * The {@code order}-th difference (x[t] - x[t-1], applied {@code order} times) outside {@code
   * [maxDecrease, maxIncrease]}.
   */
  record AbsoluteChange(double maxDecrease, double maxIncrease, int order)
      implements AnomalyStrategy {
    AbsoluteChange {
      checkBounds("maxDecrease", maxDecrease, "maxIncrease", maxIncrease, order);
    }

    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      double[] d = s.clone();
      for (int k = 0; k < order; k++) {
        double[] next = new double[d.length];
        for (int i = d.length - 1; i > k; i--) {
          next[i] = d[i] - d[i - 1];
        }
        d = next;
      }
      List<Anomaly> out = new ArrayList<>();
      for (int i = Math.max(from, order); i < to; i++) {
        if (d[i] < maxDecrease || d[i] > maxIncrease) {
          out.add(
              new Anomaly(
                  i,
                  s[i],
                  fmt(
                      "change of order %d is %s, outside [%s, %s]",
                      order, d[i], maxDecrease, maxIncrease)));
        }
      }
      return out;
    }
  }

  /** {@code x[t] / x[t - order]} outside {@code [maxRateDecrease, maxRateIncrease]}. */
  record RelativeRateOfChange(double maxRateDecrease, double maxRateIncrease, int order)
      implements AnomalyStrategy {
    RelativeRateOfChange {
      checkBounds("maxRateDecrease", maxRateDecrease, "maxRateIncrease", maxRateIncrease, order);
    }

    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      List<Anomaly> out = new ArrayList<>();
      for (int i = Math.max(from, order); i < to; i++) {
        double rate = s[i] / s[i - order];
        if (rate < maxRateDecrease || rate > maxRateIncrease) {
          out.add(
              new Anomaly(
                  i,
                  s[i],
                  fmt(
                      "rate of change %s against %d point(s) before is outside [%s, %s]",
                      rate, order, maxRateDecrease, maxRateIncrease)));
        }
      }
      return out;
    }
  }

  /**
   * Mean and standard deviation of the points before, updated point by point (anomalies left out
   * when {@code ignoreAnomalies}); the first {@code ignoreStartPercentage} of the series is never
   * flagged.
   */
  record OnlineNormal(
      double lowerDeviationFactor,
      double upperDeviationFactor,
      double ignoreStartPercentage,
      boolean ignoreAnomalies)
      implements AnomalyStrategy {
    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      List<Anomaly> out = new ArrayList<>();
      int skip = (int) Math.ceil(s.length * ignoreStartPercentage);
      long n = 0;
      double mean = 0;
      double m2 = 0;
      for (int i = 0; i < Math.min(to, s.length); i++) {
        double sd = n > 1 ? Math.sqrt(m2 / n) : 0;
        boolean anomaly = false;
        if (i >= from && i >= skip && n > 1) {
          double lo = mean - lowerDeviationFactor * sd;
          double hi = mean + upperDeviationFactor * sd;
          if (s[i] < lo || s[i] > hi) {
            anomaly = true;
            out.add(
                new Anomaly(
                    i,
                    s[i],
                    fmt(
                        "value %s is outside mean %s -/+ deviations [%s, %s]",
                        s[i], mean, lo, hi)));
          }
        }
        if (!(anomaly && ignoreAnomalies)) {
          n++;
          double delta = s[i] - mean;
          mean += delta / n;
          m2 += delta * (s[i] - mean);
        }
      }
      return out;
    }
  }

  /**
   * Mean and standard deviation of the points outside {@code [from, to)} (or of all, with {@code
   * includeInterval}).
   */
  record BatchNormal(
      double lowerDeviationFactor, double upperDeviationFactor, boolean includeInterval)
      implements AnomalyStrategy {
    @Override
    public List<Anomaly> detect(double[] s, int from, int to) {
      double sum = 0;
      int n = 0;
      for (int i = 0; i < s.length; i++) {
        if (includeInterval || i < from || i >= to) {
          sum += s[i];
          n++;
        }
      }
      if (n < 2) {
        throw new QualityException(
            "BatchNormal needs at least 2 points of history outside the judged interval, got " + n);
      }
      double mean = sum / n;
      double var = 0;
      for (int i = 0; i < s.length; i++) {
        if (includeInterval || i < from || i >= to) {
          var += (s[i] - mean) * (s[i] - mean);
        }
      }
      double sd = Math.sqrt(var / n);
      double lo = mean - lowerDeviationFactor * sd;
      double hi = mean + upperDeviationFactor * sd;
      List<Anomaly> out = new ArrayList<>();
      for (int i = from; i < to; i++) {
        if (s[i] < lo || s[i] > hi) {
          out.add(
              new Anomaly(
                  i,
                  s[i],
                  fmt("value %s is outside mean %s -/+ deviations [%s, %s]", s[i], mean, lo, hi)));
        }
      }
      return out;
    }
  }

  static String fmt(String pattern, Object... args) {
    Object[] shown = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      shown[i] = args[i] instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : args[i];
    }
    return String.format(Locale.ROOT, pattern.replace("%s", "%s"), shown);
  }
}
