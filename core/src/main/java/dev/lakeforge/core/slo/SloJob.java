package dev.lakeforge.core.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobFailure;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.RunSettings;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.core.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * The {@code slo} job: each job's SLIs over the window from its run reports (and its tables'
 * commits and its metrics repository), against the objectives of the {@code slo:} section, with
 * error budgets and multi-window burn-rate alerts. Exit 3 when an objective is breached or an alert
 * fires; when an indicator cannot be read (a missing table, an unreachable store), every other one
 * is still evaluated and written, then the job exits with that problem's code. Needs Spark only to
 * read tables and remote repositories.
 */
public final class SloJob implements SparkJob {
  private static final Logger LOG = LogManager.getLogger(SloJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--now",
      paramLabel = "INSTANT",
      description = "Evaluate as of this instant, e.g. 2026-11-27T12:00:00Z (default: now).")
  String now;

  private SloSettings settings;
  private Path reports;
  private Instant asOf;

  @Override
  public String name() {
    return "slo";
  }

  @Override
  public String description() {
    return "Evaluates each job's SLOs (success rate, duration, freshness, quality, cost) from its run reports, with error budgets and burn-rate alerts.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return SloSettings.class;
  }

  /**
   * Only to read the newest commit of the tables whose freshness is measured, or a metrics
   * repository outside the local file system (with the session's Hadoop settings).
   */
  @Override
  public boolean needsSpark() {
    return settings != null
        && settings.objectives().stream()
            .anyMatch(
                o ->
                    o.table() != null
                        || o.metrics().stream().anyMatch(m -> !m.repository().isLocal()));
  }

  @Override
  public void configure(Config config) {
    settings = config.bind("slo", SloSettings.class);
    reports =
        (settings.reports() != null
                ? settings.reports()
                : config.bind("run", RunSettings.class).reportDir())
            .toPath();
    try {
      asOf = now == null ? Instant.now() : Instant.parse(now);
    } catch (DateTimeParseException e) {
      throw new LakeforgeException(
          ErrorKind.USAGE, "--now: expected an instant such as 2026-11-27T12:00:00Z, got " + now);
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan =
        JobPlan.of(
            "evaluate the SLOs of "
                + settings.objectives().size()
                + " job(s) over "
                + settings.window()
                + " before "
                + asOf);
    if (!Files.isDirectory(reports)) {
      plan.problem("no folder " + reports + " of run reports (slo.reports or run.reportDir)");
    }
    for (SloSettings.Objective o : settings.objectives()) {
      plan.step("read the run reports of " + o.job() + " in " + reports);
      if (o.table() != null) {
        plan.step("read the newest commit of " + o.table() + " (" + o.job() + "'s freshness)");
      }
      for (SloSettings.MetricObjective m : o.metrics()) {
        plan.step("read " + m.indicator() + " of " + o.job() + " from " + m.repository());
      }
    }
    if (settings.objectives().stream().anyMatch(o -> !o.metrics().isEmpty())
        && MetricHistory.find().isEmpty()) {
      plan.problem("metric objectives need lakeforge-quality on the class path");
    }
    if (settings.prometheus() != null) {
      plan.step("write the SLIs to " + settings.prometheus());
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws IOException {
    if (!Files.isDirectory(reports)) {
      throw new LakeforgeException(
          ErrorKind.USAGE,
          "no folder " + reports + " of run reports (slo.reports or run.reportDir)");
    }
    List<RunReport> history = read(reports);
    List<SloEvaluation> evaluations = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    List<String> breached = new ArrayList<>();
    Sources sources = new Sources(ctx);
    for (SloSettings.Objective o : settings.objectives()) {
      SloEvaluation e =
          SloEvaluation.of(
              o, history, settings.windowDuration(), settings.burnRates(), asOf, sources);
      evaluations.add(e);
      ctx.print(e.render().stripTrailing());
      details.put(e.job() + ".runs", e.runs());
      for (SloEvaluation.Indicator i : e.indicators()) {
        details.put(e.job() + "." + i.name(), i.value());
      }
      if (e.breached()) {
        breached.add(e.job());
      }
    }
    if (settings.prometheus() != null) {
      new SloMetrics(evaluations).writeTo(settings.prometheus().toPath());
      ctx.print("SLIs written to " + settings.prometheus().toPath());
    }
    if (!breached.isEmpty()) {
      ctx.print("SLO breached: " + String.join(", ", breached));
    }
    if (!sources.problems.isEmpty()) {
      // the evaluation is incomplete: that is the run's outcome, whatever else was breached
      LakeforgeException first = sources.problems.get(0);
      throw new JobFailure(
          first.kind(),
          sources.problems.size()
              + " indicator(s) could not be read, the rest are evaluated above; first: "
              + LakeforgeException.firstLine(first),
          details,
          first);
    }
    if (!breached.isEmpty()) {
      String summary = "SLO breached: " + String.join(", ", breached);
      return JobOutcome.qualityGateFailed(summary).withDetails(details);
    }
    return JobOutcome.success("every SLO met (" + evaluations.size() + " job(s))")
        .withDetails(details);
  }

  /** The run reports in a folder; other JSON files (a quality run's results) are not reports. */
  static List<RunReport> read(Path dir) throws IOException {
    List<RunReport> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        try {
          JsonNode n = JSON.readTree(f.toFile());
          if (n.has("runId") && n.has("job") && n.has("status") && n.has("endedAt")) {
            out.add(RunReport.read(f));
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "{} is not a readable run report, left out: {}",
              f,
              String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
      }
    }
    return out;
  }

  /**
   * Reads tables with the job's session and repositories with the quality module's reader; keeps
   * each problem, as a {@link LakeforgeException} of its kind, for the job's exit code.
   */
  private static final class Sources implements SloEvaluation.Sources {
    private final JobContext ctx;
    private final List<LakeforgeException> problems = new ArrayList<>();
    private MetricHistory reader; // one for the run: it reads each repository once

    Sources(JobContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Instant newestCommit(String table, Instant asOf) {
      try {
        return SloJob.newestCommit(ctx.spark(), table, asOf);
      } catch (Exception e) {
        throw problem(e);
      }
    }

    @Override
    public List<MetricHistory.Sample> metric(
        SloSettings.MetricObjective objective, Instant from, Instant to) {
      try {
        if (reader == null) {
          reader =
              MetricHistory.find()
                  .orElseThrow(
                      () ->
                          new LakeforgeException(
                              ErrorKind.USAGE,
                              "metric objectives need lakeforge-quality on the class path"));
        }
        Configuration hadoop =
            objective.repository().isLocal()
                ? new Configuration()
                : Sessions.hadoopConfiguration(ctx.spark());
        return reader.read(objective, hadoop, from, to);
      } catch (Exception e) {
        throw problem(e);
      }
    }

    private LakeforgeException problem(Exception e) {
      LakeforgeException p =
          e instanceof LakeforgeException le && le.kind() != ErrorKind.INTERNAL
              ? le
              : new LakeforgeException(SparkErrors.kind(e), SparkErrors.describe(e), e);
      problems.add(p);
      return p;
    }
  }

  /**
   * When data last landed in the table as of {@code asOf}: the newest commit among the current
   * snapshot's ancestors (not an unpublished branch's), leaving out rewrites (compaction), from its
   * Iceberg metadata tables; null if none.
   */
  private static Instant newestCommit(SparkSession spark, String table, Instant asOf) {
    Row row =
        spark
            .sql(
                "SELECT max(s.committed_at) FROM "
                    + table
                    + ".snapshots s JOIN "
                    + table
                    + ".history h ON s.snapshot_id = h.snapshot_id WHERE h.is_current_ancestor"
                    + " AND s.operation <> 'replace' AND s.committed_at <= timestamp_millis("
                    + asOf.toEpochMilli()
                    + ")")
            .first();
    if (row.isNullAt(0)) {
      return null;
    }
    Object committed = row.get(0); // a Timestamp, or an Instant with the Java 8 time API on
    return committed instanceof Instant i ? i : ((java.sql.Timestamp) committed).toInstant();
  }
}
