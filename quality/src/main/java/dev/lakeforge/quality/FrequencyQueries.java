package dev.lakeforge.quality;

import static dev.lakeforge.quality.Engine.COUNT;
import static dev.lakeforge.quality.Engine.column;
import static dev.lakeforge.quality.Engine.field;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.quality.Plans.FrequencyBased;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The queries of the frequency analyzers (uniqueness, distinctness, entropy, mutual information,
 * ...) of one filter: for two or more column sets, one grouping-sets aggregation of them all (one
 * read, one shuffle); for one set, one group-by.
 *
 * <pre>{@code
 * Map<Analyzer, Metric> metrics = FrequencyQueries.run(data, columnSets);
 * }</pre>
 */
final class FrequencyQueries {
  private static final Logger LOG = LogManager.getLogger(FrequencyQueries.class);

  /** The grouping id of a frequency row: which column set it counts. */
  private static final String GID = "__lf_gid";

  /** Grouping ids are bit masks of the grouping columns in a long. */
  private static final int MAX_SHARED_COLUMNS = 62;

  private FrequencyQueries() {}

  /** The queries {@link #run} would run, unexecuted, named for a reader. */
  static Map<String, Dataset<Row>> plans(Dataset<Row> data, List<List<FrequencyBased>> sets) {
    StructType schema = data.schema();
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    if (shareable(schema, sets)) {
      out.put(
          "frequencies of "
              + String.join("; ", sets.stream().map(g -> describe(schema, g)).toList()),
          sharedFrequencyAggregation(data, sets));
    } else {
      for (List<FrequencyBased> group : sets) {
        out.put("frequencies of " + describe(schema, group), frequencyAggregation(data, group));
      }
    }
    return out;
  }

  private static boolean needsMarginals(Dataset<Row> data, List<FrequencyBased> group) {
    return group.get(0).groupColumns(data.schema()).size() == 2
        && group.stream().anyMatch(FrequencyBased::needsMarginals);
  }

  /**
   * The frequencies of the group's column set (one group-by), aggregated once for every analyzer of
   * the group: rows, groups, unique, sum of c ln c, duplicates, and mutual information's sum.
   */
  private static Dataset<Row> frequencyAggregation(Dataset<Row> data, List<FrequencyBased> group) {
    Analyzer first = (Analyzer) group.get(0);
    List<String> cols = group.get(0).groupColumns(data.schema());
    Column anyNonNull = lit(false);
    for (String c : cols) {
      anyNonNull = anyNonNull.or(column(c).isNotNull());
    }
    Dataset<Row> rows =
        first.filter() == null ? data : data.where(new Plans.Scope(first.filter(), null).rows());
    Column[] keys = cols.stream().map(Engine::column).toArray(Column[]::new);
    Dataset<Row> freq = rows.where(anyNonNull).groupBy(keys).agg(count(lit(1)).as(COUNT));
    Column n = col(COUNT).cast("double");
    List<Column> aggs =
        new ArrayList<>(
            List.of(
                sum(col(COUNT)).cast("long").as("rows"),
                count(lit(1)).as("groups"),
                sum(when(col(COUNT).equalTo(1), 1).otherwise(0)).cast("long").as("unique"),
                sum(n.multiply(log(n))).as("clogc"),
                sum(when(col(COUNT).gt(1), col(COUNT)).otherwise(0))
                    .cast("long")
                    .as("duplicates")));
    if (needsMarginals(data, group)) {
      freq =
          freq.withColumn("__px", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(0)))))
              .withColumn("__py", sum(col(COUNT)).over(Window.partitionBy(column(cols.get(1)))));
      // MI = sum over cells of p(x,y) ln(p(x,y) / (p(x) p(y))), p = count / N,
      //    = (sum of c ln(c / (cx cy))) / N + ln N: N comes from this aggregation, no window over
      // all rows
      aggs.add(sum(n.multiply(log(n.divide(col("__px").multiply(col("__py")))))).as("mi"));
    }
    return freq.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /**
   * The metrics of the frequency analyzers with one filter: for two or more column sets, one
   * grouping-sets aggregation (one scan, one exchange), then one aggregation grouped by the
   * grouping id over every set's frequencies (and one more per mutual information), in one job; for
   * one set, or if the shared query fails, one group-by per set, so that a failure lands on the
   * analyzers of its own set only.
   */
  static Map<Analyzer, Metric> run(Dataset<Row> data, List<List<FrequencyBased>> sets) {
    if (shareable(data.schema(), sets)) {
      try {
        return sharedFrequencies(data, sets);
      } catch (Exception e) { // AnalysisException is checked, thrown from Scala undeclared
        LOG.warn(
            "the column sets' shared frequencies failed, each set runs alone to tell which: {}",
            LakeforgeException.firstLine(e));
      }
    }
    Map<Analyzer, Metric> out = new HashMap<>();
    for (List<FrequencyBased> group : sets) {
      out.putAll(frequencies(data, group));
    }
    return out;
  }

  /** A column set and its analyzers: {@code status for Distinctness(status), Entropy(status)}. */
  private static String describe(StructType schema, List<FrequencyBased> group) {
    return String.join(", ", group.get(0).groupColumns(schema))
        + " for "
        + String.join(", ", group.stream().map(a -> ((Analyzer) a).describe()).toList());
  }

  /**
   * Whether the sets can share one grouping-sets aggregation: two or more distinct sets of
   * top-level columns, few enough for the grouping id's bits.
   */
  private static boolean shareable(StructType schema, List<List<FrequencyBased>> sets) {
    if (sets.stream().map(g -> Set.copyOf(nonNull(columnSet(schema, g)))).distinct().count() < 2) {
      return false;
    }
    List<String> all = sharedColumns(schema, sets);
    // a name that matches its field only ignoring case is left to Spark's resolution, per set
    return all.size() <= MAX_SHARED_COLUMNS
        && all.stream().allMatch(Objects::nonNull)
        && sets.stream().allMatch(g -> g.get(0).groupColumns(schema).equals(columnSet(schema, g)));
  }

  /** A group's columns by their names in the schema, in order; null for one not found there. */
  private static List<String> columnSet(StructType schema, List<FrequencyBased> group) {
    return group.get(0).groupColumns(schema).stream()
        .map(c -> field(schema, c) == null ? null : field(schema, c).name())
        .toList();
  }

  private static List<String> nonNull(List<String> names) {
    return names.stream().filter(Objects::nonNull).toList();
  }

  /** Every column of the sets, once, in order of appearance: the grouping columns. */
  private static List<String> sharedColumns(StructType schema, List<List<FrequencyBased>> sets) {
    return sets.stream().flatMap(g -> columnSet(schema, g).stream()).distinct().toList();
  }

  /**
   * A set's grouping id: bit {@code k-1-i} is set for each grouping column {@code i} not in it, as
   * Spark's {@code grouping_id()}.
   */
  private static long groupingId(List<String> all, Collection<String> set) {
    long id = 0;
    for (int i = 0; i < all.size(); i++) {
      if (!set.contains(all.get(i))) {
        id |= 1L << (all.size() - 1 - i);
      }
    }
    return id;
  }

  /**
   * Every set's frequencies in one grouping-sets aggregation tagged with its grouping id (the
   * groups of a set whose columns are all null are left out, as the single-set query leaves out
   * such rows), then per grouping id: rows, groups, unique, sum of c ln c and duplicates; and for
   * each mutual information, its sum over the cells with the marginals as windows within its set.
   * The branches read the same exchange, which Spark runs once.
   */
  private static Dataset<Row> sharedFrequencyAggregation(
      Dataset<Row> data, List<List<FrequencyBased>> sets) {
    StructType schema = data.schema();
    List<String> all = sharedColumns(schema, sets);
    String filter = ((Analyzer) sets.get(0).get(0)).filter();
    Dataset<Row> rows = filter == null ? data : data.where(new Plans.Scope(filter, null).rows());
    List<scala.collection.immutable.Seq<Column>> groupingSets = new ArrayList<>();
    Column keep = lit(false);
    // one grouping set per set of columns, whatever their order: (a, b) and (b, a) count alike
    for (Set<String> set :
        sets.stream().map(g -> Set.copyOf(columnSet(schema, g))).distinct().toList()) {
      groupingSets.add(columns(List.copyOf(set)));
      Column anyNonNull = lit(false);
      for (String c : set) {
        anyNonNull = anyNonNull.or(column(c).isNotNull());
      }
      keep = keep.or(col(GID).equalTo(groupingId(all, set)).and(anyNonNull));
    }
    Dataset<Row> freq =
        rows.groupingSets(
                CollectionConverters.asScala(groupingSets).toList(),
                all.stream().map(Engine::column).toArray(Column[]::new))
            .agg(count(lit(1)).as(COUNT), grouping_id().as(GID))
            .where(keep);
    Column n = col(COUNT).cast("double");
    Dataset<Row> out =
        freq.groupBy(col(GID))
            .agg(
                sum(col(COUNT)).cast("long").as("rows"),
                count(lit(1)).as("groups"),
                sum(when(col(COUNT).equalTo(1), 1).otherwise(0)).cast("long").as("unique"),
                sum(n.multiply(log(n))).as("clogc"),
                sum(when(col(COUNT).gt(1), col(COUNT)).otherwise(0)).cast("long").as("duplicates"),
                lit(null).cast("double").as("mi"));
    for (List<String> set :
        sets.stream()
            .filter(g -> needsMarginals(data, g))
            .map(g -> columnSet(schema, g))
            .distinct()
            .toList()) {
      long id = groupingId(all, set);
      // over every set's groups, not only this one's: a filter on the grouping id would be pushed
      // below the exchange, which the branches could then no longer share. The other sets' groups
      // are their own window partitions (by all their columns), so none gathers in one partition.
      Column others =
          when(
              col(GID).notEqual(id),
              struct(all.stream().map(Engine::column).toArray(Column[]::new)));
      Dataset<Row> cells =
          freq.withColumn(
                  "__px",
                  sum(col(COUNT)).over(Window.partitionBy(col(GID), column(set.get(0)), others)))
              .withColumn(
                  "__py",
                  sum(col(COUNT)).over(Window.partitionBy(col(GID), column(set.get(1)), others)));
      out =
          out.unionByName(
              cells
                  .agg(
                      sum(when(
                              col(GID).equalTo(id),
                              n.multiply(log(n.divide(col("__px").multiply(col("__py")))))))
                          .as("mi"))
                  .withColumn(GID, lit(id)),
              true);
    }
    return out;
  }

  private static Map<Analyzer, Metric> sharedFrequencies(
      Dataset<Row> data, List<List<FrequencyBased>> sets) {
    StructType schema = data.schema();
    List<String> all = sharedColumns(schema, sets);
    Map<Long, Row> stats = new HashMap<>();
    Map<Long, Double> mutualInformation = new HashMap<>();
    for (Row r : sharedFrequencyAggregation(data, sets).collectAsList()) {
      long id = ((Number) r.getAs(GID)).longValue();
      if (r.isNullAt(r.fieldIndex("rows"))) {
        Object mi = r.getAs("mi");
        mutualInformation.put(id, mi == null ? Double.NaN : ((Number) mi).doubleValue());
      } else {
        stats.put(id, r);
      }
    }
    Map<Analyzer, Metric> result = new HashMap<>();
    for (List<FrequencyBased> group : sets) {
      long id = groupingId(all, columnSet(schema, group));
      Row r = stats.get(id); // none: no group of the set had a non-null value
      Plans.Frequencies f =
          new Plans.Frequencies(
              r == null ? 0 : r.<Long>getAs("rows"),
              r == null ? 0 : r.<Long>getAs("groups"),
              r == null ? 0 : r.<Long>getAs("unique"),
              r == null ? 0 : r.<Double>getAs("clogc"),
              r == null ? 0 : r.<Long>getAs("duplicates"),
              needsMarginals(data, group)
                  ? mutualInformation.getOrDefault(id, Double.NaN)
                  : Double.NaN);
      for (FrequencyBased a : group) {
        result.put((Analyzer) a, a.metric(f));
      }
    }
    return result;
  }

  private static scala.collection.immutable.Seq<Column> columns(List<String> names) {
    return CollectionConverters.asScala(names.stream().map(Engine::column).toList()).toList();
  }

  /**
   * One group-by on the column set, then one aggregation over the frequencies for every analyzer.
   */
  private static Map<Analyzer, Metric> frequencies(Dataset<Row> data, List<FrequencyBased> group) {
    Map<Analyzer, Metric> result = new HashMap<>();
    try {
      boolean mutualInformation = needsMarginals(data, group);
      Row r = frequencyAggregation(data, group).first();
      Plans.Frequencies f =
          new Plans.Frequencies(
              r.isNullAt(0) ? 0 : r.getLong(0),
              r.getLong(1),
              r.isNullAt(2) ? 0 : r.getLong(2),
              r.isNullAt(3) ? 0 : r.getDouble(3),
              r.isNullAt(4) ? 0 : r.getLong(4),
              mutualInformation && !r.isNullAt(5) ? r.getDouble(5) : Double.NaN);
      for (FrequencyBased a : group) {
        result.put((Analyzer) a, a.metric(f));
      }
    } catch (Exception e) {
      group.forEach(
          a ->
              result.putIfAbsent(
                  (Analyzer) a, Metric.failed((Analyzer) a, LakeforgeException.firstLine(e))));
    }
    return result;
  }
}
