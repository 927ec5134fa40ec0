package dev.lakeforge.core.job;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.core.k8s.JobDeployment;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Builds the {@link JobDeployment} of a job from its config and command line, for {@code
 * --emit-k8s}: what travels in the ConfigMap (the config, its profile file, the files they and the
 * options name), which Secrets to mount (from {@code ${file:/run/secrets/<secret>/<key>}}), the
 * submission settings and the labels.
 */
final class Deployments {
  private static final String DEFAULT_MASTER = "k8s://https://kubernetes.default.svc";

  private Deployments() {}

  static JobDeployment of(
      SparkJob job,
      Config config,
      SparkSettings spark,
      RunSettings run,
      ParseResult command,
      Set<String> commonOptions,
      PrintStream notes) {
    SparkSettings.Kubernetes k8s = spark.kubernetes();
    if (k8s == null || k8s.image() == null) {
      throw new ConfigException(
          "--emit-k8s needs spark.kubernetes.image (the image with lakeforge-jobs.jar) in the config");
    }
    Path configFile =
        config
            .file()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "--emit-k8s needs --config FILE: the config travels to the driver in a ConfigMap"));
    Path configDir = configFile.toAbsolutePath().getParent();
    Map<String, String> files = new TreeMap<>();
    files.put(configFile.getFileName().toString(), read(configFile));
    config.profileFile().ifPresent(p -> files.put(p.getFileName().toString(), read(p)));
    config
        .stringValues()
        .forEach(
            (key, value) -> {
              Path named = namedFile(config.baseDirectoryOf(key), value);
              if (named != null && named.startsWith(configDir)) {
                files.put(configDir.relativize(named).toString(), read(named));
              }
            });

    refuseSecretsInClear(config, files);

    List<String> args =
        new ArrayList<>(
            List.of(
                job.name(), "--config", JobDeployment.CONFIG_DIR + "/" + configFile.getFileName()));
    config.profile().ifPresent(p -> args.addAll(List.of("--profile", p)));
    for (OptionSpec o : command.matchedOptions()) {
      if (commonOptions.contains(o.longestName())) {
        continue;
      }
      for (String value : o.arity().max() == 0 ? List.of("") : o.stringValues()) {
        if (o.longestName().equals("--set")
            && (Redactor.isSecretKey(value.split("=", 2)[0]) || holdsSecret(config, value))) {
          throw new ConfigException(
              "--set "
                  + value.split("=", 2)[0]
                  + ": a secret given on the command line would"
                  + " be written into the manifests in clear; put it in a Kubernetes Secret and write ${file:"
                  + JobDeployment.SECRETS_DIR
                  + "/<secret>/<key>} in the config");
        }
        args.add(o.longestName());
        if (o.arity().max() == 0) {
          continue;
        }
        Path file =
            o.type() == Path.class || o.type() == Location.class
                ? namedFile(Location.workingDirectory(), value)
                : null;
        if (file != null) {
          files.put("args/" + file.getFileName(), read(file));
          args.add(JobDeployment.CONFIG_DIR + "/args/" + file.getFileName());
        } else {
          if (o.type() == Location.class && Location.of(value).isLocal()) {
            notes.println(
                "note: "
                    + o.longestName()
                    + " "
                    + value
                    + " is a path inside the driver pod; use object"
                    + " storage (s3a://...) for what must outlive it");
          }
          args.add(value);
        }
      }
    }
    command.matchedPositionals().forEach(p -> args.addAll(p.stringValues()));

    Map<String, Set<String>> secrets = new TreeMap<>();
    config
        .secretFiles()
        .forEach(
            (path, key) -> {
              Path rel =
                  path.startsWith(JobDeployment.SECRETS_DIR)
                      ? Path.of(JobDeployment.SECRETS_DIR).relativize(path)
                      : null;
              if (rel == null || rel.getNameCount() != 2) {
                throw config.errorAt(
                    key,
                    "on Kubernetes a secret file is a key of a Secret, mounted at "
                        + JobDeployment.SECRETS_DIR
                        + "/<secret>/<key>: write ${file:"
                        + JobDeployment.SECRETS_DIR
                        + "/<secret>/<key>}, not ${file:"
                        + path
                        + "}");
              }
              secrets
                  .computeIfAbsent(rel.getName(0).toString(), s -> new LinkedHashSet<>())
                  .add(rel.getName(1).toString());
            });

    String appName =
        dnsLabel(spark.appName() != null ? spark.appName() : "lakeforge-" + job.name());
    Map<String, String> labels = new TreeMap<>();
    labels.put("app.kubernetes.io/name", "lakeforge");
    labels.put("app.kubernetes.io/instance", appName);
    labels.put("lakeforge.dev/job", job.name());
    if (run.team() != null) {
      labels.put("lakeforge.dev/team", labelValue(run.team()));
    }
    if (run.tenant() != null) {
      labels.put("lakeforge.dev/tenant", labelValue(run.tenant()));
    }
    run.labels().forEach((k, v) -> labels.put("lakeforge.dev/" + k, labelValue(v)));
    labels.putAll(k8s.labels());

    Map<String, String> submit = new LinkedHashMap<>();
    String master =
        spark.master() != null && spark.master().startsWith("k8s://")
            ? spark.master()
            : DEFAULT_MASTER;
    spark
        .withMaster(master)
        .toSparkConf(appName)
        .forEach(
            (k, v) -> {
              boolean deployment =
                  k.startsWith("spark.kubernetes.")
                      || k.startsWith("spark.executor.")
                      || k.startsWith("spark.driver.cores")
                      || k.startsWith("spark.driver.memory")
                      || k.startsWith("spark.dynamicAllocation.");
              // A secret reaches the driver through the config and its Secrets, never in the
              // manifest's text.
              if (deployment
                  && !Redactor.isSecretKey(k)
                  && !k.contains(".label.")
                  && !holdsSecret(config, v)) {
                submit.put(k, v);
              }
            });
    submit.put(
        "spark.kubernetes.authenticate.driver.serviceAccountName",
        k8s.serviceAccount() == null
            ? JobDeployment.DEFAULT_SERVICE_ACCOUNT
            : k8s.serviceAccount());
    submit.put("spark.kubernetes.namespace", k8s.namespace() == null ? "default" : k8s.namespace());
    submit.put(
        "spark.kubernetes.container.image.pullPolicy",
        k8s.imagePullPolicy() == null ? "IfNotPresent" : k8s.imagePullPolicy());
    labels.forEach(
        (k, v) -> {
          submit.put("spark.kubernetes.driver.label." + k, v);
          submit.put("spark.kubernetes.executor.label." + k, v);
        });
    return new JobDeployment(
        job.name(), appName, master, k8s, submit, args, files, secrets, labels);
  }

  /**
   * The files travel in a ConfigMap, which Kubernetes does not treat as secret: a secret written in
   * one of them in clear (a {@code password:} with its value) is refused, naming the key.
   */
  private static void refuseSecretsInClear(Config config, Map<String, String> files) {
    files.forEach(
        (name, text) -> {
          if (holdsSecret(config, text)) {
            String key =
                config.stringValues().entrySet().stream()
                    .filter(
                        e ->
                            Redactor.isSecretKey(e.getKey())
                                && e.getValue().length() > 2
                                && text.contains(e.getValue()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            String advice =
                ": the config travels in a ConfigMap, which is not secret; put the value in a Kubernetes"
                    + " Secret and write ${file:"
                    + JobDeployment.SECRETS_DIR
                    + "/<secret>/<key>}";
            throw key != null
                ? config.errorAt(key, "a secret written in clear in " + name + advice)
                : new ConfigException(name + " holds a secret in clear" + advice);
          }
        });
  }

  /** Whether {@code text} holds a secret of the config. */
  private static boolean holdsSecret(Config config, String text) {
    return !config.redactor().redact(text).equals(text);
  }

  /**
   * The regular file {@code value} names relative to {@code base}, when it is a relative path to
   * one.
   */
  private static Path namedFile(Path base, String value) {
    if (value.isBlank()
        || value.contains("\n")
        || value.startsWith("<secret file")
        || value.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      return null;
    }
    try {
      Path p = Path.of(value);
      Path resolved = base.resolve(p).normalize();
      return !p.isAbsolute() && Files.isRegularFile(resolved) ? resolved : null;
    } catch (RuntimeException notAPath) {
      return null;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A DNS label: lower case, digits and '-', at most 63 characters. */
  static String dnsLabel(String name) {
    String s =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    return s.length() > 63 ? s.substring(0, 63).replaceAll("-+$", "") : s;
  }

  /** A label value: letters, digits, '-', '_' and '.', at most 63. */
  static String labelValue(String value) {
    String s =
        value.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }
}
