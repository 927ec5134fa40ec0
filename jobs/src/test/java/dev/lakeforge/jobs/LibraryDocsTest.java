package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java examples of the docs marked {@code <!-- ci: compile -->} compile against the current
 * API, so a getting-started page cannot fall behind the code.
 */
class LibraryDocsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern CLASS = Pattern.compile("public (?:final )?class (\\w+)");

  @TestFactory
  Stream<DynamicTest> theMarkedJavaExamplesCompile() throws IOException {
    List<DocsIT.Block> blocks = new ArrayList<>();
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md"))
          .sorted()
          .forEach(
              p ->
                  DocsIT.blocks(p).stream()
                      .filter(b -> b.language().equals("java") && b.directive().equals("compile"))
                      .forEach(blocks::add));
    }
    assertThat(blocks).as("the library's getting-started example").isNotEmpty();
    return blocks.stream().map(b -> DynamicTest.dynamicTest(b.name(), () -> compile(b)));
  }

  private static void compile(DocsIT.Block b) throws IOException {
    Matcher m = CLASS.matcher(b.text());
    assertThat(m.find()).as(b.name() + " declares a public class").isTrue();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path out =
        Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "docs-java-");
    JavaFileObject source =
        new SimpleJavaFileObject(
            Path.of(m.group(1) + ".java").toUri(), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return b.text();
          }
        };
    StringWriter errors = new StringWriter();
    boolean ok =
        javac
            .getTask(
                errors,
                null,
                null,
                List.of(
                    "-d",
                    out.toString(),
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "-proc:none"),
                null,
                List.of(source))
            .call();
    assertThat(ok).as(b.name() + "\n" + errors).isTrue();
  }
}
