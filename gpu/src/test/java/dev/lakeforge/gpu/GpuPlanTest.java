package dev.lakeforge.gpu;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.gpu.GpuPlanReport.Node;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each marker of RAPIDS' explain output, read from the real output of a plan that shows it. */
@SparkTest
class GpuPlanTest {
  private static Dataset<Row> orders;

  @BeforeAll
  static void orders(SparkSession spark, TestWarehouse warehouse) {
    spark
        .range(1000)
        .selectExpr(
            "id",
            "id % 7 AS region",
            "CAST(id AS STRING) AS code",
            "CAST(id AS DOUBLE) / 10 AS amount")
        .write()
        .saveAsTable("orders");
    orders = spark.table("orders");
    spark.udf().register("plus_one", (UDF1<Long, Long>) x -> x + 1, DataTypes.LongType);
  }

  @Test
  void supportedAggregationRunsFullyOnTheGpu() {
    GpuPlanReport report = GpuPlan.explain(orders.groupBy("region").agg(sum("amount"), count("*")));

    assertThat(report.runsFullyOnGpu()).isTrue();
    assertThat(report.coverage()).isEqualTo(1.0);
    assertThat(report.operators())
        .extracting(Node::name)
        .containsExactly(
            "HashAggregateExec", "ShuffleExchangeExec", "HashAggregateExec", "FileSourceScanExec");
    assertThat(report.nodes())
        .filteredOn(n -> n.name().equals("Sum"))
        .allSatisfy(n -> assertThat(n.placement()).isEqualTo(Placement.ON_GPU))
        .isNotEmpty();
    assertThat(report.summary()).isEqualTo("4 of 4 operators on the GPU (100.0%), 0 fallbacks");
  }

  @Test
  void javaUdfRunsThroughTheCpuBridgeWithItsReason() {
    GpuPlanReport report = GpuPlan.explain(orders.selectExpr("plus_one(id) AS next"));

    Node udf = only(report, "ScalaUDF");
    assertThat(udf.placement()).isEqualTo(Placement.CPU_BRIDGE);
    assertThat(udf.description()).isEqualTo(udf.description().strip()).startsWith("plus_one(id#");
    assertThat(udf.reason())
        .startsWith("neither plus_one implemented by class")
        .contains("provides a GPU implementation")
        .contains("spark.rapids.sql.rowBasedUDF.enabled");
    assertThat(report.fallbacks()).containsExactly(udf);
    assertThat(report.coverage()).isEqualTo(1.0); // the operator stays on the GPU
    assertThat(report.runsFullyOnGpu()).isFalse();
  }

  @Test
  void unsupportedRegexShowsItsReason() {
    GpuPlanReport report = GpuPlan.explain(orders.filter(col("code").rlike("(?<=1)2")));

    Node rlike = only(report, "RLike");
    assertThat(rlike.placement()).isEqualTo(Placement.CPU_BRIDGE);
    assertThat(rlike.reason())
        .isEqualTo("Positive lookbehind groups are not supported near index 0");
    assertThat(report.fallbackList()).contains("cpu bridge: RLike RLIKE(code#");
  }

  @Test
  void udfWithoutTheBridgeCannotRunAndItsOperatorFallsBack(SparkSession spark) {
    GpuPlanReport report =
        withConf(
            spark,
            "spark.rapids.sql.expression.cpuBridge.enabled",
            "false",
            () ->
                GpuPlan.explain(orders.groupBy("region").agg(sum(callUDF("plus_one", col("id"))))));

    assertThat(report.nodes())
        .filteredOn(n -> n.name().equals("ScalaUDF"))
        .hasSize(2) // the partial and the final aggregation
        .allSatisfy(n -> assertThat(n.placement()).isEqualTo(Placement.CANNOT_RUN));
    Node aggregate = report.operators().get(0);
    assertThat(aggregate.name()).isEqualTo("HashAggregateExec");
    assertThat(aggregate.placement()).isEqualTo(Placement.CANNOT_RUN);
    assertThat(aggregate.reason()).isEqualTo("not all expressions can be replaced");
    Node sumOfUdf = report.nodes().get(report.nodes().indexOf(aggregate) + 2);
    assertThat(sumOfUdf.name()).isEqualTo("AggregateExpression");
    assertThat(sumOfUdf.placement()).isEqualTo(Placement.COULD_RUN);
    assertThat(sumOfUdf.reason()).isEmpty();
    assertThat(sumOfUdf.depth()).isEqualTo(1);
    // two aggregations and the exchange between them fall back; the scan stays on the GPU
    assertThat(report.coverage()).isEqualTo(0.25);
    assertThat(report.summary()).startsWith("1 of 4 operators on the GPU (25.0%)");
  }

  @Test
  void sortBeforeAJoinTheGpuDoesByHashIsRemoved(SparkSession spark) {
    GpuPlanReport report =
        withConf(
            spark,
            "spark.sql.autoBroadcastJoinThreshold",
            "-1",
            () -> GpuPlan.explain(orders.as("a").join(orders.as("b"), "id")));

    assertThat(report.nodes())
        .filteredOn(n -> n.placement() == Placement.REMOVED && n.name().equals("SortExec"))
        .hasSize(2)
        .allSatisfy(
            n -> assertThat(n.reason()).isEqualTo("replacing sortMergeJoin with shuffleHashJoin"));
    assertThat(report.operators()).noneMatch(n -> n.name().equals("SortExec"));
    assertThat(report.coverage()).isEqualTo(1.0);
  }

  @Test
  void operatorWithoutARapidsRuleHasAnEmptyKind() {
    MapFunction<Long, Long> next = x -> x + 1;
    GpuPlanReport report =
        GpuPlan.explain(orders.select("id").as(Encoders.LONG()).map(next, Encoders.LONG()).toDF());

    Node mapElements = only(report, "MapElementsExec");
    assertThat(mapElements.kind()).isEmpty();
    assertThat(mapElements.isOperator()).isTrue();
    assertThat(mapElements.placement()).isEqualTo(Placement.CANNOT_RUN);
    assertThat(mapElements.reason())
        .contains("GPU does not currently support the operator class")
        .contains("MapElementsExec");
    assertThat(report.coverage()).isEqualTo(0.25); // only the scan of four operators
  }

  @Test
  void reasonQuotingAnotherNodeIsKeptWhole() {
    GpuPlanReport report =
        GpuPlan.explain(orders.selectExpr("to_json(named_struct('id', id)) AS j"));

    Node invoke = only(report, "Invoke");
    assertThat(invoke.placement()).isEqualTo(Placement.CANNOT_RUN);
    assertThat(invoke.reason())
        .startsWith("!Expression <StructsToJson> to_json(")
        .endsWith("Set spark.rapids.sql.expression.StructsToJson to true if you wish to enable it");
  }

  /**
   * The one marker a plan report cannot show: the cost-based optimizer decides when the query runs.
   * The line is in the format of RAPIDS' RapidsMeta.
   */
  @Test
  void costBasedFallbackParsesFromItsLine() {
    GpuPlanReport report =
        GpuPlanReport.parse(
            "!Exec <ProjectExec> cannot run on GPU because not all expressions can be replaced\n"
                + "  $Exec <FilterExec> cannot run on GPU because Removed by cost-based optimizer\n"
                + "    *Exec <FileSourceScanExec> will run on GPU\n");

    Node filter = report.nodes().get(1);
    assertThat(filter.placement()).isEqualTo(Placement.KEPT_ON_CPU_BY_COST);
    assertThat(filter.reason()).isEqualTo("Removed by cost-based optimizer");
    assertThat(filter.depth()).isEqualTo(1);
    assertThat(report.fallbacks()).hasSize(2);
  }

  @Test
  void lineWithoutAMarkerContinuesTheReasonBeforeIt() {
    GpuPlanReport report =
        GpuPlanReport.parse(
            "*Exec <ProjectExec> will run on GPU\n"
                + "  !Expression <Foo> foo(a) cannot run on GPU because first part\n"
                + "second part\n"
                + "  *Exec <RangeExec> will run on GPU\n");

    assertThat(report.nodes()).hasSize(3);
    assertThat(report.nodes().get(1).reason()).isEqualTo("first part\nsecond part");
    assertThat(report.nodes().get(2).line()).isEqualTo(4);
  }

  @Test
  void typeConversionNoteIsNotAReason() {
    GpuPlanReport report =
        GpuPlan.explain(orders.selectExpr("percentile_approx(amount, 0.5, 100) AS median"));

    assertThat(report.runsFullyOnGpu()).isTrue();
    assertThat(report.nodes()).allSatisfy(n -> assertThat(n.reason()).isEmpty());
  }

  private static Node only(GpuPlanReport report, String name) {
    List<Node> named = report.nodes().stream().filter(n -> n.name().equals(name)).toList();
    assertThat(named).as("nodes named %s in%n%s", name, report.explainText()).hasSize(1);
    return named.get(0);
  }

  private static <T> T withConf(SparkSession spark, String key, String value, Supplier<T> body) {
    spark.conf().set(key, value);
    try {
      return body.get();
    } finally {
      spark.conf().unset(key);
    }
  }
}
