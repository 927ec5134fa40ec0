package dev.lakeforge.core.slo;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.report.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One job's service level indicators over a window of its run reports, against its objectives, with
 * the success rate's error budget and burn-rate alerts.
 *
 * <pre>{@code
 * SloEvaluation e = SloEvaluation.of(objective, reports, settings.windowDuration(),
 *     settings.burnRates(), Instant.now());
 * if (e.breached()) { ... e.render() ... }
 * }</pre>
 *
 * @param job the job
 * @param runs the runs that ended in the window
 * @param indicators each objective given, with the indicator's value
 * @param errorBudgetRemaining the share of the success rate's error budget left (negative when
 *     overspent); 1 without a success-rate objective
 * @param alerts each burn-rate alert, firing or not
 */
public record SloEvaluation(
    String job,
    int runs,
    List<Indicator> indicators,
    double errorBudgetRemaining,
    List<Alert> alerts) {

  /**
   * A run that failed; any other status (a failed quality gate too) means the job ran to its end.
   */
  private static final String FAILED = "FAILED";

  private static final String SUCCEEDED = "SUCCEEDED";

  /**
   * An indicator and its objective.
   *
   * @param name success_rate, duration_p95_seconds, freshness_seconds, quality_pass_rate or
   *     cost_per_run
   * @param value the indicator (NaN without runs to measure)
   * @param objective the objective
   * @param atLeast whether the value must be at least the objective (else at most)
   * @param problem why the indicator could not be read (a missing table, an unreachable
   *     repository), or null
   * @param notANumber why a value that was read is NaN (a metric some run could not compute), or
   *     null
   */
  public record Indicator(
      String name,
      double value,
      double objective,
      boolean atLeast,
      String problem,
      String notANumber) {
    /** An indicator that was read. */
    public Indicator(String name, double value, double objective, boolean atLeast) {
      this(name, value, objective, atLeast, null, null);
    }

    /** An indicator that could not be read, and why. */
    public Indicator(String name, double value, double objective, boolean atLeast, String problem) {
      this(name, value, objective, atLeast, problem, null);
    }

    /**
     * Whether the objective is met; an indicator without runs to measure, or that could not be
     * read, is not met.
     */
    public boolean met() {
      return problem == null
          && !Double.isNaN(value)
          && (atLeast ? value >= objective : value <= objective);
    }
  }

  /**
   * What objectives read beyond their job's run reports: a table's commits, a metric's history.
   * Either may throw a {@link LakeforgeException}; the indicator is then reported as unreadable,
   * with its message, and the other indicators are still evaluated.
   */
  public interface Sources {
    /** The newest commit of {@code table} at or before {@code asOf}; null when it has none. */
    Instant newestCommit(String table, Instant asOf);

    /** The values of the objective's metric saved from {@code from} to {@code to}, inclusive. */
    List<MetricHistory.Sample> metric(
        SloSettings.MetricObjective objective, Instant from, Instant to);
  }

  /** No sources: an objective on a table or a metric is reported as unreadable. */
  public static final Sources NO_SOURCES =
      new Sources() {
        @Override
        public Instant newestCommit(String table, Instant asOf) {
          throw new LakeforgeException("no catalog to read " + table + " from");
        }

        @Override
        public List<MetricHistory.Sample> metric(
            SloSettings.MetricObjective objective, Instant from, Instant to) {
          throw new LakeforgeException("no metrics repository reader");
        }
      };

  /**
   * A burn-rate alert.
   *
   * @param longWindow its long window
   * @param shortWindow its short window
   * @param longBurn the burn rate over the long window
   * @param shortBurn the burn rate over the short window
   * @param factor the rate at which it fires
   * @param severity page or ticket
   */
  public record Alert(
      String longWindow,
      String shortWindow,
      double longBurn,
      double shortBurn,
      double factor,
      String severity) {
    /** Fires when both windows burn at least {@code factor} times the allowed rate. */
    public boolean firing() {
      return longBurn >= factor && shortBurn >= factor;
    }
  }

  /** Evaluates {@code objective} on the reports of its job that ended in the window before now. */
  public static SloEvaluation of(
      SloSettings.Objective objective,
      List<RunReport> reports,
      Duration window,
      List<SloSettings.BurnRate> burnRates,
      Instant now) {
    return of(objective, reports, window, burnRates, now, NO_SOURCES);
  }

  /**
   * The same, with the freshness of the objective's table and its metrics read from {@code
   * sources}.
   */
  public static SloEvaluation of(
      SloSettings.Objective objective,
      List<RunReport> reports,
      Duration window,
      List<SloSettings.BurnRate> burnRates,
      Instant now,
      Sources sources) {
    List<RunReport> all =
        reports.stream()
            .filter(r -> r.job().equals(objective.job()))
            .filter(r -> !ended(r).isAfter(now))
            .sorted(Comparator.comparing(SloEvaluation::ended))
            .toList();
    List<RunReport> inWindow = within(all, now, window);
    List<Indicator> indicators = new ArrayList<>();
    double budget = 1.0;
    List<Alert> alerts = new ArrayList<>();
    if (objective.successRate() != null) {
      double target = objective.successRate();
      double rate = successRate(inWindow);
      indicators.add(new Indicator("success_rate", rate, target, true));
      budget = budget(rate, target);
      for (SloSettings.BurnRate b : burnRates) {
        alerts.add(
            new Alert(
                b.longWindow(),
                b.shortWindow(),
                burn(within(all, now, Units.duration(b.longWindow())), target),
                burn(within(all, now, Units.duration(b.shortWindow())), target),
                b.factor(),
                b.severity()));
      }
    }
    if (objective.durationP95() != null) {
      double[] seconds = inWindow.stream().mapToDouble(RunReport::wallSeconds).sorted().toArray();
      indicators.add(
          new Indicator(
              "duration_p95_seconds",
              percentile(seconds, 0.95),
              Units.duration(objective.durationP95()).toMillis() / 1000.0,
              false));
    }
    if (objective.freshness() != null) {
      Optional<Instant> newest = Optional.empty();
      String problem = null;
      if (objective.table() == null) {
        newest =
            all.stream()
                .filter(r -> SUCCEEDED.equals(r.status()))
                .map(SloEvaluation::ended)
                .max(Comparator.naturalOrder());
      } else {
        try {
          newest = Optional.ofNullable(sources.newestCommit(objective.table(), now));
        } catch (LakeforgeException e) {
          problem = LakeforgeException.firstLine(e);
        }
      }
      double age = newest.map(t -> Duration.between(t, now).toMillis() / 1000.0).orElse(Double.NaN);
      indicators.add(
          new Indicator(
              "freshness_seconds",
              age,
              Units.duration(objective.freshness()).toMillis() / 1000.0,
              false,
              problem));
    }
    if (objective.qualityPassRate() != null) {
      List<RunReport> finished = inWindow.stream().filter(r -> !FAILED.equals(r.status())).toList();
      double passed =
          finished.isEmpty()
              ? Double.NaN
              : finished.stream().filter(r -> SUCCEEDED.equals(r.status())).count()
                  / (double) finished.size();
      indicators.add(new Indicator("quality_pass_rate", passed, objective.qualityPassRate(), true));
    }
    if (objective.costPerRun() != null) {
      double cost =
          inWindow.stream().mapToDouble(r -> r.cost().total()).average().orElse(Double.NaN);
      indicators.add(new Indicator("cost_per_run", cost, objective.costPerRun(), false));
    }
    for (SloSettings.MetricObjective m : objective.metrics()) {
      indicators.add(metric(m, sources, now.minus(window), now));
    }
    return new SloEvaluation(
        objective.job(), inWindow.size(), List.copyOf(indicators), budget, List.copyOf(alerts));
  }

  /** The worst value of a metric in the window against its bound: every run must meet it. */
  private static Indicator metric(
      SloSettings.MetricObjective m, Sources sources, Instant from, Instant to) {
    boolean atLeast = m.atLeast() != null;
    try {
      List<MetricHistory.Sample> samples = sources.metric(m, from, to);
      List<MetricHistory.Sample> nan =
          samples.stream().filter(sample -> Double.isNaN(sample.value())).toList();
      if (!nan.isEmpty()) {
        // a value that could not be computed (a ratio over no rows) meets no bound
        return new Indicator(
            m.indicator(),
            Double.NaN,
            m.bound(),
            atLeast,
            null,
            "NaN in "
                + nan.size()
                + " of "
                + samples.size()
                + " run(s), the newest saved at "
                + nan.get(nan.size() - 1).time()
                + ": the metric could not be computed on that run's data");
      }
      OptionalDouble worst =
          atLeast
              ? samples.stream().mapToDouble(MetricHistory.Sample::value).min()
              : samples.stream().mapToDouble(MetricHistory.Sample::value).max();
      return new Indicator(m.indicator(), worst.orElse(Double.NaN), m.bound(), atLeast);
    } catch (LakeforgeException e) {
      return new Indicator(
          m.indicator(), Double.NaN, m.bound(), atLeast, LakeforgeException.firstLine(e));
    }
  }

  /** Whether an objective is not met or an alert fires. */
  public boolean breached() {
    return indicators.stream().anyMatch(i -> !i.met()) || alerts.stream().anyMatch(Alert::firing);
  }

  /** The evaluation for people, a line per indicator and alert. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(job).append(": ").append(runs).append(" run(s) in the window\n");
    for (Indicator i : indicators) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-22s %12s  objective %s %-10s %s%n",
              i.name(),
              i.problem() != null
                  ? "unreadable"
                  : i.notANumber() != null
                      ? "NaN"
                      : Double.isNaN(i.value())
                          // freshness has nothing to measure until data lands (a run, a commit)
                          ? i.name().equals("freshness_seconds") ? "no data" : "no runs"
                          : number(i.value()),
              i.atLeast() ? ">=" : "<=",
              number(i.objective()),
              i.met() ? "met" : "BREACHED"));
      if (i.problem() != null) {
        out.append("    ").append(i.problem()).append('\n');
      }
      if (i.notANumber() != null) {
        out.append("    ").append(i.notANumber()).append('\n');
      }
    }
    if (indicators.stream().anyMatch(i -> i.name().equals("success_rate"))) {
      out.append(
          String.format(
              Locale.ROOT, "  error budget left      %11.1f%%%n", errorBudgetRemaining * 100));
    }
    for (Alert a : alerts) {
      out.append(
          String.format(
              Locale.ROOT,
              "  burn rate %s/%s  %.1f/%.1f (fires at %s)  %s%n",
              a.longWindow(),
              a.shortWindow(),
              a.longBurn(),
              a.shortBurn(),
              number(a.factor()),
              a.firing() ? "FIRING " + a.severity() : "quiet"));
    }
    return out.toString();
  }

  private static Instant ended(RunReport r) {
    return Instant.parse(r.endedAt());
  }

  private static List<RunReport> within(List<RunReport> runs, Instant now, Duration window) {
    Instant from = now.minus(window);
    return runs.stream().filter(r -> ended(r).isAfter(from)).toList();
  }

  private static double successRate(List<RunReport> runs) {
    return runs.isEmpty()
        ? Double.NaN
        : runs.stream().filter(r -> !FAILED.equals(r.status())).count() / (double) runs.size();
  }

  /** The share of the error budget {@code 1 - target} left at this success rate. */
  private static double budget(double rate, double target) {
    if (Double.isNaN(rate)) {
      return 1.0;
    }
    double allowed = 1 - target;
    return allowed == 0 ? (rate >= 1 ? 1.0 : Double.NEGATIVE_INFINITY) : 1 - (1 - rate) / allowed;
  }

  /** How many times faster than allowed the window spends the budget: its error rate / (1 - t). */
  private static double burn(List<RunReport> runs, double target) {
    if (runs.isEmpty()) {
      return 0;
    }
    double errors = 1 - successRate(runs);
    double allowed = 1 - target;
    return allowed == 0 ? (errors > 0 ? Double.POSITIVE_INFINITY : 0) : errors / allowed;
  }

  /** The nearest-rank percentile of sorted values; NaN for none. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%d", (long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }
}
