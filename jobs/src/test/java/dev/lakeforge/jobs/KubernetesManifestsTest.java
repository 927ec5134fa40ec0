package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.testing.KubernetesApi;
import dev.lakeforge.testing.Launched;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code --emit-k8s} generates from a job's config: the checked-in examples in {@code
 * jobs/k8s} are exactly what the launcher generates today, every kind applies to a Kubernetes API
 * and reads back, and no secret value is ever in it.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path CONFIG = ROOT.resolve("examples/k8s/orders-check.yaml");
  private static final Path GENERATED = ROOT.resolve("jobs/k8s/orders-check");

  @TempDir Path dir;

  static Launched emit(Path config, String kind, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("quality-check", "--config", config.toString(), "--emit-k8s", kind));
    args.addAll(List.of(more));
    return Launched.run(args);
  }

  static String emit(String kind) {
    Launched e = emit(CONFIG, kind);
    assertThat(e.code()).as(e.err()).isZero();
    return e.out();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"spark-submit", "spark-operator", "scheduled", "apache-operator", "cronjob"})
  void theCheckedInExamplesAreWhatTheLauncherGenerates(String kind) throws IOException {
    String generated = emit(kind);
    Path file = GENERATED.resolve(kind + (kind.equals("spark-submit") ? ".sh" : ".yaml"));
    if (Boolean.getBoolean("lakeforge.regenerate")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated);
    }
    assertThat(file)
        .as(
            "regenerate with: mvn -pl jobs test -Dtest=KubernetesManifestsTest -Dlakeforge.regenerate=true")
        .hasContent(generated);
    assertThat(generated).doesNotContain("<secret file").contains("lake-s3");
  }

  @Test
  void theKubeflowApplicationAppliesWithTheConfigSecretsResourcesAndLabels() {
    List<JsonNode> applied = KubernetesApi.shared().apply(emit("spark-operator"));
    assertThat(applied)
        .extracting(o -> o.path("kind").asText())
        .containsExactly(
            "Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "SparkApplication");
    JsonNode app =
        KubernetesApi.shared()
            .get(
                "/apis/sparkoperator.k8s.io/v1beta2/namespaces/data/sparkapplications/orders-check");
    JsonNode spec = app.path("spec");
    assertThat(spec.path("image").asText()).isEqualTo("registry.example.com/lakeforge-jobs:0.1.0");
    assertThat(spec.path("mainApplicationFile").asText())
        .isEqualTo("local:///opt/lakeforge/lakeforge-jobs.jar");
    assertThat(texts(spec.path("arguments")))
        .containsExactly("quality-check", "--config", "/etc/lakeforge/orders-check.yaml");
    assertThat(spec.path("driver").path("serviceAccount").asText()).isEqualTo("lakeforge-spark");
    assertThat(spec.path("driver").path("configMaps").get(0).path("path").asText())
        .isEqualTo("/etc/lakeforge");
    assertThat(spec.path("driver").path("secrets").get(0).path("name").asText())
        .isEqualTo("lake-s3");
    assertThat(spec.path("driver").path("secrets").get(0).path("path").asText())
        .isEqualTo("/run/secrets/lake-s3");
    assertThat(spec.path("executor").path("instances").asInt()).isEqualTo(2);
    assertThat(spec.path("executor").path("memory").asText()).isEqualTo("4g");
    assertThat(spec.path("dynamicAllocation").path("maxExecutors").asInt()).isEqualTo(10);
    assertThat(spec.path("driver").path("labels").path("lakeforge.dev/team").asText())
        .isEqualTo("payments");
    assertThat(spec.path("executor").path("labels").path("lakeforge.dev/tenant").asText())
        .isEqualTo("acme");
    assertThat(spec.path("executor").path("tolerations").get(0).path("key").asText())
        .isEqualTo("dedicated");
    JsonNode config =
        KubernetesApi.shared()
            .get("/api/v1/namespaces/data/configmaps/orders-check-config")
            .path("data");
    assertThat(config.path("orders-check.yaml").asText()).contains("quality-check:");
    assertThat(config.path("orders-suite.yaml").asText()).contains("isUnique: order_id");
  }

  @Test
  void theScheduledKindsCarryTheSchedule() {
    KubernetesApi.shared().apply(emit("scheduled"));
    JsonNode scheduled =
        KubernetesApi.shared()
            .get(
                "/apis/sparkoperator.k8s.io/v1beta2/namespaces/data/scheduledsparkapplications/orders-check");
    assertThat(scheduled.path("spec").path("schedule").asText()).isEqualTo("0 2 * * *");
    assertThat(scheduled.path("spec").path("template").path("mainClass").asText())
        .isEqualTo("dev.lakeforge.core.job.Launcher");

    KubernetesApi.shared().apply(emit("cronjob"));
    JsonNode cron =
        KubernetesApi.shared().get("/apis/batch/v1/namespaces/data/cronjobs/orders-check");
    assertThat(cron.path("spec").path("schedule").asText()).isEqualTo("0 2 * * *");
    JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo("lakeforge-spark");
    assertThat(texts(pod.path("containers").get(0).path("args")))
        .contains(
            "--deploy-mode",
            "cluster",
            "spark.kubernetes.driver.podTemplateFile=/etc/lakeforge/driver-template.yaml",
            "quality-check");
  }

  @Test
  void theApacheOperatorsApplicationMountsTheConfigThroughItsPodTemplate() {
    KubernetesApi.shared().apply(emit("apache-operator"));
    JsonNode app =
        KubernetesApi.shared()
            .get("/apis/spark.apache.org/v1beta1/namespaces/data/sparkapplications/orders-check");
    JsonNode spec = app.path("spec");
    assertThat(spec.path("jars").asText()).isEqualTo("local:///opt/lakeforge/lakeforge-jobs.jar");
    assertThat(spec.path("sparkConf").path("spark.kubernetes.container.image").asText())
        .isEqualTo("registry.example.com/lakeforge-jobs:0.1.0");
    assertThat(spec.path("sparkConf").path("spark.executor.instances").asText()).isEqualTo("2");
    JsonNode driverPod = spec.path("driverSpec").path("podTemplateSpec").path("spec");
    assertThat(texts(driverPod.path("volumes"), "name"))
        .contains("lakeforge-config", "secret-lake-s3");
    assertThat(texts(driverPod.path("containers").get(0).path("volumeMounts"), "mountPath"))
        .contains("/etc/lakeforge", "/run/secrets/lake-s3");
  }

  /** A GPU job: executors ask for the vendor's GPU, on the GPU nodes, tolerating their taint. */
  @Test
  void gpuJobExecutorsAskForGpusOnGpuNodes() {
    Launched e =
        Launched.run(
            List.of(
                "gpu-transform",
                "--config",
                ROOT.resolve("examples/k8s/features-gpu.yaml").toString(),
                "--emit-k8s",
                "spark-operator"));
    assertThat(e.code()).as(e.err()).isZero();
    KubernetesApi.shared().apply(e.out());
    JsonNode spec =
        KubernetesApi.shared()
            .get(
                "/apis/sparkoperator.k8s.io/v1beta2/namespaces/data/sparkapplications/order-features")
            .path("spec");
    JsonNode executor = spec.path("executor");
    assertThat(executor.path("gpu").path("name").asText()).isEqualTo("nvidia.com/gpu");
    assertThat(executor.path("gpu").path("quantity").asInt()).isEqualTo(1);
    assertThat(executor.path("nodeSelector").path("nvidia.com/gpu.present").asText())
        .isEqualTo("true");
    assertThat(executor.path("tolerations").get(0).path("key").asText())
        .isEqualTo("nvidia.com/gpu");
    assertThat(spec.path("image").asText())
        .isEqualTo("registry.example.com/lakeforge-jobs-gpu:0.1.0");
    assertThat(
            KubernetesApi.shared()
                .get("/api/v1/namespaces/data/configmaps/order-features-config")
                .path("data")
                .path("features-gpu.yaml")
                .asText())
        .contains("preset: gpu-k8s");
  }

  @Test
  void aSecretFileThatNoSecretCanHoldIsRefused() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("local-secret.yaml"),
            """
        spark:
          kubernetes: {image: registry.example.com/lakeforge-jobs:0.1.0}
        s3: {accessKey: "${file:keys/access}", secretKey: "${file:keys/secret}"}
        quality-check: {suite: suite.yaml, input: lake.sales.orders}
        """);
    Files.writeString(
        dir.resolve("suite.yaml"),
        "checks:\n  - description: c\n    constraints:\n      - isComplete: id\n");
    Launched e = emit(config, "spark-operator");
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.err())
        .contains("local-secret.yaml:3:")
        .contains("s3.accessKey")
        .contains("write ${file:/run/secrets/<secret>/<key>}");
  }

  @Test
  void aSecretThatWouldBeInTheManifestsInClearIsRefused() throws IOException {
    Files.writeString(
        dir.resolve("suite.yaml"),
        "checks:\n  - description: c\n    constraints:\n      - isComplete: id\n");
    Path written =
        Files.writeString(
            dir.resolve("clear.yaml"),
            """
        spark:
          kubernetes: {image: registry.example.com/lakeforge-jobs:0.1.0}
        catalogs:
          lake: {type: hadoop, warehouse: s3a://lake/wh, properties: {rest.auth.token: "t0ps3cr3t-in-clear"}}
        quality-check: {suite: suite.yaml, input: lake.sales.orders}
        """);
    Launched clear = emit(written, "spark-operator");
    assertThat(clear.code()).isEqualTo(2);
    assertThat(clear.err())
        .contains("clear.yaml:4:")
        .contains("catalogs.lake.properties[\"rest.auth.token\"]")
        .contains("travels in a ConfigMap")
        .doesNotContain("t0ps3cr3t-in-clear");
    assertThat(clear.out()).isEmpty();

    Launched set =
        emit(CONFIG, "spark-operator", "--set", "s3.sessionToken=t0ps3cr3t-on-the-command-line");
    assertThat(set.code()).isEqualTo(2);
    assertThat(set.err())
        .contains("--set s3.sessionToken: a secret given on the command line")
        .doesNotContain("t0ps3cr3t-on-the-command-line");
    assertThat(set.out()).isEmpty();
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static List<String> texts(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.path(field).asText())
        .toList();
  }
}
