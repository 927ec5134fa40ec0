package dev.lakeforge.jobs.devservices;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the dev services listen: fixed loopback ports (a Kafka, PostgreSQL, Nessie and S3 client
 * finds them where the examples say), and the development credentials, which guard nothing but
 * loopback.
 */
record Endpoints(int kafka, int postgres, int nessie, int s3) {
  static final String HOST = "127.0.0.1";
  static final String PG_DATABASE = "lakeforge";
  static final String PG_USER = "lakeforge";
  static final String PG_PASSWORD = "dev-password";
  static final String S3_ACCESS_KEY = "devaccesskey";
  static final String S3_SECRET_KEY = "dev-secret-key";
  static final String S3_BUCKET = "lake";

  String kafkaBootstrap() {
    return HOST + ":" + kafka;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + postgres + "/" + PG_DATABASE;
  }

  String nessieUri() {
    return "http://" + HOST + ":" + nessie + "/api/v2";
  }

  String s3Endpoint() {
    return "http://" + HOST + ":" + s3;
  }

  /** The endpoints of {@code services} as a config a job can use: the profile printed by up. */
  String profile(List<String> services) {
    List<String> lines = new ArrayList<>();
    lines.add("# lakeforge dev-services: loopback endpoints; development credentials only.");
    if (services.contains("kafka")) {
      lines.add("# kafka.bootstrapServers: " + kafkaBootstrap());
    }
    if (services.contains("postgres")) {
      lines.add(
          "# postgres: {url: \""
              + jdbcUrl()
              + "\", user: "
              + PG_USER
              + ", password: "
              + PG_PASSWORD
              + "}");
    }
    if (services.contains("s3")) {
      lines.add("s3:");
      lines.add("  endpoint: " + s3Endpoint());
      lines.add("  region: us-east-1");
      lines.add("  pathStyleAccess: true");
      lines.add("  accessKey: " + S3_ACCESS_KEY);
      lines.add("  secretKey: " + S3_SECRET_KEY);
    }
    if (services.contains("nessie") || services.contains("s3")) {
      lines.add("catalogs:");
    }
    if (services.contains("s3")) {
      lines.add("  lake: {type: hadoop, warehouse: \"s3a://" + S3_BUCKET + "/warehouse\"}");
    }
    if (services.contains("nessie")) {
      lines.add(
          "  nessie: {type: nessie, uri: \""
              + nessieUri()
              + "\", ref: main, warehouse: \""
              + (services.contains("s3") ? "s3a://" + S3_BUCKET + "/nessie" : ".lakeforge/nessie")
              + "\"}");
    }
    return String.join("\n", lines) + "\n";
  }
}
