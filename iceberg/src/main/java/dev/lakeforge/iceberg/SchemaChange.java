package dev.lakeforge.iceberg;

/**
 * One difference between a table's schema and a target schema.
 *
 * @param kind ADD, DROP, RENAME, WIDEN, RETYPE, MAKE_OPTIONAL, MAKE_REQUIRED or REORDER
 * @param column the column (for a rename: the old name)
 * @param detail what changes, e.g. {@code int -> bigint}
 * @param safe whether readers of existing data and existing queries keep working
 * @param why the reason for the verdict
 */
public record SchemaChange(Kind kind, String column, String detail, boolean safe, String why) {
  public enum Kind {
    ADD,
    DROP,
    RENAME,
    WIDEN,
    RETYPE,
    MAKE_OPTIONAL,
    MAKE_REQUIRED,
    REORDER
  }

  @Override
  public String toString() {
    return (safe ? "safe     " : "BREAKING ")
        + kind
        + " "
        + column
        + (detail.isEmpty() ? "" : " (" + detail + ")")
        + ": "
        + why;
  }
}
