package dev.lakeforge.core.diagnose;

import java.util.Locale;

/**
 * Why a run failed (or was slow), the evidence it was told by, what to do, and the runbook section.
 *
 * <pre>{@code
 * Diagnosis d = Evidence.read(List.of(Path.of(".lakeforge/runs/sql-20261127-101500-ab12cd.json"))).diagnose();
 * System.out.println(d.render());
 * }</pre>
 *
 * @param cause the cause
 * @param evidence the line that tells it
 * @param where the file (and line) the evidence is from
 * @param remedy what to do, with the settings to change where memory or skew is the cause
 */
public record Diagnosis(Cause cause, String evidence, String where, String remedy) {
  /** The causes diagnose tells apart. */
  public enum Cause {
    /** An Error-level data-quality check failed: the job worked, the data did not pass. */
    QUALITY_GATE,
    /** A config or command-line mistake. */
    CONFIG_ERROR,
    /** A table, view or column the job reads does not exist. */
    MISSING_TABLE_OR_COLUMN,
    /** A table's data file or an input file is truncated or corrupt. */
    CORRUPT_DATA_FILE,
    /** A service the job needs (catalog, broker, database, object store) did not answer. */
    UNREACHABLE_SERVICE,
    /** A JVM ran out of memory. */
    OUT_OF_MEMORY,
    /** An executor JVM died or its node went away while it ran tasks. */
    EXECUTOR_LOST,
    /** A task could not read the shuffle output of another executor. */
    SHUFFLE_FETCH_FAILURE,
    /** A few tasks of a stage did most of its work. */
    DATA_SKEW,
    /** The evidence shows no failure. */
    NO_FAILURE,
    /** A failure none of the above explains: its first line is the evidence. */
    UNKNOWN;

    /** The section of docs/runbooks.md for it. */
    public String runbook() {
      return "docs/runbooks.md#" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** For people: the cause, the evidence and where, the remedy and the runbook. */
  public String render() {
    return "cause: "
        + cause.name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + "\nevidence: "
        + evidence
        + (where == null ? "" : "\n  (" + where + ")")
        + "\nremedy: "
        + remedy
        + "\nrunbook: "
        + cause.runbook();
  }
}
