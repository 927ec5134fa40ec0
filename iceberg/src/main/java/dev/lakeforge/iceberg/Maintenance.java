package dev.lakeforge.iceberg;

import dev.lakeforge.core.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Runs a {@link MaintenancePolicy} on a table, or reports what it would do. Expiry never removes
 * the last {@code retainLast} snapshots of main, a tagged snapshot or a branch head.
 *
 * <pre>{@code
 * MaintenanceReport wouldDo = table.maintain(policy).plan();   // writes nothing
 * MaintenanceReport did = table.maintain(policy).execute();
 * }</pre>
 */
public final class Maintenance {
  private final LakeTable table;
  private final MaintenancePolicy policy;

  private Maintenance(LakeTable table, MaintenancePolicy policy) {
    this.table = table;
    this.policy = policy;
  }

  static Maintenance of(LakeTable table, MaintenancePolicy policy) {
    return new Maintenance(table, policy);
  }

  private long expiryCutoff() {
    return System.currentTimeMillis() - TimeUnit.DAYS.toMillis(policy.expireOlderThanDays());
  }

  /**
   * The snapshots expiry would remove: old, not among the last K of main, not referenced by a tag
   * or branch.
   */
  List<Long> expirable(Table t) {
    if (t.currentSnapshot() == null) {
      return List.of();
    }
    Set<Long> keep = new HashSet<>();
    int n = 0;
    for (Snapshot s : SnapshotUtil.currentAncestors(t)) {
      if (n++ < policy.retainLast()) {
        keep.add(s.snapshotId());
      }
    }
    // As Iceberg's expiry does: a tag or branch keeps its snapshot until the ref's maximum age
    // (measured from the snapshot's commit), such as the tag that keeps a rollback undoable.
    long now = System.currentTimeMillis();
    long defaultMaxRefAge =
        PropertyUtil.propertyAsLong(
            t.properties(), TableProperties.MAX_REF_AGE_MS, TableProperties.MAX_REF_AGE_MS_DEFAULT);
    for (Map.Entry<String, SnapshotRef> e : t.refs().entrySet()) {
      SnapshotRef ref = e.getValue();
      Snapshot s = t.snapshot(ref.snapshotId());
      long maxAge = ref.maxRefAgeMs() != null ? ref.maxRefAgeMs() : defaultMaxRefAge;
      if (e.getKey().equals(SnapshotRef.MAIN_BRANCH)
          || s == null
          || now - s.timestampMillis() <= maxAge) {
        keep.add(ref.snapshotId());
      }
    }
    long cutoff = expiryCutoff();
    List<Long> out = new ArrayList<>();
    for (Snapshot s : t.snapshots()) {
      if (!keep.contains(s.snapshotId()) && s.timestampMillis() < cutoff) {
        out.add(s.snapshotId());
      }
    }
    return out;
  }

  private static Map<String, Long> liveFiles(Table t, long snapshotId) {
    Map<String, Long> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().useSnapshot(snapshotId).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        files.put(f.location(), f.fileSizeInBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** What the policy would do; changes nothing. */
  public MaintenanceReport plan() {
    Table t = table.table();
    List<Long> expired = expirable(t);
    Set<Long> expiredSet = new HashSet<>(expired);
    Map<String, Long> expiredFiles = new HashMap<>();
    Set<String> retainedFiles = new HashSet<>();
    for (Snapshot s : t.snapshots()) {
      Map<String, Long> files = liveFiles(t, s.snapshotId());
      if (expiredSet.contains(s.snapshotId())) {
        expiredFiles.putAll(files);
      } else {
        retainedFiles.addAll(files.keySet());
      }
    }
    expiredFiles.keySet().removeAll(retainedFiles);
    List<String> orphans = orphans(t, true);
    long small = 0;
    long smallBytes = 0;
    long threshold = (long) (Units.bytes(policy.targetFileSize()) * 0.75);
    if (policy.rewriteDataFiles() && t.currentSnapshot() != null) {
      for (Long size : liveFiles(t, t.currentSnapshot().snapshotId()).values()) {
        if (size < threshold) {
          small++;
          smallBytes += size;
        }
      }
    }
    long manifests =
        policy.rewriteManifests() && t.currentSnapshot() != null
            ? t.currentSnapshot().allManifests(t.io()).size()
            : 0;
    return new MaintenanceReport(
        table.name(),
        true,
        expired,
        expiredFiles.size(),
        expiredFiles.values().stream().mapToLong(Long::longValue).sum(),
        orphans,
        bytes(orphans),
        small,
        smallBytes,
        0,
        manifests);
  }

  /**
   * Applies the policy: expiry first (so the snapshots maintenance itself commits do not push the
   * user's out of the retained window), then compaction and manifests, then orphan removal.
   */
  public MaintenanceReport execute() {
    MaintenanceReport before = plan();
    Table fresh = table.table();
    List<Long> expired = expirable(fresh);
    if (!expired.isEmpty()) {
      ExpireSnapshots expire = fresh.expireSnapshots();
      expired.forEach(expire::expireSnapshotId);
      expire.retainLast(policy.retainLast()).commit();
    }
    Table t = table.table();
    SparkActions actions = SparkActions.get(table.activeSpark());
    long rewritten = 0;
    long rewrittenBytes = 0;
    long added = 0;
    if (policy.rewriteDataFiles() && t.currentSnapshot() != null) {
      RewriteDataFiles rewrite =
          actions
              .rewriteDataFiles(t)
              .option("target-file-size-bytes", Long.toString(Units.bytes(policy.targetFileSize())))
              .option("min-input-files", "2");
      rewrite =
          policy.sortBy().isEmpty()
              ? rewrite.binPack()
              : rewrite.sort(SortOrder.builderFor(t.schema()).asc(policy.sortBy().get(0)).build());
      RewriteDataFiles.Result r = rewrite.execute();
      rewritten = r.rewrittenDataFilesCount();
      rewrittenBytes = r.rewrittenBytesCount();
      added = r.addedDataFilesCount();
    }
    long manifests = 0;
    if (policy.rewriteManifests() && table.table().currentSnapshot() != null) {
      RewriteManifests.Result m = actions.rewriteManifests(table.table()).execute();
      for (Object ignored : m.rewrittenManifests()) {
        manifests++;
      }
    }
    List<String> orphans = orphans(table.table(), false);
    table.refresh();
    return new MaintenanceReport(
        table.name(),
        false,
        expired,
        before.expiredFiles(),
        before.expiredBytes(),
        orphans,
        before.orphanBytes(),
        rewritten,
        rewrittenBytes,
        added,
        manifests);
  }

  private List<String> orphans(Table t, boolean dryRun) {
    long olderThan =
        System.currentTimeMillis() - TimeUnit.HOURS.toMillis(policy.orphanOlderThanHours());
    List<String> found = new ArrayList<>();
    DeleteOrphanFiles action =
        SparkActions.get(table.activeSpark()).deleteOrphanFiles(t).olderThan(olderThan);
    if (dryRun) {
      action = action.deleteWith(found::add);
      action.execute();
      return found;
    }
    action.execute().orphanFileLocations().forEach(found::add);
    return found;
  }

  private long bytes(List<String> paths) {
    long sum = 0;
    Configuration conf = ((SparkSession) table.spark()).sparkContext().hadoopConfiguration();
    for (String p : paths) {
      try {
        Path path = new Path(p);
        FileSystem fs = path.getFileSystem(conf);
        sum += fs.getFileStatus(path).getLen();
      } catch (IOException e) {
        // gone already: counts as 0 bytes
      }
    }
    return sum;
  }
}
