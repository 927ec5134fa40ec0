package dev.lakeforge.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.SessionContributor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code catalogs:} from a job config and declares each catalog, with Iceberg's SQL extensions. */
public final class CatalogsContributor implements SessionContributor {
  @Override
  public String section() {
    return "catalogs";
  }

  @Override
  public Map<String, String> sparkConf(Config config) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (!config.has("catalogs")) {
      return conf;
    }
    JsonNode catalogs = config.bind("catalogs", JsonNode.class);
    if (!catalogs.isObject()) {
      throw config.errorAt("catalogs", "expected a mapping of catalog names to settings");
    }
    Iterator<String> names = catalogs.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw config.errorAt("catalogs." + name, "a catalog name must be letters, digits and _, got '" + name + "'");
      }
      conf.putAll(Catalogs.sparkConf(name, config.bind("catalogs." + name, CatalogSettings.class)));
    }
    if (!conf.isEmpty()) {
      conf.put("spark.sql.extensions", Catalogs.EXTENSIONS);
    }
    return conf;
  }
}
