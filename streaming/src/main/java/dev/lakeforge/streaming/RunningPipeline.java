package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryManager;

/**
 * A started pipeline: it owns the query, its counts and its graceful stop.
 *
 * <pre>{@code
 * RunningPipeline running = spec.start(spark);
 * // from a signal handler or an admin endpoint:
 * running.stopGracefully();
 * // the main thread:
 * running.awaitTermination();
 * RunningPipeline.Counts counts = running.counts();
 * }</pre>
 */
public final class RunningPipeline {
  private static final Logger LOG = LogManager.getLogger(RunningPipeline.class);

  /** How long {@link #awaitTermination} waits for the query's last progress to reach the counts. */
  private static final Duration PROGRESS_WAIT = Duration.ofSeconds(10);

  /**
   * How long a stop may take past the grace period: the query's thread ending, its last progress.
   */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  private final PipelineSpec spec;
  private final SparkSession spark;
  private final StreamingQuery query;
  private final BatchProcessor processor;
  private final Progress progress;

  RunningPipeline(
      PipelineSpec spec,
      SparkSession spark,
      StreamingQuery query,
      BatchProcessor processor,
      Progress progress) {
    this.spec = spec;
    this.spark = spark;
    this.query = query;
    this.processor = processor;
    this.progress = progress;
  }

  /**
   * What the pipeline did so far, for the run report.
   *
   * @param recordsIn records read from Kafka: the processed ones and the duplicates
   * @param duplicates records dropped by deduplication (counted when the batch's progress is
   *     reported)
   * @param good good rows of the processed batches, given to the sinks (a batch replayed after a
   *     crash counts again; the Iceberg sink skips a batch it already holds), so {@code recordsIn =
   *     duplicates + good + deadLettered}
   * @param bad decoded rows that broke a row-level constraint
   * @param deadLettered records sent to the dead-letter topic: the bad rows and the undecodable
   *     records
   * @param alerts alerts published
   * @param batches micro-batches processed
   */
  public record Counts(
      long recordsIn,
      long duplicates,
      long good,
      long bad,
      long deadLettered,
      long alerts,
      long batches) {}

  /** The counts so far. */
  public Counts counts() {
    BatchProcessor.Stats s = processor.stats;
    long duplicates = progress.duplicates.get();
    return new Counts(
        s.processed.get() + duplicates,
        duplicates,
        s.good.get(),
        s.bad.get(),
        s.dead.get(),
        s.alerts.get(),
        s.batches.get());
  }

  /** The Structured Streaming query: its status, progress and exception. */
  public StreamingQuery query() {
    return query;
  }

  /** The pipeline this runs. */
  public PipelineSpec spec() {
    return spec;
  }

  /**
   * Waits for the query to end (an {@code availableNow} trigger that has read everything, a stop,
   * or a failure), then for its last progress, so that {@link #counts} are final.
   *
   * @throws StreamingQueryException when the query failed
   */
  public void awaitTermination() throws StreamingQueryException {
    try {
      query.awaitTermination();
    } finally {
      awaitLastProgress(PROGRESS_WAIT);
    }
  }

  /**
   * As {@link #awaitTermination()}, waiting at most {@code timeout} for the query.
   *
   * @return whether the query ended within the timeout
   * @throws StreamingQueryException when the query failed
   */
  public boolean awaitTermination(Duration timeout) throws StreamingQueryException {
    if (!query.awaitTermination(timeout.toMillis())) {
      return false;
    }
    awaitLastProgress(PROGRESS_WAIT);
    return true;
  }

  private void awaitLastProgress(Duration bound) {
    try {
      if (!progress.terminated.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "{}: the query's last progress did not arrive within {} s; the duplicate count may be short",
            spec.name,
            bound.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      spark.streams().removeListener(progress);
    }
  }

  /**
   * Stops the query between batches, for a SIGTERM: the batch in flight finishes and commits, and
   * no further batch does any work. If Spark has already planned the next batch, that batch runs
   * after a restart from the checkpoint, with the same offsets. A batch still running after the
   * grace period ({@link StreamQuality#stopGracePeriod}) is abandoned: it is not committed and runs
   * again after a restart. Returns once the query has stopped and its counts are final: within the
   * grace period plus a few seconds (so the default 20 s stays under Kubernetes' default 30 s
   * termination grace period).
   *
   * <p>Call it from your stop path (a signal handler, an admin endpoint), not from a JVM shutdown
   * hook: Spark's own hooks stop the SparkContext concurrently. The {@code stream-quality} job
   * calls it on SIGTERM.
   *
   * <pre>{@code
   * boolean finished = running.stopGracefully();   // false: a batch was abandoned, to run again
   * }</pre>
   *
   * @return true when the batch in flight finished, false when the grace period ran out
   * @throws StreamingException of kind {@code UNAVAILABLE} when the query's thread does not end
   */
  public boolean stopGracefully() {
    processor.requestStop();
    long deadline = System.nanoTime() + spec.stopGrace.toNanos();
    boolean finished = true;
    try {
      // stop when idle between triggers, or when the next batch has parked before doing anything
      while (query.isActive()
          && query.status().isTriggerActive()
          && !processor.parked.await(50, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() > deadline) {
          finished = false;
          LOG.warn(
              "{}: the batch in flight did not finish within the {} s grace period; stopping without it (it runs"
                  + " again after a restart)",
              spec.name,
              spec.stopGrace.toSeconds());
          break;
        }
      }
      stop(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)).plus(STOP_MARGIN));
      awaitLastProgress(STOP_MARGIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamingException(spec.name + ": interrupted while stopping", e);
    }
    return finished;
  }

  /** Stops the query, waiting at most {@code bound} for its thread to end. */
  private void stop(Duration bound) throws InterruptedException {
    Thread stopper =
        new Thread(
            () -> {
              try {
                query.stop();
              } catch (TimeoutException e) {
                LOG.warn("{}: the query did not stop: {}", spec.name, e.getMessage());
              }
            },
            "lakeforge-stop-" + spec.name);
    stopper.setDaemon(true);
    stopper.start();
    stopper.join(bound.toMillis());
    if (stopper.isAlive()) {
      throw new StreamingException(
          ErrorKind.UNAVAILABLE,
          spec.name
              + ": the query's thread did not end within "
              + bound.toSeconds()
              + " s of the stop (a sink or the broker does not answer); nothing after the last"
              + " committed batch is lost, it runs again after a restart");
    }
  }

  /**
   * Listens to the query's progress: the records deduplication dropped (the state operator's {@code
   * numDroppedDuplicateRows}), and the query's end. Events arrive in order and active queries have
   * distinct names, so the listener claims its query's run by name at the start event.
   */
  static final class Progress extends StreamingQueryListener {
    private final StreamingQueryManager streams;
    private final String name;
    private volatile UUID runId;
    final AtomicLong duplicates = new AtomicLong();
    final CountDownLatch terminated = new CountDownLatch(1);

    Progress(StreamingQueryManager streams, String name) {
      this.streams = streams;
      this.name = name;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
      if (runId == null && name.equals(event.name())) {
        runId = event.runId();
      }
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      if (event.progress().runId().equals(runId)) {
        for (StateOperatorProgress op : event.progress().stateOperators()) {
          Long dropped = op.customMetrics().get("numDroppedDuplicateRows");
          if (dropped != null) {
            duplicates.addAndGet(dropped);
          }
        }
      }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
      // nothing to count
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      if (event.runId().equals(runId)) {
        terminated.countDown();
        streams.removeListener(this); // however the query ended, the listener goes with it
      }
    }
  }
}
