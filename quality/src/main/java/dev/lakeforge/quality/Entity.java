package dev.lakeforge.quality;

import java.util.List;

/**
 * What a metric describes; the JSON names are Deequ 2.1's ({@code Dataset}, {@code Column}, {@code
 * Multicolumn}).
 */
public enum Entity {
  DATASET("Dataset"),
  COLUMN("Column"),
  MULTICOLUMN("Multicolumn");

  private final String json;

  Entity(String json) {
    this.json = json;
  }

  /** The name in metric JSON, as Deequ writes it, so existing dashboards keep working. */
  public String json() {
    return json;
  }

  static Entity of(List<String> columns) {
    return columns.size() == 1 ? COLUMN : MULTICOLUMN;
  }
}
