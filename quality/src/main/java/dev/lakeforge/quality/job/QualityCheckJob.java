package dev.lakeforge.quality.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.Sessions;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.RunSettings;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.FileMetricsRepository;
import dev.lakeforge.quality.HtmlReport;
import dev.lakeforge.quality.InputSource;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Suite;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Option;

/**
 * {@code lakeforge quality-check --suite s.yaml --input <table | path>}: verifies the data with a
 * suite, prints a summary, writes the JSON result and metrics, optionally splits good and bad
 * rows, and exits 3 when an Error-level check fails (0 when only warnings fail).
 */
public final class QualityCheckJob implements SparkJob {
  @Option(names = "--suite", paramLabel = "FILE", description = "The suite file (YAML or JSON).")
  Path suiteOption;

  @Option(names = "--input", paramLabel = "TABLE|PATH", description = "A table name or a path to read.")
  String inputOption;

  @Option(names = "--format", paramLabel = "FORMAT", description = "parquet, csv, json or orc (a path's default: from its extension, else parquet).")
  String formatOption;

  @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write the metrics as JSON (Deequ's successMetricsAsJson shape).")
  Path metricsOption;

  @Option(names = "--result-out", paramLabel = "FILE", description = "Write the verification result as JSON (default: in run.reportDir).")
  Path resultOption;

  @Option(names = "--report", paramLabel = "FILE", description = "Write a self-contained HTML report here.")
  Path reportOption;

  @Option(names = "--metrics-repository", paramLabel = "PATH",
      description = "Save this run's metrics to a file repository here; the HTML report charts their history.")
  Location repositoryOption;

  @Option(names = "--good-out", paramLabel = "PATH", description = "Append rows that break no row-level constraint here.")
  Location goodOption;

  @Option(names = "--bad-out", paramLabel = "PATH", description = "Append rows that break a row-level constraint here, with the reasons.")
  Location badOption;

  /**
   * The {@code quality-check:} section; command-line options win. Relative paths start at the
   * config file's folder (on the command line: at the working directory).
   *
   * @param suite the suite file
   * @param input a table name or a path
   * @param format parquet, csv, json or orc
   * @param options reader options, e.g. {header: "true"} for CSV
   * @param metricsOut metrics JSON file
   * @param resultOut result JSON file
   * @param goodOut where good rows go
   * @param badOut where bad rows go (quarantine)
   * @param outputFormat format of the good and bad rows (default parquet)
   */
  public record Settings(Location suite, String input, String format, Map<String, String> options, Location metricsOut,
      Location resultOut, Location goodOut, Location badOut, String outputFormat) {
    public Settings {
      options = options == null ? Map.of() : Map.copyOf(options);
      outputFormat = outputFormat == null ? "parquet" : outputFormat;
      require(suite == null || suite.isLocal(), "suite", "must be a local file, got " + suite);
      require(metricsOut == null || metricsOut.isLocal(), "metricsOut", "must be a local file, got " + metricsOut);
      require(resultOut == null || resultOut.isLocal(), "resultOut", "must be a local file, got " + resultOut);
    }
  }

  private Suite suite;
  private InputSource input;
  private String format;
  private Map<String, String> options;
  private Path metricsOut;
  private Path resultOut;
  private Location goodOut;
  private Location badOut;
  private String outputFormat;
  private Path reportDir;

  @Override
  public String name() {
    return "quality-check";
  }

  @Override
  public String description() {
    return "Verifies a table or files with a quality suite; exit code 3 when an Error-level check fails.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    Settings s = config.bind(name(), Settings.class);
    Path suitePath = suiteOption != null ? suiteOption.toAbsolutePath().normalize()
        : s.suite() != null ? s.suite().toPath() : null;
    if (suitePath == null) {
      throw new ConfigException("quality-check: no suite: give --suite FILE or set quality-check.suite");
    }
    String inputText = inputOption != null ? inputOption : s.input();
    if (inputText == null || inputText.isBlank()) {
      throw new ConfigException("quality-check: no input: give --input TABLE|PATH or set quality-check.input");
    }
    format = formatOption != null ? formatOption : s.format();
    if (format != null && !InputSource.FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw new ConfigException("quality-check: --format " + format + " is not supported; use one of parquet, csv, json, orc");
    }
    options = s.options();
    input = new InputSource(inputText, format, options)
        .resolvedAgainst(inputOption != null ? Location.workingDirectory() : config.baseDirectoryOf(name() + ".input"));
    metricsOut = metricsOption != null ? metricsOption : s.metricsOut() == null ? null : s.metricsOut().toPath();
    resultOut = resultOption != null ? resultOption : s.resultOut() == null ? null : s.resultOut().toPath();
    goodOut = goodOption != null ? goodOption : s.goodOut();
    badOut = badOption != null ? badOption : s.badOut();
    outputFormat = s.outputFormat();
    reportDir = config.bind("run", RunSettings.class).reportDir().toPath();
    if (!Files.isRegularFile(suitePath)) {
      throw new ConfigException("quality-check: suite file " + suitePath + " does not exist");
    }
    suite = Suite.load(suitePath);
    if (!suite.anomalies().isEmpty() && repositoryOption == null) {
      throw new ConfigException("quality-check: " + suitePath + " has anomaly checks, which compare with earlier runs:"
          + " give --metrics-repository PATH");
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("verify " + input.describe() + " with " + suite);
    Dataset<Row> data = input.read(ctx.spark(), true);
    plan.step("input schema: " + data.schema().simpleString());
    for (Check c : suite.checks()) {
      plan.step(c.level() + " check '" + c.description() + "': " + c.constraints().size() + " constraint(s): "
          + String.join(", ", c.constraints().stream().map(k -> k.name()).toList()));
    }
    if (!suite.analyzers().isEmpty()) {
      plan.step("analyzers: " + String.join(", ", suite.analyzers().stream().map(a -> a.describe()).toList()));
    }
    Verification v = Verification.onData(data).addChecks(suite.checks());
    plan.step("row-level constraints: " + (v.rowLevelConstraints().isEmpty() ? "none" : String.join(", ", v.rowLevelConstraints())));
    if (goodOut != null || badOut != null) {
      plan.step("split: good rows -> " + (goodOut == null ? "(not written)" : goodOut) + ", bad rows -> "
          + (badOut == null ? "(not written)" : badOut) + " as " + outputFormat);
    }
    suite.problems(data).forEach(plan::problem);
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws IOException {
    Dataset<Row> data = input.read(ctx.spark(), false);
    Verification verification = suite.verification(data);
    MetricsRepository repository = repositoryOption == null ? null
        : new FileMetricsRepository(repositoryOption.uri(), Sessions.hadoopConfiguration(ctx.spark()));
    ResultKey key = ResultKey.now(input.input());
    MetricsQuery history = new MetricsQuery(key.tags(), Long.MIN_VALUE, key.timestamp());
    if (repository != null) {
      verification.saveMetricsTo(repository, key);
    }
    VerificationResult result = verification.run();
    if (reportOption != null) {
      HtmlReport report = HtmlReport.of(result).title("Quality of " + input.input());
      if (!verification.rowLevelConstraints().isEmpty()) {
        report.failingRows(verification.split().bad(), 20);
      }
      if (repository != null) {
        report.history(repository, history);
      }
      report.writeTo(reportOption);
      ctx.print("report: " + reportOption);
    }
    ctx.print(result.summary().stripTrailing());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("suite", suite.file().toString());
    details.put("input", input.input());
    details.put("status", result.status().name());
    List<String> outputs = new ArrayList<>();
    if (goodOut != null || badOut != null) {
      Split.Counts counts = verification.split().write(uri(goodOut), uri(badOut), outputFormat);
      ctx.print("rows: " + counts.good() + " good" + (goodOut == null ? "" : " -> " + goodOut) + ", " + counts.bad()
          + " bad" + (badOut == null ? "" : " -> " + badOut));
      details.put("goodRows", counts.good());
      details.put("badRows", counts.bad());
      addLocal(outputs, goodOut);
      addLocal(outputs, badOut);
    }
    Path resultFile = resultOut != null ? resultOut : reportDir.resolve(name() + "-" + ctx.runId() + "-result.json");
    write(resultFile, result.toJson());
    ctx.print("result: " + resultFile);
    if (metricsOut != null) {
      write(metricsOut, result.metrics().successMetricsAsJson());
      ctx.print("metrics: " + metricsOut);
    }
    long failed = result.checkResults().stream().flatMap(c -> c.constraints().stream()).filter(k -> !k.passed()).count();
    String summary = "verification " + result.status() + ": " + failed + " failed constraint(s) on " + input.describe();
    JobOutcome outcome = result.hasErrors() ? JobOutcome.qualityGateFailed(summary) : JobOutcome.success(summary);
    return outcome.withDetails(details).withOutputs(outputs);
  }

  private static void addLocal(List<String> outputs, Location location) {
    if (location != null && location.isLocal()) {
      outputs.add(location.toPath().toString());
    }
  }

  private static String uri(Location location) {
    return location == null ? null : location.uri();
  }

  private static void write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
