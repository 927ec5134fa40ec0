package dev.lakeforge.iceberg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spark settings for Iceberg catalogs, and Iceberg's SQL extensions (so the procedures work, also
 * over Spark Connect).
 *
 * <pre>{@code
 * Map<String, String> conf = Catalogs.sparkConf("lake", CatalogSettings.hadoop(Location.of("/data/lake")));
 * }</pre>
 */
public final class Catalogs {
  /** Iceberg's SQL extensions class. */
  public static final String EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  private Catalogs() {}

  /** The settings that declare catalog {@code name}. */
  public static Map<String, String> sparkConf(String name, CatalogSettings s) {
    String p = "spark.sql.catalog." + name;
    Map<String, String> c = new LinkedHashMap<>();
    c.put(p, "org.apache.iceberg.spark.SparkCatalog");
    switch (s.type()) {
      case "hadoop" -> c.put(p + ".type", "hadoop");
      case "jdbc" -> {
        c.put(p + ".type", "jdbc");
        c.put(p + ".uri", s.uri());
        if (s.user() != null) {
          c.put(p + ".jdbc.user", s.user());
        }
        if (s.password() != null) {
          c.put(p + ".jdbc.password", s.password().reveal());
        }
        c.put(p + ".jdbc.schema-version", "V1");
      }
      case "rest" -> {
        c.put(p + ".type", "rest");
        c.put(p + ".uri", s.uri());
        if (s.token() != null) {
          c.put(p + ".token", s.token().reveal());
        }
      }
      default -> {
        c.put(p + ".catalog-impl", "org.apache.iceberg.nessie.NessieCatalog");
        c.put(p + ".uri", s.uri());
        c.put(p + ".ref", s.ref() == null ? "main" : s.ref());
        if (s.token() != null) {
          c.put(p + ".authentication.type", "BEARER");
          c.put(p + ".authentication.token", s.token().reveal());
        }
      }
    }
    if (s.warehouse() != null) {
      c.put(p + ".warehouse", s.warehouse().uri());
    }
    c.put(p + ".cache-enabled", Boolean.toString(s.cacheEnabled() != null && s.cacheEnabled()));
    s.properties().forEach((k, v) -> c.put(p + "." + k, v));
    return c;
  }

  /** Adds Iceberg's extensions to an existing {@code spark.sql.extensions} list. */
  public static String withExtensions(String existing) {
    if (existing == null || existing.isBlank()) {
      return EXTENSIONS;
    }
    return existing.contains(EXTENSIONS) ? existing : existing + "," + EXTENSIONS;
  }
}
