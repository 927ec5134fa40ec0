package dev.lakeforge.core.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.EventLoggingListener;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/** diagnose on failures produced for real: each run fails (or is slow) for a known cause. */
@SparkTest
class DiagnoseJobTest {
  private static final Duration BOUND = Duration.ofMinutes(5);

  @TempDir Path dir;

  private Path job(String name, String sql, String more) throws IOException {
    Files.writeString(dir.resolve(name + ".sql"), sql);
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        "run: {reportDir: runs}\nsql: {file: " + name + ".sql}\n" + more);
  }

  private Path report() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("runs"))) {
      return files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
  }

  private static Launched diagnose(Path... files) {
    List<String> args = new ArrayList<>(List.of("diagnose"));
    for (Path f : files) {
      args.add(f.toString());
    }
    return diagnose(args);
  }

  private static Launched diagnose(List<String> args) {
    Launched d = Launched.run(args);
    assertThat(d.code()).as(d.all()).isEqualTo(ExitCode.OK);
    return d;
  }

  @Test
  void aMissingTableIsToldFromTheRunReport() throws Exception {
    Path config = job("missing", "SELECT * FROM no_such_table;\n", "");
    assertThat(Launched.run("sql", "--config", config.toString()).code()).isEqualTo(ExitCode.USAGE);
    assertThat(diagnose(report()).out())
        .contains("cause: missing table or column")
        .contains("no_such_table")
        .contains("runbook: docs/runbooks.md#missing-table-or-column");
  }

  @Test
  void aConfigMistakeIsToldFromTheDriverLog() throws Exception {
    Path config = job("bad", "SELECT 1;\n", "spark: {master: 7, shufflePartitions: many}\n");
    Launched run = Launched.run("sql", "--config", config.toString());
    assertThat(run.code()).isEqualTo(ExitCode.USAGE);
    Path log = Files.writeString(dir.resolve("driver.log"), run.err());
    assertThat(diagnose(log).out())
        .contains("cause: config error")
        .contains("bad.yaml:")
        .contains("--dry-run checks a config");
  }

  @Test
  void aMisspeltSetOnTheCommandLineIsAConfigError() throws Exception {
    Path config = job("set", "SELECT 1;\n", "");
    Launched run = Launched.run("sql", "--config", config.toString(), "--set", "spark.mastr=x");
    assertThat(run.code()).isEqualTo(ExitCode.USAGE);
    Path log = Files.writeString(dir.resolve("set.log"), run.err());
    assertThat(diagnose(log).out())
        .contains("cause: config error")
        .contains("did you mean 'master'");
  }

  @Test
  void aDatabaseThatDoesNotAnswerIsAnUnreachableService() throws Exception {
    Path config =
        job(
            "unreachable",
            "CREATE TEMPORARY VIEW legacy USING org.apache.spark.sql.jdbc OPTIONS"
                + " (url 'jdbc:postgresql://127.0.0.1:1/shop', dbtable 'customers');\n"
                + "SELECT count(*) FROM legacy;\n",
            "");
    assertThat(Launched.run("sql", "--config", config.toString()).code()).isNotZero();
    assertThat(diagnose(report()).out())
        .contains("cause: unreachable service")
        .contains("127.0.0.1:1");
  }

  @Test
  void aCommitWhoseOutcomeIsUnknownSaysToLookAtTheTableBeforeRunningAgain() throws Exception {
    // the lines Iceberg's JDBC catalog leaves when its database goes away during a commit
    Path log =
        Files.writeString(
            dir.resolve("commit-unknown.log"),
            "12:00:01.000 INFO  [sql r1] SqlJob: statement 4 (job.sql:5:1): INSERT INTO lake.shop.orders\n"
                + "12:00:03.000 ERROR [sql r1] Launcher: sql failed\n"
                + "org.apache.iceberg.exceptions.CommitStateUnknownException: An I/O error occurred"
                + " while sending to the backend.\n"
                + "Cannot determine whether the commit was successful or not, the underlying data"
                + " files may or may not be needed.\n"
                + "Caused by: org.postgresql.util.PSQLException: Connection to 127.0.0.1:5432"
                + " refused.\n");
    assertThat(diagnose(log).out())
        .contains("cause: unreachable service")
        .contains("may or may not have the commit")
        .doesNotContain("safe to retry");
  }

  @Test
  void anOutOfMemoryJvmIsToldFromItsLogWithTheSettingToRaise() throws Exception {
    Path config =
        job(
            "oom",
            "SELECT size(collect_list(repeat('x', 1000))) FROM range(3000000);\n",
            "spark: {conf: {spark.ui.enabled: \"false\"}}\n");
    ChildJvm.Result r =
        ChildJvm.launcher("sql", "--config", config.toString()).heap("512m").in(dir).run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    Path log = Files.writeString(dir.resolve("oom.log"), r.stdout() + r.stderr());
    assertThat(diagnose(log).out())
        .contains("cause: out of memory")
        .contains("OutOfMemoryError")
        .contains("raise spark.executor.memory (spark.driver.memory when Spark runs in the driver");
  }

  /** Spark's own event log of this session while {@code work} runs. */
  private Path eventLog(SparkSession spark, String name, Runnable work) throws Exception {
    Path events = Files.createDirectories(dir.resolve(name + "-events"));
    SparkContext sc = spark.sparkContext();
    EventLoggingListener log =
        new EventLoggingListener(
            name + "-" + System.nanoTime(),
            Option.empty(),
            events.toUri(),
            sc.conf(),
            sc.hadoopConfiguration());
    log.start();
    sc.addSparkListener(log);
    try {
      work.run();
    } finally {
      sc.listenerBus().waitUntilEmpty();
      sc.removeSparkListener(log);
      log.stop();
    }
    try (Stream<Path> files = Files.list(events)) {
      return files.findFirst().orElseThrow();
    }
  }

  @Test
  void aWindowOverOneHotKeyIsSkewToldFromTheEventLog(SparkSession spark) throws Exception {
    Path file =
        eventLog(
            spark,
            "skew",
            () -> {
              String partitions = spark.conf().get("spark.sql.shuffle.partitions");
              String adaptive = spark.conf().get("spark.sql.adaptive.enabled");
              try {
                spark.conf().set("spark.sql.shuffle.partitions", "8");
                spark.conf().set("spark.sql.adaptive.enabled", "false");
                // 95% of the rows share key 0: one task sorts and windows them, the others idle
                spark
                    .sql(
                        "SELECT count(*), max(s) FROM (SELECT sum(id) OVER (PARTITION BY"
                            + " IF(id % 100 < 95, 0, id % 100) ORDER BY id) AS s FROM"
                            + " range(6000000))")
                    .collectAsList();
              } finally {
                spark.conf().set("spark.sql.shuffle.partitions", partitions);
                spark.conf().set("spark.sql.adaptive.enabled", adaptive);
              }
            });
    // how long the hot task runs depends on the machine: the ratio to the median is what counts
    assertThat(diagnose(List.of("diagnose", "--skew-min-time", "0s", file.toString())).out())
        .contains("cause: data skew")
        .containsPattern("stage \\d+: its slowest task ran")
        .contains("over 8 tasks")
        .contains("salt the hot key");
  }

  /**
   * The files of a shuffle's map output go (a lost disk, a node cleaned under a running job)
   * between the stage that wrote them and the one that reads them: the reading task fails to fetch,
   * Spark writes them again, and diagnose tells the fetch failure from the event log. In a JVM of
   * its own ({@link LostShuffleOutput}): a fetch failure makes Spark forget every map output of its
   * executor, which the other tests' session must not.
   */
  @Test
  void aShuffleOutputLostBetweenStagesIsAFetchFailureToldFromTheEventLog() throws Exception {
    Path events = Files.createDirectories(dir.resolve("fetch-events"));
    ChildJvm.Result r =
        ChildJvm.of(
                LostShuffleOutput.class.getName(),
                System.getProperty("java.class.path"),
                events.toUri().toString())
            .in(dir)
            .run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path file;
    try (Stream<Path> files = Files.list(events)) {
      file = files.findFirst().orElseThrow();
    }
    assertThat(diagnose(file).out())
        .contains("cause: shuffle fetch failure")
        .contains("FetchFailed")
        .contains("runbook: docs/runbooks.md#shuffle-fetch-failure");
  }

  /** Counts a shuffled RDD twice, deleting its shuffle files in between; event log in args[0]. */
  public static final class LostShuffleOutput {
    public static void main(String[] args) throws IOException {
      SparkSession spark =
          SparkSession.builder()
              .master("local[2]")
              .config("spark.ui.enabled", "false")
              .config("spark.eventLog.enabled", "true")
              .config("spark.eventLog.dir", args[0])
              .getOrCreate();
      try {
        RDD<Row> shuffled = spark.range(0, 1000, 1, 2).toDF().repartition(2).rdd();
        check(shuffled.count() == 1000, "the first count");
        File[] localDirs = SparkEnv.get().blockManager().diskBlockManager().localDirs();
        List<Path> written = new ArrayList<>();
        for (File d : localDirs) {
          try (Stream<Path> files = Files.walk(d.toPath())) {
            files
                .filter(f -> f.getFileName().toString().startsWith("shuffle_"))
                .forEach(written::add);
          }
        }
        check(!written.isEmpty(), "the map output's files");
        for (Path f : written) {
          Files.delete(f);
        }
        // the map stage is done: only the reading stage runs, and cannot fetch
        check(shuffled.count() == 1000, "the count after Spark wrote the lost output again");
      } finally {
        spark.stop();
      }
    }

    private static void check(boolean holds, String what) {
      if (!holds) {
        throw new IllegalStateException("not as expected: " + what);
      }
    }
  }

  @Test
  void aSucceededRunHasNoFailure() throws Exception {
    Path config = job("fine", "SELECT 1;\n", "");
    assertThat(Launched.run("sql", "--config", config.toString()).code()).isZero();
    assertThat(diagnose(report()).out()).contains("cause: no failure");
  }

  @Test
  void aFileThatDoesNotExistIsExitTwoNamingIt() {
    Launched d = Launched.run("diagnose", dir.resolve("nope.json").toString());
    assertThat(d.code()).isEqualTo(ExitCode.USAGE);
    assertThat(d.err()).contains("no file").contains("nope.json").doesNotContain("\tat ");
  }

  @Test
  void aFolderWithoutAnEventLogIsExitTwoSayingWhatItExpected() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("spark-events"));
    Launched d = Launched.run("diagnose", empty.toString());
    assertThat(d.code()).isEqualTo(ExitCode.USAGE);
    assertThat(d.err())
        .contains("spark-events is a folder without a Spark event log")
        .contains("events_<n>_<app>")
        .doesNotContain("\tat ");
  }

  @Test
  void aFolderOfEventLogsIsExitTwoNamingTheNewestToGive() throws IOException {
    Path events = Files.createDirectories(dir.resolve("spark-events-dir"));
    Path older = Files.writeString(events.resolve("app-20261127101010-0000"), "{}\n");
    Path newer = Files.writeString(events.resolve("local-1764236000000.inprogress"), "{}\n");
    Files.setLastModifiedTime(older, FileTime.fromMillis(1_000_000));
    Files.setLastModifiedTime(newer, FileTime.fromMillis(2_000_000));

    Launched d = Launched.run("diagnose", events.toString());

    assertThat(d.code()).isEqualTo(ExitCode.USAGE);
    assertThat(d.err())
        .contains("spark-events-dir is a folder of event logs (spark.eventLog.dir), not one run's")
        .contains("the newest: " + newer)
        .doesNotContain("\tat ");
  }
}
