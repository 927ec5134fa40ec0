package dev.lakeforge.jobs.analytics;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.jobs.CatalogNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code customer-analytics:} section.
 *
 * <pre>{@code
 * customer-analytics:
 *   source:
 *     kafka: {bootstrapServers: 127.0.0.1:9092, topic: customer-events}
 *     # or files: {path: data/events, format: json}
 *   namespace: lake.analytics
 *   allowedLateness: 2h
 *   postgres: {url: "jdbc:postgresql://127.0.0.1:15432/lakeforge", user: lakeforge,
 *              password: "${file:/run/secrets/pg}", schema: analytics}
 *   checkpoint: s3a://lake/checkpoints/customer-analytics
 * }</pre>
 *
 * @param source where the events come from: a Kafka topic or a folder of files
 * @param namespace the Iceberg namespace of the tables events, events_quarantine, customer_hourly
 *     and customer_metrics (default {@code lake.analytics})
 * @param allowedLateness how far behind the newest event an event may arrive and still be merged
 *     (default 2h); older ones are quarantined as late
 * @param postgres where the hourly aggregates and the metrics are also published (optional)
 * @param checkpoint where the run remembers what it has read (Kafka offsets, files)
 */
public record AnalyticsSettings(
    Source source,
    String namespace,
    String allowedLateness,
    Postgres postgres,
    Location checkpoint) {
  public AnalyticsSettings {
    require(source != null, "source", "is required: kafka: {...} or files: {...}");
    namespace = namespace == null ? "lake.analytics" : namespace;
    allowedLateness = allowedLateness == null ? "2h" : allowedLateness;
    CatalogNamespace.require("namespace", namespace, "lake.analytics");
    require(
        lateness(allowedLateness) != null,
        "allowedLateness",
        "expected a duration such as 2h or 30m, got '" + allowedLateness + "'");
    require(checkpoint != null, "checkpoint", "is required: where the run remembers what it read");
  }

  Duration lateness() {
    return lateness(allowedLateness);
  }

  private static Duration lateness(String text) {
    try {
      Duration d = Units.duration(text);
      return d.isNegative() ? null : d;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Exactly one of a Kafka topic and a folder of files.
   *
   * @param kafka a topic of JSON events
   * @param files a folder of event files
   */
  public record Source(Kafka kafka, Files files) {
    public Source {
      require(
          (kafka == null) != (files == null),
          "source",
          "give exactly one of kafka: {...} and files: {...}");
    }
  }

  /**
   * A topic of JSON events, read from the earliest offset on the first run.
   *
   * @param bootstrapServers the brokers
   * @param topic the topic
   * @param options more source options (TLS, SASL, {@code kafka.*})
   * @param connectTimeout how long the dry run waits for a broker to answer (default 30s)
   */
  public record Kafka(
      String bootstrapServers, String topic, Map<String, String> options, String connectTimeout) {
    public Kafka {
      require(bootstrapServers != null, "bootstrapServers", "is required");
      require(topic != null, "topic", "is required");
      options = options == null ? Map.of() : Map.copyOf(options);
      connectTimeout = connectTimeout == null ? "30s" : connectTimeout;
      require(
          lateness(connectTimeout) != null && !lateness(connectTimeout).isZero(),
          "connectTimeout",
          "expected a duration such as 30s or 2m, got '" + connectTimeout + "'");
    }

    Duration timeout() {
      return lateness(connectTimeout);
    }
  }

  /**
   * A folder new event files land in.
   *
   * @param path the folder (a relative path starts at the config file's folder)
   * @param format json (default), csv (with a header) or parquet
   */
  public record Files(Location path, String format) {
    public Files {
      require(path != null, "path", "is required");
      format = format == null ? "json" : format;
      require(
          List.of("json", "csv", "parquet").contains(format),
          "format",
          "expected json, csv or parquet, got '" + format + "'");
    }
  }

  /**
   * The PostgreSQL schema the tables customer_hourly and customer_metrics are upserted into.
   *
   * @param url {@code jdbc:postgresql://host:port/db}
   * @param user the user
   * @param password the password (use {@code ${file:...}})
   * @param schema the schema, created if missing (default {@code analytics})
   */
  public record Postgres(String url, String user, Secret password, String schema) {
    public Postgres {
      require(
          url != null && url.startsWith("jdbc:postgresql:"),
          "url",
          "expected jdbc:postgresql://host:port/db, got '" + url + "'");
      schema = schema == null ? "analytics" : schema;
    }
  }
}
