package dev.lakeforge.core.job;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's failure that carries what the run did before it failed, for the details of its run
 * report: the tables of a backup policy that were backed up, with their RPO and RTO, beside the one
 * that failed.
 *
 * <pre>{@code
 * throw new JobFailure(ErrorKind.USAGE, "backup failed for lake.sales.orders", details);
 * }</pre>
 */
public final class JobFailure extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, Object> details;

  /** A failure of {@code kind} with what the run did before it. */
  public JobFailure(ErrorKind kind, String message, Map<String, Object> details) {
    this(kind, message, details, null);
  }

  /** The same, caused by {@code cause} (the launcher prints its trace for an internal error). */
  public JobFailure(ErrorKind kind, String message, Map<String, Object> details, Throwable cause) {
    super(kind, message, cause);
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** What the run did before it failed, in the run report's details. */
  public Map<String, Object> details() {
    return details == null ? Map.of() : details;
  }
}
