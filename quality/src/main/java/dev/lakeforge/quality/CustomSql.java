package dev.lakeforge.quality;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.quality.Analyzer.Unfiltered;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * CustomSql: the single value of a SQL query (one row, one column, cast to double), run in the
 * data's session; the query reads tables and views of that session. Only queries are accepted
 * (SELECT, WITH, VALUES, FROM, TABLE): a check never changes data.
 */
public record CustomSql(String query, String disambiguator)
    implements Analyzer, Standalone, Unfiltered {
  private static final Pattern QUERY_START =
      Pattern.compile("(?is)^[\\s(]*(SELECT|WITH|VALUES|FROM|TABLE)\\b.*");
  private static final Pattern WRITES =
      Pattern.compile(
          "(?i)\\b(INSERT|MERGE|UPDATE|DELETE|DROP|CREATE|ALTER|TRUNCATE|REPLACE|SET|RESET|CACHE|UNCACHE|REFRESH|"
              + "MSCK|ANALYZE|LOAD|ADD|USE|GRANT|REVOKE|CALL|EXECUTE|DECLARE)\\b");

  public CustomSql {
    Objects.requireNonNull(query, "query");
    disambiguator = disambiguator == null ? "*" : disambiguator;
    String problem = problem(query);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Why the text is not a read-only query, judged on its words outside quotes and comments. */
  static String problem(String query) {
    String bare =
        query
            .replaceAll("(?s)/\\*.*?\\*/", " ")
            .replaceAll("--[^\\n]*", " ")
            .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("`(?:[^`]|``)*`", "``");
    if (!QUERY_START.matcher(bare).matches()) {
      return "CustomSql takes a query (SELECT, WITH, VALUES, FROM or TABLE), got '"
          + query.strip()
          + "'";
    }
    Matcher m = WRITES.matcher(bare);
    if (m.find()) {
      return "CustomSql takes a read-only query, but '"
          + query.strip()
          + "' contains "
          + m.group(1).toUpperCase(Locale.ROOT)
          + " (quote a column of that name with backticks)";
    }
    return null;
  }

  @Override
  public String name() {
    return "CustomSQL";
  }

  @Override
  public String instance() {
    return disambiguator;
  }

  @Override
  public Entity entity() {
    return Entity.DATASET;
  }

  @Override
  public CustomSql where(String p) {
    throw Plans.refused(this);
  }

  /** The query analyses in the data's session (tables and columns exist); it does not run. */
  @Override
  public String dataProblem(Dataset<Row> data) {
    try {
      int columns = data.sparkSession().sql(query).schema().fields().length;
      return columns == 1 ? null : "the query returns " + columns + " columns, not 1";
    } catch (Exception e) {
      return "the query does not analyse: " + LakeforgeException.firstLine(e);
    }
  }

  @Override
  public Metric compute(Dataset<Row> data) {
    Dataset<Row> result = data.sparkSession().sql(query);
    if (result.schema().fields().length != 1) {
      return Metric.failed(
          this, "the query returns " + result.schema().fields().length + " columns, not 1");
    }
    List<Row> rows =
        result
            .select(result.col(Check.quote(result.columns()[0])).cast("double"))
            .limit(2)
            .collectAsList();
    if (rows.size() != 1) {
      return Metric.failed(
          this,
          "the query returns "
              + (rows.isEmpty() ? "no rows" : "more than one row")
              + ", not exactly 1");
    }
    return rows.get(0).isNullAt(0)
        ? Metric.failed(this, "the query returns null")
        : Metric.of(this, rows.get(0).getDouble(0));
  }
}
