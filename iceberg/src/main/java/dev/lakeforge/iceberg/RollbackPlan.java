package dev.lakeforge.iceberg;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Table;

/**
 * What a rollback would change, before it does: the current and target snapshots, the snapshots it
 * undoes, and the records and files those added and removed. Immutable; {@link #commit()} performs
 * it through Iceberg's snapshot management (no snapshot is deleted) and records it.
 */
public final class RollbackPlan {
  private final LakeTable table;
  private final SnapshotInfo current;
  private final SnapshotInfo target;
  private final List<SnapshotInfo> undone;
  private final String by;
  private final String reason;
  private final Duration undoWindow;

  RollbackPlan(
      LakeTable table,
      SnapshotInfo current,
      SnapshotInfo target,
      List<SnapshotInfo> undone,
      String by,
      String reason,
      Duration undoWindow) {
    this.table = table;
    this.current = current;
    this.target = target;
    this.undone = List.copyOf(undone);
    this.by = by;
    this.reason = reason;
    this.undoWindow = undoWindow;
  }

  /** How long the rollback can be undone once applied. */
  public Duration undoWindow() {
    return undoWindow;
  }

  public SnapshotInfo current() {
    return current;
  }

  public SnapshotInfo target() {
    return target;
  }

  /** The snapshots the rollback undoes, newest first. */
  public List<SnapshotInfo> undone() {
    return undone;
  }

  /** Records that disappear: those added by the undone snapshots. */
  public long recordsRemoved() {
    return undone.stream().mapToLong(SnapshotInfo::addedRecords).sum();
  }

  /** Records that come back: those deleted by the undone snapshots. */
  public long recordsRestored() {
    return undone.stream().mapToLong(SnapshotInfo::deletedRecords).sum();
  }

  public long filesRemoved() {
    return undone.stream().mapToLong(SnapshotInfo::addedFiles).sum();
  }

  public long filesRestored() {
    return undone.stream().mapToLong(SnapshotInfo::deletedFiles).sum();
  }

  /** The plan as the rollback job prints it. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Rollback of %s from snapshot %d (%s, %d records) to snapshot %d (%s, %d records)%n",
            table.name(),
            current.snapshotId(),
            current.committedAt(),
            current.totalRecords(),
            target.snapshotId(),
            target.committedAt(),
            target.totalRecords()));
    sb.append(
        String.format(
            Locale.ROOT,
            "undoes %d snapshot(s): %d records and %d files removed, %d records and %d files"
                + " restored%n",
            undone.size(),
            recordsRemoved(),
            filesRemoved(),
            recordsRestored(),
            filesRestored()));
    for (SnapshotInfo s : undone) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  - %d %s at %s: +%d / -%d records%n",
              s.snapshotId(),
              s.operation(),
              s.committedAt(),
              s.addedRecords(),
              s.deletedRecords()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "can be undone until %s (undo window %d day(s)): until then table maintenance"
                + " keeps snapshot %d and its files (tag %s)%n",
            Instant.now().plus(undoWindow).truncatedTo(ChronoUnit.SECONDS),
            undoWindow.toDays(),
            current.snapshotId(),
            RollbackRecord.undoTag(current.snapshotId())));
    return sb.toString();
  }

  /**
   * Performs the rollback and records who, when and why in the table's rollback log.
   *
   * @throws LakeTableException when the table moved since the plan was made (plan again)
   */
  public RollbackRecord commit() {
    Table t = table.table();
    if (t.currentSnapshot() == null || t.currentSnapshot().snapshotId() != current.snapshotId()) {
      throw new LakeTableException.TableChanged(
          "table "
              + table.name()
              + " moved since this plan was made (current snapshot is now "
              + (t.currentSnapshot() == null ? "none" : t.currentSnapshot().snapshotId())
              + ", the plan was for "
              + current.snapshotId()
              + "); make a new plan");
    }
    // The rolled-back-from snapshot stays referenced by a tag whose maximum age ends the undo
    // window
    // (Iceberg measures a ref's age from its snapshot's commit), in the same commit as the
    // rollback.
    Instant now = Instant.now();
    Instant until = now.plus(undoWindow);
    String tag = RollbackRecord.undoTag(current.snapshotId());
    long maxAge = until.toEpochMilli() - t.snapshot(current.snapshotId()).timestampMillis();
    ManageSnapshots change = t.manageSnapshots();
    change =
        t.refs().containsKey(tag)
            ? change.replaceTag(tag, current.snapshotId())
            : change.createTag(tag, current.snapshotId());
    change.setMaxRefAgeMs(tag, maxAge).rollbackTo(target.snapshotId()).commit();
    RollbackRecord record =
        RollbackRecord.of(current.snapshotId(), target.snapshotId(), by, reason, now, until);
    RollbackRecord.append(t, record, null);
    table.refresh();
    return record;
  }

  @Override
  public String toString() {
    return describe();
  }
}
