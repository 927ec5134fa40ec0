package dev.lakeforge.core.job;

/** The launcher's exit codes. */
public final class ExitCode {
  /** The job succeeded (or the dry run found no problem). */
  public static final int OK = 0;

  /** The job ran and failed. */
  public static final int JOB_FAILED = 1;

  /** Bad command line, config or input definition (also a dry run that found problems). */
  public static final int USAGE = 2;

  /** A data-quality gate failed at Error level. */
  public static final int QUALITY_GATE_FAILED = 3;

  private ExitCode() {}
}
