package dev.lakeforge.quality.suite;

import static dev.lakeforge.quality.suite.Vocabulary.ANALYZERS;
import static dev.lakeforge.quality.suite.Vocabulary.keys;
import static dev.lakeforge.quality.suite.Vocabulary.two;

import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.ApproxQuantile;
import dev.lakeforge.quality.ApproxQuantiles;
import dev.lakeforge.quality.CountDistinct;
import dev.lakeforge.quality.CustomSql;
import dev.lakeforge.quality.DatasetMatch;
import dev.lakeforge.quality.Distinctness;
import dev.lakeforge.quality.DuplicateRowCount;
import dev.lakeforge.quality.Histogram;
import dev.lakeforge.quality.HistogramBinned;
import dev.lakeforge.quality.KllSketch;
import dev.lakeforge.quality.UniqueValueRatio;
import dev.lakeforge.quality.Uniqueness;
import dev.lakeforge.quality.suite.Vocabulary.Def;
import dev.lakeforge.quality.suite.Vocabulary.Shorthand;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The analyzer words of a suite file: each makes the {@link Analyzer} of its name. */
final class AnalyzerWords {
  private AnalyzerWords() {}

  /** Adds the words to the vocabulary's tables (called once, by {@link Vocabulary}). */
  static void register() {
    // Analyzers (computed and reported).
    analyzer("size", Shorthand.NONE, keys(), a -> Analyzer.size());
    for (String n :
        List.of(
            "completeness",
            "approxCountDistinct",
            "minimum",
            "maximum",
            "mean",
            "sum",
            "standardDeviation",
            "variance",
            "skewness",
            "kurtosis",
            "zerosCount",
            "interquartileRange",
            "minLength",
            "maxLength",
            "entropy",
            "dataType",
            "histogram")) {
      Set<String> k =
          switch (n) {
            case "histogram" -> keys("column", "maxBins", "binning", "sumOf");
            case "minLength", "maxLength" -> keys("column", "nulls");
            default -> keys("column");
          };
      ANALYZERS.put(n, new Def(Shorthand.COLUMN, k, keys("column"), a -> (columnAnalyzer(n, a))));
    }
    for (String n : List.of("uniqueness", "distinctness", "uniqueValueRatio", "countDistinct")) {
      ANALYZERS.put(
          n,
          new Def(
              Shorthand.COLUMNS,
              keys("columns"),
              keys("columns"),
              a -> {
                List<String> cols = a.strings("columns");
                return (switch (n) {
                  case "uniqueness" -> new Uniqueness(cols, null);
                  case "distinctness" -> new Distinctness(cols, null);
                  case "uniqueValueRatio" -> new UniqueValueRatio(cols, null);
                  default -> new CountDistinct(cols, null);
                });
              }));
    }
    ANALYZERS.put(
        "approxQuantile",
        new Def(
            Shorthand.NONE,
            keys("column", "quantile", "relativeError"),
            keys("column", "quantile"),
            a ->
                (new ApproxQuantile(
                    a.requiredString("column"),
                    a.number("quantile"),
                    a.has("relativeError")
                        ? a.number("relativeError")
                        : ApproxQuantile.DEFAULT_RELATIVE_ERROR,
                    null))));
    ANALYZERS.put(
        "approxQuantiles",
        new Def(
            Shorthand.NONE,
            keys("column", "quantiles", "relativeError"),
            keys("column", "quantiles"),
            a -> {
              List<Double> qs = a.numbers("quantiles");
              return (new ApproxQuantiles(
                  a.requiredString("column"),
                  qs,
                  a.has("relativeError")
                      ? a.number("relativeError")
                      : ApproxQuantile.DEFAULT_RELATIVE_ERROR,
                  null));
            }));
    analyzer("columnCount", Shorthand.NONE, keys(), c -> Analyzer.columnCount());
    ANALYZERS.put(
        "columnExists",
        new Def(
            Shorthand.COLUMN,
            keys("column"),
            keys("column"),
            a -> (Analyzer.columnExists(a.requiredString("column")))));
    ANALYZERS.put(
        "duplicateRowCount",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys(),
            a ->
                (new DuplicateRowCount(
                    a.has("columns") ? a.strings("columns") : List.of(), null))));
    ANALYZERS.put(
        "exactQuantile",
        new Def(
            Shorthand.NONE,
            keys("column", "quantile"),
            keys("column", "quantile"),
            a -> (Analyzer.exactQuantile(a.requiredString("column"), a.number("quantile")))));
    ANALYZERS.put(
        "kllSketch",
        new Def(
            Shorthand.COLUMN,
            keys("column", "sketchSize", "buckets", "quantiles"),
            keys("column"),
            a -> {
              KllSketch k = Analyzer.kllSketch(a.requiredString("column"));
              double[] qs =
                  a.has("quantiles")
                      ? a.numbers("quantiles").stream().mapToDouble(Double::doubleValue).toArray()
                      : k.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
              return k.with(
                  a.has("sketchSize") ? a.positiveInt("sketchSize") : k.sketchSize(),
                  a.has("buckets") ? a.positiveInt("buckets") : k.buckets(),
                  qs);
            }));
    ANALYZERS.put(
        "ratioOfSums",
        new Def(
            Shorthand.NONE,
            keys("numerator", "denominator"),
            keys("numerator", "denominator"),
            a ->
                (Analyzer.ratioOfSums(
                    a.requiredString("numerator"), a.requiredString("denominator")))));
    ANALYZERS.put(
        "customSql",
        new Def(
            Shorthand.NONE,
            keys("query", "name"),
            keys("query"),
            a -> (new CustomSql(a.requiredString("query"), a.string("name")))));
    ANALYZERS.put(
        "datasetMatch",
        new Def(
            Shorthand.NONE,
            keys("table", "keys", "compare"),
            keys("table", "keys"),
            a -> (datasetMatch(a))));
    ANALYZERS.put(
        "histogramBinned",
        new Def(
            Shorthand.NONE,
            keys("column", "binCount", "edges", "overflow"),
            keys("column"),
            a -> {
              if (a.has("binCount") == a.has("edges")) {
                throw a.error(
                    null,
                    "histogramBinned needs exactly one of 'binCount' (bins of equal width) or 'edges'");
              }
              Integer bins = a.has("binCount") ? a.positiveInt("binCount") : null;
              List<Double> edges = a.has("edges") ? a.numbers("edges") : null;
              return (new HistogramBinned(
                  a.requiredString("column"), bins, edges, a.bool("overflow", false), null));
            }));
    ANALYZERS.put(
        "compliance",
        new Def(
            Shorthand.NONE,
            keys("name", "predicate"),
            keys("predicate"),
            a -> (Analyzer.compliance(a.string("name"), a.requiredString("predicate")))));
    ANALYZERS.put(
        "patternMatch",
        new Def(
            Shorthand.NONE,
            keys("column", "pattern"),
            keys("column", "pattern"),
            a -> (Analyzer.patternMatch(a.requiredString("column"), a.requiredString("pattern")))));
    ANALYZERS.put(
        "mutualInformation",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys("columns"),
            a -> {
              List<String> cols = two(a, "columns");
              return (Analyzer.mutualInformation(cols.get(0), cols.get(1)));
            }));
    ANALYZERS.put(
        "correlation",
        new Def(
            Shorthand.COLUMNS,
            keys("columns"),
            keys("columns"),
            a -> {
              List<String> cols = two(a, "columns");
              return (Analyzer.correlation(cols.get(0), cols.get(1)));
            }));
  }

  private static void analyzer(
      String name, Shorthand s, Set<String> keys, Function<SuiteArgs, Analyzer> make) {
    ANALYZERS.put(name, new Def(s, keys, Set.of(), make));
  }

  private static Analyzer columnAnalyzer(String n, SuiteArgs a) {
    String col = a.requiredString("column");
    return switch (n) {
      case "completeness" -> Analyzer.completeness(col);
      case "approxCountDistinct" -> Analyzer.approxCountDistinct(col);
      case "minimum" -> Analyzer.minimum(col);
      case "maximum" -> Analyzer.maximum(col);
      case "mean" -> Analyzer.mean(col);
      case "sum" -> Analyzer.sum(col);
      case "standardDeviation" -> Analyzer.standardDeviation(col);
      case "variance" -> Analyzer.variance(col);
      case "skewness" -> Analyzer.skewness(col);
      case "kurtosis" -> Analyzer.kurtosis(col);
      case "zerosCount" -> Analyzer.zerosCount(col);
      case "interquartileRange" -> Analyzer.interquartileRange(col);
      case "minLength" -> Analyzer.minLength(col).withNulls(a.nulls("nulls"));
      case "maxLength" -> Analyzer.maxLength(col).withNulls(a.nulls("nulls"));
      case "entropy" -> Analyzer.entropy(col);
      case "dataType" -> Analyzer.dataType(col);
      default -> {
        Integer bins = a.positiveInt("maxBins");
        yield new Histogram(
            col,
            bins == null ? Histogram.DEFAULT_MAX_BINS : bins,
            a.string("binning"),
            a.string("sumOf"),
            null);
      }
    };
  }

  /**
   * A data set match against a table of the session: {@code {table: t, keys: {id: id}, compare:
   * {...}}}.
   */
  static DatasetMatch datasetMatch(SuiteArgs a) {
    DatasetMatch match = Analyzer.datasetMatch(a.requiredString("table"), a.stringMap("keys"));
    Map<String, String> compare = a.stringMap("compare");
    return compare == null ? match : match.comparing(compare);
  }
}
