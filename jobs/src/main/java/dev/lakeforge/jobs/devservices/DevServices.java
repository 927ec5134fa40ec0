package dev.lakeforge.jobs.devservices;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The process {@code lakeforge dev-services up} leaves running: it starts each service (Kafka and
 * S3Proxy and Nessie as child processes, PostgreSQL through zonky's embedded server), writes
 * {@value #READY} when all answer, and on SIGTERM ({@code down}) stops exactly those.
 *
 * <p>{@code java ... DevServices HOME DIR KAFKA PG NESSIE S3 SERVICES [JAVA21]}
 */
final class DevServices {
  static final String READY = "ready";
  static final String FAILED = "failed";
  static final String PID = "pid";
  private static final Duration START_BOUND = Duration.ofSeconds(300);

  private final Path home;
  private final Path dir;
  private final Endpoints endpoints;
  private final List<String> services;
  private final String java21;
  private final List<Process> children = new ArrayList<>();
  private EmbeddedPostgres postgres;

  private DevServices(
      Path home, Path dir, Endpoints endpoints, List<String> services, String java21) {
    this.home = home;
    this.dir = dir;
    this.endpoints = endpoints;
    this.services = services;
    this.java21 = java21;
  }

  public static void main(String[] args) throws Exception {
    DevServices d =
        new DevServices(
            Path.of(args[0]),
            Path.of(args[1]),
            new Endpoints(
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]),
                Integer.parseInt(args[5])),
            Arrays.asList(args[6].split(",")),
            args.length > 7 ? args[7] : "");
    Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "lakeforge-dev-services-stop"));
    try {
      d.start();
      Files.writeString(d.dir.resolve(READY), d.endpoints.profile(d.services));
    } catch (Exception e) {
      Files.writeString(d.dir.resolve(FAILED), String.valueOf(e.getMessage()));
      System.exit(1);
    }
    Thread.currentThread().join(); // until SIGTERM
  }

  private void start() throws Exception {
    Files.writeString(dir.resolve(PID), String.valueOf(ProcessHandle.current().pid()));
    for (String s : services) {
      switch (s) {
        case "kafka" -> kafka();
        case "postgres" -> postgres();
        case "nessie" -> nessie();
        case "s3" -> s3();
        default -> throw new IllegalArgumentException("unknown service " + s);
      }
    }
  }

  private void kafka() throws Exception {
    Path kdir = Files.createDirectories(dir.resolve("kafka"));
    int controller = freePort();
    Path props =
        Files.writeString(
            kdir.resolve("server.properties"),
            String.join(
                    "\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://"
                        + endpoints.kafkaBootstrap()
                        + ",CONTROLLER://127.0.0.1:"
                        + controller,
                    "advertised.listeners=PLAINTEXT://" + endpoints.kafkaBootstrap(),
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + kdir.resolve("data"),
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "num.partitions=2",
                    "auto.create.topics.enable=true")
                + "\n");
    Path log4j =
        Files.writeString(
            kdir.resolve("log4j.properties"),
            "log4j.rootLogger=WARN, file\n"
                + "log4j.appender.file=org.apache.log4j.FileAppender\n"
                + "log4j.appender.file.File="
                + kdir.resolve("kafka.log")
                + "\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
                + "log4j.appender.file.layout.ConversionPattern=%d %p %c{1} %m%n\n");
    String classpath = classpath("streaming/kafka-broker/target/kafka-classpath.txt");
    List<String> java = List.of(javaBin(), "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath);
    List<String> format = new ArrayList<>(java);
    format.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            UUID.randomUUID().toString().replace("-", "").substring(0, 22),
            "-c",
            props.toString()));
    Process f = run(format, kdir.resolve("format.log"));
    if (!f.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS) || f.exitValue() != 0) {
      throw new IllegalStateException(
          "Kafka's storage format failed; see " + kdir.resolve("format.log"));
    }
    List<String> broker = new ArrayList<>(java);
    broker.addAll(List.of("-Dlog4j.configuration=file:" + log4j, "kafka.Kafka", props.toString()));
    Process p = child(broker, kdir.resolve("console.log"));
    awaitPort("Kafka", p, endpoints.kafka(), kdir.resolve("kafka.log"));
  }

  private void postgres() throws Exception {
    Path data = dir.resolve("postgres");
    postgres =
        EmbeddedPostgres.builder()
            .setPort(endpoints.postgres())
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", Endpoints.HOST)
            .setServerConfig("unix_socket_directories", "")
            .setPGStartupWait(START_BOUND)
            .start();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + endpoints.postgres() + "/postgres",
                "postgres",
                "postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE USER "
              + Endpoints.PG_USER
              + " WITH SUPERUSER PASSWORD '"
              + Endpoints.PG_PASSWORD
              + "'");
      s.execute("CREATE DATABASE " + Endpoints.PG_DATABASE + " OWNER " + Endpoints.PG_USER);
    }
  }

  private void s3() throws Exception {
    Path sdir = Files.createDirectories(dir.resolve("s3"));
    Files.createDirectories(sdir.resolve("data").resolve(Endpoints.S3_BUCKET));
    Path props =
        Files.writeString(
            sdir.resolve("s3proxy.properties"),
            String.join(
                    "\n",
                    "s3proxy.endpoint=" + endpoints.s3Endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + Endpoints.S3_ACCESS_KEY,
                    "s3proxy.credential=" + Endpoints.S3_SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + sdir.resolve("data"))
                + "\n");
    Path logback =
        Files.writeString(
            sdir.resolve("logback.xml"),
            """
            <configuration>
              <appender name="file" class="ch.qos.logback.core.FileAppender">
                <file>%s</file>
                <encoder><pattern>%%d %%level %%logger{20} %%msg%%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="file"/></root>
            </configuration>
            """
                .formatted(sdir.resolve("s3proxy.log")));
    Process p =
        child(
            List.of(
                javaBin(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + logback,
                "-cp",
                classpath("testing/s3-server/target/s3proxy-classpath.txt"),
                "org.gaul.s3proxy.Main",
                "--properties",
                props.toString()),
            sdir.resolve("console.log"));
    awaitHttp("S3Proxy", p, endpoints.s3Endpoint() + "/", sdir.resolve("console.log"));
  }

  private void nessie() throws Exception {
    if (java21.isEmpty()) {
      throw new IllegalStateException(
          "the Nessie server needs a JDK 21 or newer and none was found: set dev-services.java21"
              + " to its folder, or leave nessie out of dev-services.services");
    }
    Path ndir = Files.createDirectories(dir.resolve("nessie"));
    int management = freePort();
    Process p =
        child(
            List.of(
                Path.of(java21, "bin", "java").toString(),
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=" + Endpoints.HOST,
                "-Dquarkus.http.port=" + endpoints.nessie(),
                "-Dquarkus.management.host=" + Endpoints.HOST,
                "-Dquarkus.management.port=" + management,
                "-Dnessie.version.store.type=IN_MEMORY",
                "-Dquarkus.http.access-log.enabled=false",
                "-jar",
                home.resolve("jobs/target/dev-services/nessie-quarkus-runner.jar").toString()),
            ndir.resolve("nessie.log"));
    awaitHttp("Nessie", p, endpoints.nessieUri() + "/config", ndir.resolve("nessie.log"));
  }

  private String classpath(String file) throws IOException {
    Path f = home.resolve(file);
    if (!Files.isRegularFile(f)) {
      throw new IllegalStateException(
          f + " is missing: build the project first (LAKEFORGE_REBUILD=1 bin/lakeforge list)");
    }
    return Files.readString(f, StandardCharsets.UTF_8).trim();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Process run(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private Process child(List<String> command, Path log) throws IOException {
    Process p = run(command, log);
    children.add(p);
    return p;
  }

  private static void awaitPort(String what, Process p, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited at start; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(Endpoints.HOST, port), 1000);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        what + " did not listen on port " + port + " within " + START_BOUND + "; see " + log);
  }

  private static void awaitHttp(String what, Process p, String url, Path log) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited at start; see " + log);
      }
      try {
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        what + " did not answer on " + url + " within " + START_BOUND + "; see " + log);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops what this process started, newest first; children get 30 s after SIGTERM. */
  private void stop() {
    for (int i = children.size() - 1; i >= 0; i--) {
      Process p = children.get(i);
      p.destroy();
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException ignored) {
        // the process is going away; its data folder is cleaned on the next up
      }
    }
    try {
      Files.deleteIfExists(dir.resolve(READY));
      Files.deleteIfExists(dir.resolve(PID));
    } catch (IOException ignored) {
      // down checks the process, not the files
    }
  }
}
