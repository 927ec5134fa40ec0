package dev.lakeforge.quality;

import dev.lakeforge.quality.suite.SuiteFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Suggests constraints from a profile, each with its evidence, and writes them as a suite file the
 * loader accepts: each entry is written through the suite vocabulary, which checks its word and
 * keys. The rules, Deequ's:
 *
 * <ul>
 *   <li>complete: completeness 1 suggests {@code isComplete};
 *   <li>retain completeness: completeness between 0.2 and 1 suggests {@code hasCompleteness >=} the
 *       lower end of its 95% binomial confidence interval;
 *   <li>unique: about as many distinct values as rows (at least 90% by the approximate count), and
 *       no null, suggests {@code isUnique} once an exact check on the data confirms it;
 *   <li>categorical range: a string column with at most the histogram's values, few compared with
 *       the rows, suggests {@code isContainedIn} those values;
 *   <li>non-negative: a numeric minimum of 0 or more suggests {@code isNonNegative};
 *   <li>data type: a string column whose every non-null value parses as one type suggests {@code
 *       hasDataType} at the share it has.
 * </ul>
 *
 * <pre>{@code
 * List<Suggestion> s = Suggestions.from(profile, orders);
 * Files.writeString(Path.of("orders-suggested.yaml"), Suggestions.toSuiteYaml(s, "orders", profile));
 * }</pre>
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * One suggested constraint.
   *
   * @param column the column
   * @param rule which rule suggested it
   * @param entry the constraint as a suite-file entry, e.g. {@code isComplete: order_id}
   * @param evidence what in the profile supports it
   */
  public record Suggestion(String column, String rule, String entry, String evidence) {}

  /**
   * The suggestions for a profile; {@code data} (the profiled data) confirms unique keys exactly.
   */
  public static List<Suggestion> from(Profile p, Dataset<Row> data) {
    List<Suggestion> out = new ArrayList<>();
    long n = p.rows();
    if (n == 0) {
      return out;
    }
    for (ColumnProfile c : p.columns()) {
      String col = c.column();
      double comp = c.completeness();
      if (comp == 1.0) {
        out.add(
            new Suggestion(
                col,
                "complete",
                SuiteFiles.entry("isComplete", Map.of("column", col)),
                "completeness 1.0 over " + n + " rows"));
      } else if (comp >= 0.2) {
        double lower = Math.floor((comp - 1.96 * Math.sqrt(comp * (1 - comp) / n)) * 100) / 100;
        if (lower > 0) {
          out.add(
              new Suggestion(
                  col,
                  "retain completeness",
                  SuiteFiles.entry(
                      "hasCompleteness",
                      ordered("column", col, "assertion", ">= " + Constraint.format(lower))),
                  String.format(
                      Locale.ROOT,
                      "completeness %.4f over %d rows; 95%% lower bound %s",
                      comp,
                      n,
                      Constraint.format(lower))));
        }
      }
      // HyperLogLog++ is within about 5%: take generous candidates, then confirm exactly.
      if (comp == 1.0 && c.approxDistinct() >= 0.9 * n) {
        Metric exact =
            Analysis.onData(data)
                .addAnalyzer(Analyzer.uniqueness(col))
                .run()
                .metric(Analyzer.uniqueness(col));
        if (exact.isSuccess() && exact.value() == 1.0) {
          out.add(
              new Suggestion(
                  col,
                  "unique",
                  SuiteFiles.entry("isUnique", Map.of("column", col)),
                  "about "
                      + c.approxDistinct()
                      + " distinct values over "
                      + n
                      + " rows; uniqueness checked exactly: 1.0"));
        }
      }
      if (c.histogram() != null && "string".equals(c.sparkType())) {
        List<String> values =
            c.histogram().keySet().stream().filter(v -> !v.equals(Histogram.NULL_VALUE)).toList();
        if (!values.isEmpty() && values.size() <= Math.max(2, n / 10)) {
          out.add(
              new Suggestion(
                  col,
                  "categorical range",
                  SuiteFiles.entry("isContainedIn", ordered("column", col, "values", values)),
                  values.size() + " distinct values over " + n + " rows: " + c.histogram()));
        }
      }
      if (c.min() != null && c.min() >= 0) {
        out.add(
            new Suggestion(
                col,
                "non-negative",
                SuiteFiles.entry("isNonNegative", Map.of("column", col)),
                "minimum " + Constraint.format(c.min())));
      }
      if (c.typeCounts() != null) {
        Map<String, Long> t = c.typeCounts();
        long nonNull = n - t.getOrDefault("Unknown", 0L);
        for (String type : List.of("Integral", "Fractional", "Boolean")) {
          if (nonNull > 0 && t.getOrDefault(type, 0L) == nonNull) {
            double share = Math.floor((double) nonNull / n * 10_000) / 10_000;
            out.add(
                new Suggestion(
                    col,
                    "data type",
                    SuiteFiles.entry(
                        "hasDataType",
                        ordered(
                            "column",
                            col,
                            "type",
                            type.toLowerCase(Locale.ROOT),
                            "assertion",
                            ">= " + Constraint.format(share))),
                    "all " + nonNull + " non-null values are " + type));
          }
        }
      }
    }
    return out;
  }

  /** The suggestions as a suite file (YAML), each entry preceded by its evidence as a comment. */
  public static String toSuiteYaml(List<Suggestion> suggestions, String dataset, Profile p) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Suggested by lakeforge from a profile of ")
        .append(dataset)
        .append(" (")
        .append(p.rows())
        .append(" rows) at ")
        .append(Instant.now())
        .append(".\n# Review before use: each entry states its evidence.\n");
    sb.append("name: ").append(yaml(dataset + "-suggested")).append('\n');
    sb.append("checks:\n  - description: ")
        .append(yaml("suggested constraints for " + dataset))
        .append('\n');
    sb.append("    level: warning\n    constraints:\n");
    if (suggestions.isEmpty()) {
      sb.append("      - hasSize: \">= 0\"  # no constraint could be suggested\n");
    }
    for (Suggestion s : suggestions) {
      sb.append("      # ")
          .append(s.rule())
          .append(": ")
          .append(s.evidence().replace('\n', ' '))
          .append('\n');
      sb.append("      - ").append(s.entry()).append('\n');
    }
    return sb.toString();
  }

  private static String yaml(String s) {
    return SuiteFiles.yaml(s);
  }

  /** Keys and values, in the order given. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
