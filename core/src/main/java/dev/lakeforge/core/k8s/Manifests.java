package dev.lakeforge.core.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes manifests for a job, from the same config that runs it locally: the namespace, a
 * service account with the RBAC a Spark driver needs, the config in a ConfigMap, Secrets mounted as
 * files (named, never written), resources, dynamic allocation, GPUs and labels, in the shape one of
 * the {@link DeploymentKind}s asks for. Output is deterministic, so generated examples can be
 * checked in and compared.
 *
 * <pre>{@code
 * String yaml = Manifests.render(deployment, DeploymentKind.SPARK_OPERATOR);   // kubectl apply -f -
 * }</pre>
 */
public final class Manifests {
  static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String SPARK_VERSION = "4.0.0";
  private static final String CONFIG_VOLUME = "lakeforge-config";

  private final JobDeployment d;

  private Manifests(JobDeployment d) {
    this.d = d;
  }

  /**
   * The manifests (a multi-document YAML), or for {@link DeploymentKind#SPARK_SUBMIT} a bash
   * script.
   */
  public static String render(JobDeployment deployment, DeploymentKind kind) {
    Manifests m = new Manifests(deployment);
    if (kind.scheduled() && deployment.kubernetes().schedule() == null) {
      throw new LakeforgeException(
          ErrorKind.USAGE,
          "--emit-k8s "
              + kind
              + " runs on a schedule: set spark.kubernetes.schedule, for example '0 2 * * *'");
    }
    return switch (kind) {
      case SPARK_SUBMIT ->
          SubmitScript.render(
              deployment,
              m.documents(m.configMap(false)),
              yaml(m.driverTemplate()),
              m.executorsNeedTemplate() ? yaml(m.executorTemplate()) : null,
              m.submitConf());
      case SPARK_OPERATOR -> m.documents(m.configMap(false), m.kubeflowApplication());
      case SCHEDULED -> m.documents(m.configMap(false), m.kubeflowScheduled());
      case APACHE_OPERATOR -> m.documents(m.configMap(false), m.apacheApplication());
      case CRONJOB -> m.documents(m.configMap(true), m.cronJob());
    };
  }

  /** The namespace, service account, role, role binding, then {@code rest}. */
  private String documents(ObjectNode... rest) {
    List<ObjectNode> docs = new ArrayList<>();
    if (!d.namespace().equals("default")) {
      docs.add(object("v1", "Namespace", d.namespace(), false));
    }
    docs.add(object("v1", "ServiceAccount", d.serviceAccount(), true));
    ObjectNode role = object("rbac.authorization.k8s.io/v1", "Role", d.serviceAccount(), true);
    ArrayNode rules = role.putArray("rules");
    ObjectNode rule = rules.addObject();
    rule.putArray("apiGroups").add("");
    array(rule, "resources", "pods", "services", "configmaps", "persistentvolumeclaims");
    array(
        rule,
        "verbs",
        "create",
        "get",
        "list",
        "watch",
        "update",
        "patch",
        "delete",
        "deletecollection");
    docs.add(role);
    ObjectNode binding =
        object("rbac.authorization.k8s.io/v1", "RoleBinding", d.serviceAccount(), true);
    ObjectNode subject = binding.putArray("subjects").addObject();
    subject
        .put("kind", "ServiceAccount")
        .put("name", d.serviceAccount())
        .put("namespace", d.namespace());
    binding
        .putObject("roleRef")
        .put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", "Role")
        .put("name", d.serviceAccount());
    docs.add(binding);
    docs.addAll(List.of(rest));
    StringBuilder out = new StringBuilder();
    for (ObjectNode doc : docs) {
      out.append("---\n").append(yaml(doc));
    }
    return out.toString();
  }

  /**
   * The config and the files it names; with {@code template}, the driver pod template too (for a
   * submitter pod).
   */
  private ObjectNode configMap(boolean template) {
    ObjectNode cm = object("v1", "ConfigMap", d.configMapName(), true);
    ObjectNode data = cm.putObject("data");
    new TreeMap<>(d.files()).forEach((path, content) -> data.put(key(path), content));
    if (template) {
      data.put("driver-template.yaml", yaml(driverTemplate()));
      if (executorsNeedTemplate()) {
        data.put("executor-template.yaml", yaml(executorTemplate()));
      }
    }
    return cm;
  }

  /**
   * A ConfigMap key for a path under the config folder ({@code sql/a.sql} -> {@code sql__a.sql}).
   */
  static String key(String path) {
    return path.replace("/", "__");
  }

  /** The ConfigMap volume, its files back at their paths. */
  private ObjectNode configVolume() {
    ObjectNode v = NODES.objectNode().put("name", CONFIG_VOLUME);
    ObjectNode cm = v.putObject("configMap").put("name", d.configMapName());
    ArrayNode items = cm.putArray("items");
    new TreeMap<>(d.files())
        .keySet()
        .forEach(path -> items.addObject().put("key", key(path)).put("path", path));
    return v;
  }

  /** The driver's pod template: labels, the config and the secrets mounted, node placement. */
  ObjectNode driverTemplate() {
    ObjectNode pod = NODES.objectNode().put("apiVersion", "v1").put("kind", "Pod");
    labels(pod.putObject("metadata"));
    ObjectNode spec = pod.putObject("spec");
    spec.put("serviceAccountName", d.serviceAccount());
    placement(spec);
    ObjectNode container =
        spec.putArray("containers").addObject().put("name", "spark-kubernetes-driver");
    ArrayNode mounts = container.putArray("volumeMounts");
    mounts
        .addObject()
        .put("name", CONFIG_VOLUME)
        .put("mountPath", JobDeployment.CONFIG_DIR)
        .put("readOnly", true);
    ArrayNode volumes = spec.putArray("volumes");
    volumes.add(configVolume());
    new TreeMap<>(d.secrets())
        .keySet()
        .forEach(
            secret -> {
              mounts
                  .addObject()
                  .put("name", "secret-" + secret)
                  .put("mountPath", JobDeployment.SECRETS_DIR + "/" + secret)
                  .put("readOnly", true);
              volumes
                  .addObject()
                  .put("name", "secret-" + secret)
                  .putObject("secret")
                  .put("secretName", secret);
            });
    return pod;
  }

  /** The executors' pod template: labels and node placement. */
  private ObjectNode executorTemplate() {
    ObjectNode pod = NODES.objectNode().put("apiVersion", "v1").put("kind", "Pod");
    labels(pod.putObject("metadata"));
    placement(pod.putObject("spec"));
    return pod;
  }

  private void placement(ObjectNode spec) {
    if (!d.kubernetes().nodeSelector().isEmpty()) {
      ObjectNode selector = spec.putObject("nodeSelector");
      new TreeMap<>(d.kubernetes().nodeSelector()).forEach(selector::put);
    }
    if (!d.kubernetes().tolerations().isEmpty()) {
      ArrayNode t = spec.putArray("tolerations");
      d.kubernetes().tolerations().forEach(tol -> t.add(YAML.valueToTree(tol)));
    }
    if (!d.kubernetes().imagePullSecrets().isEmpty()) {
      ArrayNode s = spec.putArray("imagePullSecrets");
      d.kubernetes().imagePullSecrets().forEach(name -> s.addObject().put("name", name));
    }
  }

  /** The submission settings, with the pod templates' paths left to the caller. */
  Map<String, String> submitConf() {
    return new TreeMap<>(d.submitConf());
  }

  /**
   * Tolerations have no Spark setting: executors get them from the driver's template, without its
   * volumes.
   */
  private boolean executorsNeedTemplate() {
    return !d.kubernetes().tolerations().isEmpty();
  }

  private ObjectNode kubeflowApplication() {
    ObjectNode app = object("sparkoperator.k8s.io/v1beta2", "SparkApplication", d.appName(), true);
    app.set("spec", kubeflowSpec());
    return app;
  }

  private ObjectNode kubeflowScheduled() {
    ObjectNode app =
        object("sparkoperator.k8s.io/v1beta2", "ScheduledSparkApplication", d.appName(), true);
    ObjectNode spec = app.putObject("spec");
    spec.put("schedule", d.kubernetes().schedule()).put("concurrencyPolicy", "Forbid");
    spec.set("template", kubeflowSpec());
    return app;
  }

  private ObjectNode kubeflowSpec() {
    ObjectNode spec = NODES.objectNode();
    spec.put("type", "Java")
        .put("mode", "cluster")
        .put("image", d.kubernetes().image())
        .put("imagePullPolicy", d.imagePullPolicy())
        .put("mainClass", JobDeployment.MAIN_CLASS)
        .put("mainApplicationFile", JobDeployment.JAR)
        .put("sparkVersion", SPARK_VERSION);
    if (!d.kubernetes().imagePullSecrets().isEmpty()) {
      array(spec, "imagePullSecrets", d.kubernetes().imagePullSecrets().toArray(String[]::new));
    }
    array(spec, "arguments", d.driverArgs().toArray(String[]::new));
    ObjectNode conf = spec.putObject("sparkConf");
    submitConf()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("spark.kubernetes.")
                  && !k.startsWith("spark.driver.")
                  && !k.startsWith("spark.executor.")
                  && !k.startsWith("spark.dynamicAllocation.")) {
                conf.put(k, v);
              }
            });
    spec.putObject("restartPolicy").put("type", "Never");
    ObjectNode driver = spec.putObject("driver");
    putIf(driver, "cores", d.kubernetes().driverCores());
    putIf(driver, "memory", d.kubernetes().driverMemory());
    driver.put("serviceAccount", d.serviceAccount());
    labels(driver);
    driver
        .putArray("configMaps")
        .addObject()
        .put("name", d.configMapName())
        .put("path", JobDeployment.CONFIG_DIR);
    ArrayNode secrets = driver.putArray("secrets");
    new TreeMap<>(d.secrets())
        .keySet()
        .forEach(
            s ->
                secrets
                    .addObject()
                    .put("name", s)
                    .put("path", JobDeployment.SECRETS_DIR + "/" + s)
                    .put("secretType", "Generic"));
    placementFields(driver);
    ObjectNode executor = spec.putObject("executor");
    putIf(executor, "instances", d.kubernetes().executors());
    putIf(executor, "cores", d.kubernetes().executorCores());
    putIf(executor, "memory", d.kubernetes().executorMemory());
    putIf(executor, "memoryOverhead", d.kubernetes().executorMemoryOverhead());
    labels(executor);
    if (d.kubernetes().executorGpus() != null && d.kubernetes().executorGpus() > 0) {
      executor
          .putObject("gpu")
          .put("name", d.kubernetes().gpuVendor() + "/gpu")
          .put("quantity", d.kubernetes().executorGpus());
    }
    placementFields(executor);
    var da = d.kubernetes().dynamicAllocation();
    if (da != null && da.enabled()) {
      ObjectNode dyn = spec.putObject("dynamicAllocation").put("enabled", true);
      putIf(dyn, "initialExecutors", da.initial());
      putIf(dyn, "minExecutors", da.min());
      putIf(dyn, "maxExecutors", da.max());
    }
    return spec;
  }

  private void placementFields(ObjectNode pod) {
    if (!d.kubernetes().nodeSelector().isEmpty()) {
      ObjectNode selector = pod.putObject("nodeSelector");
      new TreeMap<>(d.kubernetes().nodeSelector()).forEach(selector::put);
    }
    if (!d.kubernetes().tolerations().isEmpty()) {
      ArrayNode t = pod.putArray("tolerations");
      d.kubernetes().tolerations().forEach(tol -> t.add(YAML.valueToTree(tol)));
    }
  }

  private ObjectNode apacheApplication() {
    ObjectNode app = object("spark.apache.org/v1beta1", "SparkApplication", d.appName(), true);
    ObjectNode spec = app.putObject("spec");
    spec.put("mainClass", JobDeployment.MAIN_CLASS).put("jars", JobDeployment.JAR);
    array(spec, "driverArgs", d.driverArgs().toArray(String[]::new));
    ObjectNode conf = spec.putObject("sparkConf");
    submitConf().forEach(conf::put);
    spec.putObject("driverSpec").set("podTemplateSpec", withoutKind(driverTemplate()));
    spec.putObject("executorSpec").set("podTemplateSpec", withoutKind(executorTemplate()));
    spec.putObject("applicationTolerations").put("resourceRetainPolicy", "OnFailure");
    spec.putObject("runtimeVersions")
        .put("sparkVersion", SPARK_VERSION)
        .put("scalaVersion", "2.13");
    return app;
  }

  private static ObjectNode withoutKind(ObjectNode pod) {
    pod.remove("apiVersion");
    pod.remove("kind");
    return pod;
  }

  private ObjectNode cronJob() {
    ObjectNode cron = object("batch/v1", "CronJob", d.appName(), true);
    ObjectNode spec = cron.putObject("spec");
    spec.put("schedule", d.kubernetes().schedule())
        .put("concurrencyPolicy", "Forbid")
        .put("successfulJobsHistoryLimit", 3)
        .put("failedJobsHistoryLimit", 3);
    ObjectNode job = spec.putObject("jobTemplate");
    labels(job.putObject("metadata"));
    ObjectNode jobSpec = job.putObject("spec").put("backoffLimit", 0);
    ObjectNode template = jobSpec.putObject("template");
    labels(template.putObject("metadata"));
    ObjectNode pod = template.putObject("spec");
    pod.put("serviceAccountName", d.serviceAccount()).put("restartPolicy", "Never");
    ObjectNode c = pod.putArray("containers").addObject();
    c.put("name", "submit")
        .put("image", d.kubernetes().image())
        .put("imagePullPolicy", d.imagePullPolicy());
    array(c, "command", "/opt/spark/bin/spark-submit");
    ArrayNode args = c.putArray("args");
    SubmitScript.sparkSubmitArgs(d, submitConf(), JobDeployment.CONFIG_DIR, executorsNeedTemplate())
        .forEach(args::add);
    c.putArray("volumeMounts")
        .addObject()
        .put("name", CONFIG_VOLUME)
        .put("mountPath", JobDeployment.CONFIG_DIR)
        .put("readOnly", true);
    ObjectNode volume = configVolume();
    ArrayNode items = (ArrayNode) volume.get("configMap").get("items");
    items.addObject().put("key", "driver-template.yaml").put("path", "driver-template.yaml");
    if (executorsNeedTemplate()) {
      items.addObject().put("key", "executor-template.yaml").put("path", "executor-template.yaml");
    }
    pod.putArray("volumes").add(volume);
    if (!d.kubernetes().imagePullSecrets().isEmpty()) {
      ArrayNode s = pod.putArray("imagePullSecrets");
      d.kubernetes().imagePullSecrets().forEach(name -> s.addObject().put("name", name));
    }
    return cron;
  }

  private ObjectNode object(String apiVersion, String kind, String name, boolean namespaced) {
    ObjectNode o = NODES.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode meta = o.putObject("metadata").put("name", name);
    if (namespaced) {
      meta.put("namespace", d.namespace());
    }
    ObjectNode labels = meta.putObject("labels");
    new TreeMap<>(d.labels()).forEach(labels::put);
    return o;
  }

  private void labels(ObjectNode holder) {
    ObjectNode labels = holder.putObject("labels");
    new TreeMap<>(d.labels()).forEach(labels::put);
  }

  private static void array(ObjectNode o, String field, String... values) {
    ArrayNode a = o.putArray(field);
    for (String v : values) {
      a.add(v);
    }
  }

  private static void putIf(ObjectNode o, String field, Object value) {
    if (value instanceof Integer i) {
      o.put(field, i);
    } else if (value != null) {
      o.put(field, value.toString());
    }
  }

  static String yaml(ObjectNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new LakeforgeException("cannot write a manifest: " + e.getOriginalMessage(), e);
    }
  }
}
