package dev.lakeforge.quality;

import dev.lakeforge.core.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
  /** The formats a path can be read in. */
  public static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "orc");

  public static InputSource of(String input) {
    return new InputSource(input, null, Map.of());
  }

  public boolean isPath() {
    return isPath(Location.workingDirectory());
  }

  private boolean isPath(Path base) {
    return format != null || input.contains("/") || input.contains(":") || Files.exists(base.resolve(input));
  }

  /**
   * This source with a relative path made absolute against {@code base} (a config file's folder,
   * or the working directory for a command-line option); a table name stays as it is.
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

  /** Reads the input; with {@code schemaOnly}, CSV is read without inferring types (no data scan). */
  public Dataset<Row> read(SparkSession spark, boolean schemaOnly) {
    if (!isPath()) {
      return spark.table(input);
    }
    String f = effectiveFormat();
    DataFrameReader reader = spark.read().format(f);
    if (f.equals("csv")) {
      reader = reader.option("header", "true").option("inferSchema", Boolean.toString(!schemaOnly));
    }
    return reader.options(options == null ? Map.of() : options).load(input);
  }

  public String describe() {
    return isPath() ? effectiveFormat() + " files at " + input : "table " + input;
  }
}
