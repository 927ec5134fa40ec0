package dev.lakeforge.benchmarks;

import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.RollbackRecord;
import dev.lakeforge.iceberg.SnapshotInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
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
 * Time travel and rollback touch metadata only, so their cost must not grow with the data: the same
 * 10 snapshots over 1,000 rows and over 1,000,000 rows.
 *
 * <ul>
 *   <li>{@code snapshotLookup}: resolve the snapshot as of a time and analyse a read of it;
 *   <li>{@code rollbackAndUndo}: plan, apply and undo a rollback 5 snapshots back.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class IcebergMetadataBenchmark {
  @Param({"1000", "1000000"})
  public long rows;

  private SparkSession spark;
  private Path dir;
  private LakeTable table;
  private long target;
  private Instant middle;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("lakeforge-iceberg-bench");
    spark = BenchData.icebergSession("lakeforge-iceberg-bench", dir);
    spark.sql("CREATE TABLE bench.db.events (id BIGINT, v DOUBLE) USING iceberg");
    long perSnapshot = rows / 10;
    for (int i = 0; i < 10; i++) {
      spark
          .range(i * perSnapshot, (i + 1) * perSnapshot)
          .selectExpr("id", "rand() AS v")
          .writeTo("bench.db.events")
          .append();
    }
    table = LakeTable.of(spark, "bench.db.events");
    List<SnapshotInfo> history = table.history();
    target = history.get(5).snapshotId();
    middle = history.get(5).committedAt();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    spark.stop();
    BenchData.delete(dir);
  }

  @Benchmark
  public StructType snapshotLookup() {
    return table.asOf(middle).schema();
  }

  @Benchmark
  public RollbackRecord rollbackAndUndo() {
    table.rollback().toSnapshot(target).commit();
    return table.undoLastRollback("bench", "restore for the next invocation");
  }
}
