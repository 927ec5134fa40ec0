package dev.lakeforge.iceberg;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.SettingException;
import java.util.List;

/**
 * What table maintenance does to a table. Every key has a default, so a policy only names what
 * differs.
 *
 * <pre>{@code
 * MaintenancePolicy p = MaintenancePolicy.defaults().withExpireOlderThanDays(3).withRetainLast(10);
 * }</pre>
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
public record MaintenancePolicy(
    Integer expireOlderThanDays,
    Integer retainLast,
    Integer orphanOlderThanHours,
    Boolean rewriteDataFiles,
    String targetFileSize,
    List<String> sortBy,
    Boolean rewriteManifests) {

  public MaintenancePolicy {
    expireOlderThanDays = expireOlderThanDays == null ? 7 : expireOlderThanDays;
    retainLast = retainLast == null ? 5 : retainLast;
    orphanOlderThanHours = orphanOlderThanHours == null ? 72 : orphanOlderThanHours;
    rewriteDataFiles = rewriteDataFiles == null || rewriteDataFiles;
    targetFileSize = targetFileSize == null ? "128m" : targetFileSize;
    sortBy = sortBy == null ? List.of() : List.copyOf(sortBy);
    rewriteManifests = rewriteManifests == null || rewriteManifests;
    require(
        expireOlderThanDays >= 0,
        "expireOlderThanDays",
        "must be 0 or more, got " + expireOlderThanDays);
    require(retainLast >= 1, "retainLast", "must be at least 1, got " + retainLast);
    require(
        orphanOlderThanHours >= 1,
        "orphanOlderThanHours",
        "must be at least 1 (files younger than that may belong to a commit in progress), got "
            + orphanOlderThanHours);
    try {
      Units.bytes(targetFileSize);
    } catch (IllegalArgumentException e) {
      throw new SettingException("targetFileSize", e.getMessage());
    }
  }

  public static MaintenancePolicy defaults() {
    return new MaintenancePolicy(null, null, null, null, null, null, null);
  }

  /** This policy, expiring snapshots older than {@code days}. */
  public MaintenancePolicy withExpireOlderThanDays(int days) {
    return new MaintenancePolicy(
        days,
        retainLast,
        orphanOlderThanHours,
        rewriteDataFiles,
        targetFileSize,
        sortBy,
        rewriteManifests);
  }

  /** This policy, always keeping the {@code snapshots} newest snapshots of main. */
  public MaintenancePolicy withRetainLast(int snapshots) {
    return new MaintenancePolicy(
        expireOlderThanDays,
        snapshots,
        orphanOlderThanHours,
        rewriteDataFiles,
        targetFileSize,
        sortBy,
        rewriteManifests);
  }

  /** This policy, removing unreferenced files older than {@code hours}. */
  public MaintenancePolicy withOrphanOlderThanHours(int hours) {
    return new MaintenancePolicy(
        expireOlderThanDays,
        retainLast,
        hours,
        rewriteDataFiles,
        targetFileSize,
        sortBy,
        rewriteManifests);
  }

  /**
   * This policy, compacting small data files (or not) to {@code targetFileSize}, sorted by {@code
   * sortBy}.
   */
  public MaintenancePolicy withRewriteDataFiles(
      boolean rewrite, String targetFileSize, List<String> sortBy) {
    return new MaintenancePolicy(
        expireOlderThanDays,
        retainLast,
        orphanOlderThanHours,
        rewrite,
        targetFileSize,
        sortBy,
        rewriteManifests);
  }

  /** This policy, rewriting manifests (or not). */
  public MaintenancePolicy withRewriteManifests(boolean rewrite) {
    return new MaintenancePolicy(
        expireOlderThanDays,
        retainLast,
        orphanOlderThanHours,
        rewriteDataFiles,
        targetFileSize,
        sortBy,
        rewrite);
  }

  /**
   * A per-table policy as written: only the keys it names override the default policy (the {@code
   * table-maintenance} job overlays them on the default's keys and binds the result).
   */
  public record Overrides(
      Integer expireOlderThanDays,
      Integer retainLast,
      Integer orphanOlderThanHours,
      Boolean rewriteDataFiles,
      String targetFileSize,
      List<String> sortBy,
      Boolean rewriteManifests) {}
}
