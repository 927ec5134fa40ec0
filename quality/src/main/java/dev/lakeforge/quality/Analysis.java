package dev.lakeforge.quality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs analyzers over a DataFrame: all scan analyzers in one aggregation (on Parquet and ORC files
 * the sketches in a second, see {@link #SKETCHES_APART}), grouping analyzers of every column set in
 * one grouping-sets aggregation. Only aggregated values reach the driver. An analyzer that cannot
 * run (missing column, wrong type, bad predicate) yields a failed metric; the others still succeed.
 *
 * <pre>{@code
 * AnalysisResult r = Analysis.onData(df)
 *     .addAnalyzer(Analyzer.size())
 *     .addAnalyzer(Analyzer.mean("amount"))
 *     .run();
 * String json = r.successMetricsAsJson();
 * }</pre>
 */
public final class Analysis {
  /**
   * The session setting that makes the engine prefer expressions the RAPIDS Accelerator runs on the
   * GPU where Spark's own would fall back to the CPU (population variance and standard deviation,
   * from the sample standard deviation): {@code true}, {@code false}, or {@code auto} (the default:
   * on a session that runs RAPIDS). The two differ in the last bits of a double only, as float
   * aggregations on the GPU do anyway; CPU runs keep Spark's own by default.
   */
  public static final String GPU_EXPRESSIONS = "spark.lakeforge.quality.gpuExpressions";

  /**
   * The session setting that lets the engine give the sketches (approximate counts and quantiles,
   * exact quantiles, KLL) an aggregation of their own on Parquet and ORC files, so that Spark
   * compiles the other analyzers' aggregation to code: {@code auto} (the default) or {@code false}
   * (one aggregation, one read of the data, always); another value fails the analysis.
   *
   * <pre>{@code
   * spark.conf().set(Analysis.SKETCHES_APART, "false");   // files that may be replaced mid-run
   * }</pre>
   */
  public static final String SKETCHES_APART = "spark.lakeforge.quality.sketchesApart";

  private final Dataset<Row> data;
  private final Set<Analyzer> analyzers = new LinkedHashSet<>();

  private Analysis(Dataset<Row> data) {
    this.data = Objects.requireNonNull(data, "data");
  }

  public static Analysis onData(Dataset<Row> data) {
    return new Analysis(data);
  }

  public Analysis addAnalyzer(Analyzer analyzer) {
    analyzers.add(Objects.requireNonNull(analyzer, "analyzer"));
    return this;
  }

  public Analysis addAnalyzers(Collection<? extends Analyzer> more) {
    more.forEach(this::addAnalyzer);
    return this;
  }

  /** Computes every analyzer; each analyzer added twice is computed once. */
  public AnalysisResult run() {
    return Engine.run(data, new ArrayList<>(analyzers));
  }

  /**
   * The queries {@link #run} would run, unexecuted, each named for a reader: the one aggregation
   * the scan analyzers share, then one per grouping column set. Analyzers that run queries of their
   * own (exact quantiles, custom SQL) are not among them. For plan reports:
   *
   * <pre>{@code
   * analysis.plans().forEach((name, df) -> System.out.println(name + ": " + GpuPlan.explain(df)));
   * }</pre>
   */
  public Map<String, Dataset<Row>> plans() {
    return Engine.plans(data, new ArrayList<>(analyzers));
  }

  List<Analyzer> analyzers() {
    return List.copyOf(analyzers);
  }
}
