package dev.lakeforge.benchmarks;

import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Row-level annotation with the split's counts against a plain filter of the same five conditions,
 * and against the floor for listing every reason (every condition on every row, into one flag), on
 * the same 2,000,000-row Parquet data, interleaved (see {@link Interleaved}). A filter stops at a
 * row's first false condition; an annotation must evaluate them all to name every constraint a row
 * breaks.
 *
 * <pre>
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@row-level-comparison    # -Drowlevel.rows=2000000 -Drowlevel.runs=10
 * </pre>
 */
public final class RowLevelComparison {
  static final String FILTER = "plain filter (the five conditions), good rows counted";
  static final String FLOOR = "every condition on every row, bad rows counted";
  static final String ANNOTATION = "annotation (reasons per row), good and bad rows counted";

  private RowLevelComparison() {}

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(System.getProperty("rowlevel.rows", "2000000"));
    int runs = Integer.parseInt(System.getProperty("rowlevel.runs", "10"));
    Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "row-level"));
    String path = work.resolve("orders-" + rows).toString();
    SparkSession spark = BenchData.session("row-level-comparison");
    Interleaved.Times times;
    Split.Counts counts;
    long good;
    try {
      if (!Files.exists(Path.of(path, "_SUCCESS"))) {
        BenchData.write(spark, rows, path);
      }
      Dataset<Row> df = spark.read().parquet(path);
      Check check = QualityBenchmark.rowLevelCheck();
      counts = QualityBenchmark.annotateAndCount(df, check);
      good = df.where(QualityBenchmark.goodRow()).count();
      times =
          new Interleaved()
              .add(FILTER, () -> df.where(QualityBenchmark.goodRow()).count())
              .add(FLOOR, () -> df.where(conditionsBroken().gt(0)).count())
              .add(ANNOTATION, () -> QualityBenchmark.annotateAndCount(df, check))
              .run(runs);
    } finally {
      spark.stop();
    }
    if (counts.good() != good) { // the two must agree, or the comparison compares nothing
      throw new IllegalStateException(
          "the annotation counts " + counts.good() + " good rows, the filter " + good);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%d rows (%d good, %d bad), %d runs after one warm-up, interleaved%n",
        rows,
        counts.good(),
        counts.bad(),
        runs);
    times.print();
    times.printRatio(ANNOTATION, FILTER);
    times.printRatio(FLOOR, FILTER);
  }

  /**
   * How many of the conditions a row breaks: a sum, so that every one is evaluated on every row.
   */
  private static Column conditionsBroken() {
    return QualityBenchmark.goodRowConditions().stream()
        .map(c -> when(c, 0).otherwise(1))
        .reduce(Column::plus)
        .orElseThrow();
  }
}
