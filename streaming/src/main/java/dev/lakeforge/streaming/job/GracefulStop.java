package dev.lakeforge.streaming.job;

import dev.lakeforge.streaming.RunningPipeline;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The job's SIGTERM handling: the batch in flight finishes and commits within the grace period,
 * then the query stops, so the job exits 0; a batch still running after it is abandoned (it runs
 * again after a restart), and the run report says so.
 */
final class GracefulStop {
  private static final Logger LOG = LogManager.getLogger(GracefulStop.class);

  /** {@code running}, {@code graceful} (the batch finished) or {@code batch abandoned}. */
  private final AtomicReference<String> state = new AtomicReference<>("running");

  private volatile Thread stopper;

  private GracefulStop() {}

  /** Installs the handler for {@code pipeline}; where signals cannot be handled, says so. */
  static GracefulStop onSigterm(RunningPipeline pipeline) {
    GracefulStop stop = new GracefulStop();
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.begin(pipeline));
    } catch (IllegalArgumentException noSignals) {
      LOG.warn("SIGTERM cannot be handled here; the query stops when the JVM does");
    }
    return stop;
  }

  private void begin(RunningPipeline pipeline) {
    if (!state.compareAndSet("running", "stopping")) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                state.set(pipeline.stopGracefully() ? "graceful" : "batch abandoned");
              } catch (RuntimeException e) {
                // the query must still end, or the job would wait for SIGKILL
                LOG.warn("graceful stop failed ({}); stopping the query now", e.getMessage());
                state.set("batch abandoned");
                try {
                  pipeline.query().stop();
                } catch (TimeoutException | RuntimeException again) {
                  LOG.error("the query did not stop: {}", again.getMessage());
                }
              }
            },
            "lakeforge-graceful-stop");
    t.setDaemon(true);
    stopper = t;
    t.start();
  }

  /** After the query ended: lets a stop in progress record how it ended (bounded). */
  void awaitStopped() throws InterruptedException {
    Thread t = stopper;
    if (t != null) {
      t.join(Duration.ofSeconds(30).toMillis());
    }
  }

  /** For the run report: {@code running} when no SIGTERM came. */
  String state() {
    String s = state.get();
    return s.equals("running") ? "none" : s;
  }

  /** For the summary line. */
  String describe() {
    return switch (state()) {
      case "none" -> " finished";
      case "batch abandoned" ->
          " stopped after SIGTERM (a batch past the grace period was abandoned)";
      default -> " stopped after SIGTERM";
    };
  }
}
