package dev.lakeforge.core.slo;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.SettingException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code slo:} section: service level objectives per job, evaluated from the jobs' run reports
 * by the {@code slo} job.
 *
 * <pre>{@code
 * slo:
 *   window: 28d
 *   objectives:
 *     - job: etl-migrate
 *       successRate: 0.99        # runs that did not fail / runs
 *       durationP95: 20m         # 95th percentile of the wall time
 *       freshness: 2h            # since the newest successful run ended
 *       qualityPassRate: 0.95    # runs whose quality gates passed / runs that finished
 *       costPerRun: 5.0          # mean cost, in the reports' currency
 *       metrics:                 # from the quality-check's --metrics-repository
 *         - {repository: dq-metrics, metric: Completeness, column: customer_id, atLeast: 0.99}
 * }</pre>
 *
 * @param reports the folder of run reports (default: {@code run.reportDir})
 * @param window the SLO window, e.g. 28d (default 28d)
 * @param objectives one entry per job; only the objectives given are evaluated
 * @param burnRates the multi-window burn-rate alerts on the success-rate error budget (default: 1h
 *     and 5m at 14.4, severity page; 6h and 30m at 6, severity page; 3d and 6h at 1, severity
 *     ticket)
 * @param prometheus a file the SLIs are written to in Prometheus' text format (optional: for the
 *     node exporter's textfile collector)
 */
public record SloSettings(
    Location reports,
    String window,
    List<Objective> objectives,
    List<BurnRate> burnRates,
    Location prometheus) {
  public SloSettings {
    window = window == null ? "28d" : window;
    duration("window", window);
    require(
        objectives != null && !objectives.isEmpty(),
        "objectives",
        "name at least one job's objectives");
    objectives = List.copyOf(objectives);
    burnRates =
        burnRates == null
            ? List.of(
                new BurnRate("1h", "5m", 14.4, "page"),
                new BurnRate("6h", "30m", 6.0, "page"),
                new BurnRate("3d", "6h", 1.0, "ticket"))
            : List.copyOf(burnRates);
    require(
        prometheus == null || prometheus.isLocal(),
        "prometheus",
        "must be a local file, got " + prometheus);
  }

  /** The window as a duration. */
  public Duration windowDuration() {
    return Units.duration(window);
  }

  /**
   * One job's objectives.
   *
   * @param job the job's name, as in its run reports
   * @param successRate the least share of runs that did not fail (a failed quality gate is not a
   *     failure of the job)
   * @param durationP95 the longest 95th percentile of the wall time
   * @param freshness the longest time since the newest successful run ended, or with {@code table}
   *     since the table's newest commit
   * @param qualityPassRate the least share of finished runs whose quality gates passed
   * @param costPerRun the highest mean cost of a run
   * @param table the Iceberg table the job writes ({@code lake.sales.orders}): freshness is the
   *     time since its newest commit, read from its {@code snapshots} metadata table
   * @param metrics bounds on data-quality metrics saved in a metrics repository by the job's runs
   */
  public record Objective(
      String job,
      Double successRate,
      String durationP95,
      String freshness,
      Double qualityPassRate,
      Double costPerRun,
      String table,
      List<MetricObjective> metrics) {
    public Objective {
      metrics = metrics == null ? List.of() : List.copyOf(metrics);
      Set<String> names = new HashSet<>();
      for (MetricObjective m : metrics) {
        require(
            names.add(m.indicator()),
            "metrics",
            job
                + " has two metric objectives named "
                + m.indicator()
                + ": give them different names (name: ...)");
      }
      require(job != null && !job.isBlank(), "job", "is required");
      ratio("successRate", successRate);
      ratio("qualityPassRate", qualityPassRate);
      if (durationP95 != null) {
        duration("durationP95", durationP95);
      }
      if (freshness != null) {
        duration("freshness", freshness);
      }
      require(costPerRun == null || costPerRun >= 0, "costPerRun", "must be at least 0");
      require(
          table == null || freshness != null,
          "table",
          "is where " + job + "'s freshness is read: give freshness too, e.g. freshness: 2h");
      require(
          table == null || !table.isBlank(), "table", "must name a table, e.g. lake.sales.orders");
      require(
          successRate != null
              || durationP95 != null
              || freshness != null
              || qualityPassRate != null
              || costPerRun != null
              || !metrics.isEmpty(),
          "job",
          "give " + job + " at least one objective");
    }
  }

  /**
   * A bound on a data-quality metric over the window: every run the metrics repository holds in the
   * window must meet it, so the indicator is the worst value among them (the lowest against {@code
   * atLeast}, the highest against {@code atMost}).
   *
   * @param repository the file metrics repository the runs saved to ({@code quality-check
   *     --metrics-repository}; local, {@code s3a://}, any Hadoop file system)
   * @param metric the metric's name as the repository stores it: {@code Completeness}, {@code
   *     Size}, {@code Completeness (where: amount > 0)}
   * @param column the column (or {@code a,b} for a multi-column metric); none for a dataset metric
   *     such as Size
   * @param tags only the runs saved with these tags, e.g. {@code {dataset: orders}}
   * @param atLeast the least value every run must have
   * @param atMost the highest value every run may have
   * @param name the indicator's name (default: the metric and its column, {@code
   *     Completeness(customer_id)}); needed to tell apart two objectives on one metric
   */
  public record MetricObjective(
      Location repository,
      String metric,
      String column,
      Map<String, String> tags,
      Double atLeast,
      Double atMost,
      String name) {
    public MetricObjective {
      require(repository != null, "repository", "name the metrics repository the runs saved to");
      require(
          metric != null && !metric.isBlank(), "metric", "is required, e.g. metric: Completeness");
      require(
          (atLeast == null) != (atMost == null),
          "atLeast",
          "give one bound for " + metric + ": atLeast or atMost");
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** The instance the metric is stored under: the column, or {@code *} for the dataset. */
    public String instance() {
      return column == null ? "*" : column;
    }

    /**
     * The indicator's name: {@code name}, else {@code Completeness(customer_id)} or {@code Size}.
     */
    public String indicator() {
      return name != null ? name : column == null ? metric : metric + "(" + column + ")";
    }

    /** The bound. */
    public double bound() {
      return atLeast != null ? atLeast : atMost;
    }
  }

  /**
   * A multi-window burn-rate alert: it fires when the error budget burns at least {@code factor}
   * times as fast as the window allows over both the long and the short window.
   *
   * @param longWindow e.g. 1h
   * @param shortWindow e.g. 5m (1/12 of the long one, as the SRE workbook suggests)
   * @param factor the burn rate that fires
   * @param severity what the alert is (page, ticket)
   */
  public record BurnRate(String longWindow, String shortWindow, Double factor, String severity) {
    public BurnRate {
      duration("longWindow", longWindow);
      duration("shortWindow", shortWindow);
      require(factor != null && factor > 0, "factor", "must be above 0");
      severity = severity == null ? "page" : severity;
    }
  }

  private static void ratio(String key, Double value) {
    require(value == null || (value > 0 && value <= 1), key, "must be in (0, 1], got " + value);
  }

  private static Duration duration(String key, String value) {
    try {
      return Units.duration(value);
    } catch (IllegalArgumentException e) {
      throw new SettingException(key, e.getMessage());
    }
  }
}
