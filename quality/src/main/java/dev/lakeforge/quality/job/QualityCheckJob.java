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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Option;

/**
 * {@code lakeforge quality-check --suite s.yaml --input <table | path>}: verifies the data with a
 * suite, prints a summary, writes the JSON result and metrics, optionally splits good and bad rows,
 * and exits 3 when an Error-level check fails (0 when only warnings fail).
 */
public final class QualityCheckJob implements SparkJob {
  @Option(names = "--suite", paramLabel = "FILE", description = "The suite file (YAML or JSON).")
  Path suiteOption;

  @Option(
      names = "--input",
      paramLabel = "TABLE|PATH",
      description = "A table name or a path to read.")
  String inputOption;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "parquet, csv, json or orc (a path's default: from its extension, else parquet).")
  String formatOption;

  @Option(
      names = "--metrics-out",
      paramLabel = "FILE",
      description = "Write the metrics as JSON (Deequ's successMetricsAsJson shape).")
  Path metricsOption;

  @Option(
      names = "--result-out",
      paramLabel = "FILE",
      description = "Write the verification result as JSON (default: in run.reportDir).")
  Path resultOption;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report here.")
  Path reportOption;

  @Option(
      names = "--metrics-repository",
      paramLabel = "PATH",
      description =
          "Save this run's metrics to a file repository here; the HTML report charts their history.")
  Location repositoryOption;

  @Option(
      names = "--good-out",
      paramLabel = "PATH",
      description = "Append rows that break no row-level constraint here.")
  Location goodOption;

  @Option(
      names = "--bad-out",
      paramLabel = "PATH",
      description = "Append rows that break a row-level constraint here, with the reasons.")
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
   * @param malformed what happens to CSV and JSON records that do not parse: {@code quarantine}
   *     (the default: they go to badOut with their line and why; without badOut the run fails) or
   *     {@code fail} (the run fails with exit 2 naming the lines)
   */
  public record Settings(
      Location suite,
      String input,
      String format,
      Map<String, String> options,
      Location metricsOut,
      Location resultOut,
      Location goodOut,
      Location badOut,
      String outputFormat,
      String malformed) {
    public Settings {
      options = options == null ? Map.of() : Map.copyOf(options);
      outputFormat = outputFormat == null ? "parquet" : outputFormat;
      malformed = malformed == null ? "quarantine" : malformed.toLowerCase(Locale.ROOT);
      require(
          malformed.equals("quarantine") || malformed.equals("fail"),
          "malformed",
          "is quarantine or fail, got " + malformed);
      require(suite == null || suite.isLocal(), "suite", "must be a local file, got " + suite);
      require(
          metricsOut == null || metricsOut.isLocal(),
          "metricsOut",
          "must be a local file, got " + metricsOut);
      require(
          resultOut == null || resultOut.isLocal(),
          "resultOut",
          "must be a local file, got " + resultOut);
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
  private boolean quarantineMalformed;
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
    Path suitePath =
        suiteOption != null
            ? suiteOption.toAbsolutePath().normalize()
            : s.suite() != null ? s.suite().toPath() : null;
    if (suitePath == null) {
      throw new ConfigException(
          "quality-check: no suite: give --suite FILE or set quality-check.suite");
    }
    String inputText = inputOption != null ? inputOption : s.input();
    if (inputText == null || inputText.isBlank()) {
      throw new ConfigException(
          "quality-check: no input: give --input TABLE|PATH or set quality-check.input");
    }
    format = formatOption != null ? formatOption : s.format();
    if (format != null && !InputSource.FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw new ConfigException(
          "quality-check: --format "
              + format
              + " is not supported; use one of parquet, csv, json, orc");
    }
    options = s.options();
    input =
        new InputSource(inputText, format, options)
            .resolvedAgainst(
                inputOption != null
                    ? Location.workingDirectory()
                    : config.baseDirectoryOf(name() + ".input"));
    metricsOut =
        metricsOption != null
            ? metricsOption
            : s.metricsOut() == null ? null : s.metricsOut().toPath();
    resultOut =
        resultOption != null ? resultOption : s.resultOut() == null ? null : s.resultOut().toPath();
    goodOut = goodOption != null ? goodOption : s.goodOut();
    badOut = badOption != null ? badOption : s.badOut();
    outputFormat = s.outputFormat();
    quarantineMalformed = s.malformed().equals("quarantine") && badOut != null;
    reportDir = config.bind("run", RunSettings.class).reportDir().toPath();
    if (!Files.isRegularFile(suitePath)) {
      throw new ConfigException("quality-check: suite file " + suitePath + " does not exist");
    }
    suite = Suite.load(suitePath);
    requireSeparateOutputs(input.isPath() ? Location.of(input.input()) : null);
    if (!suite.anomalies().isEmpty() && repositoryOption == null) {
      throw new ConfigException(
          "quality-check: "
              + suitePath
              + " has anomaly checks, which compare with earlier runs:"
              + " give --metrics-repository PATH");
    }
  }

  /** Every place this run writes, by the option that names it. */
  private Map<String, Location> outputs() {
    Map<String, Location> out = new LinkedHashMap<>();
    BiConsumer<String, Location> add =
        (k, v) -> {
          if (v != null) {
            out.put(k, v);
          }
        };
    add.accept("--good-out", goodOut);
    add.accept("--bad-out", badOut);
    add.accept("--metrics-repository", repositoryOption);
    add.accept(
        "--report", reportOption == null ? null : Location.of(reportOption.toAbsolutePath()));
    add.accept("--result-out", resultOut == null ? null : Location.of(resultOut.toAbsolutePath()));
    add.accept(
        "--metrics-out", metricsOut == null ? null : Location.of(metricsOut.toAbsolutePath()));
    return out;
  }

  /**
   * Outputs that overlap the input (the run would read what it writes, or append to its own input)
   * or each other (two row layouts in one folder, a report over a result) are refused.
   *
   * @throws ConfigException naming the two
   */
  private void requireSeparateOutputs(Location inputLocation) {
    List<Map.Entry<String, Location>> out = new ArrayList<>(outputs().entrySet());
    for (int i = 0; i < out.size(); i++) {
      Map.Entry<String, Location> a = out.get(i);
      if (inputLocation != null && a.getValue().overlaps(inputLocation)) {
        throw new ConfigException(
            "quality-check: "
                + a.getKey()
                + " "
                + a.getValue()
                + " overlaps the input "
                + input.describe()
                + " ("
                + inputLocation
                + "): the run would change what it reads; write elsewhere");
      }
      for (Map.Entry<String, Location> b : out.subList(i + 1, out.size())) {
        if (a.getValue().overlaps(b.getValue())) {
          throw new ConfigException(
              "quality-check: "
                  + a.getKey()
                  + " "
                  + a.getValue()
                  + " and "
                  + b.getKey()
                  + " "
                  + b.getValue()
                  + (a.getValue().equals(b.getValue())
                      ? " are the same location"
                      : " overlap (one holds the other)")
                  + "; give each output a location of its own");
        }
      }
    }
  }

  /** A table's location is known once there is a session: its outputs must lie outside it too. */
  private void requireOutputsOutsideTable(JobContext ctx) {
    if (!input.isPath()) {
      Sessions.tableLocation(ctx.spark(), input.input()).ifPresent(this::requireSeparateOutputs);
    }
  }

  /** The metrics' queries, and the row-level annotation when rows are split. */
  @Override
  public Map<String, Dataset<Row>> queries(JobContext ctx) {
    Verification v =
        Verification.onData(input.read(ctx.spark(), false))
            .addChecks(suite.checks())
            .addAnalyzers(suite.analyzers());
    Map<String, Dataset<Row>> out = new LinkedHashMap<>(v.plans());
    if (goodOut != null || badOut != null) {
      out.put("row-level annotation", v.annotate());
    }
    return out;
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    requireOutputsOutsideTable(ctx);
    JobPlan.Builder plan = JobPlan.of("verify " + input.describe() + " with " + suite);
    Dataset<Row> data = input.read(ctx.spark(), true);
    plan.step("input schema: " + data.schema().simpleString());
    for (Check c : suite.checks()) {
      plan.step(
          c.level()
              + " check '"
              + c.description()
              + "': "
              + c.constraints().size()
              + " constraint(s): "
              + String.join(", ", c.constraints().stream().map(k -> k.name()).toList()));
    }
    if (!suite.analyzers().isEmpty()) {
      plan.step(
          "analyzers: "
              + String.join(", ", suite.analyzers().stream().map(a -> a.describe()).toList()));
    }
    Verification v = Verification.onData(data).addChecks(suite.checks());
    plan.step(
        "row-level constraints: "
            + (v.rowLevelConstraints().isEmpty()
                ? "none"
                : String.join(", ", v.rowLevelConstraints())));
    if (goodOut != null || badOut != null) {
      plan.step(
          "split: good rows -> "
              + (goodOut == null ? "(not written)" : goodOut)
              + ", bad rows -> "
              + (badOut == null ? "(not written)" : badOut)
              + " as "
              + outputFormat);
    }
    suite.problems(data).forEach(plan::problem);
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws IOException {
    requireOutputsOutsideTable(ctx);
    Dataset<Row> data;
    InputSource.Records records = null;
    if (quarantineMalformed) {
      records = input.readRecords(ctx.spark());
      data = records.rows();
    } else {
      data = input.read(ctx.spark(), false);
    }
    Verification verification = suite.verification(data);
    MetricsRepository repository =
        repositoryOption == null
            ? null
            : MetricsRepository.files(
                repositoryOption.uri(), Sessions.hadoopConfiguration(ctx.spark()));
    ResultKey key = ResultKey.now(input.input());
    MetricsQuery history = new MetricsQuery(key.tags(), Long.MIN_VALUE, key.timestamp());
    Split split =
        records == null || records.malformedCount() == 0
            ? verification.split()
            : verification.split().withMalformed(records.malformed());
    // With outputs, the annotated rows are kept (persisted): the metrics, the counts and the writes
    // all read them, instead of the metrics reading the input and the split reading it again. Not
    // over Connect, where the annotation is not lenient: a predicate that raises would fail the
    // cache, and with it every metric, not only its own. Rows another run in this session already
    // keeps (the same input and suite) stay its to unpersist.
    boolean keep =
        (goodOut != null || badOut != null)
            && Sessions.isClassic(ctx.spark())
            && split.annotated().storageLevel().equals(StorageLevel.NONE());
    Dataset<Row> kept = keep ? split.annotated().persist() : null;
    try {
      Verification measured =
          kept == null ? verification : suite.verification(kept.drop(Verification.REASONS));
      if (repository != null) {
        measured.compareWith(repository, key);
      }
      VerificationResult result = measured.run();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("suite", suite.file().toString());
      details.put("input", input.input());
      details.put("status", result.status().name());
      List<String> outputs = new ArrayList<>();
      // All or nothing: rows are staged and every file is written aside; the rows are committed,
      // then the files moved into place, then the metrics saved. A failure before the commit
      // leaves nothing.
      List<Path[]> files = new ArrayList<>();
      if (records != null && records.malformedCount() > 0) {
        ctx.print(
            records.malformedCount()
                + " malformed record(s) go to "
                + badOut
                + ", e.g. "
                + records.firstReasons().get(0));
        details.put("malformedRecords", records.malformedCount());
      }
      try (Split.Staged staged =
          goodOut != null || badOut != null
              ? split.stage(uri(goodOut), uri(badOut), outputFormat)
              : null) {
        if (reportOption != null) {
          HtmlReport report = HtmlReport.of(result).title("Quality of " + input.input());
          if (!verification.rowLevelConstraints().isEmpty()) {
            report.failingRows(split.bad(), 20);
          }
          if (repository != null) {
            report.history(repository, history);
          }
          files.add(aside(reportOption, report::writeTo));
        }
        Path resultFile =
            resultOut != null
                ? resultOut
                : reportDir.resolve(name() + "-" + ctx.runId() + "-result.json");
        files.add(aside(resultFile, f -> write(f, result.toJson())));
        if (metricsOut != null) {
          files.add(aside(metricsOut, f -> write(f, result.metrics().successMetricsAsJson())));
        }
        if (staged != null) {
          staged.commit();
          Split.Counts counts = staged.counts();
          ctx.print(
              "rows: "
                  + counts.good()
                  + " good"
                  + (goodOut == null ? "" : " -> " + goodOut)
                  + ", "
                  + counts.bad()
                  + " bad"
                  + (badOut == null ? "" : " -> " + badOut));
          details.put("goodRows", counts.good());
          details.put("badRows", counts.bad());
          addLocal(outputs, goodOut);
          addLocal(outputs, badOut);
        }
        for (Path[] f : files) {
          Files.move(
              f[0], f[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      } finally {
        files.forEach(f -> deleteQuietly(f[0]));
      }
      if (repository != null) {
        repository.save(key, result.metrics());
      }
      if (reportOption != null) {
        ctx.print("report: " + reportOption);
      }
      ctx.print(result.summary().stripTrailing());
      ctx.print("result: " + files.get(reportOption != null ? 1 : 0)[1]);
      if (metricsOut != null) {
        ctx.print("metrics: " + metricsOut);
      }
      long failed =
          result.checkResults().stream()
              .flatMap(c -> c.constraints().stream())
              .filter(k -> !k.passed())
              .count();
      String summary =
          "verification "
              + result.status()
              + ": "
              + failed
              + " failed constraint(s) on "
              + input.describe();
      JobOutcome outcome =
          result.hasErrors() ? JobOutcome.qualityGateFailed(summary) : JobOutcome.success(summary);
      return outcome.withDetails(details).withOutputs(outputs);
    } finally {
      if (kept != null) {
        kept.unpersist();
      }
    }
  }

  /** Something to write to a file. */
  private interface FileWriter {
    void writeTo(Path file) throws IOException;
  }

  /**
   * Writes {@code file}'s content next to it under a hidden name, to be moved into place once the
   * run commits: {temporary, final}.
   */
  private static Path[] aside(Path file, FileWriter writer) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    Path temporary =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    writer.writeTo(temporary);
    return new Path[] {temporary, target};
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temporary file left behind is hidden and harmless
    }
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
