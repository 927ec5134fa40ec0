package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.KubernetesApi;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkDistribution;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code spark-submit} kind, run as users run it: the generated script applies its manifests
 * and submits the jobs jar in cluster mode to a Kubernetes API (fabric8's mock server; no real API
 * server runs here), and the driver pod Spark creates is what the config asks for. {@code kubectl}
 * is played by the test harness's {@code KubernetesApi} client; {@code spark-submit} is Spark's
 * own, from the test distribution.
 */
class KubernetesSubmitIT {
  private static final Path CONFIG =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples/k8s/orders-check.yaml");

  @TempDir Path dir;

  @Test
  void theSubmitScriptAppliesItsManifestsAndSparkCreatesTheDriverPodTheConfigDescribes()
      throws Exception {
    Launched emitted = KubernetesManifestsTest.emit(CONFIG, "spark-submit");
    assertThat(emitted.code()).as(emitted.err()).isZero();
    Path script = Files.writeString(dir.resolve("submit.sh"), emitted.out());
    KubernetesApi k8s = KubernetesApi.shared();

    String java = ChildJvm.java();
    String flags =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized"))
            .collect(Collectors.joining(" "));
    Path kubectl =
        executable(
            "kubectl",
            "exec "
                + java
                + " -cp '"
                + System.getProperty("java.class.path")
                + "' dev.lakeforge.testing.KubernetesApi "
                + k8s.url()
                + " \"$@\"");
    // spark-submit is SparkSubmit of the distribution; the API never runs the pod, so it must not
    // wait for it
    Path sparkSubmit =
        executable(
            "spark-submit",
            "exec "
                + java
                + " "
                + flags
                + " -cp '"
                + SparkDistribution.classpath()
                + "' org.apache.spark.deploy.SparkSubmit --conf spark.kubernetes.submission.waitAppCompletion=false \"$@\"");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("submit.log").toFile());
    pb.environment()
        .putAll(
            Map.of(
                "KUBECTL",
                kubectl.toString(),
                "SPARK_SUBMIT",
                sparkSubmit.toString(),
                "MASTER",
                "k8s://" + k8s.url(),
                "SPARK_HOME",
                SparkDistribution.home().toString(),
                "SPARK_SCALA_VERSION",
                "2.13"));
    Process p = pb.start();
    assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("the submission ends").isTrue();
    String log = Files.readString(dir.resolve("submit.log"));
    assertThat(p.exitValue()).as(log).isZero();

    JsonNode pods = k8s.get("/api/v1/namespaces/data/pods").path("items");
    JsonNode driver =
        StreamSupport.stream(pods.spliterator(), false)
            .filter(pod -> pod.path("metadata").path("name").asText().startsWith("orders-check"))
            .findFirst()
            .orElseThrow();
    JsonNode spec = driver.path("spec");
    JsonNode container = spec.path("containers").get(0);
    assertThat(container.path("image").asText())
        .isEqualTo("registry.example.com/lakeforge-jobs:0.1.0");
    assertThat(texts(container.path("args")))
        .containsSubsequence(
            "--class",
            "dev.lakeforge.core.job.Launcher",
            "local:///opt/lakeforge/lakeforge-jobs.jar",
            "quality-check",
            "--config",
            "/etc/lakeforge/orders-check.yaml");
    assertThat(spec.path("serviceAccountName").asText()).isEqualTo("lakeforge-spark");
    assertThat(driver.path("metadata").path("labels").path("lakeforge.dev/team").asText())
        .isEqualTo("payments");
    assertThat(driver.path("metadata").path("labels").path("lakeforge.dev/job").asText())
        .isEqualTo("quality-check");
    assertThat(spec.path("nodeSelector").path("pool").asText()).isEqualTo("spark");
    assertThat(spec.path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
    Map<String, String> mounts = new TreeMap<>();
    container
        .path("volumeMounts")
        .forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
    assertThat(mounts).containsKeys("/etc/lakeforge", "/run/secrets/lake-s3");
    Map<String, JsonNode> volumes = new TreeMap<>();
    spec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    assertThat(volumes.get("lakeforge-config").path("configMap").path("name").asText())
        .isEqualTo("orders-check-config");
    assertThat(volumes.get("secret-lake-s3").path("secret").path("secretName").asText())
        .isEqualTo("lake-s3");
    assertThat(container.path("resources").path("limits").path("memory").asText())
        .as("2g and Spark's overhead")
        .isEqualTo("2432Mi");

    // the Spark settings the driver starts with, in the config map Spark made for it
    JsonNode maps = k8s.get("/api/v1/namespaces/data/configmaps").path("items");
    String properties =
        StreamSupport.stream(maps.spliterator(), false)
            .filter(m -> m.path("metadata").path("name").asText().startsWith("spark-drv-"))
            .map(m -> m.path("data").path("spark.properties").asText())
            .findFirst()
            .orElseThrow();
    assertThat(properties)
        .contains("spark.executor.instances=2")
        .contains("spark.executor.memory=4g")
        .contains("spark.dynamicAllocation.enabled=true")
        .contains("spark.dynamicAllocation.shuffleTracking.enabled=true")
        .contains("spark.kubernetes.executor.label.lakeforge.dev/tenant=acme");
    assertThat(
            k8s.get("/api/v1/namespaces/data/configmaps/orders-check-config")
                .path("data")
                .path("orders-suite.yaml")
                .asText())
        .contains("isUnique: order_id");
  }

  private Path executable(String name, String command) throws IOException {
    Path f = Files.writeString(dir.resolve(name), "#!/usr/bin/env bash\n" + command + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
