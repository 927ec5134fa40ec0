package dev.lakeforge.core;

import dev.lakeforge.core.logging.RedactingEventLog;
import java.io.File;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.trees.TreePattern;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InMemoryFileIndex;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.orc.OrcFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Creates Spark sessions: the embedded local default, a session from config (local, Kubernetes,
 * standalone), or a Spark Connect client. Library code takes the {@link SparkSession} of Spark's
 * shared API, so the same calls work on all three.
 *
 * <pre>{@code
 * SparkSession spark = Sessions.local("orders-check");
 * SparkSession lake = Sessions.builder("orders-check")                    // the embedded default, plus
 *     .conf(Catalogs.sparkConf("lake", CatalogSettings.hadoop(Location.of("warehouse/lake"))))
 *     .conf(s3.sparkConf())                                               // an s3: section's settings
 *     .create();
 * SparkSession k8s = Sessions.create(config.bind("spark", SparkSettings.class), "orders");
 * SparkSession remote = Sessions.connect("sc://spark-connect:15002");
 * }</pre>
 */
public final class Sessions {
  private Sessions() {}

  /** A session to configure: the embedded default unless a master is given. */
  public static Builder builder(String appName) {
    return new Builder(Objects.requireNonNull(appName, "appName"));
  }

  /**
   * Configures a session step by step, then {@link #create()}s it. Settings given later win.
   *
   * <pre>{@code
   * SparkSession spark = Sessions.builder("nightly").master("local[4]").warehouse(Location.of("wh"))
   *     .conf("spark.sql.shuffle.partitions", "16").create();
   * }</pre>
   */
  public static final class Builder {
    private final String appName;
    private String master;
    private Location warehouse;
    private final Map<String, String> conf = new LinkedHashMap<>();

    private Builder(String appName) {
      this.appName = appName;
    }

    /**
     * {@code local[*]}, {@code spark://host:port}, {@code k8s://https://host:port}; default: local.
     */
    public Builder master(String newMaster) {
      this.master = newMaster;
      return this;
    }

    /** The SQL warehouse (default for local sessions: {@code .lakeforge/warehouse}). */
    public Builder warehouse(Location location) {
      this.warehouse = location;
      return this;
    }

    /** One Spark setting. */
    public Builder conf(String key, String value) {
      conf.put(key, value);
      return this;
    }

    /** Spark settings, such as a catalog's or an {@code s3:} section's. */
    public Builder conf(Map<String, String> settings) {
      conf.putAll(settings);
      return this;
    }

    /**
     * The session; the active one with these settings applied if one exists.
     *
     * @throws dev.lakeforge.core.config.SettingException when the master is not one Spark knows
     */
    public SparkSession create() {
      return Sessions.create(
          new SparkSettings(master, appName, warehouse, null, null, null, conf, null), appName);
    }
  }

  /**
   * The embedded default: {@code local[*]}, warehouse in {@code .lakeforge/warehouse}, UI off, few
   * shuffle partitions. Needs no server. Returns the active session if one exists.
   */
  public static SparkSession local(String appName) {
    return create(SparkSettings.local(), appName);
  }

  /**
   * A classic session built from the {@code spark:} section of a config. Inside spark-submit the
   * master and resources it was given are kept unless the config names its own.
   */
  public static SparkSession create(SparkSettings settings, String appName) {
    Objects.requireNonNull(settings, "settings");
    Map<String, String> conf = withRedactingEventLog(settings.toSparkConf(appName));
    removeEmptyArtifactsFolderAtExit();
    SparkSession spark = builder(conf).getOrCreate();
    // A session that was already running (a notebook, a test JVM) took the SQL settings but not the
    // Hadoop ones (object-store endpoints and keys): they go to its Hadoop configuration here.
    if (spark instanceof org.apache.spark.sql.classic.SparkSession classic) {
      Configuration hadoop = classic.sparkContext().hadoopConfiguration();
      conf.forEach(
          (k, v) -> {
            if (k.startsWith(HADOOP_PREFIX)) {
              hadoop.set(k.substring(HADOOP_PREFIX.length()), v);
            }
          });
    }
    return spark;
  }

  private static final String HADOOP_PREFIX = "spark.hadoop.";

  /**
   * Whether reading {@code data} twice gives the same rows: false when its plan holds an expression
   * such as {@code rand()} or {@code uuid()}. Known on Classic sessions; true on Connect, where the
   * plan is not in this JVM.
   */
  public static boolean isDeterministic(Dataset<?> data) {
    if (!(data instanceof org.apache.spark.sql.classic.Dataset<?> classic)) {
      return true;
    }
    Iterator<Expression> it = classic.queryExecution().analyzed().expressions().iterator();
    while (it.hasNext()) {
      if (!it.next().deterministic()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code data} is a read of Parquet or ORC files, at most projected and filtered by
   * deterministic expressions without subqueries or the current time: a second read gives the same
   * rows (the files were listed when the query was analysed) and costs only the columns read.
   * Tables whose reads can move to a newer version between two queries (Iceberg, Delta) are not:
   * two reads could see two snapshots. Known on Classic sessions; false on Connect, where the plan
   * is not in this JVM.
   *
   * <pre>{@code
   * boolean cheap = Sessions.isColumnarRead(spark.read().parquet("lake/orders"));   // true
   * }</pre>
   */
  public static boolean isColumnarRead(Dataset<?> data) {
    return data instanceof org.apache.spark.sql.classic.Dataset<?> classic
        && columnarPlan(classic.queryExecution().analyzed());
  }

  private static boolean columnarPlan(LogicalPlan plan) {
    if (plan.isStreaming()) {
      return false;
    }
    if (plan instanceof LogicalRelation r) {
      return r.relation() instanceof HadoopFsRelation files
          && files.location() instanceof InMemoryFileIndex
          && (files.fileFormat().getClass() == ParquetFileFormat.class
              || files.fileFormat().getClass() == OrcFileFormat.class);
    }
    if (!(plan instanceof Project
        || plan instanceof Filter
        || plan instanceof SubqueryAlias
        || plan instanceof View)) {
      return false;
    }
    return allMatch(plan.expressions(), Sessions::sameEveryQuery)
        && allMatch(plan.children(), Sessions::columnarPlan);
  }

  /** Deterministic, no subquery, no value a query fixes when it runs (the current time). */
  private static boolean sameEveryQuery(Expression e) {
    if (!e.deterministic()
        || e instanceof SubqueryExpression
        || e.containsPattern(TreePattern.CURRENT_LIKE())) {
      return false;
    }
    return allMatch(e.children(), Sessions::sameEveryQuery);
  }

  private static <T> boolean allMatch(scala.collection.Seq<T> items, Predicate<T> test) {
    Iterator<T> it = items.iterator();
    while (it.hasNext()) {
      if (!test.test(it.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * With {@code spark.eventLog.enabled} (in the config, or given to spark-submit), the event log is
   * written by {@link RedactingEventLog} instead of Spark's listener: the same files, with the
   * secrets Spark does not mask (literals in recorded plans) masked too.
   */
  static Map<String, String> withRedactingEventLog(Map<String, String> conf) {
    if (!SparkSettings.eventLogEnabled(conf)) {
      return conf;
    }
    Map<String, String> out = new LinkedHashMap<>(conf);
    out.put("spark.eventLog.enabled", "false");
    String listeners =
        conf.getOrDefault("spark.extraListeners", System.getProperty("spark.extraListeners", ""));
    String ours = RedactingEventLog.class.getName();
    out.put(
        "spark.extraListeners",
        listeners.isBlank() ? ours : listeners.contains(ours) ? listeners : listeners + "," + ours);
    return out;
  }

  private static final AtomicBoolean ARTIFACTS_HOOK = new AtomicBoolean();

  /**
   * Spark 4.0.0 makes its artifact folder under {@code ./artifacts} (the folder name is passed as
   * the root of a temporary folder) and removes only what is inside at exit: an empty {@code
   * artifacts/} is left in the working directory of every run. It goes too, at exit, when it was
   * not there before and is empty then (after Spark's own cleanup, which runs at a higher
   * priority).
   */
  private static void removeEmptyArtifactsFolderAtExit() {
    File artifacts = new File("artifacts").getAbsoluteFile();
    if (artifacts.exists() || !ARTIFACTS_HOOK.compareAndSet(false, true)) {
      return;
    }
    ShutdownHookManager.get()
        .addShutdownHook(
            () -> {
              String[] left = artifacts.list();
              if (left != null && left.length == 0) {
                artifacts.delete();
              }
            },
            1);
  }

  /**
   * A Spark Connect client session on {@code sc://host:port} (the URL may carry parameters, e.g.
   * {@code sc://host:15002/;token=...}). Needs {@code spark-connect-client-jvm} on the classpath.
   *
   * @throws LakeforgeException when the URL is not {@code sc://...} or the client is missing
   */
  public static SparkSession connect(String url) {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("sc://")) {
      throw new LakeforgeException("Spark Connect URL must start with sc://, got '" + url + "'");
    }
    try {
      return SparkSession.builder().config("spark.api.mode", "connect").remote(url).create();
    } catch (NoClassDefFoundError | IllegalStateException e) {
      throw new LakeforgeException(
          "cannot create a Spark Connect session for "
              + url
              + ": add org.apache.spark:spark-connect-client-jvm_2.13 to the classpath ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * The session's Hadoop settings (object store endpoints and credentials from {@code
   * spark.hadoop.*}) for code that opens files itself; a plain configuration for a Spark Connect
   * session, whose settings live on the server.
   */
  public static Configuration hadoopConfiguration(SparkSession spark) {
    return spark instanceof org.apache.spark.sql.classic.SparkSession classic
        ? classic.sparkContext().hadoopConfiguration()
        : new Configuration();
  }

  /**
   * Whether the session runs in this JVM (not over Spark Connect): code that opens files itself
   * with {@link #hadoopConfiguration} sees what the session's jobs see only then.
   */
  public static boolean isClassic(SparkSession spark) {
    return spark instanceof org.apache.spark.sql.classic.SparkSession;
  }

  /**
   * Where a table keeps its files, as its catalog says ({@code location} of a V2 table, of a
   * session-catalog table too); empty over Spark Connect, for a view, or when the catalog does not
   * say.
   */
  public static Optional<Location> tableLocation(SparkSession spark, String table) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      return Optional.empty();
    }
    try {
      List<String> parts =
          CollectionConverters.asJava(
              classic.sessionState().sqlParser().parseMultipartIdentifier(table));
      CatalogManager manager = classic.sessionState().catalogManager();
      CatalogPlugin catalog =
          parts.size() > 1 && manager.isCatalogRegistered(parts.get(0))
              ? manager.catalog(parts.get(0))
              : manager.currentCatalog();
      List<String> rest =
          catalog.name().equals(parts.get(0)) && parts.size() > 1
              ? parts.subList(1, parts.size())
              : parts;
      if (!(catalog instanceof TableCatalog tables)) {
        return Optional.empty();
      }
      String[] namespace = rest.subList(0, rest.size() - 1).toArray(String[]::new);
      if (namespace.length == 0) {
        namespace = manager.currentNamespace();
      }
      String location =
          tables
              .loadTable(Identifier.of(namespace, rest.get(rest.size() - 1)))
              .properties()
              .get(TableCatalog.PROP_LOCATION);
      return location == null ? Optional.empty() : Optional.of(Location.of(location));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * The master a session runs on ({@code local[*]}, {@code spark://...}, {@code k8s://...}); null
   * over Spark Connect.
   */
  public static String master(SparkSession spark) {
    return spark instanceof org.apache.spark.sql.classic.SparkSession classic
        ? classic.sparkContext().master()
        : null;
  }

  /**
   * The session setting in which the GPU module says why a job that asked for the GPU runs on the
   * CPU (no GPU, no RAPIDS jar).
   */
  public static final String GPU_FALLBACK_KEY = "spark.lakeforge.gpu.fallback";

  /**
   * Whether these Spark settings put SQL on the GPU: the RAPIDS Accelerator's plugin is listed and
   * {@code spark.rapids.sql.enabled} is not false.
   */
  public static boolean usesGpu(Map<String, String> conf) {
    String plugins = conf.getOrDefault("spark.plugins", "");
    return Arrays.stream(plugins.split(","))
            .map(String::strip)
            .anyMatch("com.nvidia.spark.SQLPlugin"::equals)
        && !"false".equalsIgnoreCase(conf.getOrDefault("spark.rapids.sql.enabled", "true"));
  }

  /** {@code gpu} or {@code cpu}: where the session's SQL runs; null over Spark Connect. */
  public static String accelerator(SparkSession spark) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      return null;
    }
    Map<String, String> conf = new HashMap<>();
    for (scala.Tuple2<String, String> e : classic.sparkContext().getConf().getAll()) {
      conf.put(e._1(), e._2());
    }
    return usesGpu(conf) ? "gpu" : "cpu";
  }

  /**
   * {@code client} or {@code cluster}: where the driver of a session runs; null over Spark Connect.
   */
  public static String deployMode(SparkSession spark) {
    return spark instanceof org.apache.spark.sql.classic.SparkSession classic
        ? classic.sparkContext().deployMode()
        : null;
  }

  static SparkSession.Builder builder(Map<String, String> conf) {
    // 4.0.0's builder().classic() returns a Connect builder; the api mode setting is reliable.
    SparkSession.Builder b = SparkSession.builder().config("spark.api.mode", "classic");
    conf.forEach(b::config);
    return b;
  }
}
