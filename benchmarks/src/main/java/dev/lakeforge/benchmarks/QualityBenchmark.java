package dev.lakeforge.benchmarks;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Patterns;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The quality engine's hot paths on generated Parquet data (10 columns), read from disk on every
 * invocation as a job would:
 *
 * <ul>
 *   <li>{@code suiteOf20Constraints}: a verification of 20 scan constraints; compare with {@code
 *       bareAggregation} (the same aggregate expressions in one hand-written agg, the physical
 *       limit of one scan) and {@code oneAggregationPerAnalyzer} (no fusion);
 *   <li>{@code annotateAndSplit}: row-level reasons and good/bad counts; compare with {@code
 *       plainFilter} over the same data.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class QualityBenchmark {
  @Param("2000000")
  public long rows;

  private SparkSession spark;
  private Path dir;
  private Dataset<Row> data;
  private Check suite;
  private Check rowLevel;
  private List<Analyzer> analyzers;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    spark = BenchData.session("lakeforge-bench");
    dir = Files.createTempDirectory("lakeforge-bench");
    BenchData.write(spark, rows, dir.resolve("orders").toString());
    data = spark.read().parquet(dir.resolve("orders").toString());
    suite = suiteOf20Constraints(rows);
    rowLevel = rowLevelCheck();
    analyzers = new ArrayList<>();
    suite.constraints().forEach(k -> analyzers.add(k.analyzer()));
  }

  /** Five row-level constraints on the benchmark data; {@link #goodRow()} is their conjunction. */
  static Check rowLevelCheck() {
    return Check.error("orders")
        .isComplete("amount")
        .isContainedIn("status", "NEW", "PAID", "SHIPPED")
        .isNonNegative("quantity")
        .containsEmail("email")
        .hasCompleteness("sku", c -> c > 0.9);
  }

  /** The row conditions of {@link #rowLevelCheck()}, as one filter would write them. */
  static Column goodRow() {
    return goodRowConditions().stream().reduce(Column::and).orElseThrow();
  }

  /** What a row must meet for each constraint of {@link #rowLevelCheck()}, in its order. */
  static List<Column> goodRowConditions() {
    return List.of(
        col("amount").isNotNull(),
        expr("status IS NULL OR status IN ('NEW', 'PAID', 'SHIPPED')"),
        expr("COALESCE(CAST(quantity AS DECIMAL(38, 10)), 0.0) >= 0"),
        length(regexp_extract(col("email"), Patterns.EMAIL, 0)).gt(0),
        col("sku").isNotNull());
  }

  /** Good and bad rows counted from the annotation, as a split counts them. */
  static Split.Counts annotateAndCount(Dataset<Row> data, Check rowLevel) {
    Split s = Verification.onData(data).addCheck(rowLevel).split();
    Row n =
        s.annotated()
            .selectExpr("count_if(size(_dq_reasons) = 0)", "count_if(size(_dq_reasons) > 0)")
            .first();
    return new Split.Counts(n.getLong(0), n.getLong(1));
  }

  /** The 20-constraint suite on 10 columns of the benchmark data, for {@code rows} rows. */
  static Check suiteOf20Constraints(long rows) {
    return Check.error("orders")
        .isComplete("id")
        .isComplete("customer")
        .hasCompleteness("amount", c -> c >= 0.98)
        .isComplete("status")
        .hasCompleteness("sku", c -> c >= 0.97)
        .isNonNegative("amount")
        .isNonNegative("quantity")
        .isContainedIn("status", "NEW", "PAID", "SHIPPED", "CANCELLED")
        .isContainedIn("discount", 0, 1, true, true)
        .containsEmail("email")
        .hasMin("amount", m -> m >= 0)
        .hasMax("amount", m -> m < 1000)
        .hasMean("quantity", m -> m > 0)
        .hasSum("tax", s -> s > 0)
        .hasStandardDeviation("discount", s -> s > 0)
        .hasMaxLength("sku", l -> l <= 12)
        .hasMinLength("email", l -> l >= 5)
        .satisfies("tax <= amount OR amount IS NULL", "tax below amount", f -> f > 0.5)
        .isLessThan("discount", "tax")
        .hasSize(n -> n == rows);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    spark.stop();
    BenchData.delete(dir);
  }

  @Benchmark
  public VerificationResult suiteOf20Constraints() {
    return Verification.onData(data).addCheck(suite).run();
  }

  @Benchmark
  public Row bareAggregation() {
    String email = Patterns.EMAIL;
    List<Column> aggs =
        List.of(
            sum(col("id").isNotNull().cast("int")),
            sum(col("customer").isNotNull().cast("int")),
            sum(col("amount").isNotNull().cast("int")),
            sum(col("status").isNotNull().cast("int")),
            sum(col("sku").isNotNull().cast("int")),
            sum(when(expr("COALESCE(CAST(amount AS DECIMAL(38, 10)), 0.0) >= 0"), 1).otherwise(0)),
            sum(
                when(expr("COALESCE(CAST(quantity AS DECIMAL(38, 10)), 0.0) >= 0"), 1)
                    .otherwise(0)),
            sum(
                when(expr("status IS NULL OR status IN ('NEW', 'PAID', 'SHIPPED', 'CANCELLED')"), 1)
                    .otherwise(0)),
            sum(
                when(expr("discount IS NULL OR (discount >= 0 AND discount <= 1)"), 1)
                    .otherwise(0)),
            sum(when(length(regexp_extract(col("email"), email, 0)).gt(0), 1).otherwise(0)),
            min(col("amount").cast("double")),
            max(col("amount").cast("double")),
            avg(col("quantity").cast("double")),
            sum(col("tax").cast("double")),
            stddev_pop(col("discount").cast("double")),
            max(length(col("sku"))),
            min(length(col("email"))),
            sum(when(expr("tax <= amount OR amount IS NULL"), 1).otherwise(0)),
            sum(when(expr("discount < tax"), 1).otherwise(0)),
            sum(lit(1)));
    return data.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
  }

  @Benchmark
  public List<Double> oneAggregationPerAnalyzer() {
    List<Double> out = new ArrayList<>();
    for (Analyzer a : analyzers) {
      out.add(Analysis.onData(data).addAnalyzer(a).run().metric(a).value());
    }
    return out;
  }

  @Benchmark
  public Split.Counts annotateAndSplit() {
    return annotateAndCount(data, rowLevel);
  }

  /**
   * The same row conditions as {@code annotateAndSplit}, as one filter: counts the good rows only.
   */
  @Benchmark
  public long plainFilter() {
    return data.where(goodRow()).count();
  }
}
