package dev.lakeforge.baseline;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.ApproxCountDistinct;
import com.amazon.deequ.analyzers.ApproxQuantile;
import com.amazon.deequ.analyzers.ColumnCount;
import com.amazon.deequ.analyzers.ColumnExists;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Compliance;
import com.amazon.deequ.analyzers.Correlation;
import com.amazon.deequ.analyzers.CountDistinct;
import com.amazon.deequ.analyzers.DataType;
import com.amazon.deequ.analyzers.Distinctness;
import com.amazon.deequ.analyzers.DuplicateRowCount;
import com.amazon.deequ.analyzers.Entropy;
import com.amazon.deequ.analyzers.ExactQuantile;
import com.amazon.deequ.analyzers.Histogram;
import com.amazon.deequ.analyzers.InterquartileRange;
import com.amazon.deequ.analyzers.Kurtosis;
import com.amazon.deequ.analyzers.MaxLength;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.MinLength;
import com.amazon.deequ.analyzers.Minimum;
import com.amazon.deequ.analyzers.MutualInformation;
import com.amazon.deequ.analyzers.PatternMatch;
import com.amazon.deequ.analyzers.RatioOfSums;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.Skewness;
import com.amazon.deequ.analyzers.StandardDeviation;
import com.amazon.deequ.analyzers.Sum;
import com.amazon.deequ.analyzers.UniqueValueRatio;
import com.amazon.deequ.analyzers.Uniqueness;
import com.amazon.deequ.analyzers.Variance;
import com.amazon.deequ.analyzers.ZerosCount;
import com.amazon.deequ.analyzers.runners.AnalysisRunBuilder;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.util.matching.Regex;

import com.amazon.deequ.analyzers.runners.AnalyzerContext$;

/**
 * Runs the edge cases of a spec (small data sets, each with analyzers) with Deequ 2.1.0 on Spark
 * 3.5.7 and writes every success metric per case, for the edge-case comparison in benchmarks/.
 * Usage: {@code DeequEdgeCases <spec.json> <out.json>}; the output is {@code {case: [metric, ...]}}.
 */
public final class DeequEdgeCases {
  private DeequEdgeCases() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode spec = json.readTree(Path.of(args[0]).toFile());
    SparkSession spark = SparkSession.builder().master("local[1]").appName("deequ-edge-cases")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    ObjectNode out = json.createObjectNode();
    for (JsonNode c : spec.get("cases")) {
      Dataset<Row> df = spark.sql(c.get("sql").asText());
      AnalysisRunBuilder b = AnalysisRunner.onData(df);
      for (JsonNode a : c.get("analyzers")) {
        b = b.addAnalyzer(analyzer(a));
      }
      AnalyzerContext ctx = b.run();
      // as a DataFrame, not JSON: Deequ's JSON writer refuses NaN (the correlation of a constant)
      ArrayNode list = json.createArrayNode();
      for (Row m : AnalyzerContext$.MODULE$.successMetricsAsDataFrame(spark, ctx,
          AnalyzerContext$.MODULE$.successMetricsAsDataFrame$default$3()).collectAsList()) {
        ObjectNode o = list.addObject();
        o.put("entity", m.getString(0));
        o.put("instance", m.getString(1));
        o.put("name", m.getString(2));
        o.put("value", Double.toString(m.getDouble(3)));
      }
      out.set(c.get("name").asText(), list);
    }
    json.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[1]).toFile(), out);
    spark.stop();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Analyzer analyzer(JsonNode a) {
    Option none = Option.empty();
    Option where = a.has("where") ? Option.apply(a.get("where").asText()) : none;
    String c = a.has("column") ? a.get("column").asText() : null;
    List<String> cols = new ArrayList<>();
    if (a.has("columns")) {
      a.get("columns").forEach(x -> cols.add(x.asText()));
    }
    return switch (a.get("kind").asText()) {
      case "size" -> new Size(where);
      case "columnCount" -> new ColumnCount();
      case "columnExists" -> new ColumnExists(c);
      case "completeness" -> new Completeness(c, where, none);
      case "uniqueness" -> new Uniqueness(DeequBaseline.seq(cols), where, none);
      case "distinctness" -> new Distinctness(DeequBaseline.seq(cols), where);
      case "uniqueValueRatio" -> new UniqueValueRatio(DeequBaseline.seq(cols), where, none);
      case "countDistinct" -> new CountDistinct(DeequBaseline.seq(cols));
      case "duplicateRowCount" -> new DuplicateRowCount(DeequBaseline.seq(cols), where, none);
      case "approxCountDistinct" -> new ApproxCountDistinct(c, where);
      case "minimum" -> new Minimum(c, where, none);
      case "maximum" -> new Maximum(c, where, none);
      case "mean" -> new Mean(c, where);
      case "sum" -> new Sum(c, where);
      case "standardDeviation" -> new StandardDeviation(c, where);
      case "variance" -> new Variance(c, where);
      case "skewness" -> new Skewness(c, where);
      case "kurtosis" -> new Kurtosis(c, where);
      case "zerosCount" -> new ZerosCount(c, where);
      case "ratioOfSums" -> new RatioOfSums(cols.get(0), cols.get(1), where);
      case "approxQuantile" -> new ApproxQuantile(c, a.get("q").asDouble(), a.path("error").asDouble(0.01), where);
      case "exactQuantile" -> new ExactQuantile(c, a.get("q").asDouble(), where);
      case "interquartileRange" -> new InterquartileRange(c, where);
      case "minLength" -> new MinLength(c, where, none);
      case "maxLength" -> new MaxLength(c, where, none);
      case "compliance" -> new Compliance(a.get("name").asText(), a.get("predicate").asText(), where,
          scala.collection.immutable.List$.MODULE$.empty(), none);
      case "patternMatch" -> new PatternMatch(c, new Regex(a.get("pattern").asText(),
          DeequBaseline.seq(List.of())), where, none);
      case "entropy" -> new Entropy(c, where);
      case "mutualInformation" -> new MutualInformation(DeequBaseline.seq(cols), where);
      case "correlation" -> new Correlation(cols.get(0), cols.get(1), where);
      case "histogram" -> new Histogram(c, none, a.path("maxDetailBins").asInt(1000), where, true,
          Histogram.Count$.MODULE$);
      case "dataType" -> new DataType(c, where);
      default -> throw new IllegalArgumentException("unknown analyzer kind " + a.get("kind"));
    };
  }
}
