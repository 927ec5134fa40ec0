package dev.lakeforge.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.S3Settings;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.SessionContributor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Reads {@code catalogs:} from a job config and declares each catalog, with Iceberg's SQL
 * extensions. The embedded default (a local session) also gets the catalog {@value
 * #DEFAULT_CATALOG}: a hadoop catalog in {@code lake/} under the SQL warehouse ({@code
 * .lakeforge/warehouse/lake} unless {@code spark.warehouse} says otherwise), unless the config or
 * the running session declares one.
 */
public final class CatalogsContributor implements SessionContributor {
  /** The catalog every local run has. */
  public static final String DEFAULT_CATALOG = "lake";

  @Override
  public String section() {
    return "catalogs";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return CatalogSettings.class;
  }

  @Override
  public boolean namedEntries() {
    return true;
  }

  @Override
  public Map<String, String> sparkConf(Config config) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (config.has("catalogs")) {
      JsonNode catalogs = config.bind("catalogs", JsonNode.class);
      if (!catalogs.isObject()) {
        throw config.errorAt("catalogs", "expected a mapping of catalog names to settings");
      }
      Iterator<String> names = catalogs.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw config.errorAt(
              "catalogs." + name,
              "a catalog name must be letters, digits and _, got '" + name + "'");
        }
        conf.putAll(
            Catalogs.sparkConf(
                name,
                onObjectStore(config, config.bind("catalogs." + name, CatalogSettings.class))));
      }
    }
    defaultCatalog(config)
        .ifPresent(
            w -> conf.putAll(Catalogs.sparkConf(DEFAULT_CATALOG, CatalogSettings.hadoop(w))));
    if (!conf.isEmpty()) {
      conf.put("spark.sql.extensions", Catalogs.EXTENSIONS);
    }
    return conf;
  }

  /**
   * A catalog whose warehouse is on S3 (and a REST catalog) uses Iceberg's S3FileIO with the {@code
   * s3:} section's endpoint and keys, unless its own properties choose a file IO.
   */
  private static CatalogSettings onObjectStore(Config config, CatalogSettings c) {
    boolean s3 = c.warehouse() != null ? S3Settings.isS3(c.warehouse()) : c.type().equals("rest");
    if (!s3 || !config.has("s3") || c.properties().containsKey("io-impl")) {
      return c;
    }
    Map<String, String> properties =
        new LinkedHashMap<>(config.bind("s3", S3Settings.class).icebergProperties());
    properties.putAll(c.properties());
    return c.withProperties(properties);
  }

  /** The warehouse of the default catalog, when this run gets one. */
  private static Optional<Location> defaultCatalog(Config config) {
    String key = "spark.sql.catalog." + DEFAULT_CATALOG;
    SparkSettings spark = config.bind("spark", SparkSettings.class);
    if (!spark.isLocal()
        || config.has("catalogs") && config.bind("catalogs", JsonNode.class).has(DEFAULT_CATALOG)
        || spark.conf().containsKey(key)
        || runningSessionDeclares(key)) {
      return Optional.empty();
    }
    String dir = spark.conf().get("spark.sql.warehouse.dir");
    Location warehouse =
        dir != null
            ? config.location("spark.conf.\"spark.sql.warehouse.dir\"", dir)
            : spark.warehouseLocation();
    return Optional.of(warehouse.resolve(DEFAULT_CATALOG));
  }

  /** A JVM that already runs a session (a notebook, a test) keeps the catalogs it declared. */
  private static boolean runningSessionDeclares(String key) {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    scala.Option<SparkSession> running =
        active.isDefined() ? active : SparkSession.getDefaultSession();
    return running.isDefined() && running.get().conf().contains(key);
  }
}
