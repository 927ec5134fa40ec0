package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.GeneratedDocs;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's reference of every section and key is what the settings records say
 * today.
 */
class ConfigReferenceTest {
  @Test
  void theConfigurationReferenceIsGeneratedFromTheSettingsRecords() throws IOException {
    String generated = ConfigReference.markdown();
    GeneratedDocs.assertCurrent(
        GeneratedDocs.page("configuration.md"),
        ConfigReference.BEGIN,
        ConfigReference.END,
        generated,
        "mvn -pl jobs test -Dtest=ConfigReferenceTest -Dlakeforge.regenerate=true");
    assertThat(generated)
        .contains("### `catalogs.<name>:`")
        .contains("### `s3:`")
        .contains("### `stream-quality:`")
        .contains("| `kubernetes.image` |");
  }
}
