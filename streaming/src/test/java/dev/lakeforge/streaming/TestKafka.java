package dev.lakeforge.streaming;

import dev.lakeforge.testing.SharedSpark;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One real Kafka broker (KRaft, combined broker and controller) per test JVM, in a child process
 * with its own classpath (written by the kafka-broker module), on free ports.
 */
public final class TestKafka {
  private static volatile Process broker;
  private static List<String> brokerCommand;
  private static Path brokerLog;
  private static String bootstrap;
  private static String sslBootstrap;
  private static String saslBootstrap;

  /** A SASL user known to the broker for both PLAIN and SCRAM-SHA-256. */
  public static final String SASL_USER = "alice";

  public static final String SASL_PASSWORD = "alice-secret-pw";
  private static Path truststore;
  static final String STORE_PASSWORD = "test-store-pass";

  private TestKafka() {}

  public static synchronized String bootstrap() {
    if (broker == null) {
      start();
    }
    return bootstrap;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void start() {
    try {
      String classpath =
          Files.readString(
                  Path.of(
                      System.getProperty(
                          "lakeforge.kafka.classpath", "kafka-broker/target/kafka-classpath.txt")))
              .trim();
      Path dir = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "kafka-");
      int port = freePort();
      int controller = freePort();
      int ssl = freePort();
      int sasl = freePort();
      Path keystore = dir.resolve("broker.jks");
      truststore = dir.resolve("truststore.jks");
      keytool(
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=ip:127.0.0.1,dns:localhost",
          "-keystore",
          keystore.toString(),
          "-storepass",
          STORE_PASSWORD,
          "-keypass",
          STORE_PASSWORD,
          "-storetype",
          "JKS");
      keytool(
          "-exportcert",
          "-alias",
          "broker",
          "-keystore",
          keystore.toString(),
          "-storepass",
          STORE_PASSWORD,
          "-file",
          dir.resolve("broker.crt").toString());
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "broker",
          "-file",
          dir.resolve("broker.crt").toString(),
          "-keystore",
          truststore.toString(),
          "-storepass",
          STORE_PASSWORD,
          "-storetype",
          "JKS");
      Path props = dir.resolve("server.properties");
      Files.writeString(
          props,
          String.join(
                  "\n",
                  "process.roles=broker,controller",
                  "node.id=1",
                  "controller.quorum.voters=1@127.0.0.1:" + controller,
                  "listeners=PLAINTEXT://127.0.0.1:"
                      + port
                      + ",CONTROLLER://127.0.0.1:"
                      + controller
                      + ",SSL://127.0.0.1:"
                      + ssl
                      + ",SASL_PLAINTEXT://127.0.0.1:"
                      + sasl,
                  "advertised.listeners=PLAINTEXT://127.0.0.1:"
                      + port
                      + ",SSL://127.0.0.1:"
                      + ssl
                      + ",SASL_PLAINTEXT://127.0.0.1:"
                      + sasl,
                  "controller.listener.names=CONTROLLER",
                  "inter.broker.listener.name=PLAINTEXT",
                  "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT",
                  "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256",
                  "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                      + " user_"
                      + SASL_USER
                      + "=\""
                      + SASL_PASSWORD
                      + "\";",
                  "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="
                      + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                  "ssl.keystore.location=" + keystore,
                  "ssl.keystore.password=" + STORE_PASSWORD,
                  "ssl.key.password=" + STORE_PASSWORD,
                  "ssl.keystore.type=JKS",
                  "ssl.client.auth=none",
                  "log.dirs=" + dir.resolve("logs"),
                  "offsets.topic.replication.factor=1",
                  "transaction.state.log.replication.factor=1",
                  "transaction.state.log.min.isr=1",
                  "group.initial.rebalance.delay.ms=0",
                  "num.partitions=2",
                  "auto.create.topics.enable=true")
              + "\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> base =
          new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath));
      List<String> format = new ArrayList<>(base);
      format.addAll(
          List.of(
              "kafka.tools.StorageTool",
              "format",
              "-t",
              UUID.randomUUID().toString().replace("-", "").substring(0, 22),
              "-c",
              props.toString(),
              "--add-scram",
              "SCRAM-SHA-256=[name=" + SASL_USER + ",password=" + SASL_PASSWORD + "]"));
      Process f =
          new ProcessBuilder(format)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("format.log").toFile())
              .start();
      if (f.waitFor() != 0) {
        throw new IllegalStateException(
            "kafka storage format failed; see " + dir.resolve("format.log"));
      }
      List<String> run = new ArrayList<>(base);
      run.addAll(
          List.of(
              "-Dlog4j.configuration=file:" + writeLog4j(dir), "kafka.Kafka", props.toString()));
      brokerCommand = run;
      brokerLog = dir.resolve("broker.log");
      broker =
          new ProcessBuilder(run)
              .redirectErrorStream(true)
              .redirectOutput(brokerLog.toFile())
              .start();
      // reads the field at exit: restart() replaces the process, and the new one must not outlive
      // the JVM
      Runtime.getRuntime()
          .addShutdownHook(new Thread(TestKafka::stopBroker, "lakeforge-test-kafka-stop"));
      bootstrap = "127.0.0.1:" + port;
      sslBootstrap = "127.0.0.1:" + ssl;
      saslBootstrap = "127.0.0.1:" + sasl;
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      Exception last = null;
      while (System.nanoTime() < deadline) {
        if (!broker.isAlive()) {
          throw new IllegalStateException(
              "the Kafka broker exited at start; see " + dir.resolve("broker.log"));
        }
        try (Admin admin = admin()) {
          admin.describeCluster().nodes().get();
          return;
        } catch (Exception e) {
          last = e;
          Thread.sleep(200);
        }
      }
      throw new IllegalStateException(
          "the Kafka broker did not answer on " + bootstrap + " within 180 s", last);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Kafka broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stopBroker() {
    Process p = broker;
    if (p != null) {
      p.destroy();
    }
  }

  /**
   * Stops the broker (SIGTERM), keeps it down for {@code down}, starts it again on the same ports
   * and data.
   */
  static synchronized void restart(Duration down) throws Exception {
    bootstrap();
    broker.destroy();
    broker.waitFor();
    Thread.sleep(down.toMillis());
    broker =
        new ProcessBuilder(brokerCommand)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get();
        return;
      } catch (Exception e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        "the Kafka broker did not come back on " + bootstrap + "; see " + brokerLog);
  }

  /** The TLS listener (a certificate for 127.0.0.1 made with keytool at start). */
  static synchronized String sslBootstrap() {
    bootstrap();
    return sslBootstrap;
  }

  /** The SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256, user {@link #SASL_USER}). */
  public static synchronized String saslBootstrap() {
    bootstrap();
    return saslBootstrap;
  }

  /** The truststore holding the broker's certificate (password {@link #STORE_PASSWORD}). */
  static Path truststore() {
    bootstrap();
    return truststore;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static String writeLog4j(Path dir) throws IOException {
    Path p = dir.resolve("log4j.properties");
    Files.writeString(
        p,
        "log4j.rootLogger=WARN, f\nlog4j.appender.f=org.apache.log4j.FileAppender\n"
            + "log4j.appender.f.File="
            + dir.resolve("server.log")
            + "\nlog4j.appender.f.layout=org.apache.log4j.PatternLayout\n"
            + "log4j.appender.f.layout.ConversionPattern=%d %p %c: %m%n\n");
    return p.toString();
  }

  public static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker == null ? bootstrap() : bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    return Admin.create(p);
  }

  public static void createTopics(String... names) throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String n : names) {
        topics.add(new NewTopic(n, 2, (short) 1).configs(Map.of()));
      }
      admin.createTopics(topics).all().get();
    }
  }
}
