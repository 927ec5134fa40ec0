package dev.lakeforge.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose config asks for the GPU, on this machine (no GPU): it runs on the CPU with the same
 * results, says so once, and records it in the run report; {@code --require-gpu} makes it exit 2.
 */
@SparkTest
class GpuFallbackTest {
  private static final String SQL =
      "CREATE TABLE ${table} USING parquet AS"
          + " SELECT id % 3 AS k, sum(id) AS total, count(*) AS n FROM range(1000) GROUP BY 1;\n";

  @TempDir Path dir;

  @Test
  void jobAskingForTheGpuRunsOnTheCpuWithTheSameResults(SparkSession spark) throws IOException {
    Path config =
        config("totals_gpu", "gpu: {preset: gpu-local, nvidiaSmi: /nonexistent/nvidia-smi}");
    Path plain = config("totals_cpu", "");

    Launched gpu = Launched.run("sql", "--config", config.toString());
    Launched cpu = Launched.run("sql", "--config", plain.toString());

    assertThat(gpu.code()).as(gpu.all()).isZero();
    assertThat(cpu.code()).as(cpu.all()).isZero();
    assertThat(rows(spark, "totals_gpu")).isEqualTo(rows(spark, "totals_cpu"));
    String line =
        "the config asks for the GPU, but no GPU on this machine: cannot run"
            + " /nonexistent/nvidia-smi (No such file or directory): running on the CPU";
    assertThat(gpu.all().lines().filter(l -> l.contains(line))).hasSize(1);
    assertThat(cpu.all()).doesNotContain("asks for the GPU");

    RunReport report = report("totals_gpu");
    assertThat(report.accelerator()).isEqualTo("cpu");
    assertThat(report.gpuFallback())
        .isEqualTo(
            "no GPU on this machine: cannot run /nonexistent/nvidia-smi (No such file or directory)");
    assertThat(report.cost().gpuHours()).isZero();
    assertThat(report("totals_cpu").gpuFallback()).isNull();
  }

  @Test
  void requireGpuWithoutOneExitsTwoInOneLine() throws IOException {
    Path config = config("never", "gpu: {preset: gpu-local, nvidiaSmi: /nonexistent/nvidia-smi}");

    Launched run = Launched.run("sql", "--config", config.toString(), "--require-gpu");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.all().strip())
        .isEqualTo(
            "lakeforge sql: the GPU is required (--require-gpu or gpu.required), but no GPU on"
                + " this machine: cannot run /nonexistent/nvidia-smi (No such file or directory)");
    assertThat(Files.exists(dir.resolve("reports"))).isFalse();
  }

  /** The jobs jar deployed without the RAPIDS jar beside it: the same fallback, another reason. */
  @Test
  void withoutTheRapidsJarTheJobRunsOnTheCpu() throws IOException {
    config("totals", "gpu: {preset: gpu-local}");
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("rapids-4-spark"))
            .collect(Collectors.joining(File.pathSeparator));

    ChildJvm.Result run =
        ChildJvm.of("dev.lakeforge.core.job.Launcher", classpath, "sql", "--config", "job.yaml")
            .in(dir)
            .run(Duration.ofMinutes(5));
    ChildJvm.Result required =
        ChildJvm.of(
                "dev.lakeforge.core.job.Launcher",
                classpath,
                "sql",
                "--config",
                "job.yaml",
                "--require-gpu")
            .in(dir)
            .run(Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.stderr())
        .contains(
            "the config asks for the GPU, but the RAPIDS Accelerator jar"
                + " (com.nvidia:rapids-4-spark_2.13:26.08.1) is not on the classpath");
    assertThat(report("totals").accelerator()).isEqualTo("cpu");
    assertThat(required.exitCode()).as(required.output()).isEqualTo(2);
    assertThat(required.stderr()).doesNotContain("\tat ").contains("is not on the classpath");
  }

  private Path config(String table, String gpuSection) throws IOException {
    Files.writeString(dir.resolve("totals.sql"), SQL);
    Path config = dir.resolve(table.equals("totals") ? "job.yaml" : table + ".yaml");
    Files.writeString(
        config,
        """
        run: {reportDir: reports/%s}
        sql: {file: totals.sql, vars: {table: %s}, show: 0}
        %s
        """
            .formatted(table, table, gpuSection));
    return config;
  }

  private RunReport report(String table) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("reports").resolve(table))) {
      return RunReport.read(files.findFirst().orElseThrow());
    }
  }

  private static List<Row> rows(SparkSession spark, String table) {
    return spark.table(table).orderBy("k").collectAsList();
  }
}
