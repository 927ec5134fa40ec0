package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;

import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One micro-batch through the stages: the batch is flattened and annotated with its row-level
 * reasons, then persisted; a single aggregation over it (the job that fills the cache) gives the
 * batch's size, its undecodable and invalid counts and its earliest record time. Every later step
 * reads the cache and knows its counts in advance, so no write is preceded by a count, and a write
 * with nothing to write is skipped. Alerts go out as soon as the checks are judged, before the
 * dead-letter and sink writes, to keep alert latency low.
 */
final class BatchProcessor {
  private static final Logger LOG = LogManager.getLogger(BatchProcessor.class);

  /** Counters the batches add to (batches run on the driver, one at a time). */
  static final class Stats {
    final AtomicLong processed = new AtomicLong();
    final AtomicLong good = new AtomicLong();
    final AtomicLong bad = new AtomicLong();
    final AtomicLong dead = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
  }

  private final PipelineSpec spec;
  private final SparkSession spark;
  private final DeadLetterWriter deadLetters;
  private final AlertPublisher alerts;
  private final List<Sink> sinks;
  final Stats stats = new Stats();
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  /** A batch that started after the stop request waits here, having done nothing, for the stop. */
  final CountDownLatch parked = new CountDownLatch(1);

  BatchProcessor(PipelineSpec spec, SparkSession spark) {
    this.spec = spec;
    this.spark = spark;
    this.deadLetters = new DeadLetterWriter(spec.deadLetterTopic, spec.writerOptions());
    this.alerts =
        spec.alertTopic == null
            ? null
            : new AlertPublisher(spec.name, spec.alertTopic, spec.writerOptions());
    this.sinks = spec.sinks(spark);
  }

  /** From now on a batch that starts does nothing and is not committed. */
  void requestStop() {
    stopRequested.set(true);
  }

  void process(Dataset<Row> batch, Long batchId) throws InterruptedException {
    if (stopRequested.get()) {
      // Stopping: this batch does nothing and is not committed; stop() interrupts the wait.
      LOG.info("{} batch {} left for the next run: the query is stopping", spec.name, batchId);
      parked.countDown();
      Thread.sleep(Long.MAX_VALUE);
    }
    // The batch is cached for a few seconds and read a few times: compressing the cache costs more
    // (dictionary statistics on every value) than it saves. The batch runs in the query's own
    // session (a clone Structured Streaming makes), so this setting stays out of the user's
    // session.
    batch.sparkSession().conf().set("spark.sql.inMemoryColumnarStorage.compressed", "false");
    Dataset<Row> b = spec.annotateDecoded(batch).persist();
    try {
      Column decodable = col(Decoder.REASON).isNull();
      Column invalid = decodable.and(size(col(Verification.REASONS)).gt(0));
      Column good = decodable.and(size(col(Verification.REASONS)).equalTo(0));
      long started = System.nanoTime();
      Row sizes =
          b.agg(count(lit(1)), count(col(Decoder.REASON)), count_if(invalid), min("_timestamp"))
              .first();
      long total = sizes.getLong(0);
      long undecodable = sizes.getLong(1);
      long invalidCount = sizes.getLong(2);
      long goodCount = total - undecodable - invalidCount;
      long earliest =
          sizes.isNullAt(3) ? System.currentTimeMillis() : sizes.getTimestamp(3).getTime();

      long read = System.nanoTime();
      if (total == 0) {
        // Nothing arrived (or deduplication left nothing): no checks to judge, no alert, no
        // metrics.
        stats.batches.incrementAndGet();
        LOG.info("{} batch {}: no records", spec.name, batchId);
        return;
      }
      VerificationResult result =
          verify(b.where(decodable).drop(Verification.REASONS, Decoder.REASON));
      long alerted = 0;
      if (alerts != null && AlertPublisher.alerting(result)) {
        alerted =
            alerts.publish(
                spark, result, invalidCount == 0 ? null : b.where(invalid), batchId, earliest);
      }

      long judged = System.nanoTime();
      if (undecodable > 0) {
        deadLetters.write(b.where(col(Decoder.REASON).isNotNull()), col(Decoder.REASON));
      }
      if (invalidCount > 0) {
        deadLetters.write(b.where(invalid), concat_ws("; ", col(Verification.REASONS)));
      }
      long deadLettered = System.nanoTime();
      long written = goodCount;
      if (goodCount > 0) {
        Dataset<Row> goodRows = b.where(good);
        for (Sink sink : sinks) {
          written = Math.min(written, sink.write(goodRows, goodCount, batchId));
        }
      }
      long dead = undecodable + invalidCount;
      stats.processed.addAndGet(total);
      stats.good.addAndGet(
          goodCount); // a replay counts again: the Iceberg sink skips what it holds
      stats.bad.addAndGet(invalidCount);
      stats.dead.addAndGet(dead);
      stats.alerts.addAndGet(alerted);
      stats.batches.incrementAndGet();
      LOG.info(
          "{} batch {}: {} good row(s) written, {} dead-lettered, checks {} (read {} ms, checks and alerts {} ms,"
              + " dead letters {} ms, sinks {} ms)",
          spec.name,
          batchId,
          written,
          dead,
          result.status(),
          millis(started, read),
          millis(read, judged),
          millis(judged, deadLettered),
          millis(deadLettered, System.nanoTime()));
    } finally {
      b.unpersist();
    }
  }

  /**
   * The checks, and with a repository the tracked metrics and anomaly checks, on the decodable
   * rows.
   */
  private VerificationResult verify(Dataset<Row> decodable) {
    Verification v = Verification.onData(decodable).addChecks(spec.checks);
    if (spec.repository != null) {
      v.addAnalyzers(spec.tracked);
      v.saveMetricsTo(
          spec.repository,
          new ResultKey(System.currentTimeMillis(), Map.of("pipeline", spec.name)));
      for (PipelineSpec.AnomalyRule a : spec.anomalies) {
        v.addAnomalyCheck(a.strategy(), a.analyzer(), null, a.level());
      }
    }
    return v.run();
  }

  private static long millis(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1_000_000;
  }
}
