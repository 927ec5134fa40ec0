package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.ConnectServer;
import dev.lakeforge.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The engine uses only the shared DataFrame API, so a Spark Connect client gets the same results as
 * Classic.
 */
@SparkTest
class ConnectParityTest {
  private static final String DATA =
      """
      SELECT * FROM VALUES
        (1, 'NEW',  10.0D, 'ada@example.com'),
        (2, 'PAID', 20.0D, 'bob@example.org'),
        (2, 'PAID', NULL,  'nope'),
        (4, 'LOST', 40.0D, NULL)
      AS t(id, status, amount, email)""";

  private static Check check() {
    return Check.error("orders")
        .isComplete("amount")
        .isUnique("id")
        .isContainedIn("status", "NEW", "PAID")
        .containsEmail("email", e -> e >= 0.5)
        .hasMean("amount", m -> m > 20)
        .hasEntropy("status", e -> e > 0)
        .hasApproxQuantile("amount", 0.5, q -> q == 20)
        .hasHistogramValues("status", h -> h.absolute("PAID") == 2);
  }

  private static List<String> outcome(SparkSession spark) {
    Dataset<Row> df = spark.sql(DATA);
    Verification v =
        Verification.onData(df)
            .addCheck(check())
            .addAnalyzer(Analyzer.dataType("email"))
            .addAnalyzer(Analyzer.mutualInformation("id", "status"));
    VerificationResult r = v.run();
    List<String> out = new ArrayList<>();
    out.add(r.status().name());
    r.checkResults()
        .get(0)
        .constraints()
        .forEach(k -> out.add(k.constraint().name() + "=" + k.status() + ":" + k.metricValue()));
    r.metrics().successMetrics().forEach(m -> out.add(m.toString()));
    Split s = v.split();
    out.add("good=" + s.good().count() + " bad=" + s.bad().count());
    s.bad()
        .select("id", Verification.REASONS)
        .orderBy("id", "email")
        .collectAsList()
        .forEach(row -> out.add(row.toString()));
    return out;
  }

  @Test
  void verificationAndSplitAreIdenticalOverSparkConnect(SparkSession classic) throws Exception {
    List<String> onClassic = outcome(classic);
    try (SparkSession remote = ConnectServer.client()) {
      assertThat(remote.getClass().getName())
          .isEqualTo("org.apache.spark.sql.connect.SparkSession");
      assertThat(outcome(remote)).isEqualTo(onClassic);
    }
    assertThat(onClassic).contains("good=1 bad=3");
  }

  @Test
  void aPredicateThatRaisesOnSomeRowsIsMeasuredAlikeOverSparkConnect(SparkSession classic)
      throws Exception {
    // ANSI is on (Spark 4's default): 10 / (id - 2) raises on the two rows with id 2
    Analyzer positive = Analyzer.compliance("positive", "10 / (id - 2) > 0");
    Metric onClassic =
        Analysis.onData(classic.sql(DATA)).addAnalyzer(positive).run().metric(positive);
    assertThat(onClassic.erroredRows()).isEqualTo(2);
    assertThat(onClassic.value()).isEqualTo(0.25);
    try (SparkSession remote = ConnectServer.client()) {
      Metric onConnect =
          Analysis.onData(remote.sql(DATA)).addAnalyzer(positive).run().metric(positive);
      assertThat(onConnect).isEqualTo(onClassic);
      assertThat(remote.conf().get("spark.sql.ansi.enabled"))
          .as("the session's setting is back")
          .isEqualTo("true");
    }
  }
}
