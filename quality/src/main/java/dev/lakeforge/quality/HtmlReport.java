package dev.lakeforge.quality;

import dev.lakeforge.quality.report.HtmlPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A self-contained HTML page for a verification result (no external scripts, fonts or styles): the
 * overall status, each check and constraint with its metric and message, sample failing rows with
 * their reasons, and metric history charts (inline SVG) when a repository is given.
 *
 * <pre>{@code
 * HtmlReport.of(result).title("orders").failingRows(split.bad(), 20)
 *     .history(repository, MetricsQuery.tagged("dataset", "orders")).writeTo(Path.of("orders.html"));
 * }</pre>
 */
public final class HtmlReport {
  private final VerificationResult result;
  private String title = "Data quality report";
  private List<String> failingColumns = List.of();
  private List<List<String>> failingRows = List.of();
  private List<StoredRun> history = List.of();

  private HtmlReport(VerificationResult result) {
    this.result = result;
  }

  public static HtmlReport of(VerificationResult result) {
    return new HtmlReport(result);
  }

  public HtmlReport title(String text) {
    this.title = text;
    return this;
  }

  /** Shows up to {@code limit} rows that break row-level constraints (collects only those rows). */
  public HtmlReport failingRows(Dataset<Row> bad, int limit) {
    failingColumns = List.of(bad.columns());
    List<List<String>> rows = new ArrayList<>();
    for (Row r : bad.limit(limit).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        if (v instanceof Seq<?> seq) {
          v =
              String.join(
                  "; ", CollectionConverters.asJava(seq).stream().map(String::valueOf).toList());
        }
        cells.add(r.isNullAt(i) ? "NULL" : String.valueOf(v));
      }
      rows.add(cells);
    }
    failingRows = rows;
    return this;
  }

  /** Draws the history of this result's metrics from earlier runs. */
  public HtmlReport history(MetricsRepository repository, MetricsQuery query) {
    history = repository.load(query);
    return this;
  }

  public void writeTo(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }

  /** The page. */
  public String render() {
    return HtmlPage.render(title, result, failingColumns, failingRows, history);
  }
}
