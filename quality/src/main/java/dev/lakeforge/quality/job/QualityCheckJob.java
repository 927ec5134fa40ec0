package dev.lakeforge.quality.job;

import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.InputSource;
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
  String repositoryOption;

  @Option(names = "--good-out", paramLabel = "PATH", description = "Append rows that break no row-level constraint here.")
  String goodOption;

  @Option(names = "--bad-out", paramLabel = "PATH", description = "Append rows that break a row-level constraint here, with the reasons.")
  String badOption;

  /**
   * The {@code quality-check:} section; command-line options win.
   *
   * @param suite the suite file (relative to the config file)
   * @param input a table name or a path
   * @param format parquet, csv, json or orc
   * @param options reader options, e.g. {header: "true"} for CSV
   * @param metricsOut metrics JSON file
   * @param resultOut result JSON file
   * @param goodOut where good rows go
   * @param badOut where bad rows go (quarantine)
   * @param outputFormat format of the good and bad rows (default parquet)
   */
  public record Settings(String suite, String input, String format, Map<String, String> options, String metricsOut,
      String resultOut, String goodOut, String badOut, String outputFormat) {
    public Settings {
      options = options == null ? Map.of() : Map.copyOf(options);
      outputFormat = outputFormat == null ? "parquet" : outputFormat;
    }
  }

  private Suite suite;
  private String input;
  private String format;
  private Map<String, String> options;
  private Path metricsOut;
  private Path resultOut;
  private String goodOut;
  private String badOut;
  private String outputFormat;
  private String reportDir;

  @Override
  public String name() {
    return "quality-check";
  }

  @Override
  public String description() {
    return "Verifies a table or files with a quality suite; exit code 3 when an Error-level check fails.";
  }

  @Override
  public void configure(Config config) {
    Settings s = config.bind(name(), Settings.class);
    Path suitePath = suiteOption != null ? suiteOption : s.suite() != null ? config.resolvePath(s.suite()) : null;
    if (suitePath == null) {
      throw new ConfigException("quality-check: no suite: give --suite FILE or set quality-check.suite");
    }
    input = inputOption != null ? inputOption : s.input();
    if (input == null || input.isBlank()) {
      throw new ConfigException("quality-check: no input: give --input TABLE|PATH or set quality-check.input");
    }
    format = formatOption != null ? formatOption : s.format();
    if (format != null && !InputSource.FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw new ConfigException("quality-check: --format " + format + " is not supported; use one of parquet, csv, json, orc");
    }
    options = s.options();
    metricsOut = metricsOption != null ? metricsOption : s.metricsOut() == null ? null : config.resolvePath(s.metricsOut());
    resultOut = resultOption != null ? resultOption : s.resultOut() == null ? null : config.resolvePath(s.resultOut());
    goodOut = goodOption != null ? goodOption : s.goodOut();
    badOut = badOption != null ? badOption : s.badOut();
    outputFormat = s.outputFormat();
    reportDir = config.bind("run", dev.lakeforge.core.job.RunSettings.class).reportDir();
    if (!Files.isRegularFile(suitePath)) {
      throw new ConfigException("quality-check: suite file " + suitePath + " does not exist");
    }
    suite = Suite.load(suitePath);
    if (!suite.anomalies().isEmpty() && repositoryOption == null) {
      throw new ConfigException("quality-check: " + suitePath + " has anomaly checks, which compare with earlier runs:"
          + " give --metrics-repository PATH");
    }
  }

  private InputSource inputs() {
    return new InputSource(input, format, options);
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("verify " + inputs().describe() + " with " + suite);
    Dataset<Row> data = inputs().read(ctx.spark(), true);
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
    Dataset<Row> data = inputs().read(ctx.spark(), false);
    Verification verification = suite.verification(data);
    dev.lakeforge.quality.MetricsRepository repository = repositoryOption == null ? null
        : new dev.lakeforge.quality.FileMetricsRepository(repositoryOption);
    dev.lakeforge.quality.ResultKey key = dev.lakeforge.quality.ResultKey.now(input);
    dev.lakeforge.quality.MetricsQuery history = new dev.lakeforge.quality.MetricsQuery(key.tags(), Long.MIN_VALUE, key.timestamp());
    if (repository != null) {
      verification.saveMetricsTo(repository, key);
    }
    VerificationResult result = verification.run();
    if (reportOption != null) {
      dev.lakeforge.quality.HtmlReport report = dev.lakeforge.quality.HtmlReport.of(result).title("Quality of " + input);
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
    details.put("input", input);
    details.put("status", result.status().name());
    List<String> outputs = new ArrayList<>();
    if (goodOut != null || badOut != null) {
      Split.Counts counts = verification.split().write(goodOut, badOut, outputFormat);
      ctx.print("rows: " + counts.good() + " good" + (goodOut == null ? "" : " -> " + goodOut) + ", " + counts.bad()
          + " bad" + (badOut == null ? "" : " -> " + badOut));
      details.put("goodRows", counts.good());
      details.put("badRows", counts.bad());
      addLocal(outputs, goodOut);
      addLocal(outputs, badOut);
    }
    Path resultFile = resultOut != null ? resultOut : Path.of(reportDir, name() + "-" + ctx.runId() + "-result.json");
    write(resultFile, result.toJson());
    ctx.print("result: " + resultFile);
    if (metricsOut != null) {
      write(metricsOut, result.metrics().successMetricsAsJson());
      ctx.print("metrics: " + metricsOut);
    }
    long failed = result.checkResults().stream().flatMap(c -> c.constraints().stream()).filter(k -> !k.passed()).count();
    String summary = "verification " + result.status() + ": " + failed + " failed constraint(s) on " + inputs().describe();
    JobOutcome outcome = result.hasErrors() ? JobOutcome.qualityGateFailed(summary) : JobOutcome.success(summary);
    return outcome.withDetails(details).withOutputs(outputs);
  }

  private static void addLocal(List<String> outputs, String path) {
    if (path != null && !path.contains("://")) {
      outputs.add(path.startsWith("file:") ? path.substring(5) : path);
    }
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
