package dev.lakeforge.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.AnalysisResult;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.MetricRecord;
import dev.lakeforge.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Lakeforge against Deequ 2.1.0 (Spark 3.5.7, its own JVM) on the same Parquet data: every metric
 * side by side (exact metrics must agree to 1e-9 relative, or 1e-12 absolute near zero; approximate
 * ones within their error bounds) and the wall-time ratio. Exits 1 when a metric disagrees.
 *
 * <pre>{@code
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@deequ-comparison        # -Ddeequ.rows=2000000 -Ddeequ.runs=3
 * }</pre>
 */
public final class DeequComparison {
  private DeequComparison() {}

  /** Both JVMs' heap: the exec JVM is started with it too (benchmarks/pom.xml). */
  private static final String HEAP = "4g";

  static List<Analyzer> analyzers() {
    List<Analyzer> a = new ArrayList<>();
    a.add(Analyzer.size());
    for (String c : List.of("id", "amount", "status", "email", "sku")) {
      a.add(Analyzer.completeness(c));
    }
    a.add(Analyzer.mean("amount"));
    a.add(Analyzer.sum("tax"));
    a.add(Analyzer.minimum("amount"));
    a.add(Analyzer.maximum("amount"));
    a.add(Analyzer.standardDeviation("discount"));
    a.add(Analyzer.minLength("email"));
    a.add(Analyzer.maxLength("sku"));
    a.add(Analyzer.compliance("non-negative amount", "amount >= 0"));
    a.add(Analyzer.patternMatch("email", "@example\\.com$"));
    a.add(Analyzer.correlation("quantity", "tax"));
    a.add(Analyzer.approxCountDistinct("customer"));
    a.add(Analyzer.approxQuantile("amount", 0.5));
    a.add(Analyzer.uniqueness("customer"));
    a.add(Analyzer.distinctness("status"));
    a.add(Analyzer.uniqueValueRatio("sku"));
    a.add(Analyzer.countDistinct("customer"));
    a.add(Analyzer.entropy("status"));
    a.add(Analyzer.mutualInformation("status", "quantity"));
    return a;
  }

  public static void main(String[] args) throws Exception {
    Path baselineDir = Path.of(args[0]);
    long rows = Long.parseLong(System.getProperty("deequ.rows", "2000000"));
    int runs = Integer.parseInt(System.getProperty("deequ.runs", "3"));
    Path work =
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "deequ-comparison"));
    String data = work.resolve("orders-" + rows).toString();

    SparkSession spark = BenchData.session("lakeforge-vs-deequ");
    if (!Files.exists(Path.of(data, "_SUCCESS"))) {
      BenchData.write(spark, rows, data);
    }
    Dataset<Row> df = spark.read().parquet(data);
    PeakMemory peak = PeakMemory.start(); // from here on, as the Deequ JVM measures its own
    List<Long> lakeforgeMillis = new ArrayList<>();
    AnalysisResult result = null;
    for (int i = 0; i <= runs; i++) {
      long t0 = System.nanoTime();
      result = Analysis.onData(df).addAnalyzers(analyzers()).run();
      if (i > 0) {
        lakeforgeMillis.add((System.nanoTime() - t0) / 1_000_000);
      }
    }
    long ourIdleKib = peak.heapAtStartKib();
    long ourHeapKib = peak.heapAfterGcKib();
    long ourRssKib = peak.residentKib();
    spark.stop();

    Path out = work.resolve("deequ-metrics.json");
    List<String> command =
        ChildJvm.of(
                "dev.lakeforge.baseline.DeequBaseline",
                deequClasspath(baselineDir),
                data,
                out.toString(),
                Integer.toString(runs))
            .heap(HEAP)
            .jvmArg("-XX:+UseG1GC") // as this JVM's command line names it
            .fullJit()
            .command();
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the Deequ baseline JVM failed (exit " + p.exitValue() + ")");
    }
    JsonNode deequ = new ObjectMapper().readTree(out.toFile());
    Map<String, Double> theirs = new TreeMap<>();
    deequ
        .get("metrics")
        .forEach(
            m ->
                theirs.put(
                    key(
                        m.get("entity").asText(),
                        m.get("instance").asText(),
                        m.get("name").asText()),
                    m.get("value").asDouble()));
    Map<String, Double> ours = new TreeMap<>();
    for (MetricRecord m : result.successMetrics()) {
      ours.put(key(m.entity(), m.instance(), m.name()), m.value());
    }
    double range =
        ours.get(key("Column", "amount", "Maximum")) - ours.get(key("Column", "amount", "Minimum"));
    int disagreements = 0;
    System.out.printf(
        Locale.ROOT,
        "%n%-62s %22s %22s  %s%n",
        "metric (entity|instance|name)",
        "Lakeforge",
        "Deequ",
        "agree");
    for (String k : ours.keySet()) {
      Double a = ours.get(k);
      Double b = theirs.get(k);
      String verdict;
      if (b == null) {
        verdict = "MISSING in Deequ";
        disagreements++;
      } else if (k.endsWith("|ApproxCountDistinct")) {
        verdict = Math.abs(a - b) <= 0.10 * Math.max(a, b) ? "yes (HLL, within 10%)" : "NO";
      } else if (k.contains("|ApproxQuantile")) {
        verdict = Math.abs(a - b) <= 0.01 * range ? "yes (within 1% of the range)" : "NO";
      } else {
        // 1e-9 relative; near zero (correlations, mutual information of independent columns)
        // summation order alone moves the last digits, so 1e-12 absolute also agrees
        double diff = Math.abs(a - b);
        verdict =
            diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff <= 1e-12
                ? "yes (1e-9)"
                : "NO";
      }
      if (verdict.equals("NO")) {
        disagreements++;
      }
      System.out.printf(
          Locale.ROOT,
          "%-62s %22.12g %22s  %s%n",
          k,
          a,
          b == null ? "-" : String.format(Locale.ROOT, "%.12g", b),
          verdict);
    }
    for (String k : theirs.keySet()) {
      if (!ours.containsKey(k)) {
        System.out.printf(
            Locale.ROOT, "%-62s %22s %22.12g  MISSING in Lakeforge%n", k, "-", theirs.get(k));
        disagreements++;
      }
    }
    long ourBest = lakeforgeMillis.stream().mapToLong(Long::longValue).min().orElseThrow();
    List<Long> theirTimes = new ArrayList<>();
    deequ.get("wallMillis").forEach(t -> theirTimes.add(t.asLong()));
    long theirBest = theirTimes.stream().mapToLong(Long::longValue).min().orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "%n%d rows, %d analyzers, best of %d runs each: Lakeforge %d ms %s, Deequ %d ms %s;"
            + " Lakeforge / Deequ = %.2fx%n",
        rows,
        analyzers().size(),
        runs,
        ourBest,
        lakeforgeMillis,
        theirBest,
        theirTimes,
        (double) ourBest / theirBest);
    long theirIdleKib = deequ.path("heapAtStartKiB").asLong(-1);
    long theirHeapKib = deequ.path("peakHeapAfterGcKiB").asLong(-1);
    long theirRssKib = deequ.path("peakRssKiB").asLong(-1);
    System.out.printf(
        Locale.ROOT,
        "Memory, both JVMs with -Xmx%s (MiB, Lakeforge / Deequ):%n"
            + "  heap of the idle session (after a full collection):  %5d / %5d (%.2fx)%n"
            + "  heap in use after a collection, highest over the runs: %5d / %5d (%.2fx)%n"
            + "  the same, above the idle session:                   %5d / %5d (%.2fx)%n"
            + "  peak resident memory over the runs:                  %5d / %5d (%.2fx)%n",
        HEAP,
        ourIdleKib / 1024,
        theirIdleKib / 1024,
        (double) ourIdleKib / theirIdleKib,
        ourHeapKib / 1024,
        theirHeapKib / 1024,
        (double) ourHeapKib / theirHeapKib,
        (ourHeapKib - ourIdleKib) / 1024,
        (theirHeapKib - theirIdleKib) / 1024,
        (double) (ourHeapKib - ourIdleKib) / (theirHeapKib - theirIdleKib),
        ourRssKib / 1024,
        theirRssKib / 1024,
        (double) ourRssKib / theirRssKib);
    System.out.println(
        disagreements == 0 ? "All metrics agree." : disagreements + " metric(s) disagree.");
    System.exit(disagreements == 0 ? 0 : 1);
  }

  /** Deequ's classpath (Spark 3.5, Scala 2.12): the baseline module's jar and its dependencies. */
  static String deequClasspath(Path baselineDir) throws IOException {
    return baselineDir.resolve("lakeforge-deequ-baseline-0.1.0-SNAPSHOT.jar")
        + ":"
        + Files.readString(baselineDir.resolve("classpath.txt")).trim();
  }

  private static String key(String entity, String instance, String name) {
    return entity + "|" + instance + "|" + name;
  }
}
