package dev.lakeforge.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.gpu.GpuPlanReport.Node;
import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.streaming.PipelineSpec;
import dev.lakeforge.streaming.StreamQuality;
import dev.lakeforge.testing.GeneratedDocs;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Where RAPIDS would run the quality engine's queries: per analyzer, and for a common suite. */
@SparkTest
class QualityOnGpuTest {
  private static Dataset<Row> orders;

  @BeforeAll
  static void orders(SparkSession spark, TestWarehouse warehouse) {
    // what a session with the RAPIDS plugin does by itself ("auto")
    spark.conf().set(Analysis.GPU_EXPRESSIONS, "true");
    spark
        .sql(
            "SELECT id AS order_id, concat('c', CAST(id % 50 AS STRING)) AS customer,"
                + " CASE WHEN id % 4 = 0 THEN 'NEW' WHEN id % 4 = 1 THEN 'PAID' ELSE 'SHIPPED' END"
                + " AS status, CASE WHEN id % 17 = 0 THEN NULL ELSE CAST(id % 300 AS DOUBLE) END"
                + " AS amount, CAST(id % 7 AS INT) AS qty,"
                + " concat('user', CAST(id AS STRING), '@example.com') AS email FROM range(2000)")
        .write()
        .saveAsTable("gpu_orders");
    orders = spark.table("gpu_orders");
  }

  @AfterAll
  static void reset(SparkSession spark) {
    spark.conf().unset(Analysis.GPU_EXPRESSIONS);
  }

  static Map<String, Analyzer> analyzers() {
    Map<String, Analyzer> a = new LinkedHashMap<>();
    a.put("Size", Analyzer.size());
    a.put("Completeness", Analyzer.completeness("amount"));
    a.put("Uniqueness", Analyzer.uniqueness("order_id"));
    a.put("Distinctness", Analyzer.distinctness("status"));
    a.put("UniqueValueRatio", Analyzer.uniqueValueRatio("customer"));
    a.put("CountDistinct", Analyzer.countDistinct("customer"));
    a.put("DuplicateRowCount", Analyzer.duplicateRowCount("customer", "status"));
    a.put("ApproxCountDistinct", Analyzer.approxCountDistinct("customer"));
    a.put("Minimum", Analyzer.minimum("amount"));
    a.put("Maximum", Analyzer.maximum("amount"));
    a.put("Mean", Analyzer.mean("amount"));
    a.put("Sum", Analyzer.sum("amount"));
    a.put("StandardDeviation", Analyzer.standardDeviation("amount"));
    a.put("Variance", Analyzer.variance("amount"));
    a.put("Skewness", Analyzer.skewness("amount"));
    a.put("Kurtosis", Analyzer.kurtosis("amount"));
    a.put("ZerosCount", Analyzer.zerosCount("qty"));
    a.put("RatioOfSums", Analyzer.ratioOfSums("amount", "qty"));
    a.put("ApproxQuantile", Analyzer.approxQuantile("amount", 0.5));
    a.put("ApproxQuantiles", Analyzer.approxQuantiles("amount", 0.25, 0.75));
    a.put("MinLength", Analyzer.minLength("email"));
    a.put("MaxLength", Analyzer.maxLength("email"));
    a.put("Compliance", Analyzer.compliance("non-negative", "amount >= 0"));
    a.put("PatternMatch", Analyzer.patternMatch("email", "^[a-z0-9]+@example\\.com$"));
    a.put("Entropy", Analyzer.entropy("status"));
    a.put("MutualInformation", Analyzer.mutualInformation("status", "qty"));
    a.put("Correlation", Analyzer.correlation("amount", "qty"));
    a.put("DataType", Analyzer.dataType("customer"));
    return a;
  }

  /** A suite of the analyzers users check most, as one verification runs it. */
  static Check commonSuite() {
    return Check.error("orders")
        .hasSize(n -> n > 0)
        .isComplete("order_id")
        .isUnique("order_id")
        .hasCompleteness("amount", c -> c >= 0.9)
        .isNonNegative("amount")
        .hasMin("amount", v -> v >= 0)
        .hasMax("amount", v -> v < 1000)
        .hasMean("amount", v -> v > 0)
        .hasStandardDeviation("amount", v -> v > 0)
        .isContainedIn("status", "NEW", "PAID", "SHIPPED")
        .hasDistinctness(List.of("status"), d -> d < 0.1)
        .hasApproxCountDistinct("customer", n -> n > 10)
        .hasMaxLength("email", l -> l < 100)
        .satisfies("qty BETWEEN 0 AND 6", "qty in range", f -> f == 1.0);
  }

  @Test
  void commonSuiteRunsAtLeastNinetyFivePercentOnTheGpu() {
    List<GpuPlanReport> reports = new ArrayList<>(suiteReports().values());

    long operators = reports.stream().mapToLong(r -> r.operators().size()).sum();
    long onGpu = reports.stream().mapToLong(r -> r.operatorsOnGpu().size()).sum();
    assertThat((double) onGpu / operators)
        .as("%d of %d operators; fallbacks: %s", onGpu, operators, fallbacks(reports))
        .isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void streamingBatchPlanIsReported(SparkSession spark) {
    GpuPlanReport batch = streamingBatch(spark);

    assertThat(batch.operators()).extracting(Node::name).contains("FileSourceScanExec");
    assertThat(batch.coverage()).isGreaterThan(0.5);
  }

  /** Each micro-batch of stream-quality: decode the Kafka value, flatten, annotate. */
  static GpuPlanReport streamingBatch(SparkSession spark) {
    if (!spark.catalog().tableExists("kafka_batch")) {
      spark
          .sql(
              "SELECT CAST(NULL AS BINARY) AS key, CAST(to_json(named_struct('order_id', id,"
                  + " 'status', CASE WHEN id % 2 = 0 THEN 'NEW' ELSE 'PAID' END, 'amount',"
                  + " CAST(id AS DOUBLE))) AS BINARY) AS value, 'orders' AS topic, 0 AS partition,"
                  + " id AS offset, timestamp_seconds(1790000000 + id) AS timestamp,"
                  + " 0 AS timestampType FROM range(500)")
          .write()
          .saveAsTable("kafka_batch");
    }
    PipelineSpec spec =
        StreamQuality.fromKafka("127.0.0.1:9092")
            .topics("orders")
            .json(
                new StructType()
                    .add("order_id", DataTypes.LongType)
                    .add("status", DataTypes.StringType)
                    .add("amount", DataTypes.DoubleType),
                "order_id")
            .validate(
                Check.error("orders")
                    .isComplete("order_id")
                    .isNonNegative("amount")
                    .isContainedIn("status", "NEW", "PAID"))
            .deadLetterTopic("orders-dlq")
            .toKafkaTopic("orders-valid")
            .checkpoint("/tmp/never-started")
            .build();
    return GpuPlan.explain(spec.annotate(spark.table("kafka_batch")));
  }

  /** The common suite's plans: the metrics' queries, then the row-level annotation and split. */
  static Map<String, GpuPlanReport> suiteReports() {
    Verification verification = Verification.onData(orders).addCheck(commonSuite());
    Map<String, GpuPlanReport> reports = new LinkedHashMap<>();
    verification.plans().forEach((name, df) -> reports.put(name, GpuPlan.explain(df)));
    reports.put("row-level annotation", GpuPlan.explain(verification.annotate()));
    reports.put("split: good rows", GpuPlan.explain(verification.split().good()));
    reports.put("split: bad rows", GpuPlan.explain(verification.split().bad()));
    return reports;
  }

  private static List<String> fallbacks(List<GpuPlanReport> reports) {
    return reports.stream()
        .flatMap(r -> r.fallbacks().stream())
        .map(n -> n.label() + ": " + n.reason())
        .toList();
  }

  /** docs/gpu.md's table of each analyzer's plan, made here from the plan reports. */
  @Test
  void docsListEachAnalyzersPlacement(SparkSession spark) throws IOException {
    Map<String, GpuPlanReport> plans = new LinkedHashMap<>();
    suiteReports().forEach((name, r) -> plans.put("common suite: " + name, r));
    plans.put("stream-quality micro-batch: decode, flatten, annotate", streamingBatch(spark));
    GeneratedDocs.assertCurrent(
        GeneratedDocs.page("gpu.md"),
        BEGIN,
        END,
        BEGIN + "\n" + analyzerTable() + "\n" + planTable(plans) + END,
        "mvn -pl gpu test -Dtest=QualityOnGpuTest -Dlakeforge.regenerate=true");
  }

  private static final String BEGIN = "<!-- BEGIN generated by QualityOnGpuTest -->";
  private static final String END = "<!-- END generated by QualityOnGpuTest -->";

  static String planTable(Map<String, GpuPlanReport> plans) {
    StringBuilder out =
        new StringBuilder(
            "| plan | operators on the GPU | what stays on the CPU, and why |\n|---|---|---|\n");
    plans.forEach(
        (name, r) ->
            out.append("| ")
                .append(name.replace("|", "\\|"))
                .append(" | ")
                .append(r.operatorsOnGpu().size())
                .append(" of ")
                .append(r.operators().size())
                .append(" | ")
                .append(reasons(List.of(r)))
                .append(" |\n"));
    return out.toString();
  }

  private static String reasons(List<GpuPlanReport> reports) {
    Set<String> why = new LinkedHashSet<>();
    for (GpuPlanReport r : reports) {
      for (Node n : r.fallbacks()) {
        if (!n.isOperator()) {
          why.add(n.name() + ": " + shortened(n.reason()));
        }
      }
    }
    return why.isEmpty() ? "nothing" : String.join("; ", why);
  }

  static String analyzerTable() {
    StringBuilder out =
        new StringBuilder(
            "| analyzer | operators on the GPU | what stays on the CPU, and why |\n|---|---|---|\n");
    analyzers()
        .forEach(
            (name, a) -> {
              List<GpuPlanReport> reports = new ArrayList<>();
              Analysis.onData(orders)
                  .addAnalyzer(a)
                  .plans()
                  .values()
                  .forEach(df -> reports.add(GpuPlan.explain(df)));
              long operators = reports.stream().mapToLong(r -> r.operators().size()).sum();
              long onGpu = reports.stream().mapToLong(r -> r.operatorsOnGpu().size()).sum();
              out.append("| ")
                  .append(name)
                  .append(" | ")
                  .append(onGpu)
                  .append(" of ")
                  .append(operators)
                  .append(" | ")
                  .append(reasons(reports))
                  .append(" |\n");
            });
    return out.toString();
  }

  /** Without plan ids, and with the parts of a reason in one order (RAPIDS' order varies). */
  private static String shortened(String reason) {
    return String.join("; ", new java.util.TreeSet<>(List.of(reason.split("; "))))
        .replaceAll("org\\.apache\\.spark\\.sql\\.catalyst\\.expressions\\.(aggregate\\.)?", "")
        .replaceAll("#\\d+", "")
        .replace("|", "\\|");
  }
}
