package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/**
 * The iceberg module's one exception type: the message names the table, snapshot, tag or branch,
 * and the fix; its {@link #kind()} says what the caller can do. The few a caller catches have a
 * thin subclass: {@link NoSuchTable}, {@link NoSuchSnapshot}, {@link NoSuchRef} (not found) and
 * {@link TableChanged} (a concurrent commit: plan again and retry).
 *
 * <pre>{@code
 * try {
 *   table.rollback().toSnapshot(id).commit();
 * } catch (LakeTableException.TableChanged e) {
 *   table.rollback().toSnapshot(id).commit();   // plan again on the new state
 * }
 * }</pre>
 */
public class LakeTableException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public LakeTableException(String message) {
    super(message);
  }

  public LakeTableException(String message, Throwable cause) {
    super(message, cause);
  }

  public LakeTableException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public LakeTableException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }

  /** The table does not exist (or its catalog or namespace does not). */
  public static final class NoSuchTable extends LakeTableException {
    private static final long serialVersionUID = 1L;

    public NoSuchTable(String message) {
      this(message, null);
    }

    public NoSuchTable(String message, Throwable cause) {
      super(ErrorKind.NOT_FOUND, message, cause);
    }
  }

  /** No such snapshot: never committed, expired, or none at the time asked. */
  public static final class NoSuchSnapshot extends LakeTableException {
    private static final long serialVersionUID = 1L;

    public NoSuchSnapshot(String message) {
      this(message, null);
    }

    public NoSuchSnapshot(String message, Throwable cause) {
      super(ErrorKind.NOT_FOUND, message, cause);
    }
  }

  /** No such tag or branch (or Nessie reference). */
  public static final class NoSuchRef extends LakeTableException {
    private static final long serialVersionUID = 1L;

    public NoSuchRef(String message) {
      this(message, null);
    }

    public NoSuchRef(String message, Throwable cause) {
      super(ErrorKind.NOT_FOUND, message, cause);
    }
  }

  /**
   * Someone committed to the table concurrently: what was planned no longer applies; plan again and
   * retry.
   */
  public static final class TableChanged extends LakeTableException {
    private static final long serialVersionUID = 1L;

    public TableChanged(String message) {
      this(message, null);
    }

    public TableChanged(String message, Throwable cause) {
      super(ErrorKind.CONFLICT, message, cause);
    }
  }
}
