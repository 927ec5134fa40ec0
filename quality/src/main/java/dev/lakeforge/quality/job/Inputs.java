package dev.lakeforge.quality.job;

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
 * A job's {@code --input}: a table name, or a path (anything with a folder separator or a scheme,
 * or that exists on disk) read in {@code --format} or the format its extension names (default parquet).
 */
record Inputs(String input, String format, Map<String, String> options) {
  static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "orc");

  boolean isPath() {
    return format != null || input.contains("/") || input.contains(":") || Files.exists(Path.of(input));
  }

  String effectiveFormat() {
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
  Dataset<Row> read(SparkSession spark, boolean schemaOnly) {
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

  String describe() {
    return isPath() ? effectiveFormat() + " files at " + input : "table " + input;
  }
}
