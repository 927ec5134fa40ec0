package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.actions.RewriteTablePath;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/**
 * Verifies a backup against its manifest (size and checksum of every file, then every file the
 * table metadata refers to and the record counts) and restores it as a table: the catalog registers
 * the backup's metadata (a hadoop catalog writes a metadata file in its warehouse that points
 * there), so the restored table reads the files in the backup location. A backup that was moved or
 * copied (another folder, file system or bucket) has its metadata rewritten to where it is now
 * before it is registered. The report gives the restore time (RTO).
 *
 * <pre>{@code
 * Restore.Report r = Restore.from(spark, "s3a://dr-bucket/orders").asTable("pg.sales.orders_restored");
 * }</pre>
 */
public final class Restore {
  private static final String RELOCATING = "_relocate";
  private static final String PENDING = "_pending_copies";
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
  public record Report(
      BackupManifest manifest,
      int checkedFiles,
      List<String> problems,
      String table,
      long rows,
      Duration rto) {}

  private Configuration conf() {
    return ((org.apache.spark.sql.classic.SparkSession) spark).sparkContext().hadoopConfiguration();
  }

  BackupManifest manifest() {
    try {
      BackupManifest m = BackupManifest.read(conf(), location);
      if (m == null) {
        throw new LakeTableException(
            ErrorKind.NOT_FOUND,
            "no backup at " + location + ": " + BackupManifest.FILE + " is missing");
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the backup manifest at " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks the backup without writing anything: every file against the manifest (present, size,
   * checksum), then the table metadata against the files (every manifest list, manifest and data
   * file it refers to is one of the verified files, and the record counts agree).
   */
  public Report verify() {
    long start = System.nanoTime();
    BackupManifest m = manifest();
    List<String> problems = new ArrayList<>();
    int checked = checkFiles(m, problems);
    if (problems.isEmpty()) {
      problems.addAll(graph(m).problems());
    }
    return new Report(
        m, checked, problems, null, m.records(), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Where the backup was written, when it is not where it is now (it was moved or copied): a
   * restore rewrites its metadata to the new location first. Empty when it is where it was written.
   */
  public Optional<String> movedFrom() {
    Graph g = graph(manifest());
    return g.relocated() ? Optional.of(g.writtenAt()) : Optional.empty();
  }

  private int checkFiles(BackupManifest m, List<String> problems) {
    int checked = 0;
    try {
      for (BackupManifest.Entry e : m.files()) {
        Path p = new Path(location, e.path());
        FileSystem fs = p.getFileSystem(conf());
        if (!fs.exists(p)) {
          problems.add(e.path() + ": missing");
        } else if (fs.getFileStatus(p).getLen() != e.size()) {
          problems.add(
              e.path()
                  + ": "
                  + fs.getFileStatus(p).getLen()
                  + " bytes, the manifest says "
                  + e.size());
        } else {
          long crc;
          try {
            crc = BackupManifest.checksum(fs, p);
          } catch (ChecksumException bad) {
            problems.add(
                e.path()
                    + ": checksum differs from the manifest (the file system's own check failed too)");
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
      throw new UncheckedIOException(
          "cannot verify the backup at " + location + ": " + ex.getMessage(), ex);
    }
    return checked;
  }

  /**
   * The backup's metadata as a graph of files, read where the files are now.
   *
   * @param writtenAt the location the backup's metadata names (where it was written)
   * @param relocated whether that is not where it is now
   * @param problems what does not agree with the manifest
   */
  private record Graph(
      String writtenAt, boolean relocated, FileIO io, String metadataFile, List<String> problems) {}

  private Graph graph(BackupManifest m) {
    String metadataFile = location + "/" + m.metadataFile();
    HadoopFileIO plain = new HadoopFileIO(conf());
    List<String> problems = new ArrayList<>();
    TableMetadata metadata;
    try {
      metadata = TableMetadataParser.read(plain, metadataFile);
    } catch (RuntimeException e) {
      problems.add(
          m.metadataFile() + ": not Iceberg table metadata: " + LakeforgeException.firstLine(e));
      return new Graph(location, false, plain, metadataFile, problems);
    }
    String writtenAt = metadata.location();
    boolean relocated = !Location.of(writtenAt).equals(Location.of(location));
    FileIO io = relocated ? new RelocatingFileIO(plain, writtenAt, location) : plain;
    Set<String> files = new HashSet<>();
    m.files().forEach(e -> files.add(e.path()));
    Consumer<String> inBackup =
        path -> {
          String prefix = writtenAt + "/";
          if (!path.startsWith(prefix)) {
            problems.add(m.metadataFile() + " refers to " + path + ", outside the backup");
          } else if (!files.contains(path.substring(prefix.length()))) {
            problems.add(
                path.substring(prefix.length())
                    + " is part of the table but not of the backup manifest");
          }
        };
    Snapshot snapshot = metadata.snapshot(m.snapshotId());
    if (snapshot == null) {
      problems.add(
          m.metadataFile()
              + " has no snapshot "
              + m.snapshotId()
              + ", the one the manifest says was backed up");
      return new Graph(writtenAt, relocated, io, metadataFile, problems);
    }
    String total = snapshot.summary().get("total-records");
    if (total != null && Long.parseLong(total) != m.records()) {
      problems.add(
          "snapshot "
              + m.snapshotId()
              + " holds "
              + total
              + " records, the manifest says "
              + m.records());
    }
    inBackup.accept(snapshot.manifestListLocation());
    if (!problems.isEmpty()) {
      return new Graph(writtenAt, relocated, io, metadataFile, problems);
    }
    long records = 0;
    boolean deletes = false;
    try {
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        int before = problems.size();
        inBackup.accept(manifest.path());
        if (problems.size() > before) {
          continue;
        }
        if (manifest.content() == ManifestContent.DELETES) {
          deletes = true;
          try (ManifestReader<DeleteFile> r =
              ManifestFiles.readDeleteManifest(manifest, io, metadata.specsById())) {
            r.forEach(f -> inBackup.accept(f.location()));
          }
        } else {
          try (ManifestReader<DataFile> r =
              ManifestFiles.read(manifest, io, metadata.specsById())) {
            for (DataFile f : r) {
              inBackup.accept(f.location());
              records += f.recordCount();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add(
          "cannot read the metadata of snapshot "
              + m.snapshotId()
              + ": "
              + LakeforgeException.firstLine(e));
    }
    if (problems.isEmpty() && !deletes && records != m.records()) {
      problems.add(
          "the data files of snapshot "
              + m.snapshotId()
              + " hold "
              + records
              + " records, the manifest says "
              + m.records());
    }
    return new Graph(writtenAt, relocated, io, metadataFile, problems);
  }

  /**
   * Restores in place: verifies the backup first, then drops the catalog entry of {@code name}
   * (without purging its files) and registers the backup under that name.
   *
   * @throws LakeTableException when verification fails (the table is left as it is then)
   */
  public Report inPlace(String name) {
    return restore(name, true);
  }

  /**
   * Verifies the backup (files and metadata), rewrites its metadata if it was moved or copied, then
   * registers it as table {@code name} and reads it. Nothing is registered unless everything
   * agrees.
   *
   * @throws LakeTableException when the name is not a table name, the table exists, verification
   *     finds a problem, the catalog cannot register the table, or the row count differs from the
   *     manifest (the registration is removed again then)
   */
  public Report asTable(String name) {
    return restore(name, false);
  }

  /**
   * Checks that {@code name} can take a restore: a table name in a declared Iceberg catalog that
   * does not exist yet (or, in place, may exist). Writes nothing.
   *
   * @throws LakeTableException ({@link ErrorKind#USAGE}) saying what is wrong with the name
   */
  public void checkTarget(String name, boolean inPlace) {
    target(name, inPlace);
  }

  private CatalogTable target(String name, boolean replace) {
    CatalogTable target = CatalogTable.of(spark, name);
    if (!replace && target.catalog().tableExists(target.id())) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "cannot restore as "
              + name
              + ": the table exists; restore under"
              + " another name, or in place");
    }
    return target;
  }

  private Report restore(String name, boolean replace) {
    long start = System.nanoTime();
    CatalogTable target = target(name, replace);
    finishRelocation();
    BackupManifest m = manifest();
    List<String> problems = new ArrayList<>();
    int checked = checkFiles(m, problems);
    Graph graph = problems.isEmpty() ? graph(m) : null;
    if (graph != null) {
      problems.addAll(graph.problems());
    }
    if (!problems.isEmpty()) {
      throw new LakeTableException(
          ErrorKind.VALIDATION,
          "backup at "
              + location
              + " failed verification, nothing restored"
              + (replace ? " (" + name + " is left as it is)" : "")
              + ": "
              + String.join("; ", problems));
    }
    if (graph.relocated()) {
      stageRelocation(m, graph);
      finishRelocation();
      m = manifest();
      Graph moved = graph(m);
      if (!moved.problems().isEmpty() || moved.relocated()) {
        throw new LakeTableException(
            ErrorKind.INTERNAL,
            "the metadata of the backup at "
                + location
                + " was rewritten for its new location but does not verify, nothing restored: "
                + moved.problems());
      }
    }
    String metadata = location + "/" + m.metadataFile();
    if (replace && target.catalog().tableExists(target.id())) {
      target.catalog().dropTable(target.id(), false);
    }
    try {
      target.catalog().registerTable(target.id(), metadata);
    } catch (RuntimeException e) {
      throw new LakeTableException(
          SparkErrors.kind(e) == ErrorKind.INTERNAL ? ErrorKind.INTERNAL : ErrorKind.USAGE,
          "cannot register " + name + " from " + metadata + ": " + LakeforgeException.firstLine(e),
          e);
    }
    long rows = LakeTable.of(spark, name).read().count();
    Duration rto = Duration.ofNanos(System.nanoTime() - start);
    if (rows != m.records()) {
      target.catalog().dropTable(target.id(), false);
      throw new LakeTableException(
          ErrorKind.VALIDATION,
          "restored "
              + name
              + " read "
              + rows
              + " rows, the backup manifest"
              + " says "
              + m.records()
              + "; the registration is removed again");
    }
    recordRestoredAs(name);
    return new Report(m, checked, List.of(), name, rows, rto);
  }

  /** Where a backup lists the tables registered from it (they read their files there). */
  static final String RESTORED_AS = "_lakeforge_restored_as.txt";

  /**
   * The names the backup at {@code location} was restored as (a backup policy never deletes a
   * generation a table still reads).
   */
  static List<String> restoredAs(Configuration conf, String location) throws IOException {
    Path p = new Path(location, RESTORED_AS);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return List.of();
    }
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }

  private void recordRestoredAs(String name) {
    try {
      List<String> names = new ArrayList<>(restoredAs(conf(), location));
      if (!names.contains(name)) {
        names.add(name);
        BackupManifest.writeWhole(
            conf(),
            new Path(location, RESTORED_AS),
            (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "restored " + name + ", but cannot record it in " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rewrites the metadata of a moved or copied backup to where it is now (Iceberg's table path
   * rewrite, reading through {@link RelocatingFileIO}). The rewritten files are staged, recorded in
   * a pending manifest, then copied over the old ones, and the manifest replaced last: an
   * interrupted relocation is finished by the next restore ({@link #finishRelocation()}).
   */
  private void stageRelocation(BackupManifest m, Graph graph) {
    String staging = location + "/" + RELOCATING + "/" + System.currentTimeMillis();
    // read as it was written (the metadata log names the old paths); the io reads them here
    Table moved =
        new BaseTable(
            new StaticTableOperations(graph.writtenAt() + "/" + m.metadataFile(), graph.io()),
            m.table());
    RewriteTablePath.Result result;
    try {
      result =
          SparkActions.get(spark)
              .rewriteTablePath(moved)
              .rewriteLocationPrefix(graph.writtenAt(), location)
              .stagingLocation(staging)
              .execute();
    } catch (RuntimeException e) {
      throw new LakeTableException(
          ErrorKind.INTERNAL,
          "cannot rewrite the metadata of the backup at "
              + location
              + " (written at "
              + graph.writtenAt()
              + ") for its new location: "
              + LakeforgeException.firstLine(e),
          e);
    }
    try {
      Map<String, BackupManifest.Entry> entries = new LinkedHashMap<>();
      m.files().forEach(e -> entries.put(e.path(), e));
      List<String> pairs = new ArrayList<>();
      for (String[] pair : Backup.fileList(conf(), result.fileListLocation())) {
        if (!pair[0].startsWith(staging + "/")) {
          continue; // a data file: already here, verified
        }
        Path staged = new Path(pair[0]);
        FileSystem fs = staged.getFileSystem(conf());
        String relative = pair[1].substring(location.length() + 1);
        entries.put(
            relative,
            new BackupManifest.Entry(
                relative, fs.getFileStatus(staged).getLen(), BackupManifest.checksum(fs, staged)));
        pairs.add(pair[0] + "," + relative);
      }
      BackupManifest relocated = m.withFiles(new ArrayList<>(entries.values()));
      relocated.write(conf(), staging);
      // the pending list is what makes a staged relocation complete: it appears whole, by rename
      Path pending = new Path(staging, PENDING);
      Path partial = new Path(staging, PENDING + ".tmp");
      FileSystem fs = pending.getFileSystem(conf());
      try (OutputStream out = fs.create(partial, true)) {
        out.write(String.join("\n", pairs).getBytes(StandardCharsets.UTF_8));
      }
      fs.rename(partial, pending);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot relocate the backup at " + location + ": " + e.getMessage(), e);
    }
  }

  /** Stages the relocation of a moved backup without applying it (a restore interrupted there). */
  void stageRelocation() {
    BackupManifest m = manifest();
    stageRelocation(m, graph(m));
  }

  /** Completes a relocation whose pending list was written: copies its files, then the manifest. */
  private void finishRelocation() {
    Path root = new Path(location, RELOCATING);
    try {
      FileSystem fs = root.getFileSystem(conf());
      if (!fs.exists(root)) {
        return;
      }
      for (FileStatus run : fs.listStatus(root)) {
        Path pending = new Path(run.getPath(), PENDING);
        if (fs.exists(pending) && BackupManifest.read(conf(), run.getPath().toString()) != null) {
          String list;
          try (InputStream in = fs.open(pending)) {
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          for (String line : list.split("\n")) {
            if (!line.isBlank()) {
              int comma = line.lastIndexOf(',');
              FileUtil.copy(
                  fs,
                  new Path(line.substring(0, comma)),
                  fs,
                  new Path(location, line.substring(comma + 1)),
                  false,
                  true,
                  conf());
            }
          }
          BackupManifest.read(conf(), run.getPath().toString()).write(conf(), location);
        }
      }
      fs.delete(root, true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot finish relocating the backup at " + location + ": " + e.getMessage(), e);
    }
  }
}
