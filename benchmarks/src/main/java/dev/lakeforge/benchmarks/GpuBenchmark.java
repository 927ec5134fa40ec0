package dev.lakeforge.benchmarks;

import dev.lakeforge.gpu.GpuPlan;
import dev.lakeforge.gpu.RapidsConf;
import dev.lakeforge.gpu.Transforms;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The GPU-friendly transforms and a quality suite on generated events, timed on one accelerator:
 * {@code --accelerator cpu} or {@code gpu} (the gpu-local preset; needs a GPU and the RAPIDS jar).
 * benchmarks/gpu-benchmark.sh runs it once for each and prints the speedup. Each workload runs once
 * to warm up, then {@code --runs} times; the median is written as {@code workload rows seconds}.
 *
 * <pre>{@code
 * mvn -pl benchmarks exec:exec@gpu-benchmark -Dgpu.args="--accelerator gpu --rows 20000000 --out gpu.tsv"
 * }</pre>
 */
public final class GpuBenchmark {
  private GpuBenchmark() {}

  public static void main(String[] args) throws IOException {
    String accelerator = option(args, "--accelerator", "cpu");
    long rows = Long.parseLong(option(args, "--rows", "2000000"));
    int runs = Integer.parseInt(option(args, "--runs", "3"));
    Path out = Path.of(option(args, "--out", "target/gpu-" + accelerator + ".tsv"));
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[*]")
            .appName("gpu-benchmark-" + accelerator)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC");
    if (accelerator.equals("gpu")) {
      RapidsConf.gpuLocal().explain(RapidsConf.Explain.NONE).toSparkConf().forEach(builder::config);
    } else if (!accelerator.equals("cpu")) {
      throw new IllegalArgumentException("--accelerator: cpu or gpu, got " + accelerator);
    }
    SparkSession spark = builder.getOrCreate();
    try {
      Dataset<Row> events = events(spark, rows);
      if (GpuPlan.isAvailable()) {
        System.out.println(
            "plan report of the transforms: " + GpuPlan.explain(features(events)).summary());
      }
      List<String> lines = new ArrayList<>();
      lines.add(
          time(
              "transforms",
              rows,
              runs,
              () -> features(events).write().format("noop").mode("overwrite").save()));
      lines.add(
          time(
              "quality-suite",
              rows,
              runs,
              () -> Verification.onData(events).addCheck(suite()).run()));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, lines);
      lines.forEach(System.out::println);
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> features(Dataset<Row> events) {
    return Transforms.customerEventFeatures("customer", "ts", "amount", "category").apply(events);
  }

  static Check suite() {
    return Check.error("events")
        .isComplete("event_id")
        .isUnique("event_id")
        .hasCompleteness("amount", c -> c >= 0.9)
        .isNonNegative("amount")
        .hasMean("amount", m -> m > 0)
        .hasStandardDeviation("amount", s -> s > 0)
        .isContainedIn("category", categories())
        .hasApproxCountDistinct("customer", n -> n > 0)
        .hasMaxLength("customer", l -> l < 20)
        .satisfies("amount < 1000", "amount below 1000", f -> f > 0.99);
  }

  private static String[] categories() {
    String[] c = new String[20];
    Arrays.setAll(c, i -> "cat" + i);
    return c;
  }

  /** Generated once per size, as Parquet: the GPU reads files, not generated rows. */
  private static Dataset<Row> events(SparkSession spark, long rows) {
    Path dir = Path.of("target", "gpu-bench-events-" + rows).toAbsolutePath();
    if (!Files.exists(dir.resolve("_SUCCESS"))) {
      spark
          .range(rows)
          .selectExpr(
              "id AS event_id",
              "concat('c', CAST(id % 100000 AS STRING)) AS customer",
              "timestamp_seconds(1790000000 + (id * 37) % 2592000) AS ts",
              "CASE WHEN id % 50 = 0 THEN NULL ELSE CAST(abs(hash(id)) % 100000 AS DOUBLE) / 100 END"
                  + " AS amount",
              "concat('cat', CAST(id % 20 AS STRING)) AS category")
          .write()
          .mode("overwrite")
          .parquet(dir.toString());
    }
    return spark.read().parquet(dir.toString());
  }

  private static String time(String workload, long rows, int runs, Runnable work) {
    work.run(); // warm-up
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      work.run();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return String.format(Locale.ROOT, "%s\t%d\t%.2f", workload, rows, seconds[runs / 2]);
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
