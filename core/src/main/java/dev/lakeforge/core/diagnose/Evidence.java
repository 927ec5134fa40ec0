package dev.lakeforge.core.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.diagnose.Diagnosis.Cause;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.deploy.history.EventLogFileReader$;

/**
 * What the files of a run say: its run report (status, summary, the kind of error), the lines of a
 * driver log (plain or JSON), and a Spark event log (task failures, each stage's task times, the
 * Spark settings).
 *
 * <pre>{@code
 * Diagnosis d = Evidence.read(List.of(report, driverLog, eventLog)).diagnose();
 * }</pre>
 */
public final class Evidence {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern OUT_OF_MEMORY =
      Pattern.compile(
          "OutOfMemoryError|Java heap space|GC overhead limit exceeded|exceeding memory limits"
              + "|OOMKilled|Container killed .* memory");
  private static final Pattern EXECUTOR_LOST =
      Pattern.compile(
          "ExecutorLostFailure|Lost executor \\S+|ExecutorDeadException|Executor heartbeat timed"
              + " out");
  private static final Pattern FETCH_FAILED =
      Pattern.compile(
          "FetchFailed|MetadataFetchFailedException|Missing an output location for shuffle");
  private static final Pattern MISSING =
      Pattern.compile(
          "TABLE_OR_VIEW_NOT_FOUND|UNRESOLVED_COLUMN|NoSuchTableException|SCHEMA_NOT_FOUND"
              + "|Table or view not found|does not exist|no such table");
  private static final Pattern UNREACHABLE =
      Pattern.compile(
          "Connection (to \\S+ )?refused|UnknownHostException|could not be established"
              + "|Connection timed out|did not answer|unreachable");

  /** A file that does not read: Lakeforge's line for it, Parquet's and Spark's words. */
  private static final Pattern CORRUPT =
      Pattern.compile(
          "cannot be read \\(truncated|is not a Parquet file"
              + "|Can not read value at \\d+ in block|FAILED_READ_FILE");

  /** Iceberg's CommitStateUnknownException: the catalog stopped answering during a commit. */
  private static final Pattern COMMIT_UNKNOWN =
      Pattern.compile(
          "CommitStateUnknownException|Cannot determine whether the commit was successful");

  /** Matches nothing: for lines told by their report's error kind only. */
  private static final Pattern NEVER = Pattern.compile("(?!)");

  private static final Pattern CONFIG =
      Pattern.compile(
          "(?i)\\.(ya?ml|json):\\d+(:\\d+)?\\b|config error|Unknown option|Missing required"
              + " option|unknown key '|did you mean '");

  /** A slowest task this many times the median of its stage (and long enough) is skew. */
  static final double SKEW_RATIO = 5.0;

  /** A line of evidence and where it is. */
  record Line(String text, String where) {}

  /** A run report's verdict. */
  record Report(String status, String summary, String errorKind, String where) {}

  /** The tasks of one stage: run time and shuffle read of each successful one. */
  static final class Stage {
    final int id;
    final List<Long> runMs = new ArrayList<>();
    final List<Long> shuffleRead = new ArrayList<>();

    Stage(int id) {
      this.id = id;
    }
  }

  private final List<Report> reports = new ArrayList<>();
  private final List<Line> lines = new ArrayList<>();
  private final Map<Integer, Stage> stages = new TreeMap<>();
  private final Map<String, String> sparkConf = new HashMap<>();
  private String eventLogFile;
  private long skewMinExtraMs = 1_000;

  private Evidence() {}

  /** Reads each file: a run report (JSON with a runId), a Spark event log, or a driver log. */
  public static Evidence read(List<Path> files) {
    Evidence e = new Evidence();
    for (Path f : files) {
      try {
        e.add(f);
      } catch (LakeforgeException x) {
        throw x;
      } catch (IOException | RuntimeException x) {
        throw new LakeforgeException(
            ErrorKind.USAGE, "cannot read " + f + ": " + LakeforgeException.firstLine(x), x);
      }
    }
    return e;
  }

  /**
   * How much longer than its stage's median the slowest task must run to be skew (default 1 s): a
   * stage of short tasks is not worth a remedy.
   */
  Evidence skewMinExtra(Duration extra) {
    if (extra == null || extra.isNegative()) {
      throw new IllegalArgumentException("the skew's minimum extra time must be 0 or more");
    }
    this.skewMinExtraMs = extra.toMillis();
    return this;
  }

  private void add(Path f) throws IOException {
    if (Files.isDirectory(f)) {
      // a rolling event log: eventlog_v2_<app>/events_<n>_<app>[.codec]
      List<Path> logs;
      try (Stream<Path> parts = Files.list(f)) {
        logs =
            parts.filter(p -> p.getFileName().toString().startsWith("events_")).sorted().toList();
      }
      if (logs.isEmpty()) {
        Optional<Path> newest = newestEventLog(f);
        if (newest.isPresent()) {
          throw new LakeforgeException(
              ErrorKind.USAGE,
              f
                  + " is a folder of event logs (spark.eventLog.dir), not one run's: give the"
                  + " run's own, for example the newest: "
                  + newest.get());
        }
        throw new LakeforgeException(
            ErrorKind.USAGE,
            f
                + " is a folder without a Spark event log in it (a rolling event log's folder"
                + " holds events_<n>_<app> files); give a run report, a driver log, an event log"
                + " file or such a folder");
      }
      for (Path p : logs) {
        eventLog(p);
      }
      return;
    }
    String head;
    try (InputStream in = Files.newInputStream(f)) {
      head = new String(in.readNBytes(64), StandardCharsets.UTF_8).stripLeading();
    }
    if (head.startsWith("{\"Event\"") || !head.startsWith("{") && isCompressed(f)) {
      eventLog(f);
    } else if (head.startsWith("{") && looksLikeReport(f)) {
      report(f);
    } else {
      log(f);
    }
  }

  /**
   * The newest event log in a folder of them: a file named by its application id ({@code app-*},
   * {@code local-*}, {@code application_*}, {@code spark-*}) or a rolling log's {@code
   * eventlog_v2_*} folder.
   */
  private static Optional<Path> newestEventLog(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("eventlog_v2_")
                    || n.startsWith("app-")
                    || n.startsWith("local-")
                    || n.startsWith("application_")
                    || n.startsWith("spark-");
              })
          .max(Comparator.comparing(Evidence::modified));
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static boolean isCompressed(Path f) {
    String name = f.getFileName().toString();
    return name.endsWith(".zstd")
        || name.endsWith(".lz4")
        || name.endsWith(".snappy")
        || name.endsWith(".lzf");
  }

  private static boolean looksLikeReport(Path f) {
    try {
      JsonNode n = JSON.readTree(f.toFile());
      return n.has("runId") && n.has("status");
    } catch (IOException e) {
      return false;
    }
  }

  private void report(Path f) throws IOException {
    JsonNode n = JSON.readTree(f.toFile());
    JsonNode kind = n.path("details").path("errorKind");
    reports.add(
        new Report(
            n.path("status").asText(),
            n.path("summary").asText(""),
            kind.isMissingNode() ? null : kind.asText(),
            f.toString()));
  }

  private void log(Path f) throws IOException {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(f), StandardCharsets.UTF_8))) {
      int number = 0;
      for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
        number++;
        if (isCandidate(raw)) {
          lines.add(new Line(text(raw), f + ":" + number));
        }
      }
    }
  }

  /** Only lines that can tell a cause are kept: a driver log can be large. */
  private static boolean isCandidate(String raw) {
    return raw.contains("ERROR")
        || raw.contains("Exception")
        || raw.contains("Error")
        || raw.startsWith("lakeforge ")
        || OUT_OF_MEMORY.matcher(raw).find()
        || EXECUTOR_LOST.matcher(raw).find()
        || FETCH_FAILED.matcher(raw).find()
        || MISSING.matcher(raw).find()
        || UNREACHABLE.matcher(raw).find()
        || COMMIT_UNKNOWN.matcher(raw).find()
        || CORRUPT.matcher(raw).find()
        || CONFIG.matcher(raw).find();
  }

  /**
   * A log line's text: the message and error of a JSON line (Lakeforge's layout), else the line.
   */
  private static String text(String raw) {
    String text = raw;
    if (raw.startsWith("{")) {
      try {
        JsonNode n = JSON.readTree(raw);
        text = n.path("message").asText("") + " " + n.path("error").asText("");
      } catch (IOException notJson) {
        // a plain line that starts with a brace
      }
    }
    return text.strip();
  }

  private void eventLog(Path f) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(f.toUri());
    FileSystem fs = path.getFileSystem(new Configuration());
    try (InputStream in = EventLogFileReader$.MODULE$.openEventLog(path, fs);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int number = 0;
      for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
        number++;
        JsonNode n;
        try {
          n = JSON.readTree(raw);
        } catch (IOException truncated) {
          continue; // the last line of a log still being written
        }
        eventLogFile = f.toString();
        switch (n.path("Event").asText()) {
          case "SparkListenerTaskEnd" -> taskEnd(n, f + ":" + number);
          case "SparkListenerExecutorRemoved" -> {
            String reason = n.path("Removed Reason").asText("");
            // an executor the driver let go (idle, the application ended) or decommissioned was
            // not lost
            if (!reason.isEmpty()
                && !reason.contains("killed by driver")
                && !reason.toLowerCase(Locale.ROOT).contains("decommission")) {
              lines.add(
                  new Line(
                      "Lost executor " + n.path("Executor ID").asText() + ": " + reason,
                      f + ":" + number));
            }
          }
          case "SparkListenerEnvironmentUpdate" ->
              n.path("Spark Properties")
                  .forEach(kv -> sparkConf.put(kv.path(0).asText(), kv.path(1).asText()));
          case "SparkListenerJobEnd" -> {
            JsonNode result = n.path("Job Result");
            if (result.has("Exception")) {
              lines.add(
                  new Line(result.path("Exception").path("Message").asText(), f + ":" + number));
            }
          }
          default -> {}
        }
      }
    }
  }

  private void taskEnd(JsonNode n, String where) {
    JsonNode reason = n.path("Task End Reason");
    String kind = reason.path("Reason").asText();
    if (!"Success".equals(kind)) {
      String text =
          switch (kind) {
            case "ExecutorLostFailure" ->
                "ExecutorLostFailure: executor "
                    + reason.path("Executor ID").asText()
                    + " was lost while running task "
                    + n.path("Task Info").path("Task ID").asText()
                    + " of stage "
                    + n.path("Stage ID").asText()
                    + ": "
                    + reason.path("Loss Reason").asText("");
            case "FetchFailed" ->
                "FetchFailed: a task of stage "
                    + n.path("Stage ID").asText()
                    + " could not read shuffle "
                    + reason.path("Shuffle ID").asText()
                    + " from executor "
                    + reason.path("Block Manager Address").path("Executor ID").asText()
                    + ": "
                    + reason.path("Message").asText("").lines().findFirst().orElse("");
            default ->
                kind
                    + ": "
                    + reason.path("Class Name").asText("")
                    + " "
                    + reason.path("Description").asText("");
          };
      lines.add(new Line(text.strip(), where));
      return;
    }
    JsonNode metrics = n.path("Task Metrics");
    JsonNode shuffle = metrics.path("Shuffle Read Metrics");
    Stage s = stages.computeIfAbsent(n.path("Stage ID").asInt(), Stage::new);
    s.runMs.add(metrics.path("Executor Run Time").asLong());
    s.shuffleRead.add(
        shuffle.path("Remote Bytes Read").asLong() + shuffle.path("Local Bytes Read").asLong());
  }

  /** The cause the evidence tells, first the most specific. */
  public Diagnosis diagnose() {
    for (Report r : reports) {
      if ("QUALITY_GATE_FAILED".equals(r.status())) {
        return new Diagnosis(
            Cause.QUALITY_GATE,
            r.summary(),
            r.where(),
            "the data failed an Error-level check: see the failing constraints and the rows they"
                + " quarantined, fix the source or the load, then run again");
      }
    }
    List<Line> all = new ArrayList<>();
    for (Report r : reports) {
      if ("FAILED".equals(r.status())) {
        all.add(new Line(r.summary() + kindMarker(r.errorKind()), r.where()));
      }
    }
    all.addAll(lines);
    Optional<Line> oom = first(all, OUT_OF_MEMORY);
    if (oom.isPresent()) {
      return new Diagnosis(Cause.OUT_OF_MEMORY, oom.get().text(), oom.get().where(), memory());
    }
    // a failed run's report names its error's kind: that outranks a lost executor it recovered from
    Optional<Line> reportedMissing = first(all, NEVER, ErrorKind.NOT_FOUND);
    if (reportedMissing.isPresent()) {
      return missing(reportedMissing.get());
    }
    Optional<Line> reportedConfig = first(all, NEVER, ErrorKind.USAGE, ErrorKind.VALIDATION);
    if (reportedConfig.isPresent()) {
      Line l = reportedConfig.get();
      return MISSING.matcher(l.text()).find()
          ? missing(l)
          : CORRUPT.matcher(l.text()).find() ? corrupt(l) : config(l);
    }
    Optional<Line> lost = first(all, EXECUTOR_LOST);
    if (lost.isPresent()) {
      return new Diagnosis(
          Cause.EXECUTOR_LOST,
          lost.get().text(),
          lost.get().where(),
          "an executor JVM died or its node went away; Spark ran its tasks again elsewhere (a run"
              + " fails only when one task fails spark.task.maxFailures times, 4 by default)."
              + " Exit code 137 is a kill (the kernel's OOM killer, a preempted node): raise"
              + " spark.executor.memoryOverhead, and on nodes that can be taken away set"
              + " spark.decommission.enabled and spark.storage.decommission.enabled so shuffle"
              + " files move before the executor goes; a failed run is safe to run again (exit"
              + " 1)");
    }
    Optional<Line> fetch = first(all, FETCH_FAILED);
    if (fetch.isPresent()) {
      return new Diagnosis(
          Cause.SHUFFLE_FETCH_FAILURE,
          fetch.get().text(),
          fetch.get().where(),
          "a task could not read the shuffle output of another executor (lost, or too busy to"
              + " answer): Spark runs the stage that wrote it again. When it repeats, raise"
              + " spark.shuffle.io.maxRetries (3) and spark.shuffle.io.retryWait (5s) and"
              + " spark.network.timeout (120s), and look for lost executors or long GC pauses"
              + " on the executors that served it");
    }
    Optional<Line> missing = first(all, MISSING, ErrorKind.NOT_FOUND);
    if (missing.isPresent()) {
      return missing(missing.get());
    }
    Optional<Line> commitUnknown = first(all, COMMIT_UNKNOWN);
    if (commitUnknown.isPresent()) {
      return new Diagnosis(
          Cause.UNREACHABLE_SERVICE,
          clean(commitUnknown.get().text()),
          commitUnknown.get().where(),
          "the catalog stopped answering while the job committed, so the table may or may not"
              + " have the commit: look at its newest snapshots (SELECT * FROM <table>.snapshots)"
              + " before running again, or the rows could land twice");
    }
    Optional<Line> unreachable = first(all, UNREACHABLE, ErrorKind.UNAVAILABLE);
    if (unreachable.isPresent()) {
      return new Diagnosis(
          Cause.UNREACHABLE_SERVICE,
          clean(unreachable.get().text()),
          unreachable.get().where(),
          "check the service's address in the config and that it answers from where the job runs;"
              + " the run failed before committing, so run it again once the service is back"
              + " (exit 1 is safe to retry)");
    }
    // after an outage: a store that stopped answering mid-read fails the read too
    Optional<Line> corrupt = first(all, CORRUPT);
    if (corrupt.isPresent()) {
      return corrupt(corrupt.get());
    }
    Optional<Line> config = first(all, CONFIG, ErrorKind.USAGE, ErrorKind.VALIDATION);
    if (config.isPresent()) {
      return config(config.get());
    }
    Optional<Diagnosis> skew = skew();
    if (skew.isPresent()) {
      return skew.get();
    }
    for (Line l : all) {
      if (isFailedReport(l) || l.text().contains(" ERROR ") || l.text().startsWith("lakeforge ")) {
        return new Diagnosis(
            Cause.UNKNOWN,
            clean(l.text()),
            l.where(),
            "not a known cause: read the driver log around this line (and run with --verbose for"
                + " the stack trace)");
      }
    }
    return new Diagnosis(
        Cause.NO_FAILURE,
        reports.isEmpty() ? "no failure in the evidence" : reports.get(0).status(),
        reports.isEmpty() ? null : reports.get(0).where(),
        "nothing to do");
  }

  private static Diagnosis missing(Line l) {
    return new Diagnosis(
        Cause.MISSING_TABLE_OR_COLUMN,
        clean(l.text()),
        l.where(),
        "check the name against the catalog (SHOW TABLES IN <namespace>, DESCRIBE <table>);"
            + " a dry run (--dry-run) checks every table and column the job reads without"
            + " running it");
  }

  private static Diagnosis config(Line l) {
    return new Diagnosis(
        Cause.CONFIG_ERROR,
        clean(l.text()),
        l.where(),
        "fix the key or option the message names (the file and line are in it); --dry-run checks"
            + " a config without running the job");
  }

  private boolean isFailedReport(Line l) {
    return reports.stream()
        .anyMatch(r -> r.where().equals(l.where()) && "FAILED".equals(r.status()));
  }

  private static String kindMarker(String kind) {
    return kind == null ? "" : " [errorKind " + kind + "]";
  }

  private static String clean(String text) {
    return text.replaceAll(" \\[errorKind \\w+]$", "");
  }

  private static Optional<Line> first(List<Line> lines, Pattern pattern, ErrorKind... kinds) {
    for (Line l : lines) {
      for (ErrorKind k : kinds) {
        if (l.text().endsWith(kindMarker(k.name()))) {
          return Optional.of(l);
        }
      }
      if (pattern.matcher(l.text()).find()) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  private static Diagnosis corrupt(Line l) {
    return new Diagnosis(
        Cause.CORRUPT_DATA_FILE,
        clean(l.text()),
        l.where(),
        "a file the job reads is truncated or corrupt (overwritten in place, a partial copy, a"
            + " disk or object-store fault); the statement that read it wrote nothing. A table's"
            + " data file: roll the table back to the snapshot before the load that added it"
            + " (time-travel --table prints them; rollback --to-snapshot), or restore the table"
            + " from its newest verified backup. An input file: replace it, then run again");
  }

  private String memory() {
    String partitions = sparkConf.getOrDefault("spark.sql.shuffle.partitions", "200");
    String master = sparkConf.get("spark.master");
    String raise =
        master == null
            ? "raise spark.executor.memory (spark.driver.memory when Spark runs in the driver, as"
                + " with local[*]) to about twice, or spark.executor.memoryOverhead when the"
                + " container was killed,"
            : master.startsWith("local")
                ? "raise spark.driver.memory (now "
                    + sparkConf.getOrDefault("spark.driver.memory", "1g")
                    + ") to about twice,"
                : "raise spark.executor.memory (now "
                    + sparkConf.getOrDefault("spark.executor.memory", "1g")
                    + ") to about twice, or spark.executor.memoryOverhead when the container was"
                    + " killed,";
    int more = partitions.matches("\\d+") ? Integer.parseInt(partitions) * 2 : 400;
    return "give each task more memory or less data: "
        + raise
        + " or spread the data over more tasks: spark.sql.shuffle.partitions "
        + partitions
        + " -> "
        + more
        + " (fewer cores per executor also gives each task more); lakeforge rightsize sizes"
        + " executors for an input and SLA";
  }

  /** The stage whose slowest task is the most times its median, when that is skew. */
  Optional<Diagnosis> skew() {
    Stage worst = null;
    double worstRatio = 0;
    for (Stage s : stages.values()) {
      if (s.runMs.size() < 4) {
        continue;
      }
      long max = s.runMs.stream().mapToLong(Long::longValue).max().orElse(0);
      long median = median(s.runMs);
      double ratio = max / (double) Math.max(1, median);
      if (ratio >= SKEW_RATIO && max - median >= skewMinExtraMs && ratio > worstRatio) {
        worst = s;
        worstRatio = ratio;
      }
    }
    if (worst == null) {
      return Optional.empty();
    }
    long max = worst.runMs.stream().mapToLong(Long::longValue).max().orElse(0);
    long readMax = worst.shuffleRead.stream().mapToLong(Long::longValue).max().orElse(0);
    String evidence =
        String.format(
            Locale.ROOT,
            "stage %d: its slowest task ran %.1f s, %.0f times the median task (%.1f s), over %d"
                + " tasks; the largest shuffle read of a task was %d bytes, the median %d",
            worst.id,
            max / 1000.0,
            worstRatio,
            median(worst.runMs) / 1000.0,
            worst.runMs.size(),
            readMax,
            median(worst.shuffleRead));
    return Optional.of(
        new Diagnosis(
            Cause.DATA_SKEW,
            evidence,
            eventLogFile,
            "a few keys hold most rows: keep spark.sql.adaptive.enabled and"
                + " spark.sql.adaptive.skewJoin.enabled on (they split skewed join partitions),"
                + " lower spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes, or salt the"
                + " hot key (add a random suffix, aggregate twice); a window or aggregation by"
                + " that key cannot be split by Spark"));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? 0 : sorted.get((sorted.size() - 1) / 2);
  }
}
