package dev.lakeforge.core.k8s;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code lakeforge <job> --emit-k8s KIND} writes. */
public enum DeploymentKind {
  /** A script that applies the manifests with kubectl and runs spark-submit in cluster mode. */
  SPARK_SUBMIT("spark-submit"),
  /**
   * The Kubeflow Spark operator's {@code SparkApplication} ({@code sparkoperator.k8s.io/v1beta2}).
   */
  SPARK_OPERATOR("spark-operator"),
  /** Its {@code ScheduledSparkApplication}, on {@code kubernetes.schedule}. */
  SCHEDULED("scheduled"),
  /**
   * The Apache Spark Kubernetes operator's {@code SparkApplication} ({@code
   * spark.apache.org/v1beta1}).
   */
  APACHE_OPERATOR("apache-operator"),
  /**
   * A {@code CronJob} that runs spark-submit from the jobs image on {@code kubernetes.schedule}.
   */
  CRONJOB("cronjob");

  private final String id;

  DeploymentKind(String id) {
    this.id = id;
  }

  /** The name on the command line. */
  public String id() {
    return id;
  }

  /** Whether it runs on a schedule ({@code kubernetes.schedule} is required). */
  public boolean scheduled() {
    return this == SCHEDULED || this == CRONJOB;
  }

  /**
   * @throws IllegalArgumentException naming the kinds when {@code text} is none of them
   */
  public static DeploymentKind of(String text) {
    for (DeploymentKind k : values()) {
      if (k.id.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown kind '"
            + text
            + "'; expected one of "
            + Arrays.stream(values()).map(DeploymentKind::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
