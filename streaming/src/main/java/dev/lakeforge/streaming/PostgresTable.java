package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A PostgreSQL table keyed by a business key, written by idempotent upserts ({@code INSERT ... ON
 * CONFLICT (key) DO UPDATE}) from the executors: writing the same rows again changes nothing and
 * adds no row.
 *
 * <pre>{@code
 * PostgresTable t = PostgresTable.of(url, "app", password, "analytics.customer_metrics").key("customer_id");
 * t.createIfMissing(metrics.schema());   // the schema and the table, with the key as primary key
 * t.upsert(metrics);
 * }</pre>
 */
public final class PostgresTable {
  private final String url;
  private final String user;
  private final String password;
  private final String table;
  private final List<String> key;

  private PostgresTable(String url, String user, String password, String table, List<String> key) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.table = table;
    this.key = key;
  }

  /** The table {@code schema.table} (or {@code table}) of the database at {@code url}. */
  public static PostgresTable of(String url, String user, String password, String table) {
    return new PostgresTable(url, user, password, table, List.of());
  }

  /** The business key: the primary key of the table it creates, the conflict target of upserts. */
  public PostgresTable key(String... columns) {
    return new PostgresTable(url, user, password, table, List.of(columns));
  }

  public String name() {
    return table;
  }

  /**
   * Connects and runs one statement, to check the server, the credentials and the rights.
   *
   * @throws StreamingException ({@link ErrorKind#UNAVAILABLE}) naming the URL and the cause
   */
  public void check() {
    execute("SELECT 1");
  }

  /**
   * Creates the table's schema and the table, with columns typed from {@code schema} and the key as
   * primary key, unless it exists.
   */
  public void createIfMissing(StructType schema) {
    requireKey();
    List<String> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      columns.add(
          PostgresUpsert.quote(f.name())
              + " "
              + sqlType(f.dataType())
              + (key.contains(f.name()) ? " NOT NULL" : ""));
    }
    columns.add(
        "PRIMARY KEY ("
            + String.join(", ", key.stream().map(PostgresUpsert::quote).toList())
            + ")");
    String[] parts = table.split("\\.", -1);
    if (parts.length == 2) {
      execute("CREATE SCHEMA IF NOT EXISTS " + PostgresUpsert.quote(parts[0]));
    }
    execute(
        "CREATE TABLE IF NOT EXISTS "
            + PostgresUpsert.qualified(table)
            + " ("
            + String.join(", ", columns)
            + ")");
  }

  /** Upserts every row (in batches, one transaction per partition). */
  public void upsert(Dataset<Row> rows) {
    requireKey();
    List<String> columns = List.of(rows.columns());
    rows.foreachPartition(new PostgresUpsert(url, user, password, table, columns, key));
  }

  private void requireKey() {
    if (key.isEmpty()) {
      throw new StreamingException(
          ErrorKind.USAGE, "PostgreSQL table " + table + ": no key; call key(columns...)");
    }
  }

  private void execute(String sql) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new StreamingException(
          ErrorKind.UNAVAILABLE,
          "PostgreSQL at " + url + " (table " + table + "): " + e.getMessage(),
          e);
    }
  }

  static String sqlType(DataType type) {
    if (type instanceof DecimalType d) {
      return "NUMERIC(" + d.precision() + ", " + d.scale() + ")";
    }
    for (Object[] m :
        Arrays.asList(
            new Object[] {DataTypes.LongType, "BIGINT"},
            new Object[] {DataTypes.IntegerType, "INTEGER"},
            new Object[] {DataTypes.ShortType, "SMALLINT"},
            new Object[] {DataTypes.DoubleType, "DOUBLE PRECISION"},
            new Object[] {DataTypes.FloatType, "REAL"},
            new Object[] {DataTypes.StringType, "TEXT"},
            new Object[] {DataTypes.BooleanType, "BOOLEAN"},
            new Object[] {DataTypes.TimestampType, "TIMESTAMP"},
            new Object[] {DataTypes.DateType, "DATE"})) {
      if (m[0].equals(type)) {
        return (String) m[1];
      }
    }
    throw new StreamingException(
        ErrorKind.USAGE, "no PostgreSQL column type for Spark's " + type.simpleString());
  }
}
