package dev.lakeforge.iceberg;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Secret;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One Iceberg catalog, as declared under {@code catalogs:} in a job config.
 *
 * <pre>{@code
 * catalogs:
 *   lake:    {type: hadoop, warehouse: s3a://lake/warehouse}
 *   pg:      {type: jdbc, uri: "jdbc:postgresql://db:5432/iceberg", user: iceberg,
 *             password: "${file:/run/secrets/pg}", warehouse: s3a://lake/warehouse}
 *   rest:    {type: rest, uri: https://catalog.example.com, token: "${file:/run/secrets/rest}"}
 *   nessie:  {type: nessie, uri: http://nessie:19120/api/v2, ref: main, warehouse: s3a://lake/nessie,
 *             token: "${file:/run/secrets/nessie}"}
 * }</pre>
 *
 * @param type hadoop, jdbc, rest or nessie
 * @param warehouse where table files go (hadoop and jdbc: required); a relative path starts at the
 *     config file's folder
 * @param uri the JDBC URL, REST endpoint or Nessie API v2 URL (required except for hadoop)
 * @param user JDBC user
 * @param password JDBC password
 * @param ref Nessie branch or tag (default main)
 * @param token bearer token for REST or Nessie
 * @param cacheEnabled Spark's table cache (default false, so changes through the Java API are seen
 *     at once)
 * @param properties more catalog properties, passed through
 */
public record CatalogSettings(
    String type,
    Location warehouse,
    String uri,
    String user,
    Secret password,
    String ref,
    Secret token,
    Boolean cacheEnabled,
    Map<String, String> properties) {

  static final Set<String> TYPES = Set.of("hadoop", "jdbc", "rest", "nessie");

  public CatalogSettings {
    require(type != null, "type", "is required: one of hadoop, jdbc, rest, nessie");
    type = type.toLowerCase(Locale.ROOT);
    require(
        TYPES.contains(type),
        "type",
        "expected one of hadoop, jdbc, rest, nessie, got '" + type + "'");
    require(
        !type.equals("hadoop") || warehouse != null,
        "warehouse",
        "is required for a hadoop catalog");
    require(type.equals("hadoop") || uri != null, "uri", "is required for a " + type + " catalog");
    require(
        !type.equals("jdbc") || warehouse != null,
        "warehouse",
        "is required for a jdbc catalog: where its table"
            + " files go (the database holds only pointers)");
    require(
        !type.equals("jdbc") || uri.startsWith("jdbc:"),
        "uri",
        "expected a JDBC URL (jdbc:postgresql://host:port/db), got '" + uri + "'");
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** A copy with these catalog properties. */
  public CatalogSettings withProperties(Map<String, String> newProperties) {
    return new CatalogSettings(
        type, warehouse, uri, user, password, ref, token, cacheEnabled, newProperties);
  }

  /** A hadoop catalog: tables in folders under {@code warehouse}, no server. */
  public static CatalogSettings hadoop(Location warehouse) {
    return new CatalogSettings("hadoop", warehouse, null, null, null, null, null, null, null);
  }

  /**
   * A JDBC catalog: table pointers in a database ({@code jdbc:postgresql://...}), files under
   * {@code warehouse}.
   */
  public static CatalogSettings jdbc(String url, String user, Secret password, Location warehouse) {
    return new CatalogSettings("jdbc", warehouse, url, user, password, null, null, null, null);
  }

  /** A REST catalog at {@code uri}; the server knows where tables go. */
  public static CatalogSettings rest(String uri) {
    return new CatalogSettings("rest", null, uri, null, null, null, null, null, null);
  }

  /** A Nessie catalog on reference {@code ref} of the server at {@code uri} (API v2). */
  public static CatalogSettings nessie(String uri, String ref, Location warehouse) {
    return new CatalogSettings("nessie", warehouse, uri, null, null, ref, null, null, null);
  }

  /** A copy authenticating with a bearer token (REST, Nessie). */
  public CatalogSettings withToken(Secret newToken) {
    return new CatalogSettings(
        type, warehouse, uri, user, password, ref, newToken, cacheEnabled, properties);
  }
}
