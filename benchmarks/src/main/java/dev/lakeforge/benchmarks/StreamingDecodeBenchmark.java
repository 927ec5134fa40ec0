package dev.lakeforge.benchmarks;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.streaming.PipelineSpec;
import dev.lakeforge.streaming.StreamQuality;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The streaming hot path on one batch, without Kafka I/O: JSON decode of a 10-column record with
 * the dead-letter reasons, and the row-level validation of a 10-constraint suite, on cached
 * Kafka-shaped rows. {@code decodeOnly} is the same batch without validation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class StreamingDecodeBenchmark {
  @Param("1000000")
  public long records;

  static final StructType SCHEMA =
      StructType.fromDDL(
          "order_id BIGINT, customer INT, status STRING, amount DOUBLE,"
              + " quantity INT, email STRING, discount DOUBLE, sku STRING, tax DOUBLE, day INT");

  private SparkSession spark;
  private Dataset<Row> batch;
  private PipelineSpec pipeline;
  private Check suite;

  @Setup(Level.Trial)
  public void setUp() {
    spark = BenchData.session("lakeforge-streaming-bench");
    batch =
        spark
            .range(records)
            .selectExpr(
                "CAST(to_json(named_struct('order_id', id, 'customer', CAST(id % 1000 AS INT),"
                    + " 'status', element_at(array('NEW', 'PAID', 'SHIPPED', 'CANCELLED'), CAST(id % 4 + 1 AS INT)),"
                    + " 'amount', CASE WHEN id % 97 = 0 THEN NULL ELSE (id % 5000) / 10.0 END, 'quantity', CAST(id % 7 AS INT),"
                    + " 'email', concat('user', id % 10000, '@example.com'), 'discount', (id % 100) / 100.0,"
                    + " 'sku', concat('SKU-', id % 300), 'tax', CAST(id % 3 AS DOUBLE), 'day', CAST(id % 365 AS INT)))"
                    + " AS BINARY) AS value",
                "CAST(id AS STRING) AS key",
                "'orders' AS topic",
                "CAST(id % 2 AS INT) AS partition",
                "id AS offset",
                "current_timestamp() AS timestamp")
            .cache();
    batch.count();
    // decode needs no broker: the spec is built (validated) and never started
    pipeline =
        StreamQuality.fromKafka("unused:9092")
            .topics("orders")
            .json(SCHEMA, "order_id")
            .deadLetterTopic("dlq")
            .toKafkaTopic("unused")
            .checkpoint("unused")
            .build();
    suite =
        Check.error("orders")
            .isComplete("order_id")
            .isComplete("status")
            .hasCompleteness("amount", c -> c > 0.9)
            .isNonNegative("amount")
            .isNonNegative("quantity")
            .isContainedIn("status", "NEW", "PAID", "SHIPPED", "CANCELLED")
            .isContainedIn("discount", 0, 1, true, true)
            .containsEmail("email")
            .isComplete("sku")
            .isLessThanOrEqualTo("tax", "quantity");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    spark.stop();
  }

  private Dataset<Row> decoded() {
    Dataset<Row> d = pipeline.decode(batch).where(col("_reason").isNull());
    return d.select(
        Arrays.stream(SCHEMA.fieldNames()).map(f -> col("_v." + f).as(f)).toArray(Column[]::new));
  }

  @Benchmark
  public long decodeOnly() {
    return decoded().count();
  }

  @Benchmark
  public long decodeAndValidate() {
    return Verification.onData(decoded()).addCheck(suite).split().good().count();
  }
}
