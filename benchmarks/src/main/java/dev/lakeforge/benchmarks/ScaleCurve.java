package dev.lakeforge.benchmarks;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.ColumnProfiler;
import dev.lakeforge.quality.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How the quality suite and the profiler grow with the data: rows (2M, 8M, 32M; 10 columns, a
 * 20-constraint suite) and columns (10 to 40 at 2M rows, a completeness and a sign or pattern
 * constraint on every column). Each size is written to Parquet once, then each job runs after one
 * warm-up; the best of the runs is taken.
 *
 * <pre>
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@scale-curve       # -Dscale.rows=2000000,8000000,32000000 -Dscale.runs=3
 * </pre>
 */
public final class ScaleCurve {
  private ScaleCurve() {}

  public static void main(String[] args) throws Exception {
    List<Long> rowSteps = new ArrayList<>();
    for (String r : System.getProperty("scale.rows", "2000000,8000000,32000000").split(",")) {
      rowSteps.add(Long.parseLong(r.strip()));
    }
    int runs = Integer.parseInt(System.getProperty("scale.runs", "3"));
    Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "scale"));
    SparkSession spark = BenchData.session("scale-curve");
    List<String> lines = new ArrayList<>();
    Consumer<String> line =
        l -> {
          lines.add(l);
          System.out.println("scale: " + l); // as it comes, for a run cut short
        };
    try {
      long previousSuite = 0;
      long previousProfile = 0;
      long previousRows = 0;
      for (long rows : rowSteps) {
        String path = work.resolve("orders-" + rows).toString();
        if (!Files.exists(Path.of(path, "_SUCCESS"))) {
          BenchData.write(spark, rows, path);
        }
        Dataset<Row> df = spark.read().parquet(path);
        long suite =
            best(
                runs,
                () ->
                    Verification.onData(df)
                        .addCheck(QualityBenchmark.suiteOf20Constraints(rows))
                        .run());
        long profile = best(runs, () -> ColumnProfiler.onData(df).run());
        line.accept(
            String.format(
                Locale.ROOT,
                "rows %,12d  suite %7d ms%s  profiler %7d ms%s",
                rows,
                suite,
                growth(suite, previousSuite, rows, previousRows),
                profile,
                growth(profile, previousProfile, rows, previousRows)));
        previousSuite = suite;
        previousProfile = profile;
        previousRows = rows;
      }
      long first = 0;
      for (int columns : new int[] {10, 20, 40}) {
        String path = work.resolve("wide-" + columns).toString();
        if (!Files.exists(Path.of(path, "_SUCCESS"))) {
          wide(spark, columns).write().mode("overwrite").parquet(path);
        }
        Dataset<Row> df = spark.read().parquet(path);
        long suite = best(runs, () -> Verification.onData(df).addCheck(everyColumn(columns)).run());
        first = first == 0 ? suite : first;
        line.accept(
            String.format(
                Locale.ROOT,
                "columns %3d (2,000,000 rows, %d constraints)  suite %7d ms  (%.2fx of 10 columns)",
                columns,
                2 * columns,
                suite,
                suite / (double) first));
      }
    } finally {
      spark.stop();
    }
    System.out.printf(Locale.ROOT, "%nbest of %d runs after one warm-up%n", runs);
    lines.forEach(System.out::println);
  }

  /** 2,000,000 rows of {@code columns} columns: numbers and strings in turn. */
  private static Dataset<Row> wide(SparkSession spark, int columns) {
    List<String> exprs = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      exprs.add(
          c % 2 == 0
              ? "CASE WHEN id % "
                  + (97 + c)
                  + " = 0 THEN NULL ELSE (id * "
                  + (c + 1)
                  + ") % 10007 END AS c"
                  + c
              : "concat('v', CAST((id + " + c + ") % 5000 AS STRING)) AS c" + c);
    }
    return spark.range(2_000_000).selectExpr(exprs.toArray(String[]::new));
  }

  /** Two constraints on every column: completeness, and a sign or a pattern. */
  private static Check everyColumn(int columns) {
    Check check = Check.error("wide");
    for (int c = 0; c < columns; c++) {
      check = check.hasCompleteness("c" + c, v -> v >= 0.9);
      check =
          c % 2 == 0
              ? check.isNonNegative("c" + c)
              : check.hasPattern("c" + c, "^v[0-9]+$", f -> f >= 0.99);
    }
    return check;
  }

  private static String growth(long ms, long previousMs, long rows, long previousRows) {
    if (previousMs == 0) {
      return "            ";
    }
    double perRow = (ms / (double) previousMs) / (rows / (double) previousRows);
    return String.format(Locale.ROOT, " (%.2fx/row)", perRow);
  }

  private static long best(int runs, Runnable job) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i <= runs; i++) { // run 0 warms up
      long t0 = System.nanoTime();
      job.run();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (i > 0) {
        best = Math.min(best, ms);
      }
    }
    return best;
  }
}
