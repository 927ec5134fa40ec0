package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.actions.RewriteTablePath;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Backs up a table's current snapshot (metadata and data files) to another location, as a
 * self-contained Iceberg table whose paths point into the backup. Incremental: files already in the
 * backup with the same size are not copied again. Writes a {@link BackupManifest} with a checksum
 * per file, so a restore can be verified.
 *
 * <pre>{@code
 * BackupResult b = LakeTable.of(spark, "pg.sales.orders").backupTo("s3a://dr-bucket/orders").execute();
 * }</pre>
 */
public final class Backup {
  private static final String STAGING = "_staging";
  private final LakeTable table;
  private String location;

  private Backup(LakeTable table) {
    this.table = table;
  }

  static Backup of(LakeTable table) {
    return new Backup(table);
  }

  /**
   * The backup location: any Hadoop-compatible URI, or a local path (a relative one starts at the
   * working directory; the backup records it as an absolute URI).
   */
  Backup to(String backupLocation) {
    return to(Location.of(backupLocation));
  }

  /** The backup location. */
  Backup to(Location backupLocation) {
    this.location = backupLocation.uri();
    return this;
  }

  /**
   * What a backup run did.
   *
   * @param manifest the backup's manifest
   * @param copiedFiles files copied this time
   * @param copiedBytes bytes copied this time
   * @param skippedFiles files already in the backup
   */
  public record BackupResult(
      BackupManifest manifest, int copiedFiles, long copiedBytes, int skippedFiles) {}

  static Configuration hadoop(LakeTable t) {
    return ((SparkSession) t.spark()).sparkContext().hadoopConfiguration();
  }

  /** Copies what the backup lacks and writes its manifest. */
  public BackupResult execute() {
    if (location == null) {
      throw new LakeTableException(
          "backup of " + table.name() + ": no location; call to(location)");
    }
    Table t = table.table();
    if (t.currentSnapshot() == null) {
      throw new LakeTableException(
          ErrorKind.USAGE, "backup of " + table.name() + ": the table has no snapshot to back up");
    }
    Configuration conf = hadoop(table);
    TableMetadata current = ((HasTableOperations) t).operations().current();
    String metadataFile = current.metadataFileLocation();
    // The prefix as the files are written (file:/x and file:///x name the same folder; the rewrite
    // matches text).
    String source = metadataFile.substring(0, metadataFile.lastIndexOf("/metadata/"));
    String version = metadataFile.substring(metadataFile.lastIndexOf('/') + 1);
    String staging = location + "/" + STAGING + "/" + System.currentTimeMillis();
    try {
      BackupManifest previous = BackupManifest.read(conf, location);
      refuseForeignTarget(conf, previous, current.uuid(), source);
      RewriteTablePath rewrite =
          SparkActions.get(table.activeSpark())
              .rewriteTablePath(t)
              .rewriteLocationPrefix(source, location)
              .endVersion(version)
              .stagingLocation(staging);
      if (previous != null
          && previous.sourceLocation().equals(source)
          && !previous.metadataVersion().equals(version)) {
        rewrite = rewrite.startVersion(previous.metadataVersion());
      }
      RewriteTablePath.Result result = rewrite.execute();
      Map<String, BackupManifest.Entry> entries = new LinkedHashMap<>();
      if (previous != null) {
        previous.files().forEach(e -> entries.put(e.path(), e));
      }
      int copied = 0;
      int skipped = 0;
      long bytes = 0;
      for (String[] pair : fileList(conf, result.fileListLocation())) {
        Path from = new Path(pair[0]);
        Path to = new Path(pair[1]);
        FileSystem src = from.getFileSystem(conf);
        FileSystem dst = to.getFileSystem(conf);
        long size = src.getFileStatus(from).getLen();
        String relative = pair[1].substring(location.length() + 1);
        BackupManifest.Entry known = entries.get(relative);
        if (known != null
            && dst.exists(to)
            && dst.getFileStatus(to).getLen() == size
            && !relative.startsWith("metadata/v")) {
          skipped++;
          continue;
        }
        FileUtil.copy(src, from, dst, to, false, true, conf);
        entries.put(
            relative, new BackupManifest.Entry(relative, size, BackupManifest.checksum(dst, to)));
        copied++;
        bytes += size;
      }
      new Path(staging).getFileSystem(conf).delete(new Path(location, STAGING), true);
      BackupManifest manifest =
          new BackupManifest(
              table.name(),
              current.uuid(),
              source,
              t.currentSnapshot().snapshotId(),
              Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0")),
              "metadata/" + version,
              version,
              new ArrayList<>(entries.values()));
      manifest.write(conf, location);
      return new BackupResult(manifest, copied, bytes, skipped);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "backup of " + table.name() + " to " + location + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * A backup goes to an empty location or to an earlier backup of the same table: never over a
   * table's files, another table's backup or anything else already there.
   *
   * @throws LakeTableException ({@link ErrorKind#USAGE}) naming what is there
   */
  private void refuseForeignTarget(
      Configuration conf, BackupManifest previous, String uuid, String source) throws IOException {
    Location target = Location.of(location);
    Location table = Location.of(source);
    if (target.contains(table) || table.contains(target)) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "cannot back up "
              + this.table.name()
              + " to "
              + location
              + ": it overlaps the table's own location "
              + source
              + "; back up to a location of its own");
    }
    if (previous != null) {
      boolean same =
          previous.tableUuid() != null
              ? previous.tableUuid().equals(uuid)
              : previous.sourceLocation().equals(source);
      if (!same) {
        throw new LakeTableException(
            ErrorKind.USAGE,
            "cannot back up "
                + this.table.name()
                + " to "
                + location
                + ": it holds the backup of another table, "
                + previous.table()
                + " (snapshot "
                + previous.snapshotId()
                + "); back up to an empty location or to this table's own backup");
      }
      return;
    }
    Path root = new Path(location);
    FileSystem fs = root.getFileSystem(conf);
    if (!fs.exists(root)) {
      return;
    }
    List<String> there = new ArrayList<>();
    for (FileStatus f : fs.listStatus(root)) {
      if (!f.getPath().getName().equals(STAGING)) {
        there.add(f.getPath().getName() + (f.isDirectory() ? "/" : ""));
      }
    }
    if (there.isEmpty()) {
      return;
    }
    Collections.sort(there);
    boolean aTable =
        there.contains("metadata/")
            && fs.globStatus(new Path(root, "metadata/*.metadata.json")).length > 0;
    throw new LakeTableException(
        ErrorKind.USAGE,
        "cannot back up "
            + this.table.name()
            + " to "
            + location
            + ": "
            + (aTable
                ? "it is the location of an Iceberg table (metadata/ holds its metadata files)"
                : "it is not empty and holds no backup ("
                    + String.join(", ", there.subList(0, Math.min(5, there.size())))
                    + (there.size() > 5 ? ", ..." : "")
                    + ")")
            + "; a backup goes to an empty location or to an earlier backup of the same table");
  }

  static List<String[]> fileList(Configuration conf, String listLocation) throws IOException {
    Path p = new Path(listLocation);
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          int comma = line.indexOf(',');
          out.add(new String[] {line.substring(0, comma), line.substring(comma + 1)});
        }
      }
    }
    return out;
  }
}
