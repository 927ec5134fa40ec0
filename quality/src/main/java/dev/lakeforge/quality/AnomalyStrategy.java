package dev.lakeforge.quality;

import dev.lakeforge.quality.anomaly.Strategies;
import java.util.List;

/**
 * Decides which points of a metric's history are anomalies, with Deequ's semantics. The series
 * holds the history oldest first; only points in {@code [from, to)} are judged.
 *
 * <pre>{@code
 * Verification.onData(df).saveMetricsTo(repository, ResultKey.now("orders"))
 *     .addAnomalyCheck(AnomalyStrategy.relativeRateOfChange(0.9, 1.1), Analyzer.size())
 *     .run();
 * }</pre>
 */
public interface AnomalyStrategy {
  /** The anomalies among {@code series[from..to)}. */
  List<Anomaly> detect(double[] series, int from, int to);

  /** Flags values below {@code lower} or above {@code upper}. */
  static AnomalyStrategy simpleThresholds(double lower, double upper) {
    return Strategies.simpleThresholds(lower, upper);
  }

  /**
   * Flags a change {@code x[t] - x[t - 1]} below {@code maxDecrease} (negative) or above {@code
   * maxIncrease}.
   */
  static AnomalyStrategy absoluteChange(double maxDecrease, double maxIncrease) {
    return absoluteChange(maxDecrease, maxIncrease, 1);
  }

  /**
   * Flags the {@code order}-th difference (x[t] - x[t-1], applied {@code order} times) below {@code
   * maxDecrease} or above {@code maxIncrease}.
   */
  static AnomalyStrategy absoluteChange(double maxDecrease, double maxIncrease, int order) {
    return Strategies.absoluteChange(maxDecrease, maxIncrease, order);
  }

  /**
   * Flags {@code x[t] / x[t - 1]} below {@code maxRateDecrease} or above {@code maxRateIncrease}.
   */
  static AnomalyStrategy relativeRateOfChange(double maxRateDecrease, double maxRateIncrease) {
    return relativeRateOfChange(maxRateDecrease, maxRateIncrease, 1);
  }

  /**
   * Flags {@code x[t] / x[t - order]} below {@code maxRateDecrease} or above {@code
   * maxRateIncrease}.
   */
  static AnomalyStrategy relativeRateOfChange(
      double maxRateDecrease, double maxRateIncrease, int order) {
    return Strategies.relativeRateOfChange(maxRateDecrease, maxRateIncrease, order);
  }

  /** Running mean and deviation of the earlier points; flags points beyond 3 deviations. */
  static AnomalyStrategy onlineNormal() {
    return Strategies.onlineNormal();
  }

  /**
   * Mean and deviation of the points outside the judged interval; flags points beyond 3 deviations.
   */
  static AnomalyStrategy batchNormal() {
    return Strategies.batchNormal();
  }

  /**
   * Flags a point whose z-score against the {@code window} points just before it is beyond {@code
   * threshold} (e.g. the mean amount per batch against the last 20 batches).
   */
  static AnomalyStrategy rollingZScore(int window, double threshold) {
    return Strategies.rollingZScore(window, threshold);
  }

  /**
   * Additive Holt-Winters (level, trend, season) fitted to the history before the judged interval,
   * smoothing parameters chosen by least squares; flags a point outside the one-step forecast -/+
   * 1.96 deviations of the fit's residuals (a 95% band), as Deequ does. Needs two full seasons of
   * history.
   *
   * @param period points per season (at least 2)
   */
  static AnomalyStrategy holtWinters(int period) {
    return Strategies.holtWinters(period);
  }

  /** Holt-Winters for daily metrics with a weekly pattern (period 7). */
  static AnomalyStrategy holtWintersDaily() {
    return holtWinters(7);
  }

  /** Holt-Winters for weekly metrics with a yearly pattern (period 52). */
  static AnomalyStrategy holtWintersWeekly() {
    return holtWinters(52);
  }
}
