package dev.lakeforge.benchmarks;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code quality-check} with good and bad outputs, as the job runs it, in its two orders: the
 * metrics from the input and then the split (which reads the input again), against the metrics from
 * the annotated rows the split keeps (one read of the input). The 20-constraint suite on 2,000,000
 * rows, from Parquet and from CSV (where reading is parsing), both outputs written as Parquet,
 * interleaved (see {@link Interleaved}).
 *
 * <pre>
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@check-outputs-comparison    # -Doutputs.rows=2000000 -Doutputs.runs=5
 * </pre>
 */
public final class CheckWithOutputsComparison {
  private CheckWithOutputsComparison() {}

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(System.getProperty("outputs.rows", "2000000"));
    int runs = Integer.parseInt(System.getProperty("outputs.runs", "5"));
    Path work =
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "check-outputs"));
    String parquet = work.resolve("orders-" + rows).toString();
    String csv = work.resolve("orders-" + rows + "-csv").toString();
    SparkSession spark = BenchData.session("check-outputs-comparison");
    Interleaved.Times times;
    try {
      if (!Files.exists(Path.of(parquet, "_SUCCESS"))) {
        BenchData.write(spark, rows, parquet);
      }
      Dataset<Row> fromParquet = spark.read().parquet(parquet);
      if (!Files.exists(Path.of(csv, "_SUCCESS"))) {
        fromParquet.write().option("header", "true").csv(csv);
      }
      Supplier<Dataset<Row>> fromCsv =
          () -> spark.read().option("header", "true").schema(fromParquet.schema()).csv(csv);
      Check suite = QualityBenchmark.suiteOf20Constraints(rows);
      Path out = work.resolve("out");
      times =
          new Interleaved()
              .add("Parquet: metrics, then the split", () -> twoReads(fromParquet, suite, out))
              .add("Parquet: metrics from the kept split", () -> oneRead(fromParquet, suite, out))
              .add("CSV: metrics, then the split", () -> twoReads(fromCsv.get(), suite, out))
              .add("CSV: metrics from the kept split", () -> oneRead(fromCsv.get(), suite, out))
              .run(runs);
    } finally {
      spark.stop();
    }
    System.out.printf(
        Locale.ROOT, "%n%d rows, %d runs after one warm-up, interleaved%n", rows, runs);
    times.print();
    times.printRatio("Parquet: metrics from the kept split", "Parquet: metrics, then the split");
    times.printRatio("CSV: metrics from the kept split", "CSV: metrics, then the split");
  }

  /** The order before: the metrics read the input, then the split reads it again. */
  private static void twoReads(Dataset<Row> data, Check suite, Path out) {
    Verification v = Verification.onData(data).addCheck(suite);
    v.run();
    write(v.split(), out);
  }

  /** The job's order: the split's annotated rows are kept, and the metrics read them. */
  private static void oneRead(Dataset<Row> data, Check suite, Path out) {
    Split split = Verification.onData(data).addCheck(suite).split();
    Dataset<Row> kept = split.annotated().persist();
    try {
      Verification.onData(kept.drop(Verification.REASONS)).addCheck(suite).run();
      write(split, out);
    } finally {
      kept.unpersist();
    }
  }

  private static void write(Split split, Path out) {
    delete(out);
    split.write(out.resolve("good").toString(), out.resolve("bad").toString(), "parquet");
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
