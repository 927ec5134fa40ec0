package dev.lakeforge.core;

import static dev.lakeforge.core.config.SettingException.require;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code spark:} section of a job config: where the session runs and how it is sized.
 *
 * <pre>{@code
 * spark:
 *   master: k8s://https://kubernetes.default.svc
 *   appName: orders-nightly
 *   conf: {spark.sql.adaptive.enabled: true}
 *   kubernetes:
 *     namespace: data
 *     image: registry.example.com/lakeforge-jobs:0.1.0
 *     serviceAccount: spark
 *     executors: 4
 *     executorCores: 4
 *     executorMemory: 8g
 *     dynamicAllocation: {enabled: true, min: 2, max: 20}
 * }</pre>
 *
 * @param master {@code local[*]}, {@code local[N]}, {@code k8s://https://host:port}, {@code
 *     spark://host:port} or {@code yarn}; when absent, the master given by spark-submit, else
 *     {@code local[*]}
 * @param appName the application name (default: the job name)
 * @param warehouse the SQL warehouse folder (default for local runs: {@code .lakeforge/warehouse}
 *     in the working directory); a relative path starts at the config file's folder
 * @param shufflePartitions {@code spark.sql.shuffle.partitions} (default for local runs: 2 per
 *     core, at least 4)
 * @param ui whether the Spark UI starts (default: off for local runs)
 * @param timeZone {@code spark.sql.session.timeZone}, e.g. {@code UTC}
 * @param conf any other Spark settings; they win over everything above
 * @param kubernetes settings for a {@code k8s://} master
 */
public record SparkSettings(
    String master,
    String appName,
    Location warehouse,
    Integer shufflePartitions,
    Boolean ui,
    String timeZone,
    Map<String, String> conf,
    Kubernetes kubernetes) {

  static final Pattern MASTER =
      Pattern.compile(
          "local|local\\[(\\*|\\d+)(,\\d+)?]|local-cluster\\[\\d+,\\d+,\\d+]|k8s://.+|spark://.+|yarn");
  static final Pattern MEMORY = Pattern.compile("(?i)\\d+[kmgtp]?b?");
  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  /**
   * What Spark masks in its UI, event log and reports: its default, plus dashed key ids and
   * credentials.
   */
  public static final String REDACTION_REGEX =
      "(?i)secret|password|token|access[.-]?key|credential|private[.-]?key";

  /** The default warehouse folder of local runs, relative to the working directory. */
  public static final String LOCAL_WAREHOUSE = ".lakeforge/warehouse";

  /**
   * Spark settings whose value is a path: a relative one in {@code conf} starts at the config
   * file's folder, like every other path in a config, and reaches Spark as an absolute URI.
   */
  static final Pattern PATH_KEYS =
      Pattern.compile(
          "spark\\.sql\\.catalog\\.[^.]+\\.warehouse|spark\\.sql\\.warehouse\\.dir"
              + "|spark\\.eventLog\\.dir|spark\\.sql\\.streaming\\.checkpointLocation|spark\\.history\\.fs\\.logDirectory");

  public SparkSettings {
    require(
        master == null || MASTER.matcher(master).matches(),
        "master",
        "expected local[*], local[N], k8s://https://host:port, spark://host:port or yarn, got '"
            + master
            + "'");
    require(
        shufflePartitions == null || shufflePartitions > 0,
        "shufflePartitions",
        "must be at least 1, got " + shufflePartitions);
    conf = conf == null ? Map.of() : Map.copyOf(conf);
    if (master != null && master.startsWith("k8s://")) {
      require(
          kubernetes != null && kubernetes.image() != null,
          "kubernetes.image",
          "is required when master is "
              + master
              + " (the container image with lakeforge-jobs.jar)");
    }
  }

  /** The embedded default: local Spark, local warehouse, UI off, few shuffle partitions. */
  public static SparkSettings local() {
    return new SparkSettings(null, null, null, null, null, null, null, null);
  }

  /** A copy with another master. */
  public SparkSettings withMaster(String newMaster) {
    return new SparkSettings(
        newMaster, appName, warehouse, shufflePartitions, ui, timeZone, conf, kubernetes);
  }

  /** A copy whose {@code conf} is this map. */
  public SparkSettings withConf(Map<String, String> newConf) {
    return new SparkSettings(
        master, appName, warehouse, shufflePartitions, ui, timeZone, newConf, kubernetes);
  }

  /** Whether these settings, or those spark-submit gave this JVM, turn Spark's event log on. */
  public static boolean eventLogEnabled(Map<String, String> conf) {
    return Boolean.parseBoolean(
        conf.getOrDefault("spark.eventLog.enabled", System.getProperty("spark.eventLog.enabled")));
  }

  /** Whether a Spark setting holds a path (a warehouse, the event log or checkpoint folder). */
  public static boolean isPathKey(String key) {
    return PATH_KEYS.matcher(key).matches();
  }

  /**
   * The SQL warehouse: this section's, else {@code .lakeforge/warehouse} in the working directory
   * for local runs, else null (Spark's default).
   */
  public Location warehouseLocation() {
    String dir = conf.get("spark.sql.warehouse.dir");
    if (dir != null) {
      return Location.of(dir);
    }
    return warehouse != null ? warehouse : isLocal() ? Location.of(LOCAL_WAREHOUSE) : null;
  }

  /** Whether the session runs inside this JVM ({@code local...}, or no master anywhere). */
  public boolean isLocal() {
    String m = effectiveMaster();
    return m == null || m.startsWith("local");
  }

  /**
   * The master that will be used: this config's, else spark-submit's, else null (meaning local[*]).
   */
  public String effectiveMaster() {
    return master != null ? master : System.getProperty("spark.master");
  }

  /**
   * The Spark settings this section stands for, in the order they are applied. Keys from {@code
   * conf} come last and win.
   */
  public Map<String, String> toSparkConf(String defaultAppName) {
    Map<String, String> out = new LinkedHashMap<>();
    String m = effectiveMaster();
    boolean local = m == null || m.startsWith("local");
    if (master != null) {
      out.put("spark.master", master);
    } else if (m == null) {
      out.put("spark.master", "local[*]");
    }
    out.put("spark.app.name", appName != null ? appName : defaultAppName);
    if (warehouse != null) {
      out.put("spark.sql.warehouse.dir", warehouse.uri());
    } else if (local) {
      out.put("spark.sql.warehouse.dir", Location.of(LOCAL_WAREHOUSE).uri());
    }
    if (ui != null) {
      out.put("spark.ui.enabled", ui.toString());
    } else if (local) {
      out.put("spark.ui.enabled", "false");
    }
    if (shufflePartitions != null) {
      out.put("spark.sql.shuffle.partitions", shufflePartitions.toString());
    } else if (local) {
      out.put(
          "spark.sql.shuffle.partitions",
          Integer.toString(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    }
    if (local) {
      out.put("spark.driver.host", "127.0.0.1");
      out.put("spark.driver.bindAddress", "127.0.0.1");
    }
    if (timeZone != null) {
      out.put("spark.sql.session.timeZone", timeZone);
    }
    // Jobs cache what they read twice (a split, a stream batch): let adaptive execution still merge
    // the
    // small shuffle partitions of what is cached (Spark keeps their number by default: 200 on a
    // cluster).
    out.put("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    // Spark masks settings matching this in its UI, event log and environment reports; its default
    // misses object-store key ids written with a dash (Iceberg's s3.access-key-id).
    out.put("spark.redaction.regex", REDACTION_REGEX);
    if (kubernetes != null) {
      kubernetes.putInto(out);
    }
    out.putAll(conf);
    return out;
  }

  /**
   * Kubernetes settings of a {@code k8s://} master, and of the manifests {@code --emit-k8s} writes.
   *
   * @param namespace {@code spark.kubernetes.namespace} (manifests: default {@code default})
   * @param image {@code spark.kubernetes.container.image} (required with a k8s master)
   * @param imagePullPolicy {@code Always}, {@code IfNotPresent} (default) or {@code Never}
   * @param imagePullSecrets Secrets holding registry credentials
   * @param serviceAccount {@code spark.kubernetes.authenticate.driver.serviceAccountName}
   *     (manifests: default {@code lakeforge-spark}, created with the RBAC the driver needs)
   * @param executors {@code spark.executor.instances}
   * @param executorCores {@code spark.executor.cores}
   * @param executorMemory {@code spark.executor.memory}, e.g. {@code 8g}
   * @param executorMemoryOverhead {@code spark.executor.memoryOverhead}, e.g. {@code 1g}
   * @param executorGpus GPUs per executor ({@code spark.executor.resource.gpu.amount}, and the
   *     vendor's resource limit on executor pods)
   * @param gpuVendor the GPU resource's vendor (default {@code nvidia.com})
   * @param driverCores {@code spark.driver.cores}
   * @param driverMemory {@code spark.driver.memory}
   * @param dynamicAllocation executor autoscaling
   * @param labels more labels on every pod and object (team and tenant come from {@code run:})
   * @param nodeSelector node labels the pods must match
   * @param tolerations taints the pods tolerate, as Kubernetes writes them
   * @param schedule a cron schedule for the scheduled manifests ({@code scheduled}, {@code
   *     cronjob})
   */
  public record Kubernetes(
      String namespace,
      String image,
      String imagePullPolicy,
      List<String> imagePullSecrets,
      String serviceAccount,
      Integer executors,
      Integer executorCores,
      String executorMemory,
      String executorMemoryOverhead,
      Integer executorGpus,
      String gpuVendor,
      Integer driverCores,
      String driverMemory,
      DynamicAllocation dynamicAllocation,
      Map<String, String> labels,
      Map<String, String> nodeSelector,
      List<Map<String, Object>> tolerations,
      String schedule) {

    public Kubernetes {
      require(
          executors == null || executors >= 0, "executors", "must be 0 or more, got " + executors);
      require(
          executorCores == null || executorCores > 0,
          "executorCores",
          "must be at least 1, got " + executorCores);
      require(
          driverCores == null || driverCores > 0,
          "driverCores",
          "must be at least 1, got " + driverCores);
      require(
          executorGpus == null || executorGpus >= 0,
          "executorGpus",
          "must be 0 or more, got " + executorGpus);
      require(
          imagePullPolicy == null || PULL_POLICIES.contains(imagePullPolicy),
          "imagePullPolicy",
          "expected Always, IfNotPresent or Never, got '" + imagePullPolicy + "'");
      require(
          namespace == null || DNS_LABEL.matcher(namespace).matches(),
          "namespace",
          "expected a DNS label (lower-case letters, digits and '-'), got '" + namespace + "'");
      require(
          serviceAccount == null || DNS_NAME.matcher(serviceAccount).matches(),
          "serviceAccount",
          "expected a DNS name (lower-case letters, digits, '-' and '.'), got '"
              + serviceAccount
              + "'");
      require(
          schedule == null || schedule.trim().split("\\s+").length == 5 || schedule.startsWith("@"),
          "schedule",
          "expected a cron schedule of five fields, such as '0 2 * * *', or @daily, got '"
              + schedule
              + "'");
      requireMemory("executorMemory", executorMemory);
      requireMemory("executorMemoryOverhead", executorMemoryOverhead);
      requireMemory("driverMemory", driverMemory);
      imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
      tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
      gpuVendor = gpuVendor == null ? "nvidia.com" : gpuVendor;
    }

    private static void requireMemory(String key, String value) {
      require(
          value == null || MEMORY.matcher(value).matches(),
          key,
          "expected a size such as 512m, 4g or 1t, got '" + value + "'");
    }

    void putInto(Map<String, String> out) {
      putIf(out, "spark.kubernetes.namespace", namespace);
      putIf(out, "spark.kubernetes.container.image", image);
      putIf(out, "spark.kubernetes.container.image.pullPolicy", imagePullPolicy);
      if (!imagePullSecrets.isEmpty()) {
        out.put("spark.kubernetes.container.image.pullSecrets", String.join(",", imagePullSecrets));
      }
      putIf(out, "spark.kubernetes.authenticate.driver.serviceAccountName", serviceAccount);
      labels.forEach(
          (k, v) -> {
            out.put("spark.kubernetes.driver.label." + k, v);
            out.put("spark.kubernetes.executor.label." + k, v);
          });
      nodeSelector.forEach((k, v) -> out.put("spark.kubernetes.node.selector." + k, v));
      putIf(out, "spark.executor.instances", executors);
      putIf(out, "spark.executor.cores", executorCores);
      putIf(out, "spark.executor.memory", executorMemory);
      putIf(out, "spark.executor.memoryOverhead", executorMemoryOverhead);
      if (executorGpus != null && executorGpus > 0) {
        out.put("spark.executor.resource.gpu.amount", executorGpus.toString());
        out.put("spark.executor.resource.gpu.vendor", gpuVendor);
      }
      putIf(out, "spark.driver.cores", driverCores);
      putIf(out, "spark.driver.memory", driverMemory);
      if (dynamicAllocation != null && dynamicAllocation.enabled()) {
        out.put("spark.dynamicAllocation.enabled", "true");
        // Kubernetes has no external shuffle service: track shuffle files instead.
        out.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
        putIf(out, "spark.dynamicAllocation.minExecutors", dynamicAllocation.min());
        putIf(out, "spark.dynamicAllocation.maxExecutors", dynamicAllocation.max());
        putIf(out, "spark.dynamicAllocation.initialExecutors", dynamicAllocation.initial());
      }
    }

    private static void putIf(Map<String, String> out, String key, Object value) {
      if (value != null) {
        out.put(key, value.toString());
      }
    }
  }

  /**
   * Dynamic allocation bounds.
   *
   * @param enabled whether executors scale with the backlog
   * @param min {@code spark.dynamicAllocation.minExecutors}
   * @param max {@code spark.dynamicAllocation.maxExecutors}
   * @param initial {@code spark.dynamicAllocation.initialExecutors}
   */
  public record DynamicAllocation(boolean enabled, Integer min, Integer max, Integer initial) {
    public DynamicAllocation {
      require(min == null || min >= 0, "min", "must be 0 or more, got " + min);
      require(max == null || max >= 1, "max", "must be at least 1, got " + max);
      require(
          min == null || max == null || min <= max,
          "min",
          "(" + min + ") must not exceed max (" + max + ")");
      require(
          initial == null || ((min == null || initial >= min) && (max == null || initial <= max)),
          "initial",
          "(" + initial + ") must lie between min and max");
    }
  }
}
