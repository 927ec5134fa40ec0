package dev.lakeforge.testing;

import java.nio.file.Path;

/**
 * The fresh warehouse of one test class: a folder and a database located in it, which is the
 * current database while the class runs.
 *
 * @param dir the folder; deleted after the class
 * @param database the database name, e.g. {@code t_sqljobtest_1}
 */
public record TestWarehouse(Path dir, String database) {
  /** A path inside the warehouse folder. */
  public Path resolve(String name) {
    return dir.resolve(name);
  }
}
