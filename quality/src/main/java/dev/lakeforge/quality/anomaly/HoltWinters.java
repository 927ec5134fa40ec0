package dev.lakeforge.quality.anomaly;

import dev.lakeforge.quality.Anomaly;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.QualityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Additive Holt-Winters (level, trend, season) fitted to the history before the judged interval:
 * smoothing parameters chosen by least squares over one-step-ahead forecasts; a point is an anomaly
 * when it lies outside the forecast -/+ 1.96 standard deviations of the fit's residuals (a 95%
 * band), as Deequ does. Needs two full seasons of history.
 *
 * @param period points per season
 */
record HoltWinters(int period) implements AnomalyStrategy {
  static final double Z95 = 1.96;

  HoltWinters {
    if (period < 2) {
      throw new IllegalArgumentException("period must be at least 2, got " + period);
    }
  }

  /** A fit: forecasts for the history (one step ahead) and beyond it. */
  record Fit(double sse, double[] oneStep, double level, double trend, double[] season) {
    double forecast(int h, int seasonIndex) {
      return level + h * trend + season[seasonIndex];
    }
  }

  static Fit fit(double[] y, int n, int m, double alpha, double beta, double gamma) {
    double level = 0;
    for (int i = 0; i < m; i++) {
      level += y[i];
    }
    level /= m;
    double trend = 0;
    for (int i = 0; i < m; i++) {
      trend += (y[m + i] - y[i]) / m;
    }
    trend /= m;
    double[] season = new double[m];
    for (int i = 0; i < m; i++) {
      season[i] = y[i] - level;
    }
    double[] oneStep = new double[n];
    double sse = 0;
    for (int t = 0; t < n; t++) {
      double forecast = level + trend + season[t % m];
      oneStep[t] = forecast;
      if (t >= m) {
        sse += (y[t] - forecast) * (y[t] - forecast);
      }
      double lastLevel = level;
      level = alpha * (y[t] - season[t % m]) + (1 - alpha) * (level + trend);
      trend = beta * (level - lastLevel) + (1 - beta) * trend;
      season[t % m] = gamma * (y[t] - level) + (1 - gamma) * season[t % m];
    }
    return new Fit(sse, oneStep, level, trend, season);
  }

  @Override
  public List<Anomaly> detect(double[] s, int from, int to) {
    int m = period;
    if (from < 2 * m) {
      throw new QualityException(
          "HoltWinters with period "
              + m
              + " needs at least "
              + (2 * m)
              + " points of history before the judged interval, got "
              + from);
    }
    List<Anomaly> out = new ArrayList<>();
    // Each point is judged one step ahead: fitted on everything before it.
    for (int i = from; i < to; i++) {
      Fit best = null;
      for (int a = 1; a <= 9; a++) {
        for (int b = 0; b <= 9; b++) {
          for (int g = 0; g <= 9; g++) {
            Fit f = fit(s, i, m, a / 10.0, b / 10.0, g / 10.0);
            if (best == null || f.sse() < best.sse()) {
              best = f;
            }
          }
        }
      }
      double var = 0;
      int count = 0;
      for (int t = m; t < i; t++) {
        var += (s[t] - best.oneStep()[t]) * (s[t] - best.oneStep()[t]);
        count++;
      }
      double sd = Math.sqrt(var / Math.max(1, count - 1));
      double forecast = best.forecast(1, i % m);
      double lo = forecast - Z95 * sd;
      double hi = forecast + Z95 * sd;
      if (s[i] < lo || s[i] > hi) {
        out.add(
            new Anomaly(
                i,
                s[i],
                String.format(
                    Locale.ROOT,
                    "value %.6g is outside the Holt-Winters forecast %.6g -/+ 1.96 deviations [%.6g, %.6g]",
                    s[i],
                    forecast,
                    lo,
                    hi)));
      }
    }
    return out;
  }
}
