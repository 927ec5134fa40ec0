package dev.lakeforge.jobs.devservices;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Starts, on loopback and from the project's Maven artifacts, the services the examples use: a
 * Kafka broker (KRaft), PostgreSQL, a Nessie server and an S3-compatible server (S3Proxy). {@code
 * up} returns when all answer and prints their endpoints as config; {@code down} stops exactly what
 * {@code up} started; {@code status} says what runs; {@code produce} sends a file's lines to a
 * topic.
 *
 * <pre>{@code
 * bin/lakeforge dev-services up        # Kafka 127.0.0.1:9092, PostgreSQL :15432, Nessie :19120, S3 :19000
 * bin/lakeforge dev-services status
 * bin/lakeforge dev-services produce --topic orders --file examples/orders-stream.jsonl
 * bin/lakeforge dev-services down
 * }</pre>
 */
public final class DevServicesJob implements SparkJob {
  static final List<String> ALL = List.of("kafka", "postgres", "nessie", "s3");
  private static final Duration UP_BOUND = Duration.ofMinutes(8);
  private static final Duration DOWN_BOUND = Duration.ofSeconds(90);

  @Parameters(index = "0", paramLabel = "up|down|status|produce", description = "What to do.")
  String action;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "produce: the topic to send the file's lines to.")
  String topic;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "produce: a file of records, one per line (JSON, for example).")
  Path file;

  /**
   * The {@code dev-services:} section.
   *
   * @param dir where the services keep their data, logs and pid (default {@code
   *     .lakeforge/dev-services}; emptied by {@code up})
   * @param services which to start (default all: kafka, postgres, nessie, s3)
   * @param kafkaPort the broker's port (default 9092)
   * @param postgresPort PostgreSQL's port (default 15432)
   * @param nessiePort the Nessie server's port (default 19120)
   * @param s3Port the S3 endpoint's port (default 19000)
   * @param java21 the folder of a JDK 21 or newer for the Nessie server (default: found under
   *     /usr/lib/jvm, or this JVM when it is one)
   */
  public record Settings(
      Location dir,
      List<String> services,
      Integer kafkaPort,
      Integer postgresPort,
      Integer nessiePort,
      Integer s3Port,
      Location java21) {
    public Settings {
      dir = dir == null ? Location.of(".lakeforge/dev-services") : dir;
      services = services == null ? ALL : List.copyOf(services);
      kafkaPort = kafkaPort == null ? 9092 : kafkaPort;
      postgresPort = postgresPort == null ? 15432 : postgresPort;
      nessiePort = nessiePort == null ? 19120 : nessiePort;
      s3Port = s3Port == null ? 19000 : s3Port;
      require(dir.isLocal(), "dir", "must be a local folder, got " + dir);
      require(!services.isEmpty(), "services", "must name at least one of " + ALL);
      for (String s : services) {
        require(
            ALL.contains(s), "services", "unknown service '" + s + "', expected some of " + ALL);
      }
      for (int port : List.of(kafkaPort, postgresPort, nessiePort, s3Port)) {
        require(port > 0 && port < 65536, "ports", "a port must be 1-65535, got " + port);
      }
    }

    Endpoints endpoints() {
      return new Endpoints(kafkaPort, postgresPort, nessiePort, s3Port);
    }

    Map<String, Integer> ports() {
      Map<String, Integer> all =
          Map.of("kafka", kafkaPort, "postgres", postgresPort, "nessie", nessiePort, "s3", s3Port);
      Map<String, Integer> chosen = new LinkedHashMap<>();
      services.forEach(s -> chosen.put(s, all.get(s)));
      return chosen;
    }
  }

  private Settings settings;

  @Override
  public String name() {
    return "dev-services";
  }

  @Override
  public String description() {
    return "Starts (up), stops (down) or shows (status) Kafka, PostgreSQL, Nessie and S3 on loopback for the examples; produce sends a file to a topic.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public boolean needsSpark() {
    return false;
  }

  @Override
  public void configure(Config config) {
    if (!Set.of("up", "down", "status", "produce").contains(action)) {
      throw new LakeforgeException(
          ErrorKind.USAGE,
          "dev-services: expected up, down, status or produce, got '" + action + "'");
    }
    if (action.equals("produce") && (topic == null || file == null)) {
      throw new LakeforgeException(
          ErrorKind.USAGE, "dev-services produce: give --topic TOPIC and --file FILE");
    }
    if (action.equals("produce") && !Files.isRegularFile(file)) {
      throw new LakeforgeException(
          ErrorKind.NOT_FOUND, "dev-services produce: no file " + file.toAbsolutePath());
    }
    settings = config.bind(name(), Settings.class);
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("dev-services " + action + " in " + settings.dir());
    if (action.equals("up")) {
      settings.ports().forEach((s, p) -> plan.step("start " + s + " on 127.0.0.1:" + p));
      if (running().isEmpty()) {
        settings
            .ports()
            .forEach(
                (s, p) -> {
                  if (inUse(p)) {
                    plan.problem(busy(s, p));
                  }
                });
      }
    } else if (action.equals("produce")) {
      plan.step(
          "send each line of "
              + file
              + " to topic "
              + topic
              + " at "
              + settings.endpoints().kafkaBootstrap());
    } else {
      plan.step(action.equals("down") ? "stop what up started" : "show what runs");
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    return switch (action) {
      case "up" -> up(ctx);
      case "down" -> down(ctx);
      case "produce" -> produce(ctx);
      default -> status(ctx);
    };
  }

  private Path dir() {
    return settings.dir().toPath();
  }

  private JobOutcome up(JobContext ctx) throws Exception {
    Optional<ProcessHandle> already = running();
    if (already.isPresent()) {
      if (Files.exists(dir().resolve(DevServices.READY))) {
        ctx.print("dev-services already run (pid " + already.get().pid() + "); their config:");
        ctx.print(Files.readString(dir().resolve(DevServices.READY)).stripTrailing());
        return JobOutcome.success("dev-services already up");
      }
      ctx.print("dev-services are starting (pid " + already.get().pid() + "); waiting for them");
      return awaitReady(ctx, already.get());
    }
    for (Map.Entry<String, Integer> e : settings.ports().entrySet()) {
      if (inUse(e.getValue())) {
        throw new LakeforgeException(ErrorKind.USAGE, busy(e.getKey(), e.getValue()));
      }
    }
    clean(dir());
    Files.createDirectories(dir());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                DevServices.class.getName(),
                home().toString(),
                dir().toAbsolutePath().toString(),
                String.valueOf(settings.kafkaPort()),
                String.valueOf(settings.postgresPort()),
                String.valueOf(settings.nessiePort()),
                String.valueOf(settings.s3Port()),
                String.join(",", settings.services())));
    if (settings.services().contains("nessie")) {
      command.add(java21().map(Path::toString).orElse(""));
    }
    Process daemon =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(dir().resolve("dev-services.log").toFile())
            .start();
    Files.writeString(dir().resolve(DevServices.PID), String.valueOf(daemon.pid()));
    ctx.print("starting " + String.join(", ", settings.services()) + " (logs in " + dir() + ")");
    return awaitReady(ctx, daemon.toHandle());
  }

  /** Waits until the daemon says its services answer, it fails, or {@link #UP_BOUND} passes. */
  private JobOutcome awaitReady(JobContext ctx, ProcessHandle daemon) throws Exception {
    long deadline = System.nanoTime() + UP_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(dir().resolve(DevServices.READY))) {
        ctx.print(Files.readString(dir().resolve(DevServices.READY)).stripTrailing());
        ctx.print("Stop them with: bin/lakeforge dev-services down");
        return JobOutcome.success("dev-services up: " + String.join(", ", settings.services()))
            .withDetails(Map.of("pid", daemon.pid()));
      }
      if (!daemon.isAlive()) {
        Path failed = dir().resolve(DevServices.FAILED);
        throw new LakeforgeException(
            ErrorKind.UNAVAILABLE,
            "dev-services did not start: "
                + (Files.exists(failed)
                    ? Files.readString(failed).strip()
                    : "see " + dir().resolve("dev-services.log")));
      }
      Thread.sleep(250);
    }
    daemon.destroy();
    throw new LakeforgeException(
        ErrorKind.UNAVAILABLE,
        "dev-services were not up within "
            + UP_BOUND.toMinutes()
            + " minutes; stopped them. See the logs in "
            + dir());
  }

  private JobOutcome down(JobContext ctx) throws Exception {
    Optional<ProcessHandle> daemon = running();
    if (daemon.isEmpty()) {
      ctx.print("dev-services are not running: nothing to stop");
      return JobOutcome.success("nothing to stop");
    }
    daemon.get().destroy();
    if (!daemon
        .get()
        .onExit()
        .toCompletableFuture()
        .completeOnTimeout(null, DOWN_BOUND.toSeconds(), TimeUnit.SECONDS)
        .thenApply(p -> p != null)
        .get()) {
      daemon.get().descendants().forEach(ProcessHandle::destroyForcibly);
      daemon.get().destroyForcibly();
    }
    Files.deleteIfExists(dir().resolve(DevServices.PID));
    List<String> still = new ArrayList<>();
    settings
        .ports()
        .forEach(
            (s, p) -> {
              if (inUse(p)) {
                still.add(s + " (" + p + ")");
              }
            });
    if (!still.isEmpty()) {
      throw new LakeforgeException("stopped dev-services, but these ports still answer: " + still);
    }
    ctx.print("stopped " + String.join(", ", settings.services()));
    return JobOutcome.success("dev-services down");
  }

  /** Sends each non-blank line of the file as one record's value, in order, to one topic. */
  private JobOutcome produce(JobContext ctx) throws Exception {
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    Map<String, Object> conf =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            settings.endpoints().kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            30_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(conf, new StringSerializer(), new StringSerializer())) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, line));
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new LakeforgeException(
          ErrorKind.UNAVAILABLE,
          "cannot send to "
              + settings.endpoints().kafkaBootstrap()
              + " (is it up? bin/lakeforge dev-services status): "
              + e.getMessage(),
          e);
    }
    ctx.print("sent " + lines.size() + " record(s) from " + file + " to topic " + topic);
    return JobOutcome.success(lines.size() + " record(s) sent to " + topic)
        .withDetails(Map.of("records", lines.size()));
  }

  private JobOutcome status(JobContext ctx) {
    Optional<ProcessHandle> daemon = running();
    if (daemon.isEmpty()) {
      ctx.print("dev-services are not running (start them with: bin/lakeforge dev-services up)");
      return JobOutcome.success("not running");
    }
    ctx.print("dev-services run as pid " + daemon.get().pid() + ":");
    settings
        .ports()
        .forEach(
            (s, p) ->
                ctx.print(
                    String.format(
                        Locale.ROOT,
                        "  %-9s 127.0.0.1:%-6d %s",
                        s,
                        p,
                        inUse(p) ? "answers" : "DOES NOT ANSWER")));
    return JobOutcome.success("running");
  }

  /**
   * The process {@code up} started, if it still runs (and is ours: its command names the class).
   */
  private Optional<ProcessHandle> running() {
    Path pid = dir().resolve(DevServices.PID);
    try {
      if (!Files.isRegularFile(pid)) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .arguments()
                      .map(a -> List.of(a).contains(DevServices.class.getName()))
                      .orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean inUse(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Endpoints.HOST, port), 500);
      return true;
    } catch (IOException closed) {
      try (ServerSocket bind = new ServerSocket(port, 1, InetAddress.getByName(Endpoints.HOST))) {
        return false;
      } catch (IOException taken) {
        return true;
      }
    }
  }

  private static String busy(String service, int port) {
    return "port "
        + port
        + " for "
        + service
        + " is in use by another program: stop it, or pick another port with --set dev-services."
        + service
        + "Port=...";
  }

  private static void clean(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The project's folder: the jobs jar or classes sit in its jobs/target. */
  static Path home() {
    try {
      Path code =
          Path.of(DevServicesJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().getParent().getParent();
    } catch (Exception e) {
      throw new IllegalStateException("cannot find the project folder: " + e.getMessage(), e);
    }
  }

  /** A JDK 21 or newer for the Nessie server. */
  private Optional<Path> java21() {
    if (settings.java21() != null) {
      return Optional.of(settings.java21().toPath());
    }
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home")));
    }
    return Jdks.atLeast(21);
  }
}
