package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Verifies a backup against its manifest (size and checksum of every file) and restores it as a
 * table: the catalog registers the backup's metadata (a hadoop catalog writes a metadata file in
 * its warehouse that points there), so the restored table reads the files in the backup location.
 * The report gives the restore time (RTO).
 *
 * <pre>{@code
 * Restore.Report r = Restore.from(spark, "s3a://dr-bucket/orders").asTable("pg.sales.orders_restored");
 * }</pre>
 */
public final class Restore {
  private final SparkSession spark;
  private final String location;

  private Restore(SparkSession spark, Location location) {
    this.spark = spark;
    this.location = location.uri();
  }

  /**
   * A restore from a backup: any Hadoop-compatible URI, or a local path (a relative one starts at
   * the working directory).
   */
  public static Restore from(SparkSession spark, String backupLocation) {
    return from(spark, Location.of(backupLocation));
  }

  /** A restore from a backup location. */
  public static Restore from(SparkSession spark, Location backupLocation) {
    return new Restore(spark, backupLocation);
  }

  /**
   * How the restore went.
   *
   * @param manifest the backup restored
   * @param checkedFiles files whose size and checksum matched
   * @param problems files missing or different (empty when verified)
   * @param table the restored table (null when only verified)
   * @param rows rows in the restored table
   * @param rto verification, registration and first read, together
   */
  public record Report(BackupManifest manifest, int checkedFiles, List<String> problems, String table, long rows,
      Duration rto) {}

  private Configuration conf() {
    return ((org.apache.spark.sql.classic.SparkSession) spark).sparkContext().hadoopConfiguration();
  }

  BackupManifest manifest() {
    try {
      BackupManifest m = BackupManifest.read(conf(), location);
      if (m == null) {
        throw new LakeTableException(ErrorKind.NOT_FOUND, "no backup at " + location + ": " + BackupManifest.FILE + " is missing");
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the backup manifest at " + location + ": " + e.getMessage(), e);
    }
  }

  /** Checks every file of the backup against the manifest; writes nothing. */
  public Report verify() {
    long start = System.nanoTime();
    BackupManifest m = manifest();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    try {
      for (BackupManifest.Entry e : m.files()) {
        Path p = new Path(location, e.path());
        FileSystem fs = p.getFileSystem(conf());
        if (!fs.exists(p)) {
          problems.add(e.path() + ": missing");
        } else if (fs.getFileStatus(p).getLen() != e.size()) {
          problems.add(e.path() + ": " + fs.getFileStatus(p).getLen() + " bytes, the manifest says " + e.size());
        } else {
          long crc;
          try {
            crc = BackupManifest.checksum(fs, p);
          } catch (org.apache.hadoop.fs.ChecksumException bad) {
            problems.add(e.path() + ": checksum differs from the manifest (the file system's own check failed too)");
            continue;
          }
          if (crc != e.crc32c()) {
            problems.add(e.path() + ": checksum differs from the manifest");
          } else {
            checked++;
          }
        }
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot verify the backup at " + location + ": " + ex.getMessage(), ex);
    }
    return new Report(m, checked, problems, null, m.records(), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Restores in place: verifies the backup first, then drops the catalog entry of {@code name}
   * (without purging its files) and registers the backup under that name.
   *
   * @throws LakeTableException when verification fails (the table is left as it is then)
   */
  public Report inPlace(String name) {
    Report verified = verify();
    if (!verified.problems().isEmpty()) {
      throw new LakeTableException(ErrorKind.VALIDATION, "backup at " + location + " failed verification; " + name + " is left as it is: "
          + String.join("; ", verified.problems()));
    }
    CatalogTable target = CatalogTable.of(spark, name);
    if (target.catalog().tableExists(target.id())) {
      target.catalog().dropTable(target.id(), false);
    }
    return asTable(name);
  }

  /**
   * Verifies, then registers the backup as table {@code name} and reads it.
   *
   * @throws LakeTableException when verification finds a problem (nothing is registered then), the
   *     catalog is not declared or cannot register the table, or the row count differs from the manifest
   */
  public Report asTable(String name) {
    long start = System.nanoTime();
    Report verified = verify();
    if (!verified.problems().isEmpty()) {
      throw new LakeTableException(ErrorKind.VALIDATION, "backup at " + location + " failed verification, nothing restored: "
          + String.join("; ", verified.problems()));
    }
    BackupManifest m = verified.manifest();
    CatalogTable target = CatalogTable.of(spark, name);
    String metadata = location + "/" + m.metadataFile();
    try {
      target.catalog().registerTable(target.id(), metadata);
    } catch (RuntimeException e) {
      throw new LakeTableException(SparkErrors.kind(e) == ErrorKind.INTERNAL ? ErrorKind.INTERNAL : ErrorKind.USAGE,
          "cannot register " + name + " from " + metadata + ": " + LakeforgeException.firstLine(e), e);
    }
    long rows = LakeTable.of(spark, name).read().count();
    Duration rto = Duration.ofNanos(System.nanoTime() - start);
    if (rows != m.records()) {
      throw new LakeTableException("restored " + name + " has " + rows + " rows, the backup manifest says " + m.records());
    }
    return new Report(m, verified.checkedFiles(), List.of(), name, rows, rto);
  }
}
