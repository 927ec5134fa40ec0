package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The broker and the source's settings: what the Kafka source, the writers (dead letters, alerts,
 * output topic) and the reachability check each take from them.
 */
record KafkaConnection(String bootstrap, Map<String, String> options) {
  /** Every setting a Kafka producer knows: the source's others would make it warn about each. */
  private static final Set<String> PRODUCER_KEYS = ProducerConfig.configNames();

  private static final Set<String> ADMIN_KEYS = AdminClientConfig.configNames();

  /** The client loggers that warn on every reconnect to a broker that is not there. */
  private static final String[] CONNECTION_LOGGERS = {
    "org.apache.kafka.clients.NetworkClient",
    "org.apache.kafka.clients.admin.internals",
    "org.apache.kafka.clients.admin.KafkaAdminClient"
  };

  KafkaConnection {
    options = Map.copyOf(options);
  }

  /**
   * The source's {@code kafka.*} settings a producer knows (TLS, SASL, ...), not the consumer-only
   * ones.
   */
  Map<String, String> writerOptions() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kafka.bootstrap.servers", bootstrap);
    // Dead letters come in bursts: batch them (Kafka's defaults are 16 KiB batches, no linger).
    out.put("kafka.batch.size", "262144");
    out.put("kafka.linger.ms", "5");
    clientSettings(PRODUCER_KEYS).forEach((k, v) -> out.put("kafka." + k, v));
    return out;
  }

  /** The source's {@code kafka.*} settings that {@code known} names, without their prefix. */
  private Map<String, String> clientSettings(Set<String> known) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach(
        (k, v) -> {
          if (k.startsWith("kafka.") && known.contains(k.substring("kafka.".length()))) {
            out.put(k.substring("kafka.".length()), v);
          }
        });
    return out;
  }

  /**
   * Asks the broker for its cluster's nodes, with the source's security settings, waiting at most
   * {@code timeout}: a broker that is down or a wrong address fails here in one line instead of as
   * reconnect warnings from a query that never gets its first offsets.
   *
   * @throws StreamingException of kind {@link ErrorKind#UNAVAILABLE} when no broker answered
   */
  void checkReachable(String pipeline, Duration timeout) {
    Properties props = new Properties();
    props.putAll(clientSettings(ADMIN_KEYS));
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lakeforge-" + pipeline + "-check");
    Map<String, Level> levels = quietConnectionWarnings();
    try (Admin admin = Admin.create(props)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(millis))
          .nodes()
          .get(millis + 1_000L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamingException(
          ErrorKind.UNAVAILABLE,
          pipeline + ": interrupted while reaching Kafka at " + bootstrap,
          e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new StreamingException(
          ErrorKind.UNAVAILABLE,
          pipeline
              + ": no Kafka broker answered at "
              + bootstrap
              + " within "
              + timeout.toSeconds()
              + " s ("
              + LakeforgeException.firstLine(cause)
              + "): check the bootstrap servers and that the broker is up (the wait is connectTimeout;"
              + " kafka.connectTimeout in the job's config)",
          cause);
    } finally {
      levels.forEach(Configurator::setLevel);
    }
  }

  /**
   * Lowers the client's reconnect warnings to errors for the check, returning the levels to
   * restore.
   */
  private static Map<String, Level> quietConnectionWarnings() {
    Map<String, Level> before = new LinkedHashMap<>();
    for (String name : CONNECTION_LOGGERS) {
      before.put(name, LogManager.getLogger(name).getLevel());
      Configurator.setLevel(name, Level.ERROR);
    }
    return before;
  }
}
