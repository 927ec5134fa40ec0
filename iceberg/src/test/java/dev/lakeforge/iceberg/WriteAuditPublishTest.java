package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.CheckStatus;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.Suite;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class WriteAuditPublishTest {
  static final String T = "lake.wap.orders";

  private static Check gate() {
    return Check.error("orders").isComplete("amount").isUnique("id");
  }

  @BeforeEach
  void table(SparkSession spark) {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql("CREATE TABLE " + T + " (id INT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO " + T + " VALUES (1, 10.0), (2, 20.0)");
  }

  private static Dataset<Row> rows(SparkSession spark, String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(id, amount)");
  }

  @Test
  void goodRowsArePublishedToMainAndTheBranchIsDropped(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    AtomicLong mainDuringAudit = new AtomicLong();
    WapResult r =
        t.writeAuditPublish(rows(spark, "(3, 30.0D), (4, 40.0D)"))
            .auditWith(gate())
            .beforePublish(() -> mainDuringAudit.set(spark.table(T).count()))
            .execute();
    assertThat(r.published()).isTrue();
    assertThat(r.audit().status()).isEqualTo(CheckStatus.SUCCESS);
    assertThat(mainDuringAudit.get()).as("main readers never see unvalidated rows").isEqualTo(2);
    assertThat(t.read().count()).isEqualTo(4);
    assertThat(t.current().snapshotId()).isEqualTo(r.snapshotId());
    assertThat(t.table().refs()).doesNotContainKey(r.branch());
  }

  @Test
  void theAuditSeesOnlyTheNewRows(SparkSession spark) {
    spark.sql("INSERT INTO " + T + " VALUES (5, NULL)"); // already on main: not part of this audit
    WapResult r =
        LakeTable.of(spark, T)
            .writeAuditPublish(rows(spark, "(6, 60.0D)"))
            .auditWith(Check.error("new rows").isComplete("amount").hasSize(n -> n == 1))
            .execute();
    assertThat(r.published()).isTrue();
  }

  @Test
  void failedAuditLeavesMainUntouchedAndKeepsTheBranch(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    long mainBefore = t.current().snapshotId();
    WapResult r =
        t.writeAuditPublish(rows(spark, "(3, NULL), (3, 30.0D)"))
            .auditWith(gate())
            .branch("audit_bad_load")
            .execute();
    assertThat(r.published()).isFalse();
    assertThat(r.branch()).isEqualTo("audit_bad_load");
    assertThat(r.audit().status()).isEqualTo(CheckStatus.ERROR);
    assertThat(r.message()).contains("main is untouched").contains("audit_bad_load");
    assertThat(t.current().snapshotId()).isEqualTo(mainBefore);
    assertThat(t.read().count()).isEqualTo(2);
    assertThat(t.atBranch("audit_bad_load").count()).isEqualTo(4);
  }

  @Test
  void aConcurrentCommitToMainIsDetectedAndTheWriteIsRedone(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    AtomicInteger calls = new AtomicInteger();
    WapResult r =
        t.writeAuditPublish(rows(spark, "(3, 30.0D)"))
            .auditWith(gate())
            .beforePublish(
                () -> {
                  if (calls.getAndIncrement() == 0) {
                    spark.sql("INSERT INTO " + T + " VALUES (100, 1.0)");
                  }
                })
            .execute();
    assertThat(r.published()).isTrue();
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(t.read().orderBy("id").collectAsList())
        .extracting(row -> row.getInt(0))
        .containsExactly(1, 2, 3, 100);
  }

  @Test
  void mainThatKeepsMovingEndsInAClearFailureWithoutPartialPublish(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    AtomicInteger n = new AtomicInteger(200);
    assertThatThrownBy(
            () ->
                t.writeAuditPublish(rows(spark, "(3, 30.0D)"))
                    .auditWith(gate())
                    .maxAttempts(2)
                    .beforePublish(
                        () ->
                            spark.sql(
                                "INSERT INTO " + T + " VALUES (" + n.getAndIncrement() + ", 1.0)"))
                    .execute())
        .isInstanceOf(LakeTableException.TableChanged.class)
        .hasMessageContaining("gave up after 2 attempt(s): main kept moving during the audit")
        .hasMessageContaining("main holds none of the new rows");
    assertThat(t.read().where("id = 3").count()).isZero();
    assertThat(t.read().count()).isEqualTo(4);
  }

  @Test
  void aSuiteRunsWholeAndItsAnomalyChecksJudgeAgainstThePublishedHistory(
      SparkSession spark, @TempDir Path dir) throws IOException {
    Suite suite =
        Suite.load(
            Files.writeString(
                dir.resolve("orders.yaml"),
                """
        checks:
          - description: orders
            constraints:
              - isComplete: amount
        analyzers:
          - mean: amount
        anomalies:
          - analyzer: size
            strategy: {relativeRateOfChange: {maxRateDecrease: 0.5, maxRateIncrease: 2.0}}
            level: error
        """));
    LakeTable t = LakeTable.of(spark, T);
    long before = t.current().snapshotId();
    assertThatThrownBy(
            () -> t.writeAuditPublish(rows(spark, "(3, 30.0D)")).auditWith(suite).execute())
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("has anomaly checks")
        .hasMessageContaining("metricsRepository(");
    Suite misfit =
        Suite.load(
            Files.writeString(
                dir.resolve("misfit.yaml"),
                """
        checks:
          - description: orders
            constraints:
              - isComplete: amout
        """));
    assertThatThrownBy(
            () -> t.writeAuditPublish(rows(spark, "(3, 30.0D)")).auditWith(misfit).execute())
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("misfit.yaml:4")
        .hasMessageContaining("column 'amout' does not exist");
    assertThat(t.current().snapshotId()).as("nothing was written").isEqualTo(before);

    MetricsRepository repository = MetricsRepository.files(dir.resolve("metrics").toString());
    MetricsQuery history = MetricsQuery.tagged("dataset", T);
    WapResult first =
        t.writeAuditPublish(rows(spark, "(3, 30.0D), (4, 40.0D)"))
            .auditWith(suite)
            .metricsRepository(repository)
            .execute();
    assertThat(first.published()).isTrue();
    assertThat(first.audit().metrics().metric(Analyzer.mean("amount")).value())
        .as("the suite's analyzer ran")
        .isEqualTo(35.0);
    assertThat(repository.load(history)).as("a published run becomes history").hasSize(1);

    // five times the rows of the last published run: the size anomaly (error level) keeps main
    // untouched
    WapResult jump =
        t.writeAuditPublish(
                rows(
                    spark,
                    "(5, 1.0D), (6, 1.0D), (7, 1.0D), (8, 1.0D), (9, 1.0D), "
                        + "(10, 1.0D), (11, 1.0D), (12, 1.0D), (13, 1.0D), (14, 1.0D)"))
            .auditWith(suite)
            .metricsRepository(repository)
            .execute();
    assertThat(jump.published()).isFalse();
    assertThat(jump.audit().checkResults())
        .anySatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.ERROR));
    assertThat(repository.load(history))
        .as("rows that are not published do not become history")
        .hasSize(1);
    assertThat(t.read().count()).isEqualTo(4);
  }
}
