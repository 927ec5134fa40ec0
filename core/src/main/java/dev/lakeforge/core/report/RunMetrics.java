package dev.lakeforge.core.report;

/**
 * What Spark did for one run, summed over the tasks of the jobs the run started.
 *
 * @param jobs Spark jobs started
 * @param stages stages completed (including failed ones)
 * @param failedStages stages that failed
 * @param tasks tasks ended
 * @param failedTasks tasks that failed
 * @param inputRecords rows read from sources
 * @param inputBytes bytes read from sources
 * @param outputRecords rows written to sinks
 * @param outputBytes bytes written to sinks
 * @param shuffleReadBytes bytes read from shuffle
 * @param shuffleWriteBytes bytes written to shuffle
 * @param executorRunTimeMs task run time, summed
 * @param executorCpuTimeMs task CPU time, summed
 * @param peakExecutionMemoryBytes the largest peak execution memory of any task
 * @param coreSeconds executor cores held during the run times seconds
 * @param gpuSeconds executor GPUs held during the run times seconds
 */
public record RunMetrics(
    long jobs,
    long stages,
    long failedStages,
    long tasks,
    long failedTasks,
    long inputRecords,
    long inputBytes,
    long outputRecords,
    long outputBytes,
    long shuffleReadBytes,
    long shuffleWriteBytes,
    long executorRunTimeMs,
    long executorCpuTimeMs,
    long peakExecutionMemoryBytes,
    double coreSeconds,
    double gpuSeconds) {

  public static final RunMetrics NONE =
      new RunMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
