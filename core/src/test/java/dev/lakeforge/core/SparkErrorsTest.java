package dev.lakeforge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkErrorsTest {
  @Test
  void aRefusedConnectionAnywhereInTheCausesIsAnUnavailableServiceNamedInTheLine() {
    RuntimeException e =
        new IllegalStateException(
            "Failed to get table shop.orders from catalog lake",
            new UncheckedIOException(
                "Unable to execute HTTP request",
                new ConnectException("Connection to 127.0.0.1:5432 refused")));

    assertThat(SparkErrors.kind(e)).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(ErrorKind.UNAVAILABLE.exitCode()).isEqualTo(1);
    assertThat(SparkErrors.describe(e))
        .isEqualTo(
            "Failed to get table shop.orders from catalog lake: service unavailable:"
                + " Connection to 127.0.0.1:5432 refused");
  }

  @Test
  void aDatabaseShuttingDownOrDroppingTheConnectionIsUnavailableButAConstraintIsNot() {
    SQLException shutdown =
        new SQLException("FATAL: terminating connection due to administrator command", "57P01");
    SQLException broken = new SQLException("An I/O error occurred while sending", "08006");
    SQLException duplicate = new SQLException("duplicate key value", "23505");

    assertThat(SparkErrors.kind(new RuntimeException("commit failed", shutdown)))
        .isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(SparkErrors.describe(new RuntimeException("commit failed", shutdown)))
        .isEqualTo(
            "commit failed: service unavailable: terminating connection due to administrator"
                + " command");
    assertThat(SparkErrors.kind(broken)).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(SparkErrors.kind(new RuntimeException("insert failed", duplicate)))
        .isEqualTo(ErrorKind.INTERNAL);
    assertThat(
            SparkErrors.kind(
                new SQLException("No suitable driver found for jdbc:postgres://db/x", "08001")))
        .as("a misspelt URL or a missing driver jar is no outage")
        .isNotEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(SparkErrors.kind(new SQLException("password authentication failed", "08004")))
        .isNotEqualTo(ErrorKind.UNAVAILABLE);
  }

  @Test
  void aDataFileWithoutItsParquetFooterIsExitTwoNamingItEvenWithSpacesInItsPath() {
    String path = "file:/data/lake/shop orders/data/00000-5-a.parquet";
    RuntimeException task =
        new RuntimeException(
            path + " is not a Parquet file. Expected magic number at tail, but found [0, 0, 0, 0]");
    RuntimeException job =
        new IllegalStateException(
            "Job aborted due to stage failure: Task 1 in stage 4.0 failed 4 times, most recent"
                + " failure: Lost task 1.3 (executor 1): java.lang.RuntimeException: "
                + task.getMessage());

    for (RuntimeException e : List.of(task, job, new IllegalStateException("failed", task))) {
      assertThat(SparkErrors.kind(e)).isEqualTo(ErrorKind.VALIDATION);
      assertThat(SparkErrors.describe(e))
          .isEqualTo(
              "data file "
                  + path
                  + " cannot be read (truncated or corrupt): not a Parquet file. Expected magic"
                  + " number at tail, but found [0, 0, 0, 0]");
    }
    assertThat(
            SparkErrors.describe(
                new RuntimeException(
                    "Can not read value at 0 in block -1 in file s3a://lake/shop orders/x.parquet")))
        .isEqualTo(
            "data file s3a://lake/shop orders/x.parquet cannot be read (truncated or corrupt): Can"
                + " not read value at 0 in block -1");
  }

  @Test
  void aDataFileParquetCannotNameSaysWhereItsNameIs() {
    RuntimeException e =
        new RuntimeException(
            "org.apache.iceberg.parquet.ParquetIO$ParquetInputFile@6d3a1f is not a Parquet file."
                + " Expected magic number at tail, but found [0, 0, 0, 0]");

    assertThat(SparkErrors.kind(e)).isEqualTo(ErrorKind.VALIDATION);
    assertThat(SparkErrors.describe(e))
        .startsWith("a data file cannot be read (truncated or corrupt): not a Parquet file.")
        .endsWith("the executors' log names it (Iceberg's 'Error reading file(s)')");
  }
}
