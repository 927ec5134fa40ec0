package dev.lakeforge.iceberg;

import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.Snapshot;

/**
 * One snapshot of a table's history.
 *
 * @param snapshotId the snapshot
 * @param parentId its parent, or null for the first
 * @param committedAt when it was committed
 * @param operation append, overwrite, delete or replace
 * @param addedFiles data files added
 * @param deletedFiles data files removed
 * @param addedRecords records added
 * @param deletedRecords records removed
 * @param totalRecords records in the table after it
 * @param summary Iceberg's whole snapshot summary
 */
public record SnapshotInfo(
    long snapshotId,
    Long parentId,
    Instant committedAt,
    String operation,
    long addedFiles,
    long deletedFiles,
    long addedRecords,
    long deletedRecords,
    long totalRecords,
    Map<String, String> summary) {

  static SnapshotInfo of(Snapshot s) {
    Map<String, String> m = s.summary() == null ? Map.of() : s.summary();
    return new SnapshotInfo(
        s.snapshotId(),
        s.parentId(),
        Instant.ofEpochMilli(s.timestampMillis()),
        s.operation(),
        num(m, "added-data-files"),
        num(m, "deleted-data-files"),
        num(m, "added-records"),
        num(m, "deleted-records"),
        num(m, "total-records"),
        Map.copyOf(m));
  }

  private static long num(Map<String, String> m, String key) {
    String v = m.get(key);
    return v == null ? 0 : Long.parseLong(v);
  }
}
