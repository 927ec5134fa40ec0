package dev.lakeforge.core;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.config.Secret;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code s3:} section of a job config: Amazon S3 or an S3-compatible store (MinIO, Ceph, ...)
 * for every {@code s3a://} and {@code s3://} path a job reads or writes (Hadoop's S3A), and for
 * Iceberg tables whose warehouse is there (Iceberg's S3FileIO). Without keys the AWS SDK's default
 * chain applies: environment, web identity (IRSA on EKS), instance profile.
 *
 * <pre>{@code
 * s3:
 *   endpoint: https://minio.storage.svc:9000   # omit for AWS
 *   region: eu-west-1
 *   pathStyleAccess: true                      # what most S3-compatible stores need
 *   accessKey: ${file:/run/secrets/lake/s3-access-key}
 *   secretKey: ${file:/run/secrets/lake/s3-secret-key}
 * }</pre>
 *
 * @param endpoint the store's URL, {@code http://} or {@code https://} (default: AWS for the
 *     region)
 * @param region the region (S3A and the SDK need one; default {@code us-east-1} with an endpoint)
 * @param pathStyleAccess {@code bucket} in the path rather than the host name (default false)
 * @param accessKey the access key id, a secret
 * @param secretKey the secret access key, a secret
 * @param sessionToken a session token for temporary credentials, a secret
 */
public record S3Settings(
    String endpoint,
    String region,
    Boolean pathStyleAccess,
    Secret accessKey,
    Secret secretKey,
    Secret sessionToken) {

  /** The schemes S3 locations use. */
  public static boolean isS3(Location location) {
    String scheme = location.scheme();
    return scheme.equals("s3a") || scheme.equals("s3") || scheme.equals("s3n");
  }

  public S3Settings {
    require(
        endpoint == null || endpoint.matches("https?://[^/\\s]+/?"),
        "endpoint",
        "expected http://host:port or https://host:port, got '" + endpoint + "'");
    require(
        (accessKey == null) == (secretKey == null),
        accessKey == null ? "accessKey" : "secretKey",
        "give accessKey and secretKey together (or neither, for the AWS SDK's default credentials)");
    require(
        sessionToken == null || accessKey != null, "sessionToken", "needs accessKey and secretKey");
    region = region == null && endpoint != null ? "us-east-1" : region;
    pathStyleAccess = pathStyleAccess != null && pathStyleAccess;
  }

  /** Hadoop's S3A settings ({@code fs.s3a.*}), with {@code s3://} served by S3A too. */
  public Map<String, String> hadoopConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    if (endpoint != null) {
      c.put("fs.s3a.endpoint", endpoint);
      c.put("fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.startsWith("https")));
    }
    if (region != null) {
      c.put("fs.s3a.endpoint.region", region);
    }
    c.put("fs.s3a.path.style.access", pathStyleAccess.toString());
    if (accessKey != null) {
      c.put("fs.s3a.access.key", accessKey.reveal());
      c.put("fs.s3a.secret.key", secretKey.reveal());
    }
    if (sessionToken != null) {
      c.put("fs.s3a.session.token", sessionToken.reveal());
      c.put(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
    }
    return c;
  }

  /** The same as Spark settings ({@code spark.hadoop.fs.s3a.*}). */
  public Map<String, String> sparkConf() {
    Map<String, String> c = new LinkedHashMap<>();
    hadoopConf().forEach((k, v) -> c.put("spark.hadoop." + k, v));
    return c;
  }

  /** Iceberg catalog properties that make a catalog use S3FileIO on this store. */
  public Map<String, String> icebergProperties() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    if (endpoint != null) {
      c.put("s3.endpoint", endpoint);
    }
    if (region != null) {
      c.put("client.region", region);
    }
    c.put("s3.path-style-access", pathStyleAccess.toString());
    if (accessKey != null) {
      c.put("s3.access-key-id", accessKey.reveal());
      c.put("s3.secret-access-key", secretKey.reveal());
    }
    if (sessionToken != null) {
      c.put("s3.session-token", sessionToken.reveal());
    }
    return c;
  }
}
