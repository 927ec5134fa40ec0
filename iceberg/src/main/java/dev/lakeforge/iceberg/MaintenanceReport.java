package dev.lakeforge.iceberg;

import dev.lakeforge.core.Units;
import java.util.List;
import java.util.Locale;

/**
 * What maintenance did to a table, or would do (dry run).
 *
 * @param table the table
 * @param dryRun whether nothing was changed
 * @param expiredSnapshots snapshots expired (or that would be)
 * @param expiredFiles data files only those snapshots referenced
 * @param expiredBytes their bytes
 * @param orphanFiles files no snapshot references, old enough to remove
 * @param orphanBytes their bytes
 * @param smallFiles data files below the compaction threshold (dry run) or rewritten (run)
 * @param smallFileBytes their bytes
 * @param addedFiles files written by compaction (0 in a dry run)
 * @param manifests manifests of the current snapshot (dry run) or rewritten (run)
 */
public record MaintenanceReport(
    String table,
    boolean dryRun,
    List<Long> expiredSnapshots,
    long expiredFiles,
    long expiredBytes,
    List<String> orphanFiles,
    long orphanBytes,
    long smallFiles,
    long smallFileBytes,
    long addedFiles,
    long manifests) {

  public MaintenanceReport {
    expiredSnapshots = List.copyOf(expiredSnapshots);
    orphanFiles = List.copyOf(orphanFiles);
  }

  /** Lines as the maintenance job prints them. */
  public String describe() {
    String verb = dryRun ? "would " : "";
    return String.format(
        Locale.ROOT,
        "%s:%n  %sexpire %d snapshot(s) %s, freeing %d data file(s), %s%n"
            + "  %sremove %d orphan file(s), %s%n  %s%d small data file(s), %s%s%n  %s%d manifest(s)%n",
        table,
        verb,
        expiredSnapshots.size(),
        expiredSnapshots,
        expiredFiles,
        Units.human(expiredBytes),
        verb,
        orphanFiles.size(),
        Units.human(orphanBytes),
        dryRun ? "would rewrite " : "rewrote ",
        smallFiles,
        Units.human(smallFileBytes),
        dryRun ? "" : " into " + addedFiles + " file(s)",
        dryRun ? "would rewrite " : "rewrote ",
        manifests);
  }
}
