package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Picks the target of a rollback; {@link #toSnapshot}, {@link #toTimestamp} and {@link #toTag}
 * return the plan, which changes nothing until {@link RollbackPlan#commit()}.
 */
public final class Rollback {
  /** How long a rollback can be undone unless told otherwise. */
  public static final Duration DEFAULT_UNDO_WINDOW = Duration.ofDays(30);

  private final LakeTable table;
  private String by = System.getProperty("user.name", "unknown");
  private String reason = "";
  private Duration undoWindow = DEFAULT_UNDO_WINDOW;

  Rollback(LakeTable table) {
    this.table = table;
  }

  /** Who rolls back (recorded in the log; default: the OS user). */
  public Rollback by(String who) {
    this.by = who;
    return this;
  }

  /** Why (recorded in the log). */
  public Rollback reason(String why) {
    this.reason = why;
    return this;
  }

  /**
   * How long the rollback can be undone (default {@link #DEFAULT_UNDO_WINDOW}): until then, table
   * maintenance keeps the snapshot it rolls back from, and the files that snapshot reads.
   */
  public Rollback undoWindow(Duration window) {
    if (window.isNegative()) {
      throw new LakeTableException(
          ErrorKind.USAGE, "the undo window must not be negative, got " + window);
    }
    this.undoWindow = window;
    return this;
  }

  /**
   * Plans a rollback to a snapshot.
   *
   * @throws LakeTableException when the snapshot does not exist (expired) or is not an ancestor of
   *     the current snapshot
   */
  public RollbackPlan toSnapshot(long snapshotId) {
    Table t = table.table();
    Snapshot current = t.currentSnapshot();
    if (current == null) {
      throw new LakeTableException(
          ErrorKind.USAGE, "table " + table.name() + " has no snapshot to roll back from");
    }
    table.snapshot(t, snapshotId);
    if (!SnapshotUtil.isAncestorOf(t, current.snapshotId(), snapshotId)) {
      List<Long> ancestors = new ArrayList<>();
      SnapshotUtil.currentAncestors(t).forEach(s -> ancestors.add(s.snapshotId()));
      throw new LakeTableException(
          ErrorKind.USAGE,
          "snapshot "
              + snapshotId
              + " is not an ancestor of the current snapshot "
              + current.snapshotId()
              + " of "
              + table.name()
              + "; a rollback can only go back along the current history: "
              + ancestors);
    }
    List<SnapshotInfo> undone = new ArrayList<>();
    for (Snapshot s : SnapshotUtil.ancestorsBetween(t, current.snapshotId(), snapshotId)) {
      undone.add(SnapshotInfo.of(s));
    }
    return new RollbackPlan(
        table,
        SnapshotInfo.of(current),
        SnapshotInfo.of(t.snapshot(snapshotId)),
        undone,
        by,
        reason,
        undoWindow);
  }

  /** Plans a rollback to the last snapshot committed at or before {@code time}. */
  public RollbackPlan toTimestamp(Instant time) {
    return toSnapshot(table.snapshotAsOf(table.table(), time));
  }

  /** Plans a rollback to the snapshot a tag points at. */
  public RollbackPlan toTag(String tag) {
    return toSnapshot(table.ref(table.table(), tag, true).snapshotId());
  }
}
