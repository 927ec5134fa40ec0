package dev.lakeforge.core;

/**
 * What a caller can do about an error, and the launcher's exit code for it. Carried by {@link
 * LakeforgeException}; the launcher maps it to the exit code in one place.
 *
 * <pre>{@code
 * throw new LakeforgeException(ErrorKind.NOT_FOUND, "table lake.sales.orders does not exist");
 * }</pre>
 */
public enum ErrorKind {
  /** A wrong command line, config or call: fix the input. Exit code 2. */
  USAGE(2),
  /** A table, namespace, catalog, path or snapshot that does not exist. Exit code 2. */
  NOT_FOUND(2),
  /** Someone else changed the thing concurrently: retrying may succeed. Exit code 1. */
  CONFLICT(1),
  /**
   * Input that cannot be processed as it is (a schema that does not fit, a corrupt file). Exit code
   * 2.
   */
  VALIDATION(2),
  /**
   * A service the job needs (a broker, a catalog, an object store) did not answer in time: retry
   * when it is back, or fix its address. Exit code 1.
   */
  UNAVAILABLE(1),
  /** A data-quality gate failed. Exit code 3. */
  DATA_QUALITY(3),
  /** A failure of the job or the platform. Exit code 1. */
  INTERNAL(1);

  private final int exitCode;

  ErrorKind(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The launcher's exit code for this kind. */
  public int exitCode() {
    return exitCode;
  }

  /** Whether the user can fix it by changing what they asked for. */
  public boolean isUserError() {
    return this == USAGE || this == NOT_FOUND || this == VALIDATION;
  }

  /**
   * Whether a stack trace helps: only for a failure of the job or the platform. A user's mistake, a
   * failed gate or a concurrent writer is one line (the trace only with {@code --verbose}).
   */
  public boolean needsTrace() {
    return this == INTERNAL;
  }
}
