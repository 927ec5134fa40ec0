package dev.lakeforge.iceberg;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.SettingException;
import java.util.List;

/**
 * What table maintenance does to a table. Every key has a default, so a policy only names what
 * differs.
 *
 * @param expireOlderThanDays expire snapshots older than this (default 7)
 * @param retainLast always keep this many of the newest snapshots of main (default 5); tagged
 *     snapshots and branch heads are always kept
 * @param orphanOlderThanHours remove files no snapshot references, older than this (default 72)
 * @param rewriteDataFiles compact small data files (default true)
 * @param targetFileSize the size compaction aims for (default 128m)
 * @param sortBy sort columns for compaction (default: bin-pack without sorting)
 * @param rewriteManifests rewrite manifests for faster planning (default true)
 */
public record MaintenancePolicy(Integer expireOlderThanDays, Integer retainLast, Integer orphanOlderThanHours,
    Boolean rewriteDataFiles, String targetFileSize, List<String> sortBy, Boolean rewriteManifests) {

  public MaintenancePolicy {
    expireOlderThanDays = expireOlderThanDays == null ? 7 : expireOlderThanDays;
    retainLast = retainLast == null ? 5 : retainLast;
    orphanOlderThanHours = orphanOlderThanHours == null ? 72 : orphanOlderThanHours;
    rewriteDataFiles = rewriteDataFiles == null || rewriteDataFiles;
    targetFileSize = targetFileSize == null ? "128m" : targetFileSize;
    sortBy = sortBy == null ? List.of() : List.copyOf(sortBy);
    rewriteManifests = rewriteManifests == null || rewriteManifests;
    require(expireOlderThanDays >= 0, "expireOlderThanDays", "must be 0 or more, got " + expireOlderThanDays);
    require(retainLast >= 1, "retainLast", "must be at least 1, got " + retainLast);
    require(orphanOlderThanHours >= 1, "orphanOlderThanHours",
        "must be at least 1 (files younger than that may belong to a commit in progress), got " + orphanOlderThanHours);
    try {
      Units.bytes(targetFileSize);
    } catch (IllegalArgumentException e) {
      throw new SettingException("targetFileSize", e.getMessage());
    }
  }

  public static MaintenancePolicy defaults() {
    return new MaintenancePolicy(null, null, null, null, null, null, null);
  }

  /** This policy with the keys the other one sets. */
  public MaintenancePolicy overriddenBy(MaintenancePolicy.Overrides o) {
    return new MaintenancePolicy(
        o.expireOlderThanDays() != null ? o.expireOlderThanDays() : expireOlderThanDays,
        o.retainLast() != null ? o.retainLast() : retainLast,
        o.orphanOlderThanHours() != null ? o.orphanOlderThanHours() : orphanOlderThanHours,
        o.rewriteDataFiles() != null ? o.rewriteDataFiles() : rewriteDataFiles,
        o.targetFileSize() != null ? o.targetFileSize() : targetFileSize,
        o.sortBy() != null ? o.sortBy() : sortBy,
        o.rewriteManifests() != null ? o.rewriteManifests() : rewriteManifests);
  }

  /** A per-table policy: only the keys it names override the default policy. */
  public record Overrides(Integer expireOlderThanDays, Integer retainLast, Integer orphanOlderThanHours,
      Boolean rewriteDataFiles, String targetFileSize, List<String> sortBy, Boolean rewriteManifests) {}
}
