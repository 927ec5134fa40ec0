package dev.lakeforge.jobs.etl;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * What one run reads of a source: the rows after its state (watermark, or Kafka offsets) up to the
 * newest, and how many the source itself says there are, for the completeness check.
 *
 * @param rows the source's columns, plus {@value #RECORD} (the record as text) and for Kafka
 *     {@value #PARTITION} and {@value #OFFSET}; unreadable records have only {@value #RECORD} and
 *     {@value #UNREADABLE} true
 * @param window the rows of the raw table this run replaces (its window), for an idempotent write
 * @param state the state after this run (null when there was nothing new)
 * @param sourceRows the rows the source holds in the window, counted at the source
 */
record Extract(Dataset<Row> rows, Column window, String state, long sourceRows) {
  static final String RECORD = "_record";
  static final String UNREADABLE = "_unreadable";
  static final String PARTITION = "_kafka_partition";
  static final String OFFSET = "_kafka_offset";

  static Extract of(SparkSession spark, EtlSettings.Source s, String state) {
    return switch (s.kind()) {
      case "jdbc" -> jdbc(spark, s, state);
      case "csv" -> csv(spark, s, state);
      default -> kafka(spark, s, state);
    };
  }

  private static DataFrameReader jdbcReader(SparkSession spark, EtlSettings.Jdbc j) {
    DataFrameReader r =
        spark
            .read()
            .format("jdbc")
            .option("url", j.url())
            .option("driver", driverClass(j.url()))
            .option("fetchsize", "10000");
    if (j.user() != null) {
      r = r.option("user", j.user());
    }
    if (j.password() != null) {
      r = r.option("password", j.password().reveal());
    }
    return r;
  }

  private static Row jdbcQuery(SparkSession spark, EtlSettings.Jdbc j, String sql) {
    return jdbcReader(spark, j).option("query", sql).load().first();
  }

  /**
   * The class of the JDBC driver that takes {@code url}, looked up from the job's class loader.
   * Without it Spark asks {@link DriverManager} from its own loader, which does not see a driver
   * given with spark-submit's {@code --jars} ("No suitable driver").
   */
  static String driverClass(String url) {
    Iterator<Driver> drivers =
        ServiceLoader.load(Driver.class, Thread.currentThread().getContextClassLoader()).iterator();
    while (true) {
      try {
        if (!drivers.hasNext()) {
          break;
        }
        Driver d = drivers.next();
        if (d.acceptsURL(url)) {
          return d.getClass().getName();
        }
      } catch (SQLException | ServiceConfigurationError e) {
        // a driver that cannot load or judge the URL does not take it
      }
    }
    try {
      return DriverManager.getDriver(url).getClass().getName();
    } catch (SQLException e) {
      throw new LakeforgeException(
          ErrorKind.USAGE,
          "no JDBC driver on the classpath takes "
              + url
              + ": add the driver's jar (spark-submit --jars, or LAKEFORGE_CLASSPATH for"
              + " bin/lakeforge)");
    }
  }

  /** The columns of a JDBC source, read without rows. */
  static StructType jdbcSchema(SparkSession spark, EtlSettings.Jdbc j) {
    return jdbcReader(spark, j)
        .option("query", "SELECT * FROM " + j.table() + " WHERE 1 = 0")
        .load()
        .schema();
  }

  private static Extract jdbc(SparkSession spark, EtlSettings.Source s, String state) {
    EtlSettings.Jdbc j = s.jdbc();
    StructType schema = jdbcSchema(spark, j);
    DataType type = schema.apply(s.watermark()).dataType();
    String after = state == null ? "1 = 1" : s.watermark() + " > " + literal(type, state);
    Row high =
        jdbcQuery(
            spark,
            j,
            "SELECT max(" + s.watermark() + ") AS m FROM " + j.table() + " WHERE " + after);
    if (high.isNullAt(0)) {
      return new Extract(
          spark
              .createDataFrame(List.of(), schema)
              .withColumn(RECORD, lit(null).cast("string"))
              .withColumn(UNREADABLE, lit(false)),
          lit(false),
          null,
          0);
    }
    String newState = String.valueOf(high.get(0));
    String window = after + " AND " + s.watermark() + " <= " + literal(type, newState);
    long count =
        ((Number)
                jdbcQuery(spark, j, "SELECT count(*) AS n FROM " + j.table() + " WHERE " + window)
                    .get(0))
            .longValue();
    DataFrameReader reader =
        jdbcReader(spark, j)
            .option("dbtable", "(SELECT * FROM " + j.table() + " WHERE " + window + ") lf_window");
    String split = s.key().get(0);
    if (s.partitions() > 1 && schema.apply(split).dataType() instanceof NumericType) {
      Row bounds =
          jdbcQuery(
              spark,
              j,
              "SELECT min("
                  + split
                  + ") AS lo, max("
                  + split
                  + ") AS hi FROM "
                  + j.table()
                  + " WHERE "
                  + window);
      reader =
          reader
              .option("partitionColumn", split)
              .option("lowerBound", String.valueOf(((Number) bounds.get(0)).longValue()))
              .option("upperBound", String.valueOf(((Number) bounds.get(1)).longValue() + 1))
              .option("numPartitions", String.valueOf(s.partitions()));
    }
    Dataset<Row> rows = asStrings(spark, reader::load);
    return new Extract(
        withRecord(rows), inWindow(s.watermark(), type, state, newState), newState, count);
  }

  private static Extract csv(SparkSession spark, EtlSettings.Source s, String state) {
    StructType schema = StructType.fromDDL(s.schema()).add(RECORD, DataTypes.StringType);
    Dataset<Row> all =
        spark
            .read()
            .schema(schema)
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", RECORD)
            .csv(s.csv().path().uri())
            // parsed once, every column: a bad value makes a line unreadable whatever a later
            // query needs (Spark parses only the columns a query reads)
            .localCheckpoint(true);
    DataType type = schema.apply(s.watermark()).dataType();
    Column readable = col(RECORD).isNull();
    Column after = state == null ? lit(true) : col(s.watermark()).gt(lit(state).cast(type));
    Column fresh = readable.and(after);
    // one pass: the newest watermark, and the rows this run takes (every readable row after the
    // state is at most the newest, so the window is exactly those, plus the unreadable lines)
    Row high =
        all.agg(
                max(when(fresh, col(s.watermark()))),
                count_if(fresh),
                count_if(readable.unary_$bang()))
            .first();
    String newState = high.isNullAt(0) ? null : String.valueOf(high.get(0));
    long count = high.getLong(1) + high.getLong(2);
    Column window = newState == null ? lit(false) : inWindow(s.watermark(), type, state, newState);
    // unreadable lines are read again on every run: quarantine takes each once
    Dataset<Row> rows = all.where(readable.and(window).or(readable.unary_$bang()));
    Dataset<Row> typed = rows.withColumn(UNREADABLE, col(RECORD).isNotNull());
    String[] fields = StructType.fromDDL(s.schema()).fieldNames();
    Column[] plain = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      plain[i] = col(fields[i]);
    }
    typed =
        typed.withColumn(
            RECORD, when(col(UNREADABLE), col(RECORD)).otherwise(to_json(struct(plain))));
    return new Extract(typed, window, newState, count);
  }

  private static Extract kafka(SparkSession spark, EtlSettings.Source s, String state) {
    EtlSettings.Kafka k = s.kafka();
    Map<Integer, Long> stored = offsets(state);
    Map<Integer, Long> start = new TreeMap<>();
    Map<Integer, Long> end = new TreeMap<>();
    // the window is fixed before reading: from the stored offsets (or the earliest) to the latest
    // now
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(k)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(k.topic(), Duration.ofSeconds(60)).stream()
              .map(i -> new TopicPartition(k.topic(), i.partition()))
              .toList();
      Map<TopicPartition, Long> earliest =
          consumer.beginningOffsets(partitions, Duration.ofSeconds(60));
      Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, Duration.ofSeconds(60));
      for (TopicPartition tp : partitions) {
        start.put(
            tp.partition(), Math.max(stored.getOrDefault(tp.partition(), 0L), earliest.get(tp)));
        end.put(tp.partition(), latest.get(tp));
      }
    }
    long count = 0;
    Column window = lit(false);
    for (Map.Entry<Integer, Long> e : start.entrySet()) {
      long to = end.get(e.getKey());
      count += Math.max(0, to - e.getValue());
      window =
          window.or(
              col(PARTITION)
                  .equalTo(e.getKey())
                  .and(col(OFFSET).geq(e.getValue()))
                  .and(col(OFFSET).lt(to)));
    }
    StructType schema = StructType.fromDDL(s.schema());
    if (count == 0) {
      return new Extract(
          spark.createDataFrame(
              List.of(),
              schema.add(RECORD, DataTypes.StringType).add(UNREADABLE, DataTypes.BooleanType)),
          lit(false),
          null,
          0);
    }
    Dataset<Row> records =
        spark
            .read()
            .format("kafka")
            .option("kafka.bootstrap.servers", k.bootstrapServers())
            .option("subscribe", k.topic())
            .option("startingOffsets", json(k.topic(), start))
            .option("endingOffsets", json(k.topic(), end))
            .options(k.options())
            .load()
            .select(
                col("partition").as(PARTITION),
                col("offset").as(OFFSET),
                col("value").cast("string").as(RECORD));
    List<Column> out = new ArrayList<>();
    List<Column> present = new ArrayList<>();
    for (String f : schema.fieldNames()) {
      out.add(col("v." + f).as(f));
      present.add(col("v." + f).cast("string"));
    }
    // not JSON, or JSON with none of the columns
    Column unreadable = col("v").isNull().or(coalesce(present.toArray(Column[]::new)).isNull());
    out.add(col(PARTITION));
    out.add(col(OFFSET));
    out.add(col(RECORD));
    out.add(unreadable.as(UNREADABLE));
    Dataset<Row> rows =
        records
            .select(
                col(PARTITION), col(OFFSET), col(RECORD), from_json(col(RECORD), schema).as("v"))
            .select(out.toArray(Column[]::new));
    return new Extract(rows, window, json(k.topic(), end), count);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(EtlSettings.Kafka k) {
    Map<String, Object> conf = new LinkedHashMap<>();
    k.options()
        .forEach(
            (key, v) -> {
              if (key.startsWith("kafka.")) {
                conf.put(key.substring("kafka.".length()), v);
              }
            });
    conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
    return new KafkaConsumer<>(conf, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Offsets as the Kafka source reads them: {"topic":{"0":12,"1":40}}. */
  private static String json(String topic, Map<Integer, Long> offsets) {
    StringBuilder json = new StringBuilder("{\"" + topic + "\":{");
    offsets.forEach((p, o) -> json.append('"').append(p).append("\":").append(o).append(','));
    json.setLength(json.length() - 1);
    return json.append("}}").toString();
  }

  private static Map<Integer, Long> offsets(String state) {
    Map<Integer, Long> out = new TreeMap<>();
    if (state == null) {
      return out;
    }
    String inner = state.substring(state.indexOf(":{") + 2, state.lastIndexOf("}}"));
    for (String part : inner.split(",")) {
      String[] kv = part.split(":");
      out.put(Integer.parseInt(kv[0].replace("\"", "").trim()), Long.parseLong(kv[1].trim()));
    }
    return out;
  }

  /**
   * Loads with CHAR and VARCHAR columns read as plain strings, as the lake keeps them (Iceberg has
   * no varchar). Spark 4.0.0 otherwise keeps the length in the column's metadata, and a write of
   * such rows into Iceberg fails in the optimizer (SimplifyCasts: "the plan was previously resolved
   * and now became unresolved"); found with MariaDB's VARCHAR columns.
   */
  private static Dataset<Row> asStrings(SparkSession spark, Supplier<Dataset<Row>> load) {
    String key = "spark.sql.legacy.charVarcharAsString";
    String before = spark.conf().get(key, null);
    spark.conf().set(key, "true");
    try {
      return load.get();
    } finally {
      if (before == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, before);
      }
    }
  }

  private static Dataset<Row> withRecord(Dataset<Row> rows) {
    Column[] all = new Column[rows.columns().length];
    for (int i = 0; i < all.length; i++) {
      all[i] = col(rows.columns()[i]);
    }
    return rows.withColumn(RECORD, to_json(struct(all))).withColumn(UNREADABLE, lit(false));
  }

  private static Column inWindow(String watermark, DataType type, String from, String to) {
    Column upTo = col(watermark).leq(lit(to).cast(type));
    return from == null ? upTo : col(watermark).gt(lit(from).cast(type)).and(upTo);
  }

  /** A watermark value as a SQL literal the source's database reads. */
  static String literal(DataType type, String value) {
    if (type instanceof NumericType) {
      return value;
    }
    if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
      return "TIMESTAMP '" + value.replace("T", " ") + "'";
    }
    if (type.equals(DataTypes.DateType)) {
      return "DATE '" + value + "'";
    }
    throw new LakeforgeException(
        ErrorKind.USAGE,
        "a watermark column must be a number, date or timestamp, not " + type.simpleString());
  }
}
