package dev.lakeforge.core.job;

import java.util.List;
import java.util.Map;

/**
 * What a job run produced.
 *
 * @param status how it ended
 * @param summary one line for the log and the run report
 * @param details job-specific figures for the run report
 * @param outputs local folders the job wrote; the run report is also written into each
 */
public record JobOutcome(
    Status status, String summary, Map<String, Object> details, List<String> outputs) {
  public enum Status {
    SUCCEEDED,
    QUALITY_GATE_FAILED
  }

  public JobOutcome {
    details = details == null ? Map.of() : Map.copyOf(details);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  public static JobOutcome success(String summary) {
    return new JobOutcome(Status.SUCCEEDED, summary, Map.of(), List.of());
  }

  public static JobOutcome qualityGateFailed(String summary) {
    return new JobOutcome(Status.QUALITY_GATE_FAILED, summary, Map.of(), List.of());
  }

  public JobOutcome withDetails(Map<String, Object> more) {
    return new JobOutcome(status, summary, more, outputs);
  }

  public JobOutcome withOutputs(List<String> paths) {
    return new JobOutcome(status, summary, details, paths);
  }

  int exitCode() {
    return status == Status.SUCCEEDED ? ExitCode.OK : ExitCode.QUALITY_GATE_FAILED;
  }
}
