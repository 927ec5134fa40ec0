package dev.lakeforge.streaming;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Upserts one partition of rows into a PostgreSQL table keyed by a business key: {@code INSERT ...
 * ON CONFLICT (key) DO UPDATE}, in batches in one transaction. A replayed batch writes nothing
 * twice. The table needs a primary key or unique constraint on the key columns.
 */
final class PostgresUpsert implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 500;

  private final String url;
  private final String user;
  private final String password;
  private final String sql;
  private final int columns;

  PostgresUpsert(
      String url,
      String user,
      String password,
      String table,
      List<String> columnNames,
      List<String> keys) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.columns = columnNames.size();
    String cols = String.join(", ", columnNames.stream().map(PostgresUpsert::quote).toList());
    String marks = String.join(", ", columnNames.stream().map(c -> "?").toList());
    List<String> updates =
        columnNames.stream()
            .filter(c -> !keys.contains(c))
            .map(c -> quote(c) + " = EXCLUDED." + quote(c))
            .toList();
    this.sql =
        "INSERT INTO "
            + qualified(table)
            + " ("
            + cols
            + ") VALUES ("
            + marks
            + ") ON CONFLICT ("
            + String.join(", ", keys.stream().map(PostgresUpsert::quote).toList())
            + ") "
            + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
  }

  /** {@code schema.table} (or {@code table}) with each part quoted: never pasted as given. */
  static String qualified(String table) {
    return String.join(
        ".", Arrays.stream(table.split("\\.", -1)).map(PostgresUpsert::quote).toList());
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  String sql() {
    return sql;
  }

  @Override
  public void call(Iterator<Row> rows) throws SQLException {
    if (!rows.hasNext()) {
      return;
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int n = 0;
        while (rows.hasNext()) {
          Row r = rows.next();
          for (int i = 0; i < columns; i++) {
            ps.setObject(i + 1, r.get(i));
          }
          ps.addBatch();
          if (++n % BATCH == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }
}
