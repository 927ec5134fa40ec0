package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Iceberg REST catalog server for tests: Apache Iceberg's own (the server of the
 * apache/iceberg-rest-fixture image, a JDBC catalog on SQLite behind the REST API), from Maven, in
 * a child process with its own classpath (written by the {@code testing/iceberg-rest} module). Its
 * tables live in a bucket of the {@link S3Server}, written with S3FileIO. One per test JVM.
 *
 * <pre>{@code
 * String uri = IcebergRestServer.shared().uri();   // http://127.0.0.1:PORT/
 * }</pre>
 */
public final class IcebergRestServer {
  /** The bucket that holds the catalog's warehouse. */
  public static final String BUCKET = "iceberg-rest";

  private static final Duration START_BOUND = Duration.ofSeconds(300);
  private static IcebergRestServer shared;

  private final String uri;
  private Process process;

  private IcebergRestServer(int port) {
    this.uri = "http://127.0.0.1:" + port + "/";
  }

  /** The server of this test JVM, started on first use (with the S3 server). */
  public static synchronized IcebergRestServer shared() {
    if (shared == null) {
      IcebergRestServer s = new IcebergRestServer(ServiceProcesses.freePort());
      s.start(S3Server.shared());
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "lakeforge-test-iceberg-rest-stop"));
      shared = s;
    }
    return shared;
  }

  private void start(S3Server s3) {
    s3.createBucket(BUCKET);
    try {
      String classpath =
          Files.readString(
                  Path.of(
                      System.getProperty(
                          "lakeforge.iceberg.rest.classpath",
                          "../testing/iceberg-rest/target/iceberg-rest-classpath.txt")))
              .trim();
      Path dir =
          Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "iceberg-rest-");
      String port = uri.substring(uri.lastIndexOf(':') + 1, uri.length() - 1);
      // The server reads its catalog's properties from CATALOG_* variables ("__" stands for "-").
      process =
          ChildJvm.of("org.apache.iceberg.rest.RESTCatalogServer", classpath)
              .heap("256m")
              .env("CATALOG_REST_PORT", port)
              .env("CATALOG_WAREHOUSE", "s3://" + BUCKET + "/warehouse")
              .env("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO")
              .env("CATALOG_S3_ENDPOINT", s3.endpoint())
              .env("CATALOG_S3_PATH__STYLE__ACCESS", "true")
              .env("CATALOG_S3_ACCESS__KEY__ID", s3.accessKey())
              .env("CATALOG_S3_SECRET__ACCESS__KEY", s3.secretKey())
              .env("CATALOG_CLIENT_REGION", "us-east-1")
              .start(dir.resolve("server.log"));
      ServiceProcesses.awaitHttp(
          "the Iceberg REST server",
          process,
          uri + "v1/config",
          status -> status == 200,
          START_BOUND,
          dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The catalog's URI, for a {@code rest} catalog's {@code uri}. */
  public String uri() {
    return uri;
  }

  synchronized void stop() {
    if (process != null) {
      process.destroyForcibly();
      process = null;
    }
  }
}
