package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's list of jobs is what {@code lakeforge list} prints, so a new job cannot hide. */
class ReadmeJobListTest {
  @Test
  void readmeListsEveryJobAsLakeforgeListPrintsIt() throws Exception {
    String readme =
        Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
    String marker = "$ bin/lakeforge list\n";
    int start = readme.indexOf(marker) + marker.length();
    String listed = readme.substring(start, readme.indexOf("```", start));
    Launched list = Launched.run("list");
    assertThat(list.code()).isZero();
    assertThat(listed).isEqualTo(list.out());
  }
}
