package dev.lakeforge.benchmarks;

import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.Analyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where the 24-analyzer comparison's time goes, and what sharing one grouping-sets aggregation
 * between the column sets of the grouping analyzers saves against one query per column set (the
 * plan before it), on the same 2,000,000-row Parquet data, the variants interleaved in each run and
 * their order rotated from run to run.
 *
 * <pre>
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@grouping-comparison    # -Ddeequ.rows=2000000 -Dgrouping.runs=10
 * </pre>
 */
public final class GroupingComparison {
  private GroupingComparison() {}

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(System.getProperty("deequ.rows", "2000000"));
    int runs = Integer.parseInt(System.getProperty("grouping.runs", "10"));
    Path work =
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "deequ-comparison"));
    String data = work.resolve("orders-" + rows).toString();
    SparkSession spark = BenchData.session("grouping-comparison");
    if (!Files.exists(Path.of(data, "_SUCCESS"))) {
      BenchData.write(spark, rows, data);
    }
    Dataset<Row> df = spark.read().parquet(data);
    List<Analyzer> all = DeequComparison.analyzers();
    List<Analyzer> grouping = all.stream().filter(GroupingComparison::grouping).toList();
    List<Analyzer> scans = all.stream().filter(a -> !grouping(a)).toList();
    Map<List<String>, List<Analyzer>> bySet = new LinkedHashMap<>();
    grouping.forEach(a -> bySet.computeIfAbsent(a.columns(), k -> new ArrayList<>()).add(a));

    Interleaved variants =
        new Interleaved()
            .add(scans.size() + " scan analyzers", () -> run(df, scans))
            .add(
                scans.size()
                    + " scan analyzers, one aggregation ("
                    + Analysis.SKETCHES_APART
                    + "=false)",
                () -> {
                  spark.conf().set(Analysis.SKETCHES_APART, "false");
                  try {
                    run(df, scans);
                  } finally {
                    spark.conf().unset(Analysis.SKETCHES_APART);
                  }
                })
            .add(
                grouping.size()
                    + " grouping analyzers, one query per column set ("
                    + bySet.size()
                    + ")",
                () -> bySet.values().forEach(set -> run(df, set)))
            .add(
                grouping.size() + " grouping analyzers, one grouping-sets query",
                () -> run(df, grouping))
            .add("all " + all.size() + " analyzers", () -> run(df, all));
    Interleaved.Times times;
    try {
      times = variants.run(runs);
    } finally {
      spark.stop();
    }
    System.out.printf(
        Locale.ROOT, "%n%d rows, %d runs after one warm-up, interleaved%n", rows, runs);
    times.print();
  }

  /** The analyzers of the comparison computed from a column set's frequencies. */
  private static boolean grouping(Analyzer a) {
    return List.of(
            "Uniqueness",
            "Distinctness",
            "UniqueValueRatio",
            "CountDistinct",
            "Entropy",
            "MutualInformation")
        .contains(a.name());
  }

  private static void run(Dataset<Row> df, List<Analyzer> analyzers) {
    Analysis.onData(df).addAnalyzers(analyzers).run();
  }
}
