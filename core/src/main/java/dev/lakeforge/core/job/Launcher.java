package dev.lakeforge.core.job;

import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.core.logging.JobLogging;
import dev.lakeforge.core.report.Cost;
import dev.lakeforge.core.report.MetricsExport;
import dev.lakeforge.core.report.RunMetrics;
import dev.lakeforge.core.report.RunRecorder;
import dev.lakeforge.core.report.RunReport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code lakeforge} command: {@code lakeforge list}, {@code lakeforge <job> --help} and
 * {@code lakeforge <job> --config f.yaml [--profile p] [--set k=v]... [--dry-run]}. Exit codes are
 * in {@link ExitCode}.
 *
 * <pre>{@code
 * spark-submit --class dev.lakeforge.core.job.Launcher lakeforge-jobs.jar sql --config job.yaml
 * }</pre>
 */
public final class Launcher {
  private static final Logger LOG = LogManager.getLogger(Launcher.class);
  private static final Set<String> CORE_SECTIONS = Set.of("spark", "run", "cost", "metrics", "logging");
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final PrintStream err;

  public Launcher(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int code = new Launcher(System.out, System.err).execute(args);
    System.out.flush();
    System.exit(code);
  }

  @Command(name = "lakeforge", mixinStandardHelpOptions = true, version = "lakeforge 0.1.0",
      description = "Runs Lakeforge's packaged Spark jobs. 'lakeforge list' shows them.",
      footer = {"", "Exit codes: 0 success, 1 job failed, 2 usage or config error, 3 data-quality gate failed."})
  static final class Root {}

  @Command(name = "list", description = "Lists the jobs.")
  static final class ListJobs {}

  /** Options every job takes. */
  static final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML (or JSON) config file.")
    Path config;

    @Option(names = "--profile", paramLabel = "NAME", description = "Overlay profiles.NAME (and FILE-NAME.yaml).")
    String profile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config value; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Resolve config, build and validate the plan, print it; write nothing.")
    boolean dryRun;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
  }

  /** The jobs on the classpath, fresh instances, sorted by name. */
  static List<SparkJob> discover() {
    List<SparkJob> jobs = new ArrayList<>();
    ServiceLoader.load(SparkJob.class).forEach(jobs::add);
    jobs.sort(Comparator.comparing(SparkJob::name));
    return jobs;
  }

  /** Parses and runs; returns the exit code. */
  public int execute(String... args) {
    List<SparkJob> jobs = discover();
    CommandLine root = new CommandLine(new Root());
    root.addSubcommand("list", new CommandLine(new ListJobs()));
    Map<String, CommonOptions> common = new HashMap<>();
    for (SparkJob job : jobs) {
      CommandSpec spec = spec(job);
      CommonOptions options = new CommonOptions();
      spec.addMixin("common", CommandSpec.forAnnotatedObject(options));
      spec.usageMessage().footer("", "Exit codes: 0 success, 1 job failed, 2 usage or config error, 3 data-quality gate failed.");
      root.addSubcommand(job.name(), new CommandLine(spec));
      common.put(job.name(), options);
    }
    root.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    ParseResult parsed;
    try {
      parsed = root.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("lakeforge: " + e.getMessage());
      e.getCommandLine().usage(err);
      return ExitCode.USAGE;
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return ExitCode.OK;
    }
    if (!parsed.hasSubcommand()) {
      root.usage(err);
      return ExitCode.USAGE;
    }
    ParseResult sub = parsed.subcommand();
    if (sub.commandSpec().userObject() instanceof ListJobs) {
      jobs.forEach(j -> out.printf("%-18s %s%n", j.name(), j.description()));
      return ExitCode.OK;
    }
    SparkJob job = (SparkJob) sub.commandSpec().userObject();
    return run(job, common.get(job.name()));
  }

  private static CommandSpec spec(SparkJob job) {
    CommandSpec spec;
    try {
      spec = CommandSpec.forAnnotatedObject(job);
    } catch (CommandLine.InitializationException noAnnotations) {
      spec = CommandSpec.wrapWithoutInspection(job);
    }
    spec.name(job.name());
    if (spec.usageMessage().description().length == 0) {
      spec.usageMessage().description(job.description());
    }
    return spec;
  }

  static String newRunId() {
    return RUN_TIME.format(Instant.now()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  private int run(SparkJob job, CommonOptions options) {
    String runId = newRunId();
    Config config;
    SparkSettings sparkSettings;
    RunSettings runSettings;
    CostSettings cost;
    MetricsSettings metrics;
    LoggingSettings logging;
    try {
      Config.Loader loader = options.config == null ? Config.empty() : Config.file(options.config);
      config = loader.profile(options.profile).set(options.overrides).load();
      Set<String> accepted = new TreeSet<>(CORE_SECTIONS);
      accepted.add(job.name());
      List<SessionContributor> contributors = new ArrayList<>();
      ServiceLoader.load(SessionContributor.class).forEach(contributors::add);
      contributors.forEach(c -> accepted.add(c.section()));
      config.requireOnlySections(accepted);
      sparkSettings = config.bind("spark", SparkSettings.class);
      Map<String, String> contributed = new LinkedHashMap<>();
      for (SessionContributor c : contributors) {
        contributed.putAll(c.sparkConf(config));
      }
      if (!contributed.isEmpty()) {
        contributed.putAll(sparkSettings.conf());
        sparkSettings = new SparkSettings(sparkSettings.master(), sparkSettings.appName(), sparkSettings.warehouse(),
            sparkSettings.shufflePartitions(), sparkSettings.ui(), sparkSettings.timeZone(), contributed,
            sparkSettings.kubernetes());
      }
      runSettings = config.bind("run", RunSettings.class);
      cost = config.bind("cost", CostSettings.class);
      metrics = config.bind("metrics", MetricsSettings.class);
      logging = config.bind("logging", LoggingSettings.class);
      job.configure(config);
    } catch (ConfigException e) {
      err.println("lakeforge " + job.name() + ": " + Redactor.global().redact(e.getMessage()));
      return ExitCode.USAGE;
    }
    boolean json = logging.json(sparkSettings.effectiveMaster());
    Map<String, String> sparkConf = sparkConf(sparkSettings, job.name(), logging, json);
    try (JobLogging ignored = JobLogging.install(json, logging.level(), logging.levels(), job.name(), runId, err)) {
      return options.dryRun
          ? dryRun(job, runId, config, sparkConf)
          : runForReal(job, runId, config, sparkConf, sparkSettings, runSettings, cost, metrics);
    }
  }

  private static Map<String, String> sparkConf(SparkSettings s, String jobName, LoggingSettings logging, boolean json) {
    Map<String, String> conf = new LinkedHashMap<>();
    boolean progress = logging.progress() != null ? logging.progress() : !json && System.console() != null;
    conf.put("spark.ui.showConsoleProgress", Boolean.toString(progress));
    conf.putAll(s.toSparkConf(jobName));
    return conf;
  }

  private int dryRun(SparkJob job, String runId, Config config, Map<String, String> sparkConf) {
    Redactor r = config.redactor();
    out.println("Dry run of job '" + job.name() + "' (run " + runId + "): nothing is executed or written.");
    out.println("Config: " + config.file().map(Path::toString).orElse("(none)")
        + config.profile().map(p -> ", profile " + p).orElse(""));
    out.println("--- resolved config ---");
    out.print(config.toYaml());
    if (job.needsSpark()) {
      out.println("--- spark settings ---");
      sparkConf.forEach((k, v) -> out.println(k + " = " + (Redactor.isSecretKey(k) ? Redactor.MASK : r.redact(v))));
    }
    out.println("--- plan ---");
    try {
      JobContext ctx = new JobContext(job.name(), runId, config,
          job.needsSpark() ? memo(() -> Sessions.create(sparkSettingsFrom(sparkConf), job.name())) : null, out, true);
      JobPlan plan = job.plan(ctx);
      out.print(r.redact(plan.render()));
      return plan.isValid() ? ExitCode.OK : ExitCode.USAGE;
    } catch (ConfigException e) {
      err.println("lakeforge " + job.name() + ": " + r.redact(e.getMessage()));
      return ExitCode.USAGE;
    } catch (RuntimeException e) {
      LOG.error("dry run of {} failed", job.name(), e);
      err.println("lakeforge " + job.name() + ": dry run failed: " + r.redact(String.valueOf(e.getMessage())));
      return ExitCode.JOB_FAILED;
    }
  }

  /** The settings whose conf is exactly this map (what the dry run printed is what runs). */
  private static SparkSettings sparkSettingsFrom(Map<String, String> conf) {
    return new SparkSettings(null, conf.get("spark.app.name"), null, null, null, null, conf, null);
  }

  private int runForReal(SparkJob job, String runId, Config config, Map<String, String> sparkConf,
      SparkSettings sparkSettings, RunSettings runSettings, CostSettings costSettings, MetricsSettings metrics) {
    Redactor r = config.redactor();
    Instant started = Instant.now();
    boolean sessionExisted = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession spark = null;
    RunRecorder recorder = null;
    JobOutcome outcome = null;
    String status;
    String summary;
    int code;
    LOG.info("starting job {} run {}{}", job.name(), runId, config.file().map(f -> " with " + f).orElse(""));
    try {
      if (job.needsSpark()) {
        spark = Sessions.create(sparkSettingsFrom(sparkConf), job.name());
        recorder = RunRecorder.start(spark, runId);
      }
      SparkSession session = spark;
      outcome = job.run(new JobContext(job.name(), runId, config, session == null ? null : () -> session, out, false));
      status = outcome.status().name();
      summary = outcome.summary();
      code = outcome.exitCode();
    } catch (ConfigException e) {
      status = "FAILED";
      summary = e.getMessage();
      code = ExitCode.USAGE;
      err.println("lakeforge " + job.name() + ": " + r.redact(e.getMessage()));
    } catch (Exception | LinkageError e) {
      status = "FAILED";
      summary = String.valueOf(e.getMessage());
      code = ExitCode.JOB_FAILED;
      LOG.error("job {} run {} failed", job.name(), runId, e);
      err.println("lakeforge " + job.name() + ": failed: " + r.redact(summary));
    }
    RunMetrics m = recorder == null ? RunMetrics.NONE : recorder.stop();
    Instant ended = Instant.now();
    RunReport report = new RunReport(job.name(), runId, status, summary, runSettings.team(), runSettings.tenant(),
        runSettings.labels(), spark == null ? null : sparkConf.get("spark.master"), started.toString(), ended.toString(),
        (ended.toEpochMilli() - started.toEpochMilli()) / 1000.0, m,
        Cost.of(m.coreSeconds(), m.gpuSeconds(), costSettings.pricePerCoreHour(), costSettings.pricePerGpuHour(),
            costSettings.currency()),
        outcome == null ? Map.of() : outcome.details());
    code = publish(report, runSettings, metrics, outcome, r, code);
    if (spark != null && !sessionExisted) {
      spark.stop();
    }
    return code;
  }

  private int publish(RunReport report, RunSettings run, MetricsSettings metrics, JobOutcome outcome, Redactor r, int code) {
    String fileName = report.job() + "-" + report.runId() + ".json";
    try {
      Path written = report.writeTo(Path.of(run.reportDir()), fileName, r);
      if (outcome != null) {
        for (String output : outcome.outputs()) {
          Path dir = Path.of(output);
          if (Files.isDirectory(dir)) {
            report.writeTo(dir, "_lakeforge_run_report.json", r);
          }
        }
      }
      LOG.info("run report: {} ({})", report.oneLine(), written);
      MetricsExport export = new MetricsExport(report);
      if (metrics.file() != null) {
        export.writeTo(Path.of(metrics.file()));
      }
      if (metrics.pushgateway() != null) {
        export.push(metrics.pushgateway(), metrics.pushJob(), report.job());
      }
    } catch (Exception e) {
      LOG.error("cannot publish the run report of {} {}", report.job(), report.runId(), e);
      err.println("lakeforge " + report.job() + ": cannot publish the run report: " + r.redact(String.valueOf(e.getMessage())));
      return code == ExitCode.OK ? ExitCode.JOB_FAILED : code;
    }
    return code;
  }

  private static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> s) {
    return new java.util.function.Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
