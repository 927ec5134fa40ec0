package dev.lakeforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block of a doc page generated from code (between two marker lines) must be what the code
 * generates today; with {@code -Dlakeforge.regenerate=true} the test writes it first.
 *
 * <pre>{@code
 * GeneratedDocs.assertCurrent(doc, BEGIN, END, Reference.markdown(), "mvn -pl jobs test -Dtest=X -Dlakeforge.regenerate=true");
 * }</pre>
 */
public final class GeneratedDocs {
  private GeneratedDocs() {}

  /** The repository's docs page of this name, from a module's working directory. */
  public static Path page(String name) {
    return Path.of(System.getProperty("user.dir")).getParent().resolve("docs").resolve(name);
  }

  public static void assertCurrent(
      Path doc, String begin, String end, String generated, String regenerate) throws IOException {
    String text = Files.readString(doc);
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertThat(from).as(doc.getFileName() + " has the generated block").isNotNegative();
    String current = text.substring(from, to + end.length());
    if (Boolean.getBoolean("lakeforge.regenerate")) {
      Files.writeString(
          doc, text.substring(0, from) + generated + text.substring(to + end.length()));
      current = generated;
    }
    assertThat(current).as("regenerate with: " + regenerate).isEqualTo(generated);
  }
}
