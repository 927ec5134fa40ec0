package dev.lakeforge.gpu.job;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.core.jobs.SqlScript;
import dev.lakeforge.core.jobs.SqlStatement;
import dev.lakeforge.gpu.GpuException;
import dev.lakeforge.gpu.GpuPlan;
import dev.lakeforge.gpu.GpuPlanReport;
import dev.lakeforge.gpu.GpuSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.CreateTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ReplaceTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.SetCatalogAndNamespace;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import picocli.CommandLine.Option;

/**
 * Prints the GPU plan report of SQL queries or a table, and fails (exit 3) when a plan's share of
 * operators on the GPU is below {@code --min-coverage}: the gate to put in front of GPU jobs in CI.
 * Runs on any machine with the RAPIDS jar on the classpath; plans only, executes nothing.
 *
 * <pre>{@code
 * lakeforge gpu-plan --sql jobs/nightly.sql --min-coverage 0.95
 * lakeforge gpu-plan --table lake.sales.orders
 * }</pre>
 *
 * <p>In a SQL file, each query is planned, and the query of each {@code CREATE TABLE ... AS},
 * {@code REPLACE TABLE ... AS} and {@code INSERT}; temporary views, {@code SET} and {@code USE} run
 * (they change the session only); other statements are skipped. The RAPIDS settings of the config's
 * {@code gpu:} section (incompatible operations, say) are applied to the planning session.
 */
public final class GpuPlanJob implements SparkJob {
  @Option(names = "--sql", paramLabel = "SQL_FILE", description = "Plan the queries of this file.")
  Path sqlFile;

  @Option(names = "--query", paramLabel = "SQL", description = "Plan this query.")
  String query;

  @Option(names = "--table", paramLabel = "TABLE", description = "Plan a scan of this table.")
  String table;

  @Option(
      names = "--job",
      paramLabel = "JOB",
      description =
          "Plan the queries this job runs with the same config (quality-check, gpu-transform).")
  String jobName;

  @Option(
      names = "--min-coverage",
      paramLabel = "SHARE",
      description =
          "Exit 3 when a plan has a smaller share of its operators on the GPU, e.g. 0.95.")
  Double minCoverage;

  @Option(
      names = "--full",
      description = "Print RAPIDS' explain of every node, not only the fallbacks.")
  boolean full;

  private final List<Target> targets = new ArrayList<>();
  private SparkJob job;
  private Map<String, String> rapidsSql = Map.of();

  /** One plan to report: where it comes from, and the SQL or table that makes it. */
  private record Target(String label, SqlStatement statement, String table) {}

  @Override
  public String name() {
    return "gpu-plan";
  }

  @Override
  public String description() {
    return "Reports which operators of a query, table scan or job would run on the GPU; a CI gate.";
  }

  @Override
  public void configure(Config config) {
    int sources =
        (sqlFile == null ? 0 : 1)
            + (query == null ? 0 : 1)
            + (table == null ? 0 : 1)
            + (jobName == null ? 0 : 1);
    if (sources != 1) {
      throw new ConfigException(
          "gpu-plan: give exactly one of --sql FILE, --query SQL, --table NAME, --job JOB");
    }
    if (minCoverage != null && (minCoverage < 0 || minCoverage > 1)) {
      throw new ConfigException(
          "--min-coverage: expected a share between 0 and 1, such as 0.95, got " + minCoverage);
    }
    if (sqlFile != null) {
      Path file = sqlFile.toAbsolutePath().normalize();
      try {
        for (SqlStatement s : SqlScript.split(Files.readString(file, StandardCharsets.UTF_8))) {
          targets.add(new Target(s.position(file.toString(), 1, 1), s, null));
        }
      } catch (NoSuchFileException e) {
        throw new ConfigException("--sql " + file + ": no such file");
      } catch (IOException e) {
        throw new ConfigException("--sql " + file + ": cannot read: " + e.getMessage(), e);
      }
      if (targets.isEmpty()) {
        throw new ConfigException("--sql " + file + ": the file holds no statement");
      }
    } else if (query != null) {
      targets.add(new Target("--query", new SqlStatement(1, query, 1, 1), null));
    } else if (table != null) {
      targets.add(new Target("table " + table, null, table));
    } else {
      job = job(jobName);
      job.configure(config);
    }
    if (config.has("gpu")) {
      GpuSettings gpu = config.bind("gpu", GpuSettings.class);
      Map<String, String> sql = new LinkedHashMap<>();
      gpu.toRapidsConf(config.bind("spark", SparkSettings.class))
          .toSparkConf()
          .forEach(
              (k, v) -> {
                if (k.startsWith("spark.rapids.sql.") && !k.equals("spark.rapids.sql.enabled")) {
                  sql.put(k, v);
                }
              });
      rapidsSql = sql;
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("GPU plan report of " + describe());
    List<Planned> planned = planAll(ctx);
    for (Planned p : planned) {
      plan.step(p.target.label + ": " + (p.report == null ? p.note : p.report.summary()));
      if (p.problem != null) {
        plan.problem(p.target.label + ": " + p.problem);
      }
    }
    if (minCoverage != null) {
      plan.step(String.format(Locale.ROOT, "fail below %.1f%% coverage", 100 * minCoverage));
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    List<Planned> planned = planAll(ctx);
    PrintStream out = ctx.out();
    double lowest = 1.0;
    int operators = 0;
    int onGpu = 0;
    int fallbacks = 0;
    List<String> below = new ArrayList<>();
    for (Planned p : planned) {
      if (p.problem != null) {
        throw new GpuException(ErrorKind.USAGE, p.target.label + ": " + p.problem);
      }
      out.println("== " + p.target.label + (p.statement() == null ? "" : ": " + p.statement()));
      if (p.report == null) {
        out.println(p.note);
        continue;
      }
      out.print(full ? p.report.render() : brief(p.report));
      lowest = Math.min(lowest, p.report.coverage());
      operators += p.report.operators().size();
      onGpu += p.report.operatorsOnGpu().size();
      fallbacks += p.report.fallbacks().size();
      if (minCoverage != null && p.report.coverage() < minCoverage) {
        below.add(p.target.label);
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("plans", planned.stream().filter(p -> p.report != null).count());
    details.put("operators", operators);
    details.put("operatorsOnGpu", onGpu);
    details.put("fallbacks", fallbacks);
    details.put("lowestCoverage", lowest);
    String summary =
        String.format(
            Locale.ROOT,
            "%d of %d operators on the GPU; lowest plan coverage %.1f%%",
            onGpu,
            operators,
            100 * lowest);
    if (!below.isEmpty()) {
      String failed =
          String.format(
              Locale.ROOT,
              "%s; below --min-coverage %.1f%%: %s",
              summary,
              100 * minCoverage,
              String.join(", ", below));
      out.println(failed);
      return JobOutcome.qualityGateFailed(failed).withDetails(details);
    }
    out.println(summary);
    return JobOutcome.success(summary).withDetails(details);
  }

  private static String brief(GpuPlanReport report) {
    return "GPU plan: "
        + report.summary()
        + "\n"
        + (report.fallbacks().isEmpty() ? "" : "Fallbacks:\n" + report.fallbackList());
  }

  private String describe() {
    return sqlFile != null
        ? sqlFile.toString()
        : query != null ? "--query" : table != null ? "table " + table : "job " + jobName;
  }

  /** The registered job of that name, a fresh instance. */
  private SparkJob job(String name) {
    List<String> names = new ArrayList<>();
    for (SparkJob j : ServiceLoader.load(SparkJob.class)) {
      if (j.name().equals(name) && !name.equals(name())) {
        return j;
      }
      names.add(j.name());
    }
    throw new ConfigException(
        "--job "
            + name
            + ": no such job; the jobs: "
            + String.join(", ", names.stream().sorted().toList()));
  }

  /** A target with its report, or the note saying why it has none. */
  private record Planned(Target target, GpuPlanReport report, String note, String problem) {
    String statement() {
      return target.statement == null ? null : target.statement.headline();
    }
  }

  private List<Planned> planAll(JobContext ctx) {
    SparkSession session = ctx.spark();
    if (!(session instanceof org.apache.spark.sql.classic.SparkSession spark)) {
      throw new GpuException(
          ErrorKind.USAGE, "gpu-plan reads physical plans: it needs a classic session");
    }
    Map<String, String> before = new LinkedHashMap<>();
    rapidsSql.forEach(
        (k, v) -> {
          before.put(k, spark.conf().get(k, null));
          spark.conf().set(k, v);
        });
    try {
      List<Planned> out = new ArrayList<>();
      if (job != null) {
        Map<String, Dataset<Row>> queries = job.queries(ctx);
        if (queries.isEmpty()) {
          out.add(
              new Planned(
                  new Target("job " + jobName, null, null),
                  null,
                  null,
                  "the job has no queries to report; use --sql or --table"));
        }
        queries.forEach(
            (name, df) ->
                out.add(
                    new Planned(
                        new Target("job " + jobName + ": " + name, null, null),
                        GpuPlan.explain(df),
                        null,
                        null)));
      }
      for (Target t : targets) {
        try {
          out.add(planOne(spark, t));
        } catch (GpuException e) {
          throw e;
        } catch (Exception e) {
          out.add(new Planned(t, null, null, SparkErrors.describe(e)));
        }
      }
      return out;
    } finally {
      before.forEach(
          (k, v) -> {
            if (v == null) {
              spark.conf().unset(k);
            } else {
              spark.conf().set(k, v);
            }
          });
    }
  }

  private static Planned planOne(org.apache.spark.sql.classic.SparkSession spark, Target t)
      throws Exception {
    if (t.table != null) {
      return new Planned(t, GpuPlan.explain(spark.table(t.table)), null, null);
    }
    LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(t.statement.text());
    LogicalPlan query = queryOf(parsed);
    if (query != null) {
      Dataset<Row> df = org.apache.spark.sql.classic.Dataset.ofRows(spark, query);
      return new Planned(t, GpuPlan.explain(df), null, null);
    }
    if (parsed instanceof CreateViewCommand view
            && !view.viewType().toString().equals("PersistedView")
        || parsed instanceof SetCommand
        || parsed instanceof SetCatalogAndNamespace) {
      spark.sql(t.statement.text());
      return new Planned(t, null, "ran (it changes the session only)", null);
    }
    return new Planned(t, null, "skipped: not a query (" + parsed.nodeName() + ")", null);
  }

  /** The query a statement computes: itself, or what it writes; null for other commands. */
  private static LogicalPlan queryOf(LogicalPlan parsed) {
    if (parsed instanceof CreateTableAsSelect ctas) {
      return ctas.query();
    }
    if (parsed instanceof ReplaceTableAsSelect rtas) {
      return rtas.query();
    }
    if (parsed instanceof InsertIntoStatement insert) {
      return insert.query();
    }
    return parsed instanceof Command ? null : parsed;
  }
}
