package dev.lakeforge.quality;

import java.util.List;

/**
 * How one check fared: SUCCESS when all its constraints passed, else its level (ERROR or WARNING).
 *
 * @param check the check
 * @param status the outcome
 * @param constraints each constraint's result, in order
 */
public record CheckResult(Check check, CheckStatus status, List<ConstraintResult> constraints) {
  public CheckResult {
    constraints = List.copyOf(constraints);
  }
}
