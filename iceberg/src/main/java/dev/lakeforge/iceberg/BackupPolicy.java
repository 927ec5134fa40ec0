package dev.lakeforge.iceberg;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Backups on a schedule, verified, with retention. Each run writes a new generation of a table's
 * backup ({@code <root>/<table>/<yyyyMMddTHHmmssSSSZ>/}, a full {@link Backup} that restores on its
 * own), restores it into a scratch table beside the table, compares the restored rows with the
 * table's rows at the backed-up snapshot (count and a checksum of every value), drops the scratch
 * table and marks the generation verified. Only then are old generations deleted: a generation goes
 * when it is not among the newest {@code keep} verified ones and a newer verified one exists, so a
 * failed run never leaves a table with fewer good backups. An unverified generation younger than
 * {@link #unverifiedGrace} (12 hours by default) is left alone too: it may be another run's, still
 * writing or verifying (two runs of one table at once, a retry that overlaps a slow run). A table
 * with no commit and no schema or partitioning change since its newest verified backup gets no new
 * generation. {@link #plan} tells what a run would do, for a dry run.
 *
 * <pre>{@code
 * BackupPolicy.Result r = BackupPolicy.to(Location.of("s3a://dr-bucket/backups")).keep(7).run(spark, "lake.sales.orders");
 * }</pre>
 */
public final class BackupPolicy {
  /** The marker of a verified generation. */
  static final String VERIFIED = "_lakeforge_verified.json";

  private static final DateTimeFormatter GENERATION =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String root;
  private int keep = 7;
  private Duration unverifiedGrace = Duration.ofHours(12);
  private Clock clock = Clock.systemUTC();

  private BackupPolicy(String root) {
    this.root = root;
  }

  /** Backups go under {@code root}, one folder per table. */
  public static BackupPolicy to(Location root) {
    return new BackupPolicy(Objects.requireNonNull(root, "root").uri());
  }

  /** How many verified generations to keep per table (default 7, at least 1). */
  public BackupPolicy keep(int generations) {
    if (generations < 1) {
      throw new LakeTableException(
          ErrorKind.USAGE, "keep must be at least 1 verified backup, got " + generations);
    }
    this.keep = generations;
    return this;
  }

  /**
   * How long an unverified generation is taken for a run still under way, which retention leaves
   * alone (default 12 hours): longer than the slowest backup and verification of a table, so that a
   * run never deletes another's generation; a failed run's leftover goes with the first run after.
   *
   * <pre>{@code
   * BackupPolicy.to(root).unverifiedGrace(Duration.ofHours(36));   // a table that takes a day
   * }</pre>
   */
  public BackupPolicy unverifiedGrace(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new LakeTableException(
          ErrorKind.USAGE, "unverifiedGrace must not be negative, got " + grace);
    }
    this.unverifiedGrace = grace;
    return this;
  }

  /** The clock that names generations (tests set it). */
  BackupPolicy clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * The marker of a verified generation.
   *
   * @param snapshotId the snapshot backed up
   * @param committedAt when that snapshot was committed
   * @param rows its rows
   * @param checksum the rows' count and checksum, equal in the table and the restored backup
   * @param verifiedAt when it was verified
   * @param rtoMillis how long the restore into the scratch table took
   * @param schemaId the schema the restored backup has (null in markers written before it was
   *     recorded)
   * @param specId the partition spec the restored backup has (likewise)
   */
  @JsonIgnoreProperties(ignoreUnknown = true) // a newer Lakeforge may record more
  record Verified(
      long snapshotId,
      String committedAt,
      long rows,
      String checksum,
      String verifiedAt,
      long rtoMillis,
      Integer schemaId,
      Integer specId) {

    /** Whether this backup holds the table as it is now: its snapshot, schema and partitioning. */
    boolean holds(Table table) {
      return table.currentSnapshot().snapshotId() == snapshotId
          && Integer.valueOf(table.schema().schemaId()).equals(schemaId)
          && Integer.valueOf(table.spec().specId()).equals(specId);
    }
  }

  /**
   * One table's run.
   *
   * @param table the table
   * @param location the folder of its generations
   * @param generation the generation written this run, or null when the table had no new commit
   * @param snapshotId the snapshot the newest verified backup holds
   * @param rows its rows
   * @param rto how long restoring the newest verified backup took (measured by its verification)
   * @param rpo the commits not in a verified backup, as time: from the newest commit a verified
   *     backup holds to the table's newest commit (zero when the newest backup holds it)
   * @param verified verified generations after the run, oldest first
   * @param deleted generations deleted by retention
   */
  public record Result(
      String table,
      String location,
      String generation,
      long snapshotId,
      long rows,
      Duration rto,
      Duration rpo,
      List<String> verified,
      List<String> deleted) {}

  /**
   * What {@link #run} would do to one table now.
   *
   * <pre>{@code
   * List<String> goes = policy.plan(spark, "lake.sales.orders").deletions();
   * }</pre>
   *
   * @param table the table
   * @param location the folder of its generations
   * @param newBackup whether a new generation would be written (the table changed since its newest
   *     verified backup, or it has none)
   * @param verified its verified generations now, oldest first
   * @param deletions the generations retention would delete once the run's backup, if any, is
   *     verified
   */
  public record Plan(
      String table,
      String location,
      boolean newBackup,
      List<String> verified,
      List<String> deletions) {}

  /**
   * What {@link #run} would do to {@code table} now, reading its backups (so the backup location
   * must answer) and writing nothing.
   *
   * <pre>{@code
   * BackupPolicy.Plan p = BackupPolicy.to(root).keep(7).plan(spark, "lake.sales.orders");
   * }</pre>
   */
  public Plan plan(SparkSession spark, String table) {
    LakeTable t = LakeTable.of(spark, table);
    Table iceberg = t.table();
    String dir = root + "/" + table;
    Configuration conf = Backup.hadoop(t);
    try {
      List<String> verified = backups(spark, conf, dir);
      Verified newest = newest(conf, dir, verified);
      boolean newBackup =
          iceberg.currentSnapshot() != null && (newest == null || !newest.holds(iceberg));
      List<String> after = new ArrayList<>(verified);
      if (newBackup) {
        after.add(GENERATION.format(clock.instant()));
      }
      return new Plan(
          table, dir, newBackup, List.copyOf(verified), expired(spark, conf, dir, after));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading the backups of " + table + " in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Backs up {@code table} as a new generation unless its newest verified backup holds its current
   * snapshot, schema and partitioning, verifies it, then applies retention.
   *
   * @throws LakeTableException when the table has no snapshot, or the new generation fails
   *     verification (it is left unmarked, and nothing is deleted)
   */
  public Result run(SparkSession spark, String table) {
    LakeTable t = LakeTable.of(spark, table);
    Table iceberg = t.table();
    Snapshot current = iceberg.currentSnapshot();
    if (current == null) {
      throw new LakeTableException(
          ErrorKind.USAGE, "backup of " + table + ": the table has no snapshot to back up");
    }
    String dir = root + "/" + table;
    Configuration conf = Backup.hadoop(t);
    try {
      List<String> verified = backups(spark, conf, dir);
      Verified newest = newest(conf, dir, verified);
      String generation = null;
      // a schema or partitioning change commits no snapshot, but a backup without it is stale
      if (newest == null || !newest.holds(iceberg)) {
        generation = GENERATION.format(clock.instant());
        newest = backUpAndVerify(spark, t, current, dir + "/" + generation, generation);
        verified = backups(spark, conf, dir);
      }
      List<String> deleted = retain(spark, conf, dir, verified);
      verified = backups(spark, conf, dir);
      return new Result(
          table,
          dir,
          generation,
          newest.snapshotId(),
          newest.rows(),
          Duration.ofMillis(newest.rtoMillis()),
          rpo(current, newest),
          verified,
          deleted);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "backup of " + table + " to " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private static Duration rpo(Snapshot current, Verified newest) {
    return Duration.ofMillis(
        Math.max(
            0, current.timestampMillis() - Instant.parse(newest.committedAt()).toEpochMilli()));
  }

  /**
   * The RPO of {@code table} now, from its newest verified backup (for a run that failed: what its
   * backups still cover); empty when it has none.
   */
  public Optional<Duration> rpo(SparkSession spark, String table) {
    LakeTable t = LakeTable.of(spark, table);
    Snapshot current = t.table().currentSnapshot();
    String dir = root + "/" + table;
    try {
      List<String> verified = backups(spark, Backup.hadoop(t), dir);
      if (current == null || verified.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          rpo(current, marker(Backup.hadoop(t), dir + "/" + verified.get(verified.size() - 1))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Verified backUpAndVerify(
      SparkSession spark, LakeTable t, Snapshot current, String location, String generation)
      throws IOException {
    Backup.BackupResult backup;
    try {
      backup = t.backupTo(Location.of(location)).execute();
    } catch (Exception e) { // Spark's own exceptions are checked ones thrown from Scala
      throw new LakeTableException(
          e instanceof LakeforgeException l ? l.kind() : ErrorKind.INTERNAL,
          "backup of "
              + t.name()
              + " to "
              + location
              + " failed, it is not marked verified and no backup is deleted: "
              + LakeforgeException.firstLine(e),
          e);
    }
    long snapshotId = backup.manifest().snapshotId();
    String scratch =
        CatalogTable.beside(
            spark,
            t.name(),
            CatalogTable.of(spark, t.name()).id().name()
                + "_lakeforge_verify_"
                + generation.toLowerCase(Locale.ROOT));
    Restore.Report restored;
    String expected;
    String actual;
    Table restoredTable;
    try {
      expected = checksum(t.asOf(snapshotId));
      restored = Restore.from(spark, location).asTable(scratch);
      LakeTable r = LakeTable.of(spark, scratch);
      actual = checksum(r.asOf(snapshotId));
      restoredTable = r.table();
    } catch (Exception e) { // Spark's own exceptions are checked ones thrown from Scala
      throw verificationFailed(location, t, ", it is not marked verified", e);
    } finally {
      CatalogTable s = CatalogTable.of(spark, scratch);
      if (s.catalog().tableExists(s.id())) {
        s.catalog().dropTable(s.id(), false);
      }
    }
    if (!expected.equals(actual)) {
      throw verificationFailed(
          location,
          t,
          ": restored it reads "
              + actual
              + " (rows:checksum), the table at snapshot "
              + snapshotId
              + " reads "
              + expected
              + "; it is not marked verified",
          null);
    }
    Snapshot backedUp = t.table().snapshot(snapshotId);
    Verified v =
        new Verified(
            snapshotId,
            Instant.ofEpochMilli((backedUp == null ? current : backedUp).timestampMillis())
                .toString(),
            restored.rows(),
            actual,
            clock.instant().toString(),
            restored.rto().toMillis(),
            restoredTable.schema().schemaId(),
            restoredTable.spec().specId());
    BackupManifest.writeWhole(
        Backup.hadoop(t), new Path(location, VERIFIED), JSON.writeValueAsBytes(v));
    return v;
  }

  private static LakeTableException verificationFailed(
      String location, LakeTable t, String what, Exception cause) {
    return new LakeTableException(
        ErrorKind.INTERNAL,
        "backup "
            + location
            + " of "
            + t.name()
            + " failed verification"
            + what
            + " and no backup is deleted"
            + (cause == null ? "" : ": " + LakeforgeException.firstLine(cause)),
        cause);
  }

  /**
   * The rows' count and the sum of a 64-bit hash of each row's values: equal for equal multisets of
   * rows, whatever their order or files.
   */
  static String checksum(Dataset<Row> rows) {
    // each value with whether it is null: Spark's hash skips nulls, so (null, 1) and (1, null)
    // would otherwise hash alike
    Column[] values =
        Arrays.stream(rows.schema().fields())
            .flatMap(
                f ->
                    Stream.of(
                        hasMap(f.dataType()) ? to_json(col(quoted(f))) : col(quoted(f)),
                        col(quoted(f)).isNull()))
            .toArray(Column[]::new);
    Row r =
        rows.agg(count(lit(1)), sum(xxhash64(values).cast("decimal(38,0)"))).collectAsList().get(0);
    return r.getLong(0) + ":" + (r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString());
  }

  private static String quoted(StructField f) {
    return "`" + f.name().replace("`", "``") + "`";
  }

  /** Spark cannot hash a map: such values are hashed as their JSON. */
  private static boolean hasMap(DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof ArrayType a) {
      return hasMap(a.elementType());
    }
    if (type instanceof StructType s) {
      return Arrays.stream(s.fields()).anyMatch(f -> hasMap(f.dataType()));
    }
    return false;
  }

  /** The generations under {@code dir}, oldest first (their names sort by time). */
  private static List<String> generations(Configuration conf, String dir) throws IOException {
    Path p = new Path(dir);
    FileSystem fs = p.getFileSystem(conf);
    List<String> out = new ArrayList<>();
    if (fs.exists(p)) {
      for (FileStatus s : fs.listStatus(p)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.matches("\\d{8}T\\d{9}Z")) {
          out.add(name);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * The verified generations under {@code dir} that are backups still: a generation a table reads
   * its files from (restored from it) is that table's storage now, not a backup.
   */
  private static List<String> backups(SparkSession spark, Configuration conf, String dir)
      throws IOException {
    List<String> out = new ArrayList<>();
    for (String g : generations(conf, dir)) {
      if (isVerified(conf, dir + "/" + g) && readers(spark, conf, dir + "/" + g).isEmpty()) {
        out.add(g);
      }
    }
    return out;
  }

  /** A generation whose marker is there and reads. */
  private static boolean isVerified(Configuration conf, String generation) {
    try {
      Path marker = new Path(generation, VERIFIED);
      return marker.getFileSystem(conf).exists(marker) && marker(conf, generation) != null;
    } catch (IOException unreadable) {
      return false;
    }
  }

  /**
   * The tables that read their files from {@code generation}: those {@link Restore} registered from
   * it that still exist there.
   */
  static List<String> readers(SparkSession spark, Configuration conf, String generation)
      throws IOException {
    List<String> out = new ArrayList<>();
    for (String name : Restore.restoredAs(conf, generation)) {
      try {
        CatalogTable c = CatalogTable.of(spark, name);
        if (c.catalog().tableExists(c.id())
            && Location.of(generation)
                .contains(Location.of(c.catalog().loadTable(c.id()).location()))) {
          out.add(name);
        }
      } catch (LakeforgeException gone) {
        // its catalog is no longer declared: nothing here reads the generation
      }
    }
    return out;
  }

  /** The marker of the newest of {@code verified} under {@code dir}; null when there is none. */
  private static Verified newest(Configuration conf, String dir, List<String> verified)
      throws IOException {
    return verified.isEmpty() ? null : marker(conf, dir + "/" + verified.get(verified.size() - 1));
  }

  static Verified marker(Configuration conf, String generation) throws IOException {
    Path marker = new Path(generation, VERIFIED);
    try (InputStream in = marker.getFileSystem(conf).open(marker)) {
      return JSON.readValue(in, Verified.class);
    }
  }

  /** Deletes the generations retention lets go ({@link #expired}). */
  private List<String> retain(
      SparkSession spark, Configuration conf, String dir, List<String> verified)
      throws IOException {
    List<String> deleted = expired(spark, conf, dir, verified);
    for (String g : deleted) {
      Path p = new Path(dir, g);
      p.getFileSystem(conf).delete(p, true);
    }
    return deleted;
  }

  /**
   * The generations that are not among the newest {@code keep} of {@code verified} and are older
   * than its newest; an unverified one only once it is older than {@link #unverifiedGrace} (until
   * then it may be a run's still under way). A generation a table reads its files from (restored
   * from it, in place or under another name) never expires.
   */
  private List<String> expired(
      SparkSession spark, Configuration conf, String dir, List<String> verified)
      throws IOException {
    if (verified.isEmpty()) {
      return List.of();
    }
    List<String> kept = verified.subList(Math.max(0, verified.size() - keep), verified.size());
    String newest = verified.get(verified.size() - 1);
    String graceStart = GENERATION.format(clock.instant().minus(unverifiedGrace));
    List<String> out = new ArrayList<>();
    for (String g : generations(conf, dir)) {
      if (!kept.contains(g)
          && g.compareTo(newest) < 0
          && (verified.contains(g) || g.compareTo(graceStart) <= 0)
          && readers(spark, conf, dir + "/" + g).isEmpty()) {
        out.add(g);
      }
    }
    return out;
  }
}
