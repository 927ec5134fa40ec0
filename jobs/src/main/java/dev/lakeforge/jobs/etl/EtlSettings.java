package dev.lakeforge.jobs.etl;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.jobs.CatalogNamespace;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code etl-migrate:} section.
 *
 * <pre>{@code
 * etl-migrate:
 *   namespace: lake.shop
 *   sources:
 *     customers:
 *       jdbc: {url: "jdbc:postgresql://db:5432/shop", user: etl, password: "${file:/run/secrets/db}",
 *              table: public.customers}
 *       key: [customer_id]
 *       watermark: updated_at
 *     orders:
 *       csv: {path: uploads/orders}
 *       schema: "order_id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), updated_at TIMESTAMP"
 *       key: [order_id]
 *       watermark: updated_at
 *   analytics:
 *     - {name: customer_revenue, key: [customer_id], sql: "SELECT ... FROM lake.shop.clean_orders ..."}
 *   warehouse: {url: "jdbc:postgresql://dw:5432/dw", user: etl, password: "${file:...}", schema: shop}
 * }</pre>
 *
 * @param namespace the Iceberg namespace of the layers: raw_, clean_ and quarantine_ tables per
 *     source, the analytics tables and etl_state (default {@code lake.etl})
 * @param sources the sources by name (letters, digits and _)
 * @param analytics tables computed from the cleaned layer after every run
 * @param warehouse the PostgreSQL schema the cleaned and analytics tables are upserted into
 *     (optional)
 * @param minCompleteness the share of a source's rows in the window that must land (in raw or in
 *     quarantine) for the run to go on (default 0.99)
 */
public record EtlSettings(
    String namespace,
    Map<String, Source> sources,
    List<Analytics> analytics,
    Warehouse warehouse,
    Double minCompleteness) {
  public EtlSettings {
    namespace = namespace == null ? "lake.etl" : namespace;
    require(sources != null && !sources.isEmpty(), "sources", "name at least one source");
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    analytics = analytics == null ? List.of() : List.copyOf(analytics);
    minCompleteness = minCompleteness == null ? 0.99 : minCompleteness;
    CatalogNamespace.require("namespace", namespace, "lake.etl");
    for (String name : sources.keySet()) {
      require(
          name.matches("[A-Za-z_]\\w*"),
          "sources",
          "a source name is letters, digits and _, got '" + name + "'");
    }
    require(
        minCompleteness > 0 && minCompleteness <= 1,
        "minCompleteness",
        "must be in (0, 1], got " + minCompleteness);
  }

  /**
   * One source: exactly one of jdbc, csv and kafka.
   *
   * @param jdbc a table of a database (PostgreSQL, MySQL/MariaDB, Oracle: the driver's JDBC URL)
   * @param csv a folder of CSV uploads with a header line
   * @param kafka a staging topic of JSON records
   * @param schema the columns as SQL DDL (required for csv and kafka)
   * @param key the business key: the cleaned layer keeps one row per key, the newest
   * @param watermark the column whose growth marks new and changed rows (a timestamp or number)
   * @param partitions parallel JDBC reads, split on the first key column when it is a number
   *     (default 4)
   */
  public record Source(
      Jdbc jdbc,
      Csv csv,
      Kafka kafka,
      String schema,
      List<String> key,
      String watermark,
      Integer partitions) {
    public Source {
      int kinds = (jdbc == null ? 0 : 1) + (csv == null ? 0 : 1) + (kafka == null ? 0 : 1);
      require(kinds == 1, "jdbc", "give exactly one of jdbc, csv and kafka");
      require(key != null && !key.isEmpty(), "key", "is required: the business key column(s)");
      require(watermark != null, "watermark", "is required: the column that grows with new rows");
      require(jdbc != null || schema != null, "schema", "is required for csv and kafka sources");
      key = List.copyOf(key);
      partitions = partitions == null ? 4 : partitions;
      require(partitions >= 1, "partitions", "must be at least 1");
    }

    String kind() {
      return jdbc != null ? "jdbc" : csv != null ? "csv" : "kafka";
    }
  }

  /**
   * @param url the JDBC URL, e.g. jdbc:postgresql://db:5432/shop; for MySQL and MariaDB a
   *     jdbc:mysql: URL, which selects Spark's MySQL dialect (with MariaDB's driver:
   *     jdbc:mysql://db:3306/shop?permitMysqlScheme)
   * @param user the user
   * @param password the password (use {@code ${file:...}})
   * @param table the table, e.g. public.customers
   */
  public record Jdbc(String url, String user, Secret password, String table) {
    public Jdbc {
      require(
          url != null && url.startsWith("jdbc:"), "url", "expected jdbc:..., got '" + url + "'");
      require(table != null, "table", "is required");
    }
  }

  /**
   * @param path the folder the CSV files are uploaded to
   */
  public record Csv(Location path) {
    public Csv {
      require(path != null, "path", "is required");
    }
  }

  /**
   * @param bootstrapServers the brokers
   * @param topic the staging topic
   * @param options more source options ({@code kafka.*}: TLS, SASL)
   */
  public record Kafka(String bootstrapServers, String topic, Map<String, String> options) {
    public Kafka {
      require(bootstrapServers != null, "bootstrapServers", "is required");
      require(topic != null, "topic", "is required");
      options = options == null ? Map.of() : Map.copyOf(options);
    }
  }

  /**
   * A table of the analytics layer, recomputed from the cleaned tables on every run.
   *
   * @param name the table's name in the namespace and in the warehouse schema
   * @param sql a query over the cleaned tables
   * @param key its key (checked unique; the warehouse upserts by it)
   */
  public record Analytics(String name, String sql, List<String> key) {
    public Analytics {
      require(
          name != null && name.matches("[A-Za-z_]\\w*"),
          "name",
          "letters, digits and _, got '" + name + "'");
      require(sql != null, "sql", "is required");
      require(key != null && !key.isEmpty(), "key", "is required");
    }
  }

  /**
   * @param url {@code jdbc:postgresql://host:port/db}
   * @param user the user
   * @param password the password
   * @param schema the schema (default {@code warehouse})
   */
  public record Warehouse(String url, String user, Secret password, String schema) {
    public Warehouse {
      require(
          url != null && url.startsWith("jdbc:postgresql:"),
          "url",
          "expected jdbc:postgresql://host:port/db, got '" + url + "'");
      schema = schema == null ? "warehouse" : schema;
    }
  }
}
