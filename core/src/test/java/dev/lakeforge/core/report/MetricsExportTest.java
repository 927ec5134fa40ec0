package dev.lakeforge.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsExportTest {
  @Test
  void aJobsNumericDetailsAreGaugesNamedByTheirDetail() throws Exception {
    RunReport report =
        new RunReport(
            "stream-quality",
            "r1",
            "SUCCEEDED",
            "done",
            "payments",
            null,
            Map.of(),
            "local[2]",
            "client",
            "2026-11-27T04:00:00Z",
            "2026-11-27T04:01:00Z",
            60,
            RunMetrics.NONE,
            Cost.of(120, 0, 0.25, 3.0, "EUR"),
            "cpu",
            "no GPU on this machine",
            Map.of("recordsIn", 25L, "duplicates", 5L, "table", "lake.sales.orders", "lag", "0"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new MetricsExport(report).write(out);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            "lakeforge_run_detail{detail=\"duplicates\",job=\"stream-quality\",status=\"SUCCEEDED\","
                + "team=\"payments\",tenant=\"\"} 5")
        .contains("lakeforge_run_detail{detail=\"recordsIn\",job=\"stream-quality\"")
        .contains(
            "lakeforge_run_on_gpu{job=\"stream-quality\",status=\"SUCCEEDED\",team=\"payments\","
                + "tenant=\"\"} 0.0")
        .contains(
            "lakeforge_run_gpu_fallback{job=\"stream-quality\",status=\"SUCCEEDED\","
                + "team=\"payments\",tenant=\"\"} 1.0")
        .doesNotContain("detail=\"table\"")
        .doesNotContain("detail=\"lag\"");
  }
}
