package dev.lakeforge.testing;

import java.nio.file.Path;
import java.util.Map;

/** Adds settings to the shared test session before it starts (found with ServiceLoader). */
public interface SparkTestConfigurer {
  /**
   * @param conf settings so far; add or replace entries
   * @param root a folder for this JVM's test files
   */
  void configure(Map<String, String> conf, Path root);
}
