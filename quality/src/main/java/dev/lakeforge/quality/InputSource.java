package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where data comes from, as jobs and SQL functions take it: a table name, or a path (anything with
 * a folder separator or a scheme, or that exists on disk) read in {@code format} or the format its
 * extension names (default parquet; CSV with a header).
 *
 * <pre>{@code
 * Dataset<Row> df = InputSource.of("s3a://landing/orders/2026-11-23.csv").read(spark, false);
 * }</pre>
 *
 * @param input a table name or a path
 * @param format parquet, csv, json or orc; null to infer
 * @param options reader options
 */
public record InputSource(String input, String format, Map<String, String> options) {
  private static final String MALFORMED = "_lakeforge_malformed";
  private static final String FILE = "_lakeforge_file";
  private static final String BLOCK = "_lakeforge_block";
  private static final String POSITION = "_lakeforge_position";
  private static final String LINE = "_lakeforge_line";

  /** The formats a path can be read in. */
  public static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "orc");

  public static InputSource of(String input) {
    return new InputSource(input, null, Map.of());
  }

  public boolean isPath() {
    return isPath(Location.workingDirectory());
  }

  private boolean isPath(Path base) {
    return format != null
        || input.contains("/")
        || input.contains(":")
        || Files.exists(base.resolve(input));
  }

  /**
   * This source with a relative path made absolute against {@code base} (a config file's folder, or
   * the working directory for a command-line option); a table name stays as it is.
   */
  public InputSource resolvedAgainst(Path base) {
    return isPath(base) ? new InputSource(Location.of(input, base).uri(), format, options) : this;
  }

  public String effectiveFormat() {
    if (format != null) {
      return format.toLowerCase(Locale.ROOT);
    }
    String lower = input.toLowerCase(Locale.ROOT);
    for (String f : FORMATS) {
      if (lower.endsWith("." + f)) {
        return f;
      }
    }
    return "parquet";
  }

  /**
   * Reads the input; with {@code schemaOnly}, CSV is read without inferring types (no data scan).
   * Otherwise a CSV or JSON record that does not parse (a field too many or too few, a value not of
   * its column's type, broken JSON) fails the read, naming its file and line: rows are never
   * dropped or filled with nulls silently. {@link #readRecords} quarantines them instead.
   *
   * @throws QualityException ({@link ErrorKind#VALIDATION}) naming the first malformed records
   */
  public Dataset<Row> read(SparkSession spark, boolean schemaOnly) {
    if (schemaOnly || !checksRecords()) {
      return plainRead(spark, schemaOnly);
    }
    Records r = readRecords(spark);
    if (r.malformedCount() > 0) {
      throw new QualityException(
          ErrorKind.VALIDATION,
          r.malformedCount()
              + " malformed record(s) in "
              + input
              + ": "
              + String.join("; ", r.firstReasons())
              + (r.malformedCount() > r.firstReasons().size() ? "; ..." : ""));
    }
    return r.rows();
  }

  private Dataset<Row> plainRead(SparkSession spark, boolean schemaOnly) {
    if (!isPath()) {
      return spark.table(input);
    }
    requireData(spark);
    String f = effectiveFormat();
    DataFrameReader reader = spark.read().format(f);
    if (f.equals("csv")) {
      reader = reader.option("header", "true").option("inferSchema", Boolean.toString(!schemaOnly));
    }
    if (!schemaOnly && checksRecords()) {
      reader =
          reader.option(
              "mode", "FAILFAST"); // records not checked line by line still never pass silently
    }
    return reader.options(readerOptions()).load(input);
  }

  /**
   * A path input must be there and hold data: else Spark says only that it cannot infer a schema,
   * or logs a stack trace. Checked where files are visible from here (not over Spark Connect); a
   * glob is left to Spark.
   *
   * @throws QualityException ({@link ErrorKind#NOT_FOUND}) naming the path
   */
  private void requireData(SparkSession spark) {
    if (!Sessions.isClassic(spark)
        || input.contains("*")
        || input.contains("?")
        || input.contains("{")) {
      return;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(input);
    try {
      FileSystem fs = path.getFileSystem(Sessions.hadoopConfiguration(spark));
      if (!fs.exists(path)) {
        throw new QualityException(
            ErrorKind.NOT_FOUND, "input " + input + ": there is nothing at that path");
      }
      if (fs.getFileStatus(path).isDirectory() && !holdsDataFile(fs, path)) {
        throw new QualityException(
            ErrorKind.NOT_FOUND,
            "input "
                + input
                + " holds no data files (names starting"
                + " with _ or . are not data)");
      }
    } catch (IOException e) {
      throw new QualityException(
          ErrorKind.NOT_FOUND, "input " + input + " cannot be listed: " + e.getMessage());
    }
  }

  private static boolean holdsDataFile(FileSystem fs, org.apache.hadoop.fs.Path dir)
      throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (s.isFile() || holdsDataFile(fs, s.getPath())) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> readerOptions() {
    return options == null ? Map.of() : options;
  }

  /**
   * CSV and JSON read line by line are checked record by record (with multiLine, Spark's FAILFAST
   * mode is).
   */
  private boolean checksRecords() {
    String f = isPath() ? effectiveFormat() : "";
    return (f.equals("csv") || f.equals("json")) && !lineBased();
  }

  private boolean lineBased() {
    Map<String, String> o = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    o.putAll(readerOptions());
    return o.containsKey("multiLine") && Boolean.parseBoolean(o.get("multiLine"))
        || o.containsKey("lineSep")
        || o.containsKey("encoding")
        || o.containsKey("charset");
  }

  /**
   * The input's rows and, for CSV and JSON, the records that do not parse: each with the columns
   * that did parse and, in {@value Verification#REASONS}, where it is and why, e.g. {@code line 7
   * of file:/landing/orders.csv: 4 fields, the header has 3: 7,PAID,10.5,x}. Every record of the
   * input is in exactly one of the two.
   *
   * @param rows the records that parse
   * @param malformed the records that do not (empty for other formats and tables)
   * @param malformedCount how many do not
   * @param firstReasons the reasons of the first few
   */
  public record Records(
      Dataset<Row> rows, Dataset<Row> malformed, long malformedCount, List<String> firstReasons) {}

  /** Reads the input, setting apart the records that do not parse (see {@link Records}). */
  public Records readRecords(SparkSession spark) {
    if (!checksRecords()) {
      Dataset<Row> rows = plainRead(spark, false);
      return new Records(
          rows, rows.limit(0).withColumn(Verification.REASONS, array()), 0, List.of());
    }
    requireData(spark);
    boolean csv = effectiveFormat().equals("csv");
    Map<String, String> opts = new LinkedHashMap<>(readerOptions());
    opts.put("columnNameOfCorruptRecord", MALFORMED);
    DataFrameReader infer = spark.read().format(effectiveFormat()).options(opts);
    if (csv) {
      infer = infer.option("header", "true").option("inferSchema", "true");
    }
    StructType inferred = infer.load(input).schema();
    StructType schema =
        new StructType(
            Arrays.stream(inferred.fields())
                .filter(f -> !f.name().equals(MALFORMED))
                .toArray(StructField[]::new));
    Dataset<Row> lines =
        spark
            .read()
            .text(input)
            .select(
                col("value"),
                col("_metadata.file_path").as(FILE),
                col("_metadata.file_block_start").as(BLOCK),
                monotonically_increasing_id().as(POSITION));
    Column skipped = trim(col("value")).equalTo("");
    if (csv) {
      String header = lines.where(not(skipped)).select("value").first().getString(0);
      skipped = skipped.or(col("value").equalTo(header));
      String comment = opts.get("comment");
      if (comment != null && !comment.isEmpty()) {
        skipped = skipped.or(col("value").startsWith(comment));
      }
    }
    Column parsed =
        (csv
                ? from_csv(col("value"), lit(schema.add(MALFORMED, "string").toDDL()), opts)
                : from_json(col("value"), lit(schema.add(MALFORMED, "string").toDDL()), opts))
            .as("r");
    Dataset<Row> records =
        lines
            .where(not(skipped))
            .select(parsed, col("value"), col(FILE), col(BLOCK), col(POSITION));
    Column[] fields =
        Arrays.stream(schema.fieldNames())
            .map(n -> col("r").getField(n).as(n))
            .toArray(Column[]::new);
    Dataset<Row> rows = records.where(col("r").getField(MALFORMED).isNull()).select(fields);
    Dataset<Row> bad = records.where(col("r").getField(MALFORMED).isNotNull());
    long count = bad.count();
    if (count == 0) {
      return new Records(
          rows, rows.limit(0).withColumn(Verification.REASONS, array()), 0, List.of());
    }
    Dataset<Row> located = withLineNumbers(spark, lines, bad);
    Column reason =
        concat(
            lit("line "),
            col(LINE),
            lit(" of "),
            col(FILE),
            lit(": "),
            csv ? csvProblem(schema) : lit("not a JSON record of " + schema.simpleString()),
            lit(": "),
            col("value"));
    Dataset<Row> malformed =
        located.select(
            Stream.concat(Arrays.stream(fields), Stream.of(array(reason).as(Verification.REASONS)))
                .toArray(Column[]::new));
    List<String> first =
        malformed.orderBy(col(Verification.REASONS).getItem(0)).limit(5).collectAsList().stream()
            .map(r -> r.<String>getList(r.fieldIndex(Verification.REASONS)).get(0))
            .toList();
    return new Records(rows, malformed, count, first);
  }

  /**
   * The malformed records with their line in their file: lines of earlier blocks of the file, plus
   * the position in their block (positions count within a partition, and a block's lines are read
   * in order, one block after another).
   */
  private static Dataset<Row> withLineNumbers(
      SparkSession spark, Dataset<Row> lines, Dataset<Row> bad) {
    List<Row> blocks =
        lines
            .groupBy(FILE, BLOCK)
            .agg(count(lit(1)).as("n"), min(POSITION).as("first"))
            .orderBy(FILE, BLOCK)
            .collectAsList();
    List<Row> offsets = new ArrayList<>();
    String file = null;
    long before = 0;
    for (Row b : blocks) {
      if (!b.getString(0).equals(file)) {
        file = b.getString(0);
        before = 0;
      }
      offsets.add(RowFactory.create(b.getString(0), b.getLong(1), before - b.getLong(3)));
      before += b.getLong(2);
    }
    StructType offsetSchema =
        new StructType().add(FILE, "string").add(BLOCK, "long").add("offset", "long");
    Dataset<Row> o = spark.createDataFrame(offsets, offsetSchema);
    return bad.join(o, bad.col(FILE).equalTo(o.col(FILE)).and(bad.col(BLOCK).equalTo(o.col(BLOCK))))
        .select(
            bad.col("r"),
            bad.col("value"),
            bad.col(FILE),
            bad.col(POSITION).plus(o.col("offset")).plus(1).as(LINE));
  }

  /**
   * Why a CSV line does not parse: how many fields it has against the header, else a value's type.
   */
  private Column csvProblem(StructType schema) {
    String sep =
        Pattern.quote(
            readerOptions().getOrDefault("sep", readerOptions().getOrDefault("delimiter", ",")));
    Column fields = size(split(col("value"), sep + "(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1));
    int n = schema.fields().length;
    return when(
            fields.notEqual(n), concat(fields.cast("string"), lit(" fields, the header has " + n)))
        .otherwise(lit("a value does not fit its column (" + schema.simpleString() + ")"));
  }

  public String describe() {
    return isPath() ? effectiveFormat() + " files at " + input : "table " + input;
  }
}
