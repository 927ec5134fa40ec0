package dev.lakeforge.jobs;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The examples of the pages that start {@code bin/lakeforge dev-services} (Kafka, PostgreSQL,
 * Nessie and S3 on their fixed ports), run as {@link DocsIT} runs the others: one page at a time,
 * so two pages never start the services at once.
 */
class DocsWithDevServicesIT {
  @AfterAll
  static void stopDevServices() throws Exception {
    DocsIT.stopDevServices();
  }

  @TestFactory
  Stream<DynamicNode> everyDocExampleRuns() throws IOException {
    return DocsIT.examples(true);
  }
}
