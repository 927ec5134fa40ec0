package dev.lakeforge.core.job;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.core.k8s.DeploymentKind;
import dev.lakeforge.core.k8s.JobDeployment;
import dev.lakeforge.core.k8s.Manifests;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code lakeforge} command: {@code lakeforge list}, {@code lakeforge <job> --help} and {@code
 * lakeforge <job> --config f.yaml [--profile p] [--set k=v]... [--dry-run]}. Exit codes are in
 * {@link ExitCode}.
 *
 * <pre>{@code
 * spark-submit --class dev.lakeforge.core.job.Launcher lakeforge-jobs.jar sql --config job.yaml
 * }</pre>
 */
public final class Launcher {
  private static final Logger LOG = LogManager.getLogger(Launcher.class);
  private static final Set<String> CORE_SECTIONS =
      Set.of("spark", "run", "cost", "metrics", "logging");

  /**
   * Options that describe this invocation, not the job: not passed on to a job run on Kubernetes.
   */
  private static final Set<String> EMIT_SKIPS =
      Set.of("--config", "--profile", "--dry-run", "--emit-k8s", "--help");

  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final PrintStream err;

  private final boolean ownsProcess;

  /**
   * Whether this run logs JSON lines: then every line on standard error is one, errors included.
   */
  private boolean jsonLog;

  /**
   * A launcher inside a JVM that goes on afterwards (a test, a scheduler): the logging set-up is
   * restored.
   */
  public Launcher(PrintStream out, PrintStream err) {
    this(out, err, false);
  }

  private Launcher(PrintStream out, PrintStream err, boolean ownsProcess) {
    this.out = out;
    this.err = err;
    this.ownsProcess = ownsProcess;
  }

  public static void main(String[] args) {
    // The process ends with the job: its log format stays for what Spark's shutdown hooks log.
    int code = new Launcher(System.out, System.err, true).execute(args);
    System.out.flush();
    System.exit(code);
  }

  @Command(
      name = "lakeforge",
      mixinStandardHelpOptions = true,
      version = "lakeforge 0.1.0",
      description = "Runs Lakeforge's packaged Spark jobs. 'lakeforge list' shows them.",
      footer = {
        "",
        "Exit codes: 0 success, 1 job failed, 2 usage or config error (or --require-gpu without a GPU), 3 data-quality gate failed."
      })
  static final class Root {}

  @Command(name = "list", description = "Lists the jobs.")
  static final class ListJobs {}

  /** Options every job takes. */
  static final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML (or JSON) config file.")
    Path config;

    @Option(
        names = "--profile",
        paramLabel = "NAME",
        description = "Overlay profiles.NAME (and FILE-NAME.yaml).")
    String profile;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override one config value; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(
        names = "--dry-run",
        description = "Resolve config, build and validate the plan, print it; write nothing.")
    boolean dryRun;

    @Option(
        names = "--require-gpu",
        description =
            "Fail (exit 2) instead of running on the CPU when the config asks for the GPU and none"
                + " is found (sets gpu.required).")
    boolean requireGpu;

    @Option(
        names = "--verbose",
        description = "Log the stack trace of an error in what was asked, too.")
    boolean verbose;

    @Option(
        names = "--emit-k8s",
        paramLabel = "KIND",
        description =
            "Print Kubernetes manifests that run this job with"
                + " this config: spark-submit (a script), spark-operator, scheduled, apache-operator or cronjob; run nothing.")
    DeploymentKind emitK8s;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help and exit.")
    boolean help;
  }

  /**
   * The jobs on the classpath, fresh instances, sorted by name. A job whose dependencies are not on
   * this classpath (a tool for local runs under spark-submit, say) is left out, so that it cannot
   * keep the others from starting.
   */
  static List<SparkJob> discover() {
    List<SparkJob> jobs = new ArrayList<>();
    Iterator<SparkJob> found = ServiceLoader.load(SparkJob.class).iterator();
    while (true) {
      try {
        if (!found.hasNext()) {
          break;
        }
        SparkJob job = found.next();
        // the command line reflects over the job's members: resolve them now, or leave it out
        Class<?> type = job.getClass();
        LOG.trace(
            "job {}: {} methods, {} fields",
            type.getName(),
            type.getDeclaredMethods().length,
            type.getDeclaredFields().length);
        jobs.add(job);
      } catch (ServiceConfigurationError | LinkageError e) {
        LOG.debug("a job is not available on this classpath: {}", e.toString());
      }
    }
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
      spec.usageMessage()
          .footer(
              "",
              "Exit codes: 0 success, 1 job failed, 2 usage or config error (or --require-gpu without a GPU), 3 data-quality gate failed.");
      root.addSubcommand(job.name(), new CommandLine(spec));
      common.put(job.name(), options);
    }
    // Paths given on the command line start at the working directory; jobs see them as absolute
    // URIs.
    root.registerConverter(Location.class, Location::of);
    root.registerConverter(DeploymentKind.class, DeploymentKind::of);
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
    return run(job, common.get(job.name()), jobs.stream().map(SparkJob::name).toList(), sub);
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
    return RUN_TIME.format(Instant.now())
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  /**
   * @param jobNames every registered job: one config file may hold the sections of several jobs (a
   *     table's DDL for {@code sql} and the stream that fills it), and each job reads its own
   */
  private int run(SparkJob job, CommonOptions options, List<String> jobNames, ParseResult command) {
    String runId = newRunId();
    Config config;
    SparkSettings sparkSettings;
    RunSettings runSettings;
    CostSettings cost;
    MetricsSettings metrics;
    LoggingSettings logging;
    try {
      Config.Loader loader = options.config == null ? Config.empty() : Config.file(options.config);
      if (options.emitK8s != null) {
        loader = loader.withoutReadingSecretFiles();
      }
      List<String> overrides = new ArrayList<>(options.overrides);
      if (options.requireGpu) {
        overrides.add("gpu.required=true");
      }
      config = loader.profile(options.profile).set(overrides).load();
      Set<String> accepted = new TreeSet<>(CORE_SECTIONS);
      accepted.addAll(jobNames);
      List<SessionContributor> contributors = new ArrayList<>();
      ServiceLoader.load(SessionContributor.class).forEach(contributors::add);
      contributors.forEach(c -> accepted.add(c.section()));
      config.requireOnlySections(accepted);
      sparkSettings = config.bind("spark", SparkSettings.class);
      Map<String, String> contributed = new LinkedHashMap<>();
      for (SessionContributor c : contributors) {
        contributed.putAll(c.sparkConf(config));
      }
      contributed.putAll(absolutePaths(config, sparkSettings.conf()));
      sparkSettings = sparkSettings.withConf(contributed);
      runSettings = config.bind("run", RunSettings.class);
      cost = config.bind("cost", CostSettings.class);
      metrics = config.bind("metrics", MetricsSettings.class);
      logging = config.bind("logging", LoggingSettings.class);
      job.configure(config);
      if (options.emitK8s != null) {
        SparkSettings own = config.bind("spark", SparkSettings.class);
        JobDeployment deployment =
            Deployments.of(job, config, own, runSettings, command, EMIT_SKIPS, err);
        out.print(Manifests.render(deployment, options.emitK8s));
        return ExitCode.OK;
      }
    } catch (ConfigException e) {
      err.println("lakeforge " + job.name() + ": " + Redactor.global().redact(e.getMessage()));
      return ExitCode.USAGE;
    } catch (LakeforgeException e) {
      err.println("lakeforge " + job.name() + ": " + Redactor.global().redact(e.getMessage()));
      return e.kind().exitCode();
    }
    boolean json = logging.json(sparkSettings.effectiveMaster());
    jsonLog = json;
    Map<String, String> sparkConf = sparkConf(sparkSettings, job.name(), logging, json);
    Map<String, String> levels = new LinkedHashMap<>();
    String master = sparkSettings.effectiveMaster();
    if (!options.verbose && (master == null || master.startsWith("local"))) {
      // In one JVM a failed task is the job's error, which the launcher reports once (its trace
      // with
      // --verbose): Spark's executor would log it again as a stack trace, a user's bad input file
      // too.
      levels.put("org.apache.spark.executor.Executor", "OFF");
      levels.put("org.apache.spark.scheduler.TaskSetManager", "OFF");
    }
    // The RAPIDS jar's shim loader explains at INFO, and warns once, how it finds its classes.
    levels.put("com.nvidia.spark.rapids.ShimLoader", "ERROR");
    levels.putAll(logging.levels());
    JobLogging jobLogging =
        JobLogging.install(json, logging.level(), levels, job.name(), runId, err);
    try {
      return options.dryRun
          ? dryRun(job, runId, config, sparkConf, options.verbose)
          : runForReal(job, runId, config, sparkConf, runSettings, cost, metrics, options.verbose);
    } finally {
      if (!ownsProcess) {
        jobLogging.close();
      }
    }
  }

  /**
   * The {@code spark.conf} settings, with relative paths (warehouses, event log) made absolute
   * URIs.
   */
  private static Map<String, String> absolutePaths(Config config, Map<String, String> conf) {
    Map<String, String> out = new LinkedHashMap<>(conf);
    out.replaceAll(
        (key, value) ->
            SparkSettings.isPathKey(key)
                ? config.location("spark.conf.\"" + key + "\"", value).uri()
                : value);
    return out;
  }

  private static Map<String, String> sparkConf(
      SparkSettings s, String jobName, LoggingSettings logging, boolean json) {
    Map<String, String> conf = new LinkedHashMap<>();
    boolean progress =
        logging.progress() != null ? logging.progress() : !json && System.console() != null;
    conf.put("spark.ui.showConsoleProgress", Boolean.toString(progress));
    conf.putAll(s.toSparkConf(jobName));
    return conf;
  }

  private int dryRun(
      SparkJob job, String runId, Config config, Map<String, String> sparkConf, boolean verbose) {
    Redactor r =
        Redactor.global(); // the config's secrets, and those of the files the plan reads (a suite)
    out.println(
        "Dry run of job '" + job.name() + "' (run " + runId + "): nothing is executed or written.");
    out.println(
        "Config: "
            + config.file().map(Path::toString).orElse("(none)")
            + config.profile().map(p -> ", profile " + p).orElse(""));
    out.println("--- resolved config ---");
    out.print(r.redact(config.toYaml()));
    if (job.needsSpark()) {
      out.println("--- spark settings ---");
      sparkConf.forEach(
          (k, v) ->
              out.println(k + " = " + (Redactor.isSecretKey(k) ? Redactor.MASK : r.redact(v))));
    }
    out.println("--- plan ---");
    Map<String, String> validation = job.needsSpark() ? localValidationConf(sparkConf) : sparkConf;
    if (validation != sparkConf) {
      out.println(
          "Plans are validated on a local session: the cluster ("
              + sparkConf.getOrDefault("spark.master", System.getProperty("spark.master"))
              + ") is not contacted.");
    }
    try {
      JobContext ctx =
          new JobContext(
              job.name(),
              runId,
              config,
              job.needsSpark()
                  ? memo(() -> Sessions.create(sparkSettingsFrom(validation), job.name()))
                  : null,
              out,
              true);
      JobPlan plan = job.plan(ctx);
      out.print(r.redact(plan.render()));
      return plan.isValid() ? ExitCode.OK : ExitCode.USAGE;
    } catch (Exception | LinkageError e) {
      return failed(job, "dry run of " + job.name(), e, r, verbose);
    }
  }

  /**
   * A dry run never needs the cluster: a session whose master is not local is replaced by a local
   * one with the same catalogs and settings, without cluster resources or an event log.
   */
  static Map<String, String> localValidationConf(Map<String, String> conf) {
    String master = conf.getOrDefault("spark.master", System.getProperty("spark.master"));
    if (master == null || master.startsWith("local")) {
      if (!SparkSettings.eventLogEnabled(conf)) {
        return conf;
      }
      Map<String, String> quiet = new LinkedHashMap<>(conf);
      quiet.put(
          "spark.eventLog.enabled", "false"); // a dry run writes nothing, an event log neither
      return quiet;
    }
    Map<String, String> local = new LinkedHashMap<>(conf);
    local
        .keySet()
        .removeIf(
            k ->
                k.startsWith("spark.kubernetes.")
                    || k.startsWith("spark.dynamicAllocation.")
                    || k.startsWith("spark.executor.")
                    || k.equals("spark.submit.deployMode")
                    || k.startsWith("spark.driver."));
    local.put("spark.master", "local[*]");
    local.put("spark.submit.deployMode", "client");
    local.put("spark.driver.host", "127.0.0.1");
    local.put("spark.driver.bindAddress", "127.0.0.1");
    local.put("spark.ui.enabled", "false");
    local.put("spark.eventLog.enabled", "false");
    return local;
  }

  /**
   * Reports a failure in one place: a user's mistake (a missing table, a wrong option) or a
   * concurrent writer as one line and its exit code, with the stack trace only when {@code
   * --verbose}; anything else with the trace.
   */
  private int failed(SparkJob job, String what, Throwable e, Redactor r, boolean verbose) {
    ErrorKind kind = SparkErrors.kind(e);
    if (!kind.needsTrace()) {
      String line = r.redact(SparkErrors.describe(e));
      if (jsonLog) {
        LOG.error("lakeforge {}: {}", job.name(), line, verbose ? e : null);
      } else {
        if (verbose) {
          LOG.error("{}: {}", what, line, e);
        }
        err.println("lakeforge " + job.name() + ": " + line);
      }
    } else {
      LOG.error("{} failed", what, e);
      if (!jsonLog) {
        err.println(
            "lakeforge " + job.name() + ": failed: " + r.redact(String.valueOf(e.getMessage())));
      }
    }
    return kind.exitCode();
  }

  /** The settings whose conf is exactly this map (what the dry run printed is what runs). */
  private static SparkSettings sparkSettingsFrom(Map<String, String> conf) {
    return new SparkSettings(null, conf.get("spark.app.name"), null, null, null, null, conf, null);
  }

  private int runForReal(
      SparkJob job,
      String runId,
      Config config,
      Map<String, String> sparkConf,
      RunSettings runSettings,
      CostSettings costSettings,
      MetricsSettings metrics,
      boolean verbose) {
    Redactor r = config.redactor();
    Instant started = Instant.now();
    boolean sessionExisted =
        SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession spark = null;
    RunRecorder recorder = null;
    JobOutcome outcome = null;
    String status;
    String summary;
    Map<String, Object> failure = Map.of();
    int code;
    LOG.info(
        "starting job {} run {}{}",
        job.name(),
        runId,
        config.file().map(f -> " with " + f).orElse(""));
    String gpuFallback = sparkConf.get(Sessions.GPU_FALLBACK_KEY);
    if (gpuFallback != null && job.needsSpark()) {
      LOG.warn("the config asks for the GPU, but {}: running on the CPU", gpuFallback);
    }
    try {
      if (job.needsSpark()) {
        spark = Sessions.create(sparkSettingsFrom(sparkConf), job.name());
        recorder = RunRecorder.start(spark, runId);
      }
      SparkSession session = spark;
      outcome =
          job.run(
              new JobContext(
                  job.name(), runId, config, session == null ? null : () -> session, out, false));
      status = outcome.status().name();
      summary = outcome.summary();
      code = outcome.exitCode();
    } catch (Exception | LinkageError e) {
      status = "FAILED";
      summary =
          SparkErrors.kind(e) != ErrorKind.INTERNAL || SparkErrors.commitStateUnknown(e)
              ? SparkErrors.describe(e)
              : String.valueOf(e.getMessage());
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      // what diagnose reads: the kind of error and the exception at its root
      failure = new LinkedHashMap<>(e instanceof JobFailure f ? f.details() : Map.of());
      failure.put("errorKind", SparkErrors.kind(e).name());
      failure.put("exception", e.getClass().getName());
      failure.put("rootCause", root.getClass().getName());
      code = failed(job, "job " + job.name() + " run " + runId, e, r, verbose);
    }
    RunMetrics m = recorder == null ? RunMetrics.NONE : recorder.stop();
    Instant ended = Instant.now();
    double wallSeconds = (ended.toEpochMilli() - started.toEpochMilli()) / 1000.0;
    String accelerator = spark == null ? null : Sessions.accelerator(spark);
    double gpuSeconds = m.gpuSeconds();
    if ("gpu".equals(accelerator)
        && gpuSeconds == 0
        && Sessions.master(spark).startsWith("local")) {
      // Local Spark schedules no GPU resource: RAPIDS holds the machine's first GPU for the run.
      gpuSeconds = wallSeconds;
    }
    RunReport report =
        new RunReport(
            job.name(),
            runId,
            status,
            summary,
            runSettings.team(),
            runSettings.tenant(),
            runSettings.labels(),
            spark == null ? null : Sessions.master(spark),
            spark == null ? null : Sessions.deployMode(spark),
            started.toString(),
            ended.toString(),
            wallSeconds,
            m,
            Cost.of(
                m.coreSeconds(),
                gpuSeconds,
                costSettings.pricePerCoreHour(),
                costSettings.pricePerGpuHour(),
                costSettings.currency()),
            accelerator,
            gpuFallback,
            outcome == null ? failure : outcome.details());
    code = publish(report, runSettings, metrics, outcome, r, code);
    if (spark != null && !sessionExisted) {
      spark.stop();
    }
    return code;
  }

  private int publish(
      RunReport report,
      RunSettings run,
      MetricsSettings metrics,
      JobOutcome outcome,
      Redactor r,
      int code) {
    String fileName = report.job() + "-" + report.runId() + ".json";
    try {
      Path written = report.writeTo(run.reportDir().toPath(), fileName, r);
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
        export.writeTo(metrics.file().toPath());
      }
      if (metrics.pushgateway() != null) {
        export.push(metrics.pushgateway(), metrics.pushJob(), report.job());
      }
    } catch (Exception e) {
      LOG.error("cannot publish the run report of {} {}", report.job(), report.runId(), e);
      if (!jsonLog) {
        err.println(
            "lakeforge "
                + report.job()
                + ": cannot publish the run report: "
                + r.redact(String.valueOf(e.getMessage())));
      }
      return code == ExitCode.OK ? ExitCode.JOB_FAILED : code;
    }
    return code;
  }

  private static <T> Supplier<T> memo(Supplier<T> s) {
    return new Supplier<>() {
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
