package dev.lakeforge.jobs.devservices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Installed JDKs, found by their {@code release} file where Linux packages put them. */
final class Jdks {
  private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

  private Jdks() {}

  /** The folder of an installed JDK whose release is at least {@code feature}. */
  static Optional<Path> atLeast(int feature) {
    for (String root : List.of("/usr/lib/jvm", "/opt/java", "/usr/local/java")) {
      Path dir = Path.of(root);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> jdks = Files.list(dir)) {
        for (Path jdk : jdks.sorted().toList()) {
          Path release = jdk.resolve("release");
          if (Files.isRegularFile(release) && Files.isExecutable(jdk.resolve("bin/java"))) {
            Matcher m = VERSION.matcher(Files.readString(release));
            if (m.find() && Integer.parseInt(m.group(1)) >= feature) {
              return Optional.of(jdk);
            }
          }
        }
      } catch (IOException ignored) {
        // try the next folder
      }
    }
    return Optional.empty();
  }
}
