package dev.lakeforge.core.k8s;

import dev.lakeforge.core.SparkSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job as it runs on Kubernetes: what {@link Manifests} renders for each {@link DeploymentKind}.
 * The launcher builds it from a job's config and command line; the config and the files it names
 * travel in a ConfigMap mounted at {@value #CONFIG_DIR}, secrets stay in Secrets mounted under
 * {@value #SECRETS_DIR}, and no secret value is part of it.
 *
 * @param job the job's name, e.g. {@code quality-check}
 * @param appName the Spark application's name and the prefix of every object (a DNS label)
 * @param master the {@code k8s://} master spark-submit talks to
 * @param kubernetes the config's {@code spark.kubernetes} section
 * @param submitConf the Spark settings needed when submitting (image, resources, labels, dynamic
 *     allocation); the driver applies the rest of the config itself
 * @param driverArgs the job's command line in the driver
 * @param files the ConfigMap's files: a path under {@value #CONFIG_DIR} and its content
 * @param secrets each Secret the config reads, with its keys
 * @param labels the labels of every object and pod (job, team, tenant, more)
 */
public record JobDeployment(
    String job,
    String appName,
    String master,
    SparkSettings.Kubernetes kubernetes,
    Map<String, String> submitConf,
    List<String> driverArgs,
    Map<String, String> files,
    Map<String, Set<String>> secrets,
    Map<String, String> labels) {

  /** Where the ConfigMap with the job's config is mounted in the driver. */
  public static final String CONFIG_DIR = "/etc/lakeforge";

  /** Where Secrets are mounted: {@code /run/secrets/<secret>/<key>}. */
  public static final String SECRETS_DIR = "/run/secrets";

  /** The jobs jar in the image. */
  public static final String JAR = "local:///opt/lakeforge/lakeforge-jobs.jar";

  /** The launcher's main class. */
  public static final String MAIN_CLASS = "dev.lakeforge.core.job.Launcher";

  /** The service account the manifests create when the config names none. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "lakeforge-spark";

  public JobDeployment {
    submitConf = Map.copyOf(submitConf);
    driverArgs = List.copyOf(driverArgs);
    files = Map.copyOf(files);
    secrets = Map.copyOf(secrets);
    labels = Map.copyOf(labels);
  }

  public String namespace() {
    return kubernetes.namespace() == null ? "default" : kubernetes.namespace();
  }

  public String serviceAccount() {
    return kubernetes.serviceAccount() == null
        ? DEFAULT_SERVICE_ACCOUNT
        : kubernetes.serviceAccount();
  }

  public String imagePullPolicy() {
    return kubernetes.imagePullPolicy() == null ? "IfNotPresent" : kubernetes.imagePullPolicy();
  }

  /** The ConfigMap holding the config and its files. */
  public String configMapName() {
    return appName + "-config";
  }
}
