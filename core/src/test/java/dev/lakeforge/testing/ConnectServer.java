package dev.lakeforge.testing;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService$;

/**
 * A Spark Connect server in the test JVM, on the shared session's SparkContext and a free port, and
 * client sessions on it. Needs {@code spark-connect_2.13} on the test classpath (its jar holds the
 * JVM client too).
 *
 * <pre>{@code
 * SparkSession remote = ConnectServer.client();   // a Connect session, as a notebook has
 * }</pre>
 */
public final class ConnectServer {
  private static int port = -1;

  private ConnectServer() {}

  /** Starts the server once per JVM and returns its port. */
  public static synchronized int port() {
    if (port < 0) {
      org.apache.spark.sql.classic.SparkSession spark =
          (org.apache.spark.sql.classic.SparkSession) SharedSpark.session();
      SparkConnectService$.MODULE$.start(spark.sparkContext());
      port = SparkConnectService$.MODULE$.localPort();
    }
    return port;
  }

  /** A new Spark Connect client session on the in-process server. */
  public static SparkSession client() {
    return SparkSession.builder()
        .config("spark.api.mode", "connect")
        .remote("sc://127.0.0.1:" + port())
        .create();
  }

  static synchronized void stopIfStarted() {
    if (port >= 0) {
      SparkConnectService$.MODULE$.stop(scala.Option.empty(), scala.Option.empty());
      port = -1;
    }
  }
}
