package dev.lakeforge.benchmarks;

import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.slo.SloSettings;
import dev.lakeforge.gpu.GpuPlanReport;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.Restore;
import dev.lakeforge.quality.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot paths users wait on outside the data itself, each on a size users reach:
 *
 * <ul>
 *   <li>{@code loadSuiteOf500Checks}: read and bind a 1,000-constraint suite file of 500 checks;
 *   <li>{@code validateSuiteOf500Checks}: check it against the data's schema (columns, types, every
 *       predicate analysed by Spark), as a job does before it reads a row;
 *   <li>{@code bindLargeConfig}: parse and bind a config of 500 SLO objectives;
 *   <li>{@code parseGpuPlanReport}: parse a 6,000-line RAPIDS explain output;
 *   <li>{@code verifyBackup}: the checksum pass over a backup of a 2,000,000-row Iceberg table
 *       (every file's size and CRC32C against the manifest, then the metadata graph).
 * </ul>
 *
 * <p>Row-level annotation is in {@link QualityBenchmark} ({@code annotateAndSplit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class HotPathsBenchmark {
  private static final List<String> CONSTRAINTS =
      List.of(
          "- isComplete: %s",
          "- hasCompleteness: {column: %s, assertion: \">= 0.9\"}",
          "- satisfies: {predicate: \"%s IS NOT NULL OR id >= 0\", name: check %d,"
              + " assertion: {atLeast: 0.5}}",
          "- isUnique: %s");

  private static final List<String> COLUMNS =
      List.of("id", "customer", "amount", "quantity", "status", "email", "discount", "sku");

  /** A 500-check suite on the benchmark data's columns, and a session to validate it against. */
  @State(Scope.Benchmark)
  public static class SuiteState {
    Path dir;
    Path file;
    SparkSession spark;
    Dataset<Row> data;
    Suite suite;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("lakeforge-suite-bench");
      StringBuilder yaml = new StringBuilder("checks:\n");
      for (int i = 0; i < 500; i++) {
        yaml.append("  - description: check ").append(i).append('\n');
        yaml.append("    level: ").append(i % 2 == 0 ? "error" : "warning").append('\n');
        yaml.append("    constraints:\n");
        for (int k = 0; k < 2; k++) {
          String column = COLUMNS.get((i + k) % COLUMNS.size());
          String c = CONSTRAINTS.get((i * 2 + k) % CONSTRAINTS.size());
          yaml.append("      ").append(String.format(Locale.ROOT, c, column, i)).append('\n');
        }
      }
      file = Files.writeString(dir.resolve("suite.yaml"), yaml);
      spark = BenchData.session("lakeforge-suite-bench");
      BenchData.write(spark, 1000, dir.resolve("orders").toString());
      data = spark.read().parquet(dir.resolve("orders").toString());
      suite = Suite.load(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      spark.stop();
      BenchData.delete(dir);
    }
  }

  /** A config of 500 SLO objectives. */
  @State(Scope.Benchmark)
  public static class ConfigState {
    String yaml;

    @Setup(Level.Trial)
    public void setUp() {
      StringBuilder b = new StringBuilder("slo:\n  window: 28d\n  objectives:\n");
      for (int i = 0; i < 500; i++) {
        b.append(
            String.format(
                Locale.ROOT,
                "    - {job: job-%d, successRate: 0.99, durationP95: %dm, freshness: 2h,"
                    + " costPerRun: 1.5, metrics: [{repository: dq/%d, metric: Completeness,"
                    + " column: c%d, atLeast: 0.99}]}%n",
                i,
                10 + i % 50,
                i,
                i));
      }
      yaml = b.toString();
    }
  }

  /**
   * A RAPIDS explain output of 6,000 lines: operators and expressions, on the GPU or not, with
   * reasons over several lines, as a plan of many queries prints.
   */
  @State(Scope.Benchmark)
  public static class PlanState {
    String explain;

    @Setup(Level.Trial)
    public void setUp() {
      StringBuilder b = new StringBuilder();
      for (int q = 0; q < 500; q++) {
        b.append("*Exec <HashAggregateExec> will run on GPU\n");
        b.append("  *Expression <AggregateExpression> sum(amount#")
            .append(q)
            .append(")")
            .append(" will run on GPU\n");
        b.append("  !Expression <CovPopulation> covar_pop(amount#1, qty#2) cannot run on GPU")
            .append(" because GPU does not currently support the operator class CovPopulation\n");
        b.append("    produces an unsupported type DoubleType; input expression CaseWhen\n");
        b.append("    *Exec <ShuffleExchangeExec> will run on GPU\n");
        b.append("      *Partitioning <HashPartitioning> will run on GPU\n");
        b.append("      @Expression <AttributeReference> status#")
            .append(q)
            .append(" could run on GPU\n");
        b.append("      *Exec <ProjectExec> will run on GPU\n");
        b.append("        !Exec <FilterExec> cannot run on GPU because not all expressions")
            .append(" can be replaced\n");
        b.append("          $Exec <FileSourceScanExec> cannot run on GPU because Removed by")
            .append(" cost-based optimizer\n");
        b.append("          *Exec <FileSourceScanExec> will run on GPU\n");
        b.append("\n");
      }
      explain = b.toString();
    }
  }

  /** A backup of a 2,000,000-row Iceberg table written in 10 commits. */
  @State(Scope.Benchmark)
  public static class BackupState {
    Path dir;
    SparkSession spark;
    String backup;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("lakeforge-backup-bench");
      spark = BenchData.icebergSession("lakeforge-backup-bench", dir.resolve("warehouse"));
      spark.sql(
          "CREATE TABLE bench.db.orders (id BIGINT, status STRING, amount DOUBLE) USING iceberg");
      for (int i = 0; i < 10; i++) {
        spark
            .range(i * 200_000L, (i + 1) * 200_000L)
            .selectExpr("id", "CAST(id % 4 AS STRING) AS status", "rand() * 100 AS amount")
            .writeTo("bench.db.orders")
            .append();
      }
      backup = dir.resolve("backup").toUri().toString();
      LakeTable.of(spark, "bench.db.orders").backupTo(backup).execute();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      spark.stop();
      BenchData.delete(dir);
    }
  }

  @Benchmark
  public Suite loadSuiteOf500Checks(SuiteState s) {
    return Suite.load(s.file);
  }

  @Benchmark
  public List<String> validateSuiteOf500Checks(SuiteState s) {
    return s.suite.problems(s.data);
  }

  @Benchmark
  public SloSettings bindLargeConfig(ConfigState s) {
    return Config.parse(s.yaml, "large.yaml").bind("slo", SloSettings.class);
  }

  @Benchmark
  public GpuPlanReport parseGpuPlanReport(PlanState s) {
    return GpuPlanReport.parse(s.explain);
  }

  @Benchmark
  public Restore.Report verifyBackup(BackupState s) {
    Restore.Report r = Restore.from(s.spark, s.backup).verify();
    if (!r.problems().isEmpty()) {
      throw new IllegalStateException("the backup does not verify: " + r.problems());
    }
    return r;
  }
}
