package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.CostSettings;
import dev.lakeforge.core.job.LoggingSettings;
import dev.lakeforge.core.job.MetricsSettings;
import dev.lakeforge.core.job.RunSettings;
import dev.lakeforge.core.job.SessionContributor;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.quality.Suite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shell command and config example of README.md and docs/ runs, as written, the way a reader
 * would run it: the blocks of one page in order, in a scratch folder holding {@code bin/}, {@code
 * examples/} and {@code jobs/} of this checkout, against the embedded default. A doc example that
 * fails is a failing test.
 *
 * <p>A comment before a block says how it runs: {@code <!-- ci: skip: reason -->} (a cluster, a GPU
 * or minutes of benchmark: its syntax is checked instead), {@code <!-- ci: exits N -->} (the last
 * command's exit code), {@code <!-- ci: file PATH -->} (a YAML or SQL block is that file of the
 * scratch folder, for the commands after it), {@code <!-- ci: fragment -->} (YAML that is part of a
 * bigger file: parsed only). Other YAML blocks are job configs or quality suites, and must load.
 */
class DocsIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
  private static final Pattern DIRECTIVE = Pattern.compile("<!--\\s*ci:\\s*(.*?)\\s*-->");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A fenced block and how to run it. */
  record Block(Path page, int line, String language, String text, String directive) {
    String name() {
      return ROOT.relativize(page) + ":" + line + " (" + language + ")";
    }
  }

  /**
   * The pages that start the dev services, on their fixed ports: {@link DocsWithDevServicesIT} runs
   * them, one after the other, beside this class's pages (in another JVM).
   */
  static final List<String> WITH_DEV_SERVICES =
      List.of("docs/operations/stream-lag.md", "docs/workflows.md");

  private static final List<Path> WORKSPACES = new ArrayList<>();

  /** A page whose example failed between dev-services up and down leaves nothing running. */
  @AfterAll
  static void stopDevServices() throws Exception {
    for (Path workspace : WORKSPACES) {
      if (Files.exists(workspace.resolve(".lakeforge/dev-services/pid"))) {
        bash(List.of("bash"), "bin/lakeforge dev-services down\n", workspace, 120);
      }
    }
  }

  @TestFactory
  Stream<DynamicNode> everyDocExampleRuns() throws IOException {
    return examples(false);
  }

  /**
   * The README and the pages of docs/ without dev services, or only those with them. {@code
   * -Ddocs.pages=docs/operations,docs/iceberg.md} runs those pages only (and the README).
   */
  static Stream<DynamicNode> examples(boolean devServices) throws IOException {
    List<String> only = List.of(System.getProperty("docs.pages", "").split(","));
    List<Path> pages = new ArrayList<>();
    if (!devServices) {
      pages.add(ROOT.resolve("README.md"));
    }
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> only.stream().anyMatch(ROOT.relativize(p).toString()::startsWith))
          .filter(p -> WITH_DEV_SERVICES.contains(ROOT.relativize(p).toString()) == devServices)
          .sorted()
          .forEach(pages::add);
    }
    return pages.stream()
        .map(
            page -> {
              List<Block> blocks = blocks(page);
              Path[] workspace = new Path[1];
              List<DynamicTest> tests =
                  blocks.stream()
                      .filter(b -> !b.language().isEmpty() && !b.language().equals("text"))
                      .map(
                          b ->
                              DynamicTest.dynamicTest(
                                  b.name(),
                                  () -> {
                                    if (workspace[0] == null) {
                                      workspace[0] = workspace();
                                    }
                                    run(b, workspace[0]);
                                  }))
                      .toList();
              return DynamicContainer.dynamicContainer(ROOT.relativize(page).toString(), tests);
            });
  }

  static List<Block> blocks(Path page) {
    List<String> lines = read(page).lines().toList();
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      Matcher d = start > 0 ? DIRECTIVE.matcher(lines.get(start - 1)) : null;
      blocks.add(
          new Block(
              page,
              start + 1,
              open.group(1),
              text.toString(),
              d != null && d.find() ? d.group(1) : ""));
    }
    return blocks;
  }

  /**
   * A scratch folder with this checkout's bin/, examples/ and jobs/, as a reader's clone has them.
   */
  private static Path workspace() throws IOException {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "docs-");
    WORKSPACES.add(dir);
    Files.createSymbolicLink(dir.resolve("bin"), ROOT.resolve("bin"));
    Files.createSymbolicLink(dir.resolve("jobs"), ROOT.resolve("jobs"));
    copy(ROOT.resolve("examples"), dir.resolve("examples"));
    return dir;
  }

  private static void run(Block b, Path workspace) throws Exception {
    String d = b.directive();
    switch (b.language()) {
      case "bash", "sh", "shell" -> {
        if (d.startsWith("skip:")) {
          assertThat(bash(List.of("bash", "-n"), b.text(), workspace, 30).exitCode)
              .as(b.name() + " is valid bash")
              .isZero();
          return;
        }
        int expected = d.startsWith("exits ") ? Integer.parseInt(d.substring(6).trim()) : 0;
        Result r = bash(List.of("bash", "-e", "-o", "pipefail"), b.text(), workspace, 300);
        assertThat(r.exitCode).as(b.name() + "\n" + b.text() + "\n" + r.output).isEqualTo(expected);
      }
      case "yaml", "yml" -> {
        if (d.startsWith("file ")) {
          Path file = workspace.resolve(d.substring(5).trim());
          Path original = ROOT.resolve(d.substring(5).trim());
          if (Files.exists(original)) {
            assertThat(b.text())
                .as(b.name() + " shows " + original + " as it is")
                .isEqualTo(Files.readString(original));
          }
          Files.createDirectories(file.getParent());
          Files.writeString(file, b.text());
          validateYaml(file);
        } else if (d.equals("fragment") || d.startsWith("skip:")) {
          YAML.readTree(b.text());
        } else {
          validateYaml(
              Files.writeString(Files.createTempFile(workspace, "block-", ".yaml"), b.text()));
        }
      }
      case "sql" -> {
        if (d.startsWith("file ")) {
          Path file = workspace.resolve(d.substring(5).trim());
          Files.createDirectories(file.getParent());
          Files.writeString(file, b.text());
        }
      }
      case "json" -> new ObjectMapper().readTree(b.text());
      default -> {
        // java and xml examples are checked by the tests of the library pages (LibraryDocsTest)
      }
    }
  }

  /** A YAML block is a quality suite, a Kubernetes object or a job config; each must load. */
  private static void validateYaml(Path file) throws IOException {
    JsonNode tree = YAML.readTree(file.toFile());
    if (tree == null || tree.has("apiVersion")) {
      return;
    }
    if (tree.has("checks") || tree.has("anomalies") || tree.has("analyzers")) {
      Suite.load(file);
      return;
    }
    Config config =
        Config.file(file).withoutReadingSecretFiles().env(name -> "value-of-" + name).load();
    Map<String, Class<? extends Record>> sections =
        new LinkedHashMap<>(
            Map.of(
                "spark",
                SparkSettings.class,
                "run",
                RunSettings.class,
                "cost",
                CostSettings.class,
                "metrics",
                MetricsSettings.class,
                "logging",
                LoggingSettings.class));
    Map<String, Boolean> named = new HashMap<>();
    ServiceLoader.load(SessionContributor.class)
        .forEach(
            c -> {
              sections.put(c.section(), c.settingsType());
              named.put(c.section(), c.namedEntries());
            });
    ServiceLoader.load(SparkJob.class).forEach(j -> sections.put(j.name(), j.settingsType()));
    config.requireOnlySections(sections.keySet());
    for (String section : config.sections()) {
      Class<? extends Record> type = sections.get(section);
      if (type == null) {
        continue;
      }
      if (named.getOrDefault(section, false)) {
        config
            .bind(section, JsonNode.class)
            .fieldNames()
            .forEachRemaining(n -> config.bind(section + "." + n, type));
      } else {
        config.bind(section, type);
      }
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result bash(List<String> command, String script, Path workspace, int seconds)
      throws Exception {
    Path file = Files.writeString(Files.createTempFile(workspace, "block-", ".sh"), script);
    List<String> cmd = new ArrayList<>(command);
    cmd.add(file.toString());
    Path log = Files.createTempFile(workspace, "block-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workspace.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    // the examples are tiny: a JIT that starts fast beats one that runs fast
    pb.environment().put("LAKEFORGE_JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new Result(-1, "still running after " + seconds + " s\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
