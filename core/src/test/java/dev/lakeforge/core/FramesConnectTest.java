package dev.lakeforge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.ConnectServer;
import dev.lakeforge.testing.SparkTest;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

@SparkTest
class FramesConnectTest {
  private static List<String> diffRows(SparkSession s) {
    Dataset<Row> expected =
        s.sql(
            "SELECT * FROM VALUES (1, 'NEW', 10.0D), (2, 'PAID', 20.5D), (2, 'PAID', 20.5D),"
                + " (3, 'SHIPPED', NULL) AS t(id, status, amount)");
    Dataset<Row> actual =
        s.sql(
            "SELECT * FROM VALUES ('PAID', 20.5D, 2), ('SHIPPED', NULL, 3), ('CANCELLED', 1.0D, 4)"
                + " AS t(status, amount, id)");
    return Frames.diff(expected, actual).collectAsList().stream()
        .map(Row::toString)
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  @Test
  void diffGivesTheSameRowsOverSparkConnectAsOnClassic(SparkSession classic) throws Exception {
    List<String> onClassic = diffRows(classic);
    assertThat(onClassic)
        .containsExactly(
            "[1,NEW,10.0,missing]", "[2,PAID,20.5,missing]", "[4,CANCELLED,1.0,unexpected]");
    SparkSession remote = ConnectServer.client();
    try {
      assertThat(remote.getClass().getName())
          .isEqualTo("org.apache.spark.sql.connect.SparkSession");
      assertThat(diffRows(remote)).isEqualTo(onClassic);
    } finally {
      remote.close();
    }
  }

  @Test
  void sessionsConnectRejectsANonConnectUrl() {
    Assertions.assertThatThrownBy(() -> Sessions.connect("http://spark:15002"))
        .isInstanceOf(LakeforgeException.class)
        .hasMessageContaining("must start with sc://");
  }

  @Test
  void sessionsConnectReachesTheServer() throws Exception {
    SparkSession remote = Sessions.connect("sc://127.0.0.1:" + ConnectServer.port());
    try {
      assertThat(remote.range(5).count()).isEqualTo(5);
    } finally {
      remote.close();
    }
  }
}
