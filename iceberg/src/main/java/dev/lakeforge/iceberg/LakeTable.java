package dev.lakeforge.iceberg;

import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkErrors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A typed handle on an Iceberg table: reads as of a snapshot, time, tag or branch, its history, a
 * changelog between two snapshots, and rollback with preview and undo. Reads of history and
 * rollback touch metadata only.
 *
 * <pre>{@code
 * LakeTable t = LakeTable.of(spark, "lake.sales.orders");
 * Dataset<Row> lastWeek = t.asOf(Instant.parse("2026-11-16T00:00:00Z"));
 * RollbackPlan plan = t.rollback().toSnapshot(id).preview();
 * plan.apply();
 * }</pre>
 */
public final class LakeTable {
  private final SparkSession spark;
  private final String name;

  private LakeTable(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
  }

  /**
   * A handle on {@code catalog.namespace.table}.
   *
   * @throws LakeTableException when the table does not exist or is not an Iceberg table
   */
  public static LakeTable of(SparkSession spark, String name) {
    LakeTable t =
        new LakeTable(Objects.requireNonNull(spark, "spark"), Objects.requireNonNull(name, "name"));
    t.table();
    return t;
  }

  public String name() {
    return name;
  }

  SparkSession spark() {
    return spark;
  }

  /**
   * Makes this table's session the thread's active one: Iceberg's Spark actions look up helper
   * catalogs on the active session, which in a JVM that also serves Spark Connect may be another.
   */
  SparkSession activeSpark() {
    SparkSession.setActiveSession(spark);
    return spark;
  }

  /** The Iceberg table, freshly loaded. */
  public Table table() {
    CatalogTable.requireDeclaredCatalog(spark, name);
    try {
      Table t = Spark3Util.loadIcebergTable(spark, name);
      t.refresh();
      return t;
    } catch (Exception e) {
      if (SparkErrors.kind(e) == ErrorKind.NOT_FOUND) {
        throw new LakeTableException.NoSuchTable(
            "cannot load Iceberg table " + name + ": " + SparkErrors.describe(e), e);
      }
      throw new LakeTableException(
          "cannot load Iceberg table "
              + name
              + ": "
              + LakeforgeException.firstLine(e)
              + " (is the catalog configured, and is the name catalog.namespace.table?)",
          e);
    }
  }

  /** The current data. */
  public Dataset<Row> read() {
    refresh();
    return spark.read().table(name);
  }

  /** The data as of a snapshot. */
  public Dataset<Row> asOf(long snapshotId) {
    snapshot(table(), snapshotId);
    return spark.read().option("snapshot-id", snapshotId).table(name);
  }

  /** The data as it was at a point in time (the last snapshot committed at or before it). */
  public Dataset<Row> asOf(Instant time) {
    Table t = table();
    long id = snapshotAsOf(t, time);
    return spark.read().option("snapshot-id", id).table(name);
  }

  /** The data at a tag. */
  public Dataset<Row> atTag(String tag) {
    ref(table(), tag, true);
    return spark.read().option("tag", tag).table(name);
  }

  /** The data at the head of a branch. */
  public Dataset<Row> atBranch(String branch) {
    ref(table(), branch, false);
    return spark.read().option("branch", branch).table(name);
  }

  /** The current snapshot's ancestry, newest first. */
  public List<SnapshotInfo> history() {
    Table t = table();
    List<SnapshotInfo> out = new ArrayList<>();
    if (t.currentSnapshot() == null) {
      return out;
    }
    for (Snapshot s : SnapshotUtil.currentAncestors(t)) {
      out.add(SnapshotInfo.of(s));
    }
    return out;
  }

  /** The current snapshot, or null for a table with no data yet. */
  public SnapshotInfo current() {
    Snapshot s = table().currentSnapshot();
    return s == null ? null : SnapshotInfo.of(s);
  }

  /**
   * The rows that differ between two snapshots, with {@code _change} = {@code added} or {@code
   * removed} (counting duplicates). Reads both snapshots.
   */
  public Dataset<Row> diff(long fromSnapshot, long toSnapshot) {
    Dataset<Row> from = asOf(fromSnapshot);
    Dataset<Row> to = asOf(toSnapshot);
    return to.exceptAll(from)
        .withColumn("_change", lit("added"))
        .unionByName(from.exceptAll(to).withColumn("_change", lit("removed")));
  }

  /** Writes a snapshot's rows to a path (e.g. Parquet for a hand-off or an audit). */
  public void exportSnapshot(long snapshotId, String path, String format) {
    asOf(snapshotId).write().mode("errorifexists").format(format).save(path);
  }

  /** Starts a rollback: pick the target, look at the plan, then commit it. */
  public Rollback rollback() {
    return new Rollback(this);
  }

  /**
   * Starts moving this table to a target schema: {@code plan()} lists the changes, classified safe
   * or breaking, and writes nothing; {@code commit()} makes them in one schema commit.
   */
  public SchemaEvolution evolveSchema(StructType targetSchema) {
    return SchemaEvolution.of(this).to(targetSchema);
  }

  /**
   * Starts changing this table's partitioning (no data rewritten): add, drop, replace; then commit.
   */
  public PartitionEvolution evolvePartitions() {
    return PartitionEvolution.of(this);
  }

  /**
   * Maintenance by a policy: {@code plan()} reports what it would do; {@code execute()} does it.
   */
  public Maintenance maintain(MaintenancePolicy policy) {
    return Maintenance.of(this, policy);
  }

  /**
   * Appends rows through an audit branch: they reach main only when the audit passes; {@code
   * execute()} writes, audits and publishes.
   */
  public WriteAuditPublish writeAuditPublish(Dataset<Row> rows) {
    return WriteAuditPublish.into(this).append(rows);
  }

  /**
   * A backup of the current snapshot to a location (a URI, or a local path); {@code execute()}
   * copies.
   */
  public Backup backupTo(String location) {
    return Backup.of(this).to(location);
  }

  /** A backup of the current snapshot to a location; {@code execute()} copies. */
  public Backup backupTo(Location location) {
    return Backup.of(this).to(location);
  }

  /** Rollbacks recorded on this table, oldest first. */
  public List<RollbackRecord> rollbackLog() {
    return RollbackRecord.log(table());
  }

  /**
   * Undoes the last rollback that is not undone yet: makes its pre-rollback snapshot current again.
   *
   * @throws LakeTableException when there is nothing to undo or that snapshot has expired
   */
  public RollbackRecord undoLastRollback(String who, String why) {
    Table t = table();
    List<RollbackRecord> log = RollbackRecord.log(t);
    List<RollbackRecord> reversed = new ArrayList<>(log);
    Collections.reverse(reversed);
    RollbackRecord last =
        reversed.stream()
            .filter(r -> !r.undo() && !r.undone())
            .findFirst()
            .orElseThrow(
                () ->
                    new LakeTableException(
                        ErrorKind.USAGE, "table " + name + " has no rollback to undo"));
    if (t.snapshot(last.fromSnapshot()) == null) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "the rollback of "
              + name
              + " at "
              + last.at()
              + " can no longer be"
              + " undone: snapshot "
              + last.fromSnapshot()
              + " was expired"
              + (last.undoUntil() == null
                  ? ""
                  : " after its undo window ended at " + last.undoUntil()));
    }
    if (t.currentSnapshot() == null || t.currentSnapshot().snapshotId() != last.toSnapshot()) {
      throw new LakeTableException.TableChanged(
          "cannot undo the rollback of "
              + name
              + " to "
              + last.toSnapshot()
              + ": the table"
              + " moved on since (current snapshot "
              + (t.currentSnapshot() == null ? "none" : t.currentSnapshot().snapshotId())
              + "); undoing now would drop those commits");
    }
    String tag = RollbackRecord.undoTag(last.fromSnapshot());
    ManageSnapshots change = t.manageSnapshots().setCurrentSnapshot(last.fromSnapshot());
    (t.refs().containsKey(tag) ? change.removeTag(tag) : change).commit();
    RollbackRecord undo = RollbackRecord.undo(last, who, why);
    RollbackRecord.append(t, undo, last);
    refresh();
    return undo;
  }

  void refresh() {
    spark.catalog().refreshTable(name);
  }

  Snapshot snapshot(Table t, long id) {
    Snapshot s = t.snapshot(id);
    if (s == null) {
      List<Long> ids = new ArrayList<>();
      t.snapshots().forEach(x -> ids.add(x.snapshotId()));
      throw new LakeTableException.NoSuchSnapshot(
          "snapshot "
              + id
              + " of "
              + name
              + " does not exist (expired or never committed);"
              + " snapshots: "
              + ids);
    }
    return s;
  }

  long snapshotAsOf(Table t, Instant time) {
    try {
      return SnapshotUtil.snapshotIdAsOfTime(t, time.toEpochMilli());
    } catch (IllegalArgumentException e) {
      throw new LakeTableException.NoSuchSnapshot(
          "table "
              + name
              + " has no snapshot at or before "
              + time
              + (t.currentSnapshot() == null
                  ? " (it has no snapshots)"
                  : "; its history starts at "
                      + Instant.ofEpochMilli(SnapshotUtil.oldestAncestor(t).timestampMillis())),
          e);
    }
  }

  SnapshotRef ref(Table t, String refName, boolean tag) {
    SnapshotRef r = t.refs().get(refName);
    if (r == null || r.isTag() != tag) {
      List<String> names = new ArrayList<>();
      t.refs()
          .forEach(
              (k, v) -> {
                if (v.isTag() == tag) {
                  names.add(k);
                }
              });
      throw new LakeTableException.NoSuchRef(
          (tag ? "tag '" : "branch '")
              + refName
              + "' does not exist on "
              + name
              + "; "
              + (tag ? "tags: " : "branches: ")
              + names);
    }
    return r;
  }
}
