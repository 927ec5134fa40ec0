package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * PatternMatch: rows whose value contains a match of the regex / rows. Nulls do not match. See
 * {@link Patterns} for email, URL and credit-card patterns.
 */
public record PatternMatch(String column, String pattern, String filter)
    implements Analyzer, OneColumn, ScanShareable {
  public PatternMatch {
    Pattern.compile(pattern);
  }

  @Override
  public String name() {
    return "PatternMatch";
  }

  @Override
  public PatternMatch where(String p) {
    return new PatternMatch(column, pattern, p);
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        functions.sum(s.only(Engine.matches(Engine.column(column), pattern).cast("int"))),
        s.rowCount());
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.ratio(this, v[0], v[1]);
  }
}
