package dev.lakeforge.core.rightsize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.core.Units;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RightsizerTest {
  @Test
  void sizesCpuJobForInputAndSla() {
    // 1 TiB in 128 MiB partitions = 8192 partitions; at 32 MiB/s a partition takes 4 s.
    // 1 h / 1.25 = 2880 s = 720 waves -> 12 cores -> 3 executors of 5 cores (16-core nodes: 15
    // usable -> 3 x 5).
    Recommendation r =
        Rightsizer.recommend(
            new RightsizeRequest(
                Units.bytes("1t"),
                Units.bytes("128m"),
                new NodeShape(16, Units.bytes("64g"), 0),
                Duration.ofHours(1),
                Units.bytes("32m"),
                1.0));
    assertThat(r.coresPerExecutor()).isEqualTo(5);
    assertThat(r.inputPartitions()).isEqualTo(8192);
    assertThat(r.executors()).isEqualTo(3);
    assertThat(r.nodes()).isEqualTo(1);
    // 64 GiB - 6.4 GiB reserve = 57.6 GiB / 3 = 19.2 GiB slot = 17.45 GiB heap + 1.75 GiB overhead
    assertThat(r.executorMemoryBytes() + r.memoryOverheadBytes())
        .isLessThanOrEqualTo((long) (Units.bytes("64g") * 0.9 / 3) + (1 << 20));
    assertThat(r.memoryOverheadBytes())
        .isGreaterThanOrEqualTo((long) (r.executorMemoryBytes() * 0.1));
    assertThat(r.shufflePartitions() % 15).isZero();
    assertThat(r.shufflePartitions()).isGreaterThanOrEqualTo(8192);
    assertThat(r.minExecutors()).isEqualTo(1);
    assertThat(r.maxExecutors()).isEqualTo(6);
    assertThat(r.estimatedSeconds()).isLessThanOrEqualTo(3600);
    assertThat(r.sparkConf())
        .containsEntry("spark.executor.instances", "3")
        .containsEntry("spark.executor.cores", "5")
        .containsEntry("spark.sql.files.maxPartitionBytes", "128m");
    assertThat(r.render())
        .contains("Reasoning:")
        .contains("8192 input partitions")
        .contains("--conf spark.executor.memory=");
  }

  @Test
  void tighterSlaNeedsMoreExecutors() {
    RightsizeRequest loose =
        new RightsizeRequest(
            Units.bytes("1t"),
            Units.bytes("128m"),
            new NodeShape(16, Units.bytes("64g"), 0),
            Duration.ofHours(1),
            Units.bytes("32m"),
            1.0);
    RightsizeRequest tight =
        new RightsizeRequest(
            Units.bytes("1t"),
            Units.bytes("128m"),
            new NodeShape(16, Units.bytes("64g"), 0),
            Duration.ofMinutes(5),
            Units.bytes("32m"),
            1.0);
    Recommendation l = Rightsizer.recommend(loose);
    Recommendation t = Rightsizer.recommend(tight);
    assertThat(t.executors()).isGreaterThan(l.executors());
    assertThat(t.estimatedSeconds()).isLessThanOrEqualTo(300);
  }

  @Test
  void gpuNodesGetOneExecutorPerGpu() {
    Recommendation r =
        Rightsizer.recommend(
            new RightsizeRequest(
                Units.bytes("500g"),
                Units.bytes("512m"),
                new NodeShape(32, Units.bytes("256g"), 4),
                Duration.ofMinutes(30),
                Units.bytes("256m"),
                0.5));
    assertThat(r.gpusPerExecutor()).isEqualTo(1);
    assertThat(r.coresPerExecutor()).isEqualTo(7);
    assertThat(r.sparkConf())
        .containsEntry("spark.executor.resource.gpu.amount", "1")
        .containsEntry("spark.task.resource.gpu.amount", "0.1429");
  }

  @Test
  void warnsWhenOnePartitionExceedsTheSla() {
    Recommendation r =
        Rightsizer.recommend(
            new RightsizeRequest(
                Units.bytes("10g"),
                Units.bytes("1g"),
                new NodeShape(8, Units.bytes("32g"), 0),
                Duration.ofSeconds(10),
                Units.bytes("1m"),
                1.0));
    assertThat(r.reasoning()).anyMatch(s -> s.startsWith("Warning: one partition"));
    assertThat(r.executors() * r.coresPerExecutor()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void rejectsImpossibleInputs() {
    assertThatThrownBy(() -> new NodeShape(0, Units.bytes("8g"), 0))
        .hasMessageContaining("node cores must be at least 1");
    assertThatThrownBy(() -> Units.bytes("lots"))
        .hasMessageContaining("expected a size such as 512m");
    assertThatThrownBy(() -> Units.duration("soon"))
        .hasMessageContaining("expected a duration such as 500ms, 90s");
    assertThat(Units.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Units.duration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(Units.bytes("1.5g")).isEqualTo(1536L << 20);
  }
}
