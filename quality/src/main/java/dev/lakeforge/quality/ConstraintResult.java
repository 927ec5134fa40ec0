package dev.lakeforge.quality;

/**
 * How one constraint fared.
 *
 * @param constraint the constraint
 * @param status SUCCESS or FAILURE
 * @param metricValue the metric it was judged on (null when the metric failed)
 * @param message why it failed (Deequ's "Value: x does not meet the constraint requirement!"), or
 *     null
 */
public record ConstraintResult(
    Constraint constraint, Status status, Double metricValue, String message) {
  public enum Status {
    SUCCESS,
    FAILURE
  }

  public boolean passed() {
    return status == Status.SUCCESS;
  }
}
