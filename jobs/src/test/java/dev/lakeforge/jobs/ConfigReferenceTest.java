package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's reference of every section and key is what the settings records say today. */
class ConfigReferenceTest {
  private static final Path DOC = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/configuration.md");

  @Test
  void theConfigurationReferenceIsGeneratedFromTheSettingsRecords() throws IOException {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(ConfigReference.BEGIN);
    int end = doc.indexOf(ConfigReference.END);
    assertThat(begin).as("docs/configuration.md has the generated block").isNotNegative();
    String generated = ConfigReference.markdown();
    String current = doc.substring(begin, end + ConfigReference.END.length());
    if (Boolean.getBoolean("lakeforge.regenerate")) {
      Files.writeString(DOC, doc.substring(0, begin) + generated + doc.substring(end + ConfigReference.END.length()));
      current = generated;
    }
    assertThat(current).as("regenerate with: mvn -pl jobs test -Dtest=ConfigReferenceTest -Dlakeforge.regenerate=true")
        .isEqualTo(generated);
    assertThat(generated).contains("### `catalogs.<name>:`").contains("### `s3:`").contains("### `stream-quality:`")
        .contains("| `kubernetes.image` |");
  }
}
