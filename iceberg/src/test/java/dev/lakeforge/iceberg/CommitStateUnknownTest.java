package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.SparkErrors;
import java.io.FileNotFoundException;
import java.sql.SQLException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.junit.jupiter.api.Test;

class CommitStateUnknownTest {
  @Test
  void aCommitWhoseOutcomeIsUnknownIsNoOutageToRetryEvenWhenTheConnectionWasLost() {
    SQLException lost = new SQLException("An I/O error occurred while sending", "08006");
    RuntimeException e =
        new IllegalStateException("statement 4 failed", new CommitStateUnknownException(lost));

    assertThat(SparkErrors.kind(new IllegalStateException("statement 4 failed", lost)))
        .isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(SparkErrors.kind(e))
        .as("the table may hold the commit: running again could land it twice")
        .isEqualTo(ErrorKind.INTERNAL);
    assertThat(ErrorKind.INTERNAL.needsTrace()).isTrue();
    assertThat(SparkErrors.describe(e))
        .as("the report's summary, which diagnose reads, says so")
        .contains("CommitStateUnknownException")
        .contains("look at the table's snapshots before running again")
        .doesNotContain("service unavailable");
    assertThat(
            SparkErrors.kind(
                new CommitStateUnknownException(new FileNotFoundException("metadata/v3.json"))))
        .as("not a missing file to fix either")
        .isEqualTo(ErrorKind.INTERNAL);
  }
}
