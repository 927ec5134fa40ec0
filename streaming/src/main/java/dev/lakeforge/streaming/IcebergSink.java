package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.iceberg.LakeTable;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * Appends good rows to an Iceberg table exactly once: each commit carries {@value
 * PipelineSpec#BATCH_PROPERTY} = {@code <pipeline>:<batch id>}, and a batch that an earlier attempt
 * already committed (a replay after a crash) is skipped.
 */
final class IcebergSink implements Sink {
  private static final Logger LOG = LogManager.getLogger(IcebergSink.class);

  private final SparkSession spark;
  private final String pipeline;
  private final String table;
  private final Column[] columns;

  /** Loaded at the first batch (batches run one at a time, on the driver). */
  private LakeTable lakeTable;

  IcebergSink(SparkSession spark, String pipeline, String table, Column[] columns) {
    this.spark = spark;
    this.pipeline = pipeline;
    this.table = table;
    this.columns = columns.clone();
  }

  /**
   * Appends unless an earlier attempt of this batch already committed. Only the newest commit of
   * this pipeline among the table's current ancestors can be the batch being replayed, so the walk
   * stops there instead of reading every snapshot on every batch.
   */
  @Override
  public long write(Dataset<Row> good, long rows, long batchId) {
    String id = pipeline + ":" + batchId;
    if (lakeTable == null) {
      lakeTable = LakeTable.of(spark, table);
    }
    for (Snapshot s :
        SnapshotUtil.currentAncestors(lakeTable.table())) { // loads and refreshes the table once
      String committed = s.summary().get(PipelineSpec.BATCH_PROPERTY);
      if (committed != null && committed.startsWith(pipeline + ":")) {
        if (id.equals(committed)) {
          LOG.info(
              "{} batch {} is already in {} (snapshot {}); skipping the replay",
              pipeline,
              batchId,
              table,
              s.snapshotId());
          return 0;
        }
        break;
      }
    }
    try {
      good.select(columns)
          .writeTo(table)
          .option("snapshot-property." + PipelineSpec.BATCH_PROPERTY, id)
          .append();
    } catch (NoSuchTableException e) {
      throw new StreamingException(
          ErrorKind.NOT_FOUND,
          pipeline + ": cannot append batch " + batchId + ": table " + table + " does not exist",
          e);
    } catch (RuntimeException e) {
      if (stopping(e)) {
        throw e; // a stop interrupted the write: Spark must see the interruption itself
      }
      throw new StreamingException(
          SparkErrors.kind(e),
          pipeline
              + ": cannot append batch "
              + batchId
              + " to "
              + table
              + ": "
              + SparkErrors.describe(e),
          e);
    }
    return rows;
  }

  /**
   * Whether the write failed because the query is being stopped: the thread was interrupted, or the
   * write's job was cancelled. Spark ends a stopped query quietly only when it sees that.
   */
  static boolean stopping(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException
          || String.valueOf(t.getMessage()).contains("SPARK_JOB_CANCELLED")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String describe() {
    return "iceberg " + table + " (exactly once)";
  }
}
