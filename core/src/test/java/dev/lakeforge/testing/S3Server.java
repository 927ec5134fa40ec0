package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A real S3-compatible server for tests (S3Proxy over a local folder, from Maven, in a child
 * process with its own classpath, written by the {@code testing/s3-server} module), on a free
 * loopback port. One per test JVM, started on first use and stopped when the JVM exits. Its keys
 * are random, so a test can look for them in what a job printed.
 *
 * <pre>{@code
 * S3Server s3 = S3Server.shared();
 * s3.createBucket("lake");
 * String yaml = s3.configSection();   // the s3: section of a job config, keys from files
 * }</pre>
 */
public final class S3Server {
  private static final Duration START_BOUND = Duration.ofSeconds(300);
  private static S3Server shared;

  private final Path root;
  private final Path data;
  private final String endpoint;
  private final String accessKey;
  private final String secretKey;
  private Process process;

  private S3Server(Path root, int port) {
    this.root = root;
    this.data = root.resolve("data");
    this.endpoint = "http://127.0.0.1:" + port;
    this.accessKey =
        "AKLF"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 16)
                .toUpperCase(Locale.ROOT);
    this.secretKey = "s3cr3t-" + UUID.randomUUID();
  }

  /** The server of this test JVM. */
  public static synchronized S3Server shared() {
    if (shared == null) {
      try {
        Path root = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "s3-");
        S3Server s = new S3Server(root, ServiceProcesses.freePort());
        s.start();
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "lakeforge-test-s3-stop"));
        shared = s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private void start() throws IOException {
    String classpath =
        Files.readString(
                Path.of(
                    System.getProperty(
                        "lakeforge.s3proxy.classpath",
                        "../testing/s3-server/target/s3proxy-classpath.txt")))
            .trim();
    Files.createDirectories(data);
    Path props =
        Files.writeString(
            root.resolve("s3proxy.properties"),
            String.join(
                    "\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data)
                + "\n");
    Path logback =
        Files.writeString(
            root.resolve("logback.xml"),
            """
        <configuration>
          <appender name="file" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <encoder><pattern>%%d %%level %%logger{20} %%msg%%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="file"/></root>
        </configuration>
        """
                .formatted(root.resolve("s3proxy.log")));
    process =
        ChildJvm.of("org.gaul.s3proxy.Main", classpath, "--properties", props.toString())
            .heap("256m")
            .jvmArg("-Dlogback.configurationFile=" + logback)
            .start(root.resolve("console.log"));
    ServiceProcesses.awaitHttp(
        "S3Proxy", process, endpoint + "/", status -> true, START_BOUND, root);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates a bucket (idempotent) and returns its name. */
  public String createBucket(String name) {
    try {
      Files.createDirectories(data.resolve(name));
      return name;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the server keeps a bucket's objects, for checking what landed. */
  public Path bucketFolder(String bucket) {
    return data.resolve(bucket);
  }

  /**
   * The {@code s3:} section of a job config for this server, with the keys read from files written
   * in {@code dir} (as secrets are mounted on Kubernetes).
   */
  public String configSection(Path dir) {
    try {
      Files.writeString(dir.resolve("s3-access-key"), accessKey + "\n");
      Files.writeString(dir.resolve("s3-secret-key"), secretKey + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return """
        s3:
          endpoint: %s
          region: us-east-1
          pathStyleAccess: true
          accessKey: ${file:%s}
          secretKey: ${file:%s}
        """
        .formatted(endpoint, dir.resolve("s3-access-key"), dir.resolve("s3-secret-key"));
  }

  /**
   * Hadoop settings for S3A on this server ({@code fs.s3a.*}), for a session a test builds itself.
   */
  public Map<String, String> hadoopConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("fs.s3a.endpoint", endpoint);
    c.put("fs.s3a.endpoint.region", "us-east-1");
    c.put("fs.s3a.path.style.access", "true");
    c.put("fs.s3a.connection.ssl.enabled", "false");
    c.put("fs.s3a.access.key", accessKey);
    c.put("fs.s3a.secret.key", secretKey);
    return c;
  }

  /**
   * Stops serving, as an outage would (SIGKILL): connections are refused until {@link #restart()}.
   * The objects stay.
   */
  public synchronized void stop() {
    if (process != null) {
      process.destroyForcibly().onExit().join(); // its port is closed once it has exited
      process = null;
    }
  }

  /** Serves again after {@link #stop()}: the same port, keys and objects. */
  public synchronized void restart() {
    if (process == null || !process.isAlive()) {
      try {
        start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
