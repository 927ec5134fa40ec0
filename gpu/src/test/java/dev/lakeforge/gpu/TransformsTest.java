package dev.lakeforge.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakeforge.testing.GpuPlanAssert;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each shipped transform on generated events: its results equal a reference computed here in plain
 * Java (or, for hashing, Spark's SQL function), and RAPIDS would run its plan fully on the GPU.
 */
@SparkTest
class TransformsTest {
  private static final int ROWS = 3000;
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

  /** The generated events, as written: rid (unique), event_id (duplicated), customer, ts, ... */
  private static List<Event> events;

  private static Dataset<Row> input;

  record Event(
      long rid,
      long eventId,
      String customer,
      Instant ts,
      Instant ingestedAt,
      Double amount,
      int qty,
      String category) {}

  @BeforeAll
  static void generate(SparkSession spark, TestWarehouse warehouse) {
    Random random = new Random(42);
    events = new ArrayList<>();
    String[] categories = {"books", "games", "music", "garden", "toys", "food & drink"};
    for (long rid = 0; rid < ROWS; rid++) {
      String customer = "c" + random.nextInt(40);
      // distinct per customer: rid breaks ties in seconds
      Instant ts = START.plusSeconds(random.nextInt(30 * 24 * 3600) * 10L + rid % 10);
      long eventId = rid < 2500 ? rid : random.nextInt(2500); // 500 duplicates
      events.add(
          new Event(
              rid,
              eventId,
              customer,
              ts,
              ts.plusSeconds(rid), // unique per event id
              random.nextInt(20) == 0
                  ? null
                  : Math.round(random.nextGaussian() * 5000) / 100.0 + 80,
              random.nextInt(12),
              categories[random.nextInt(categories.length)]));
    }
    StructType schema =
        new StructType()
            .add("rid", DataTypes.LongType, false)
            .add("event_id", DataTypes.LongType, false)
            .add("customer", DataTypes.StringType)
            .add("ts", DataTypes.TimestampType)
            .add("ingested_at", DataTypes.TimestampType)
            .add("amount", DataTypes.DoubleType)
            .add("qty", DataTypes.IntegerType)
            .add("category", DataTypes.StringType);
    List<Row> rows =
        events.stream()
            .map(
                e ->
                    RowFactory.create(
                        e.rid,
                        e.eventId,
                        e.customer,
                        Timestamp.from(e.ts),
                        Timestamp.from(e.ingestedAt),
                        e.amount,
                        e.qty,
                        e.category))
            .toList();
    // read back from Parquet: the GPU scans files, not local collections
    spark.createDataFrame(rows, schema).repartition(3).write().saveAsTable("events");
    input = spark.table("events");
  }

  @Test
  void standardizeEqualsMeanAndSampleDeviation() {
    Dataset<Row> out = Transforms.standardize("amount", "qty").apply(input);

    double[] amount = stats(events.stream().map(Event::amount).filter(a -> a != null).toList());
    double[] qty = stats(events.stream().map(e -> (double) e.qty).toList());
    Map<Long, Row> byRid = byRid(out);
    for (Event e : events) {
      Row r = byRid.get(e.rid);
      if (e.amount == null) {
        assertThat(r.isNullAt(r.fieldIndex("amount_std"))).isTrue();
      } else {
        assertThat(r.getDouble(r.fieldIndex("amount_std")))
            .isCloseTo((e.amount - amount[0]) / amount[1], within(1e-9));
      }
      assertThat(r.getDouble(r.fieldIndex("qty_std")))
          .isCloseTo((e.qty - qty[0]) / qty[1], within(1e-9));
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void normalizeMapsMinToZeroAndMaxToOne() {
    Dataset<Row> out = Transforms.normalize("qty").apply(input);

    int lo = events.stream().mapToInt(Event::qty).min().orElseThrow();
    int hi = events.stream().mapToInt(Event::qty).max().orElseThrow();
    byRid(out)
        .forEach(
            (rid, r) ->
                assertThat(r.getDouble(r.fieldIndex("qty_norm")))
                    .isCloseTo(
                        (events.get(rid.intValue()).qty - lo) / (double) (hi - lo), within(1e-12)));
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void bucketizeFollowsSparkMlBucketizer() {
    double[] splits = {0, 50, 80, 100, 120};
    Dataset<Row> out = Transforms.bucketize("amount", splits).apply(input);

    Map<Long, Row> byRid = byRid(out);
    for (Event e : events) {
      Row r = byRid.get(e.rid);
      Integer expected = null;
      if (e.amount != null) {
        for (int i = 0; i < splits.length - 1; i++) {
          boolean last = i == splits.length - 2;
          if (e.amount >= splits[i]
              && (e.amount < splits[i + 1] || last && e.amount == splits[i + 1])) {
            expected = i;
          }
        }
      }
      Object actual = r.get(r.fieldIndex("amount_bucket"));
      assertThat(actual).as("amount %s", e.amount).isEqualTo(expected);
    }
    assertThat(byRid.values().stream().filter(r -> r.isNullAt(r.fieldIndex("amount_bucket"))))
        .hasSizeGreaterThan(events.stream().filter(e -> e.amount == null).toList().size());
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void oneHotLearnsTheCategoriesAndMarksEach() {
    Dataset<Row> out = Transforms.oneHot("category").apply(input);

    assertThat(out.columns())
        .contains(
            "category_books",
            "category_food___drink",
            "category_games",
            "category_garden",
            "category_music",
            "category_toys");
    Map<Long, Row> byRid = byRid(out);
    for (Event e : events) {
      Row r = byRid.get(e.rid);
      assertThat(r.getInt(r.fieldIndex("category_books")))
          .isEqualTo(e.category.equals("books") ? 1 : 0);
      assertThat(r.getInt(r.fieldIndex("category_food___drink")))
          .isEqualTo(e.category.equals("food & drink") ? 1 : 0);
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void hashBucketsEqualSparksXxhash64(SparkSession spark) {
    Dataset<Row> out = Transforms.hashBuckets("customer", 16).apply(input);

    Map<Long, Integer> reference = new HashMap<>();
    spark
        .sql("SELECT rid, CAST(pmod(xxhash64(customer), 16) AS INT) AS h FROM events")
        .collectAsList()
        .forEach(r -> reference.put(r.getLong(0), r.getInt(1)));
    byRid(out)
        .forEach(
            (rid, r) -> {
              int h = r.getInt(r.fieldIndex("customer_hash"));
              assertThat(h).isBetween(0, 15).isEqualTo(reference.get(rid));
            });
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void datePartsAndCyclicHourEqualJavaTime() {
    Dataset<Row> out =
        Transforms.pipeline(
                Transforms.dateParts(
                    "ts",
                    "year",
                    "quarter",
                    "month",
                    "day",
                    "dayofweek",
                    "dayofyear",
                    "weekofyear",
                    "hour",
                    "minute",
                    "second"),
                Transforms.cyclic("ts_hour", 24))
            .apply(input);

    Map<Long, Row> byRid = byRid(out);
    for (Event e : events) {
      Row r = byRid.get(e.rid);
      ZonedDateTime t = e.ts.atZone(ZoneOffset.UTC);
      assertThat(r.getInt(r.fieldIndex("ts_year"))).isEqualTo(t.getYear());
      assertThat(r.getInt(r.fieldIndex("ts_quarter"))).isEqualTo(t.get(IsoFields.QUARTER_OF_YEAR));
      assertThat(r.getInt(r.fieldIndex("ts_month"))).isEqualTo(t.getMonthValue());
      assertThat(r.getInt(r.fieldIndex("ts_day"))).isEqualTo(t.getDayOfMonth());
      assertThat(r.getInt(r.fieldIndex("ts_dayofweek")))
          .isEqualTo(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 1 : t.getDayOfWeek().getValue() + 1);
      assertThat(r.getInt(r.fieldIndex("ts_dayofyear"))).isEqualTo(t.getDayOfYear());
      assertThat(r.getInt(r.fieldIndex("ts_weekofyear")))
          .isEqualTo(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      assertThat(r.getInt(r.fieldIndex("ts_hour"))).isEqualTo(t.getHour());
      assertThat(r.getInt(r.fieldIndex("ts_minute"))).isEqualTo(t.getMinute());
      assertThat(r.getInt(r.fieldIndex("ts_second")))
          .isEqualTo(t.get(ChronoField.SECOND_OF_MINUTE));
      double angle = 2 * Math.PI * t.getHour() / 24;
      assertThat(r.getDouble(r.fieldIndex("ts_hour_sin")))
          .isCloseTo(Math.sin(angle), within(1e-12));
      assertThat(r.getDouble(r.fieldIndex("ts_hour_cos")))
          .isCloseTo(Math.cos(angle), within(1e-12));
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  /** The ISO week is rewritten for the GPU: it must equal Spark's weekofyear on every day. */
  @Test
  void weekOfYearEqualsSparksOnEveryDayOfThirtyYears(SparkSession spark) {
    Dataset<Row> days =
        spark.sql("SELECT explode(sequence(DATE'1999-12-01', DATE'2031-01-31')) AS d");

    Dataset<Row> out = Transforms.dateParts("d", "weekofyear").apply(days);

    assertThat(out.count()).isGreaterThan(11_000);
    assertThat(out.where("d_weekofyear <> weekofyear(d) OR d_weekofyear IS NULL").count()).isZero();
  }

  @Test
  void rollingWindowAggregatesTheLastRowsOfEachKey() {
    Dataset<Row> out =
        Transforms.rolling("customer", "ts", "amount", 5, "sum", "avg", "min", "max", "count")
            .apply(input);

    Map<Long, Row> byRid = byRid(out);
    for (List<Event> history : perCustomerInTimeOrder().values()) {
      for (int i = 0; i < history.size(); i++) {
        List<Double> window =
            history.subList(Math.max(0, i - 4), i + 1).stream()
                .map(Event::amount)
                .filter(a -> a != null)
                .toList();
        Row r = byRid.get(history.get(i).rid);
        assertThat(r.getLong(r.fieldIndex("amount_count_5"))).isEqualTo(window.size());
        if (window.isEmpty()) {
          assertThat(r.isNullAt(r.fieldIndex("amount_sum_5"))).isTrue();
          continue;
        }
        double total = window.stream().mapToDouble(Double::doubleValue).sum();
        assertThat(r.getDouble(r.fieldIndex("amount_sum_5"))).isCloseTo(total, within(1e-9));
        assertThat(r.getDouble(r.fieldIndex("amount_avg_5")))
            .isCloseTo(total / window.size(), within(1e-9));
        assertThat(r.getDouble(r.fieldIndex("amount_min_5")))
            .isEqualTo(window.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        assertThat(r.getDouble(r.fieldIndex("amount_max_5")))
            .isEqualTo(window.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
      }
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void dedupKeepsTheLatestIngestedRowPerEvent() {
    Dataset<Row> out = Transforms.dedup(List.of("event_id"), "ingested_at DESC").apply(input);

    Map<Long, Long> latest = new HashMap<>();
    Map<Long, Instant> when = new HashMap<>();
    for (Event e : events) {
      if (!when.containsKey(e.eventId) || e.ingestedAt.isAfter(when.get(e.eventId))) {
        when.put(e.eventId, e.ingestedAt);
        latest.put(e.eventId, e.rid);
      }
    }
    assertThat(out.collectAsList().stream().map(r -> r.getLong(r.fieldIndex("rid"))))
        .containsExactlyInAnyOrderElementsOf(latest.values());
    assertThat(out.columns()).containsExactly(input.columns());
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void sessionizeStartsASessionAfterEachGap() {
    Duration gap = Duration.ofHours(12);
    Dataset<Row> out = Transforms.sessionize("customer", "ts", gap).apply(input);

    Map<Long, Row> byRid = byRid(out);
    for (List<Event> history : perCustomerInTimeOrder().values()) {
      long session = 0;
      Instant previous = null;
      for (Event e : history) {
        if (previous == null || Duration.between(previous, e.ts).compareTo(gap) > 0) {
          session++;
        }
        previous = e.ts;
        Row r = byRid.get(e.rid);
        assertThat(r.getLong(r.fieldIndex("session"))).isEqualTo(session);
      }
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void broadcastJoinAddsTheSmallTablesColumns(SparkSession spark) {
    Dataset<Row> segments =
        spark.sql(
            "SELECT concat('c', CAST(id AS STRING)) AS customer,"
                + " CASE WHEN id % 3 = 0 THEN 'gold' ELSE 'basic' END AS segment"
                + " FROM range(30)");
    segments.write().saveAsTable("segments");
    Dataset<Row> out =
        Transforms.broadcastJoin(spark.table("segments"), List.of("customer"), "left").apply(input);

    Map<Long, Row> byRid = byRid(out);
    for (Event e : events) {
      int n = Integer.parseInt(e.customer.substring(1));
      Row r = byRid.get(e.rid);
      Object segment = r.get(r.fieldIndex("segment"));
      assertThat(segment).isEqualTo(n >= 30 ? null : n % 3 == 0 ? "gold" : "basic");
    }
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
    assertThat(GpuPlan.explain(out).operators())
        .extracting(GpuPlanReport.Node::name)
        .contains("BroadcastHashJoinExec")
        .doesNotContain("SortMergeJoinExec");
  }

  @Test
  void customerEventFeaturesRunFullyOnTheGpuAndKeepEveryEvent() {
    Dataset<Row> out =
        Transforms.customerEventFeatures("customer", "ts", "amount", "category").apply(input);

    assertThat(out.columns())
        .containsSubsequence(
            "ts_hour",
            "ts_dayofweek",
            "ts_hour_sin",
            "ts_hour_cos",
            "ts_dayofweek_sin",
            "ts_dayofweek_cos",
            "amount_sum_7",
            "amount_avg_7",
            "amount_max_7",
            "amount_count_7",
            "session",
            "category_hash",
            "amount_std");
    assertThat(byRid(out)).hasSize(ROWS);
    GpuPlanAssert.assertThat(out).runsFullyOnGpu();
  }

  @Test
  void mistakesNameTheColumnAndWhatIsExpected() {
    assertThatThrownBy(() -> Transforms.standardize("amunt").apply(input))
        .isInstanceOf(GpuException.class)
        .hasMessageStartingWith("standardize amunt: no column 'amunt' in the input (columns: rid,");
    assertThatThrownBy(() -> Transforms.standardize("customer").apply(input))
        .hasMessage("standardize customer: column 'customer' is string, expected a number");
    assertThatThrownBy(() -> Transforms.bucketize("amount", 1, 1))
        .hasMessage("bucketize amount: splits must increase strictly: [1.0, 1.0]");
    assertThatThrownBy(() -> Transforms.dateParts("ts", "weekday"))
        .hasMessageContaining("unknown part 'weekday'; expected one of day, dayofweek,");
    assertThatThrownBy(() -> Transforms.dedup(List.of("event_id"), "ts sideways"))
        .hasMessage("dedup: expected 'column [ASC|DESC]', got 'ts sideways'");
  }

  private static Map<String, List<Event>> perCustomerInTimeOrder() {
    return events.stream()
        .collect(
            Collectors.groupingBy(
                Event::customer,
                TreeMap::new,
                Collectors.collectingAndThen(
                    Collectors.toList(),
                    l -> l.stream().sorted(Comparator.comparing(Event::ts)).toList())));
  }

  private static Map<Long, Row> byRid(Dataset<Row> out) {
    Map<Long, Row> byRid = new HashMap<>();
    for (Row r : out.collectAsList()) {
      byRid.put(r.getLong(r.fieldIndex("rid")), r);
    }
    assertThat(byRid).hasSize(ROWS);
    return byRid;
  }

  /** Mean and sample standard deviation. */
  private static double[] stats(List<Double> values) {
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return new double[] {mean, Math.sqrt(squares / (values.size() - 1))};
  }
}
