package dev.lakeforge.core.job;

import picocli.CommandLine.Option;

/**
 * A test-only job whose outcome the test chooses: to prove the launcher's exit codes 0, 1 and 3.
 */
public final class GateJob implements SparkJob {
  @Option(names = "--outcome", required = true, description = "pass, gate or throw")
  String outcome;

  @Override
  public String name() {
    return "test-gate";
  }

  @Override
  public String description() {
    return "Test job: ends as --outcome says.";
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    return JobPlan.of("end with " + outcome).build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    long rows = ctx.spark().range(10).count();
    return switch (outcome) {
      case "pass" -> JobOutcome.success(rows + " rows");
      case "gate" -> JobOutcome.qualityGateFailed("orders: isComplete(order_id) failed");
      default -> throw new IllegalStateException("the job broke on purpose");
    };
  }
}
