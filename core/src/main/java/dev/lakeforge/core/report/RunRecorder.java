package dev.lakeforge.core.report;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.ExecutorSummary;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Records what Spark does for one run. The run's jobs are recognised by a local property set on the
 * thread that runs the job, so runs sharing a SparkContext (tests, notebooks) are kept apart.
 * Classic sessions only (listeners do not exist over Spark Connect).
 *
 * <pre>{@code
 * RunRecorder recorder = RunRecorder.start(spark, runId);
 * ... run the job on this thread ...
 * RunMetrics m = recorder.stop();
 * }</pre>
 */
public final class RunRecorder extends SparkListener {
  /** The local property that tags Spark jobs with the Lakeforge run id. */
  public static final String RUN_ID_PROPERTY = "lakeforge.run.id";

  private final SparkContext sc;
  private final String runId;
  private final long startMs;
  private final Set<Integer> stageIds = ConcurrentHashMap.newKeySet();
  private final LongAdder jobs = new LongAdder();
  private final LongAdder stages = new LongAdder();
  private final LongAdder failedStages = new LongAdder();
  private final LongAdder tasks = new LongAdder();
  private final LongAdder failedTasks = new LongAdder();
  private final LongAdder inputRecords = new LongAdder();
  private final LongAdder inputBytes = new LongAdder();
  private final LongAdder outputRecords = new LongAdder();
  private final LongAdder outputBytes = new LongAdder();
  private final LongAdder shuffleRead = new LongAdder();
  private final LongAdder shuffleWrite = new LongAdder();
  private final LongAdder runTime = new LongAdder();
  private final LongAdder cpuTimeNs = new LongAdder();
  private final LongAccumulator peakMemory = new LongAccumulator(Math::max, 0);
  private final Map<String, Span> executors = new ConcurrentHashMap<>();

  /** An executor's cores and GPUs and the time it held them. */
  private record Span(int cores, int gpus, long addedMs, long removedMs) {
    double seconds(long from, long to) {
      long s = Math.max(from, addedMs);
      long e = Math.min(to, removedMs);
      return Math.max(0, e - s) / 1000.0;
    }
  }

  private RunRecorder(SparkContext sc, String runId) {
    this.sc = sc;
    this.runId = runId;
    this.startMs = System.currentTimeMillis();
  }

  /**
   * Tags the current thread's Spark jobs with {@code runId} and starts listening.
   *
   * @throws IllegalArgumentException when the session is not a classic one
   */
  public static RunRecorder start(SparkSession spark, String runId) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new IllegalArgumentException(
          "run reports need a classic SparkSession (listeners do not exist over Spark Connect)");
    }
    SparkContext sc = classic.sparkContext();
    RunRecorder r = new RunRecorder(sc, runId);
    boolean local = sc.isLocal();
    for (ExecutorSummary e : CollectionConverters.asJava(sc.statusStore().executorList(true))) {
      int cores = e.totalCores();
      if (!local && "driver".equals(e.id())) {
        cores = sc.conf().getInt("spark.driver.cores", 1);
      }
      r.executors.put(
          e.id(),
          new Span(
              cores, gpus(CollectionConverters.asJava(e.resources())), r.startMs, Long.MAX_VALUE));
    }
    sc.setLocalProperty(RUN_ID_PROPERTY, runId);
    sc.addSparkListener(r);
    return r;
  }

  private static int gpus(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources.get("gpu");
    return gpu == null ? 0 : gpu.addresses().length;
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    if (event.properties() != null
        && runId.equals(event.properties().getProperty(RUN_ID_PROPERTY))) {
      jobs.increment();
      for (Object id : CollectionConverters.asJava(event.stageIds())) {
        stageIds.add((Integer) id);
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    if (stageIds.contains(event.stageInfo().stageId())) {
      stages.increment();
      if (event.stageInfo().failureReason().isDefined()) {
        failedStages.increment();
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (!stageIds.contains(event.stageId())) {
      return;
    }
    tasks.increment();
    if (event.taskInfo().failed()) {
      failedTasks.increment();
    }
    TaskMetrics m = event.taskMetrics();
    if (m == null) {
      return;
    }
    inputRecords.add(m.inputMetrics().recordsRead());
    inputBytes.add(m.inputMetrics().bytesRead());
    outputRecords.add(m.outputMetrics().recordsWritten());
    outputBytes.add(m.outputMetrics().bytesWritten());
    shuffleRead.add(m.shuffleReadMetrics().totalBytesRead());
    shuffleWrite.add(m.shuffleWriteMetrics().bytesWritten());
    runTime.add(m.executorRunTime());
    cpuTimeNs.add(m.executorCpuTime());
    peakMemory.accumulate(m.peakExecutionMemory());
  }

  @Override
  public void onExecutorAdded(SparkListenerExecutorAdded event) {
    executors.put(
        event.executorId(),
        new Span(
            event.executorInfo().totalCores(),
            gpus(CollectionConverters.asJava(event.executorInfo().resourcesInfo())),
            event.time(),
            Long.MAX_VALUE));
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
    executors.computeIfPresent(
        event.executorId(), (id, s) -> new Span(s.cores(), s.gpus(), s.addedMs(), event.time()));
  }

  /** Waits for Spark's pending events, stops listening and returns the totals. */
  public RunMetrics stop() {
    long endMs = System.currentTimeMillis();
    try {
      sc.listenerBus().waitUntilEmpty(30_000);
    } catch (TimeoutException e) {
      // Report what arrived; a listener bus this far behind has already logged its own warnings.
    }
    sc.removeSparkListener(this);
    sc.setLocalProperty(RUN_ID_PROPERTY, null);
    double coreSeconds = 0;
    double gpuSeconds = 0;
    for (Span s : executors.values()) {
      double secs = s.seconds(startMs, endMs);
      coreSeconds += s.cores() * secs;
      gpuSeconds += s.gpus() * secs;
    }
    return new RunMetrics(
        jobs.sum(),
        stages.sum(),
        failedStages.sum(),
        tasks.sum(),
        failedTasks.sum(),
        inputRecords.sum(),
        inputBytes.sum(),
        outputRecords.sum(),
        outputBytes.sum(),
        shuffleRead.sum(),
        shuffleWrite.sum(),
        runTime.sum(),
        cpuTimeNs.sum() / 1_000_000,
        peakMemory.get(),
        coreSeconds,
        gpuSeconds);
  }

  public long startMillis() {
    return startMs;
  }
}
