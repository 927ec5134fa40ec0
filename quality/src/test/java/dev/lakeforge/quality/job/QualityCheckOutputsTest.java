package dev.lakeforge.quality.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What quality-check writes: never over its input, never half, never mixed with another run's rows.
 */
@SparkTest
class QualityCheckOutputsTest {
  @TempDir static Path dir;
  private static Path csv;
  private static Path suite;

  @BeforeAll
  static void data() throws IOException {
    csv =
        Files.writeString(
            dir.resolve("orders.csv"),
            """
        order_id,status,amount
        1,NEW,10.5
        2,PAID,20
        3,PAID,
        4,LOST,40
        """);
    suite =
        Files.writeString(
            dir.resolve("suite.yaml"),
            """
        checks:
          - description: orders
            level: warning
            constraints:
              - isComplete: amount
              - isContainedIn: {column: status, values: [NEW, PAID, SHIPPED]}
        """);
  }

  private static Launched launch(String... args) {
    List<String> all = new ArrayList<>(List.of("quality-check", "--suite", suite.toString()));
    all.addAll(List.of(args));
    all.addAll(List.of("--set", "run.reportDir=" + dir.resolve("runs")));
    return Launched.run(all);
  }

  /**
   * Rows a reader of the folder sees (hidden files and folders, as Spark skips them, do not count).
   */
  private static long rows(SparkSession spark, Path folder) throws IOException {
    if (visibleFiles(folder).isEmpty()) {
      return 0;
    }
    return spark.read().parquet(folder.toString()).count();
  }

  private static List<Path> visibleFiles(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(
              p ->
                  Stream.of(folder.relativize(p).toString().split("/"))
                      .noneMatch(n -> n.startsWith("_") || n.startsWith(".")))
          .toList();
    }
  }

  @Test
  void outputsOverlappingTheInputOrEachOtherAreRefusedWithExitTwo(
      SparkSession spark, TestWarehouse w) throws IOException {
    String before = Files.readString(csv);
    Launched overInput = launch("--input", csv.toString(), "--good-out", csv.toString());
    assertThat(overInput.code()).as(overInput.out() + overInput.err()).isEqualTo(ExitCode.USAGE);
    assertThat(overInput.err())
        .contains("--good-out " + Location.of(csv) + " overlaps the input")
        .doesNotContain("\tat ");
    assertThat(Files.readString(csv)).isEqualTo(before);

    Path folder = dir.resolve("landing");
    spark.read().option("header", "true").csv(csv.toString()).write().parquet(folder.toString());
    Launched nested =
        launch("--input", folder.toString(), "--bad-out", folder.resolve("quarantine").toString());
    assertThat(nested.code()).isEqualTo(ExitCode.USAGE);
    assertThat(nested.err()).contains("--bad-out").contains("overlaps the input");

    Launched same =
        launch(
            "--input",
            csv.toString(),
            "--good-out",
            dir.resolve("split").toString(),
            "--bad-out",
            dir.resolve("split").toString());
    assertThat(same.code()).isEqualTo(ExitCode.USAGE);
    assertThat(same.err())
        .contains("--good-out")
        .contains("--bad-out")
        .contains("are the same location");
    Launched inside =
        launch(
            "--input",
            csv.toString(),
            "--good-out",
            dir.resolve("split").toString(),
            "--bad-out",
            dir.resolve("split/bad").toString());
    assertThat(inside.err()).contains("overlap (one holds the other)");
    Launched report =
        launch(
            "--input",
            csv.toString(),
            "--report",
            dir.resolve("same.json").toString(),
            "--result-out",
            dir.resolve("same.json").toString());
    assertThat(report.code()).isEqualTo(ExitCode.USAGE);
    assertThat(report.err()).contains("--report").contains("--result-out");

    spark
        .read()
        .option("header", "true")
        .csv(csv.toString())
        .write()
        .saveAsTable(w.database() + ".orders_out");
    String tableLocation =
        spark
            .sql("DESCRIBE TABLE EXTENDED " + w.database() + ".orders_out")
            .filter("col_name = 'Location'")
            .first()
            .getString(1);
    Launched table = launch("--input", w.database() + ".orders_out", "--good-out", tableLocation);
    assertThat(table.code()).as(table.out() + table.err()).isEqualTo(ExitCode.USAGE);
    assertThat(table.err()).contains("overlaps the input table " + w.database() + ".orders_out");
    assertThat(spark.table(w.database() + ".orders_out").count()).isEqualTo(4);
    Launched tableDryRun =
        launch("--input", w.database() + ".orders_out", "--good-out", tableLocation, "--dry-run");
    assertThat(tableDryRun.code()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void aRunThatFailsAfterItsRowsAreStagedLeavesNoRowsNoReportAndARetryWritesThemOnce(
      SparkSession spark) throws IOException {
    Path good = dir.resolve("failing/good");
    Path bad = dir.resolve("failing/bad");
    Path result = dir.resolve("failing/result.json");
    Path notAFolder =
        Files.writeString(
            dir.resolve("failing-report-parent"), "a file where the report's folder should be");
    Launched failed =
        launch(
            "--input",
            csv.toString(),
            "--good-out",
            good.toString(),
            "--bad-out",
            bad.toString(),
            "--result-out",
            result.toString(),
            "--report",
            notAFolder.resolve("report.html").toString());
    assertThat(failed.code()).as(failed.out() + failed.err()).isNotZero();
    assertThat(rows(spark, good)).isZero();
    assertThat(rows(spark, bad)).isZero();
    assertThat(result).doesNotExist();
    assertThat(good.resolve("_lakeforge.lock")).as("the outputs are released").doesNotExist();
    assertThat(good.resolve("_lakeforge_staging")).doesNotExist();

    Launched retry =
        launch(
            "--input",
            csv.toString(),
            "--good-out",
            good.toString(),
            "--bad-out",
            bad.toString(),
            "--result-out",
            result.toString(),
            "--report",
            dir.resolve("failing/report.html").toString());
    assertThat(retry.code()).as(retry.out() + retry.err()).isEqualTo(ExitCode.OK);
    assertThat(rows(spark, good)).isEqualTo(2);
    assertThat(rows(spark, bad)).isEqualTo(2);
    assertThat(result).exists();
    try (Stream<Path> s = Files.list(dir.resolve("failing"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("no temporary files left")
          .containsExactlyInAnyOrder("good", "bad", "result.json", "report.html");
    }
  }

  @Test
  void aSecondWriterOfAnOutputFailsClearlyAndAddsNoRows(SparkSession spark) throws IOException {
    Path good = dir.resolve("held/good");
    Files.createDirectories(good);
    // another run holds the output (as its lock file says)
    Files.writeString(
        good.resolve("_lakeforge.lock"), "run 1234 of 42@worker-1 since 2026-11-26T10:00:00Z");
    Launched loser =
        launch(
            "--input",
            csv.toString(),
            "--good-out",
            good.toString(),
            "--bad-out",
            dir.resolve("held/bad").toString());
    assertThat(loser.code()).as(loser.out() + loser.err()).isEqualTo(ExitCode.JOB_FAILED);
    assertThat(loser.err())
        .contains(Location.of(good) + " is being written by run 1234 of 42@worker-1")
        .contains("nothing was written by this run")
        .doesNotContain("\tat ");
    assertThat(rows(spark, good)).isZero();
    assertThat(rows(spark, dir.resolve("held/bad")))
        .as("the other output is left alone too")
        .isZero();
    assertThat(dir.resolve("held/bad/_lakeforge.lock")).doesNotExist();

    Files.delete(good.resolve("_lakeforge.lock"));
    assertThat(launch("--input", csv.toString(), "--good-out", good.toString()).code())
        .isEqualTo(ExitCode.OK);
    assertThat(rows(spark, good)).isEqualTo(2);
  }

  @Test
  void concurrentRunsOnOneOutputNeverMixTheirRows(SparkSession spark) throws Exception {
    Path good = dir.resolve("race/good");
    Callable<Launched> run = () -> launch("--input", csv.toString(), "--good-out", good.toString());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Launched> results = new ArrayList<>();
    try {
      for (Future<Launched> f : pool.invokeAll(List.of(run, run))) {
        results.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    long succeeded = results.stream().filter(r -> r.code() == ExitCode.OK).count();
    assertThat(succeeded).as(results.toString()).isPositive();
    results.stream()
        .filter(r -> r.code() != ExitCode.OK)
        .forEach(
            r ->
                assertThat(r.err())
                    .contains("is being written by")
                    .contains("nothing was written by this run"));
    assertThat(rows(spark, good))
        .as("every successful run's rows, once; none of a failed run's")
        .isEqualTo(2 * succeeded);
  }

  /**
   * With outputs the metrics are computed from the annotated rows the split keeps: the input file
   * is read as often as by a run without outputs, not once more for the split.
   */
  @Test
  void withOutputsTheInputIsReadNoMoreOftenThanForTheMetricsAlone() throws IOException {
    StringBuilder lines = new StringBuilder("order_id,status,amount\n");
    for (int i = 0; i < 5_000; i++) {
      lines.append(i).append(i % 7 == 0 ? ",LOST," : ",PAID,").append(i * 0.5).append('\n');
    }
    Path big = Files.writeString(dir.resolve("big-orders.csv"), lines.toString());
    long metricsAlone = bytesRead(() -> launch("--input", big.toString()));
    long withOutputs =
        bytesRead(
            () ->
                launch(
                    "--input",
                    big.toString(),
                    "--good-out",
                    dir.resolve("big/good").toString(),
                    "--bad-out",
                    dir.resolve("big/bad").toString()));
    assertThat(withOutputs - metricsAlone)
        .as("bytes read beyond the metrics' reads, for a %d-byte input", Files.size(big))
        .isLessThan(Files.size(big) / 2);
  }

  /** Bytes read from local files through Hadoop (as Spark reads them) while {@code run} runs. */
  private static long bytesRead(Callable<Launched> run) {
    long before = localBytesRead();
    try {
      Launched l = run.call();
      assertThat(l.code()).as(l.all()).isIn(ExitCode.OK, ExitCode.QUALITY_GATE_FAILED);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return localBytesRead() - before;
  }

  private static long localBytesRead() {
    return FileSystem.getAllStatistics().stream()
        .filter(st -> st.getScheme().equals("file"))
        .mapToLong(FileSystem.Statistics::getBytesRead)
        .sum();
  }

  @Test
  void malformedCsvAndJsonRecordsGoToQuarantineWithTheirLineOrFailTheRunNeverVanish(
      SparkSession spark) throws IOException {
    Path messy =
        Files.writeString(
            dir.resolve("messy.csv"),
            """
        order_id,status,amount
        1,NEW,10.5
        2,PAID,20,EXTRA
        3,PAID

        5,SHIPPED,30
        """);
    String where = Location.of(messy).uri();
    Launched failed = launch("--input", messy.toString());
    assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(ExitCode.USAGE);
    assertThat(failed.err())
        .contains("2 malformed record(s) in " + where)
        .contains("line 3 of " + where + ": 4 fields, the header has 3: 2,PAID,20,EXTRA")
        .contains("line 4 of " + where + ": 2 fields, the header has 3: 3,PAID")
        .doesNotContain("\tat ");

    Path good = dir.resolve("messy/good");
    Path bad = dir.resolve("messy/bad");
    Launched quarantined =
        launch(
            "--input",
            messy.toString(),
            "--good-out",
            good.toString(),
            "--bad-out",
            bad.toString());
    assertThat(quarantined.code()).as(quarantined.out() + quarantined.err()).isEqualTo(ExitCode.OK);
    assertThat(quarantined.out())
        .contains("2 malformed record(s) go to")
        .contains("rows: 2 good")
        .contains("2 bad");
    assertThat(rows(spark, good)).isEqualTo(2);
    List<String> reasons =
        spark.read().parquet(bad.toString()).orderBy("order_id").collectAsList().stream()
            .map(r -> r.getList(r.fieldIndex("_dq_reasons")).get(0).toString())
            .toList();
    assertThat(reasons)
        .containsExactly(
            "line 3 of " + where + ": 4 fields, the header has 3: 2,PAID,20,EXTRA",
            "line 4 of " + where + ": 2 fields, the header has 3: 3,PAID");

    Launched strict =
        launch(
            "--input",
            messy.toString(),
            "--bad-out",
            dir.resolve("messy/strict").toString(),
            "--set",
            "quality-check.malformed=fail");
    assertThat(strict.code()).isEqualTo(ExitCode.USAGE);
    assertThat(rows(spark, dir.resolve("messy/strict"))).isZero();

    Path csvBad = dir.resolve("messy/bad-csv");
    assertThat(
            launch(
                    "--input",
                    messy.toString(),
                    "--bad-out",
                    csvBad.toString(),
                    "--set",
                    "quality-check.outputFormat=csv")
                .code())
        .isEqualTo(ExitCode.OK);
    assertThat(spark.read().option("header", "false").csv(csvBad.toString()).collectAsList())
        .hasSize(2)
        .allSatisfy(
            r -> assertThat(r.getString(r.length() - 1)).contains("fields, the header has 3"));

    Path json =
        Files.writeString(
            dir.resolve("messy.json"),
            """
        {"order_id": 1, "status": "NEW", "amount": 10.5}
        {"order_id": 2, "status": "PAID", "amount":
        {"order_id": 3, "status": "PAID", "amount": 7}
        """);
    Launched jsonFailed = launch("--input", json.toString());
    assertThat(jsonFailed.code()).isEqualTo(ExitCode.USAGE);
    assertThat(jsonFailed.err())
        .contains("1 malformed record(s)")
        .contains("line 2 of " + Location.of(json).uri() + ": not a JSON record of");
  }
}
