package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.SparkErrors;
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
  }
}
