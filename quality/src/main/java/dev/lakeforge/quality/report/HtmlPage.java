package dev.lakeforge.quality.report;

import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.quality.CheckResult;
import dev.lakeforge.quality.Constraint;
import dev.lakeforge.quality.ConstraintResult;
import dev.lakeforge.quality.MetricRecord;
import dev.lakeforge.quality.StoredRun;
import dev.lakeforge.quality.VerificationResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained HTML page behind {@link dev.lakeforge.quality.HtmlReport}. Internal: use
 * {@code HtmlReport.of(result)}; this class is public only so that it can reach it.
 */
public final class HtmlPage {
  private HtmlPage() {}

  /**
   * The page for a verification result, with sample failing rows (columns and cells as text) and
   * the earlier runs whose metrics are drawn as history; secrets redacted.
   */
  public static String render(
      String title,
      VerificationResult result,
      List<String> failingColumns,
      List<List<String>> failingRows,
      List<StoredRun> history) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem;color:#1f2328}")
        .append(
            "h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}")
        .append(
            ".status{display:inline-block;padding:.2rem .6rem;border-radius:1rem;color:#fff;font-weight:600}")
        .append(
            ".SUCCESS{background:#1a7f37}.WARNING{background:#bf8700}.ERROR,.FAILURE{background:#cf222e}")
        .append(
            "table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}")
        .append(
            "th{background:#f6f8fa}.muted{color:#656d76}svg{background:#fff;border:1px solid #d0d7de;margin:.4rem .8rem .4rem 0}")
        .append(".charts{display:flex;flex-wrap:wrap}\n</style></head><body>\n");
    h.append("<h1>")
        .append(esc(title))
        .append("</h1>\n<p>Overall status: <span class=\"status ")
        .append(result.status())
        .append("\" id=\"overall\">")
        .append(result.status())
        .append("</span> <span class=\"muted\">generated ")
        .append(Instant.now())
        .append("</span></p>\n");
    h.append("<h2>Checks</h2>\n");
    for (CheckResult c : result.checkResults()) {
      long passed = c.constraints().stream().filter(ConstraintResult::passed).count();
      h.append("<h3><span class=\"status ")
          .append(c.status())
          .append("\">")
          .append(c.status())
          .append("</span> ")
          .append(esc(c.check().level().name()))
          .append(" check: ")
          .append(esc(c.check().description()))
          .append(" <span class=\"muted\">(")
          .append(passed)
          .append(" of ")
          .append(c.constraints().size())
          .append(
              " passed)</span></h3>\n<table><tr><th>status</th><th>constraint</th><th>requirement</th><th>metric</th>")
          .append("<th>value</th><th>message</th></tr>\n");
      for (ConstraintResult k : c.constraints()) {
        h.append("<tr><td><span class=\"status ")
            .append(k.status())
            .append("\">")
            .append(k.status())
            .append("</span></td><td>")
            .append(esc(k.constraint().name()))
            .append("</td><td>")
            .append(esc(k.constraint().requirement()))
            .append("</td><td>")
            .append(esc(k.constraint().analyzer().describe()))
            .append("</td><td>")
            .append(k.metricValue() == null ? "" : esc(Constraint.format(k.metricValue())))
            .append("</td><td>")
            .append(k.message() == null ? "" : esc(k.message()))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    if (!failingRows.isEmpty()) {
      h.append("<h2>Sample failing rows</h2>\n<table id=\"failing\"><tr>");
      failingColumns.forEach(col -> h.append("<th>").append(esc(col)).append("</th>"));
      h.append("</tr>\n");
      for (List<String> r : failingRows) {
        h.append("<tr>");
        r.forEach(v -> h.append("<td>").append(esc(v)).append("</td>"));
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    String charts = charts(result, history);
    if (!charts.isEmpty()) {
      h.append("<h2>Metric history</h2>\n<div class=\"charts\">").append(charts).append("</div>\n");
    }
    h.append(
        "<h2>Metrics</h2>\n<table><tr><th>entity</th><th>instance</th><th>name</th><th>value</th></tr>\n");
    for (MetricRecord m : result.metrics().successMetrics()) {
      h.append("<tr><td>")
          .append(esc(m.entity()))
          .append("</td><td>")
          .append(esc(m.instance()))
          .append("</td><td>")
          .append(esc(m.name()))
          .append("</td><td>")
          .append(esc(Constraint.format(m.value())))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (!result.metrics().failures().isEmpty()) {
      h.append("<h2>Metrics that could not be computed</h2>\n<ul>");
      result
          .metrics()
          .failures()
          .forEach(
              (a, why) ->
                  h.append("<li>")
                      .append(esc(a.describe()))
                      .append(": ")
                      .append(esc(why))
                      .append("</li>"));
      h.append("</ul>\n");
    }
    return Redactor.global().redact(h.append("</body></html>\n").toString());
  }

  /**
   * One line chart per metric of this run that also appears in the history; the current value last.
   */
  private static String charts(VerificationResult result, List<StoredRun> history) {
    if (history.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (MetricRecord current : result.metrics().successMetrics()) {
      Map<Long, Double> points = new LinkedHashMap<>();
      for (StoredRun run : history) {
        run.value(current.entity(), current.instance(), current.name())
            .ifPresent(v -> points.put(run.key().timestamp(), v));
      }
      if (points.isEmpty()) {
        continue;
      }
      List<Double> values = new ArrayList<>(points.values());
      values.add(current.value());
      sb.append(svg(current.name() + " of " + current.instance(), values));
    }
    return sb.toString();
  }

  static String svg(String label, List<Double> values) {
    int w = 320;
    int hgt = 140;
    int pad = 28;
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    if (max == min) {
      max = min + 1;
    }
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      double x = pad + (values.size() == 1 ? 0 : (w - 2.0 * pad) * i / (values.size() - 1));
      double y = hgt - pad - (hgt - 2.0 * pad) * (values.get(i) - min) / (max - min);
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    String[] last = pts.toString().trim().split(" ");
    String[] xy = last[last.length - 1].split(",");
    return String.format(
        Locale.ROOT,
        "<svg class=\"history\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
            + "<title>%s</title><text x=\"8\" y=\"16\" font-size=\"12\">%s</text>"
            + "<text x=\"8\" y=\"%d\" font-size=\"10\" fill=\"#656d76\">min %s, max %s, %d runs</text>"
            + "<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"%s\"/>"
            + "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"#cf222e\"/></svg>",
        w,
        hgt,
        w,
        hgt,
        esc(label),
        esc(label),
        hgt - 8,
        Constraint.format(min),
        Constraint.format(max),
        values.size(),
        pts.toString().trim(),
        xy[0],
        xy[1]);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
