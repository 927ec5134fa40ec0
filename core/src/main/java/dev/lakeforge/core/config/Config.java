package dev.lakeforge.core.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.lakeforge.core.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A loaded, substituted config: YAML (or JSON) files bound to typed records on demand. Every value
 * remembers the file and line it came from, so a bad value is reported there.
 *
 * <pre>{@code
 * Config config = Config.file(Path.of("job.yaml"))
 *     .profile("prod")                    // overlays profiles.prod, then job-prod.yaml
 *     .set("spark.executor.instances=8")  // like --set on the command line
 *     .load();
 * SparkSettings spark = config.bind("spark", SparkSettings.class);
 * }</pre>
 *
 * <p>Order of precedence, lowest first: the base file, its {@code profiles.<name>} section, the
 * sibling file {@code <base>-<name>.yaml}, then {@code --set} overrides. {@code ${NAME}}, {@code
 * ${NAME:-default}} and {@code ${file:/run/secrets/x}} are substituted last, so overrides may use
 * them too.
 */
public final class Config {
  private static final ObjectMapper YAML_OUT =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private final ConfigTree tree;
  private final Redactor redactor;
  private final Path file;
  private final String profile;
  private final Map<Path, KeyPath> secretFiles;

  private Config(
      ConfigTree tree,
      Redactor redactor,
      Path file,
      String profile,
      Map<Path, KeyPath> secretFiles) {
    this.tree = tree;
    this.redactor = redactor;
    this.file = file;
    this.profile = profile;
    this.secretFiles = secretFiles;
  }

  /** Starts loading a config file. */
  public static Loader file(Path file) {
    return new Loader(Objects.requireNonNull(file, "file"));
  }

  /** Starts a config with no file: defaults, then {@code --set} overrides. */
  public static Loader empty() {
    return new Loader(null);
  }

  /** Parses YAML text (with environment substitution from the process environment). */
  public static Config parse(String yaml, String sourceName) {
    ConfigTree t = ConfigTree.parse(yaml, sourceName);
    Redactor r = new Redactor();
    new Substitution(System::getenv, r).apply(t);
    return new Config(t, r, null, null, Map.of());
  }

  /**
   * Binds a top-level section (e.g. {@code "spark"}; {@code ""} for the whole file) to a record. A
   * missing section binds as an empty mapping, so records supply their defaults.
   *
   * @throws ConfigException naming file:line, key path and the expected value when it does not fit
   */
  public <T> T bind(String section, Class<T> type) {
    return Binder.bind(tree, KeyPath.parse(section), type);
  }

  /**
   * Binds a value that stands at a key path of this config to a type, with the same rules and
   * errors as {@link #bind(String, Class)}: for a value the caller has read from the tree and
   * rewritten (e.g. a shorthand expanded into its long form), or one element of a list.
   *
   * <pre>{@code
   * double q = config.bind("checks[0].constraints[2].hasApproxQuantile.quantile", node, Double.class);
   * }</pre>
   *
   * @throws ConfigException naming file:line, key path and the expected value when it does not fit
   */
  public <T> T bind(String keyPath, JsonNode value, Class<T> type) {
    return Binder.bind(
        tree,
        KeyPath.parse(keyPath),
        value == null ? NullNode.getInstance() : value,
        Binder.MAPPER.constructType(type));
  }

  /**
   * As {@link #bind(String, JsonNode, Class)}, to a generic type: {@code new
   * TypeReference<List<String>>() {}}.
   */
  public <T> T bind(String keyPath, JsonNode value, TypeReference<T> type) {
    return Binder.bind(
        tree,
        KeyPath.parse(keyPath),
        value == null ? NullNode.getInstance() : value,
        Binder.MAPPER.constructType(type));
  }

  /**
   * What a value is, for an error message: "a mapping", "a list", "the string 'x'", "the number 5",
   * "null".
   */
  public static String describe(JsonNode value) {
    return value == null ? "nothing" : Binder.describe(value);
  }

  /** Whether the top level has this key. */
  public boolean has(String section) {
    return tree.root.has(section);
  }

  /** The top-level keys, in file order. */
  public Set<String> sections() {
    Set<String> keys = new LinkedHashSet<>();
    tree.root.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** Fails on any top-level key not in {@code accepted}, naming its line and the accepted keys. */
  public void requireOnlySections(Collection<String> accepted) {
    Iterator<String> it = tree.root.fieldNames();
    while (it.hasNext()) {
      String key = it.next();
      if (!accepted.contains(key)) {
        throw Binder.located(
            tree,
            KeyPath.ROOT.child(key),
            "unknown section '"
                + key
                + "'"
                + Binder.suggestion(key, accepted)
                + "; accepted sections: "
                + String.join(", ", new TreeSet<>(accepted)));
      }
    }
  }

  /** " (did you mean 'x'?)" when one of the accepted names is close to {@code key}, else "". */
  public static String suggest(String key, Collection<String> accepted) {
    return Binder.suggestion(key, accepted);
  }

  /** An error located at a key path of this config (file:line when the key is in a file). */
  public ConfigException errorAt(String keyPath, String problem) {
    return Binder.located(tree, KeyPath.parse(keyPath), problem);
  }

  /** Where the value at this dotted key path came from. */
  public Origin originOf(String keyPath) {
    return tree.originOf(KeyPath.parse(keyPath));
  }

  /**
   * The folder a relative path written at this key starts from: the folder of the file that set it,
   * or the working directory for {@code --set} values and defaults. Settings records get this rule
   * for free with fields of type {@link Location}.
   */
  public Path baseDirectoryOf(String keyPath) {
    return tree.originOf(KeyPath.parse(keyPath)).baseDirectory();
  }

  /** {@code text}, written at this key, as an absolute location (see {@link #baseDirectoryOf}). */
  public Location location(String keyPath, String text) {
    try {
      return Location.of(text, baseDirectoryOf(keyPath));
    } catch (IllegalArgumentException e) {
      throw errorAt(keyPath, e.getMessage());
    }
  }

  /**
   * The secret files the config refers to with {@code ${file:...}}, by the key path that names each
   * (absolute paths). Filled when loaded {@link Loader#withoutReadingSecretFiles() without reading
   * them}, for generating deployments that mount them; empty otherwise.
   */
  public Map<Path, String> secretFiles() {
    Map<Path, String> out = new LinkedHashMap<>();
    secretFiles.forEach((p, k) -> out.put(p, k.toString()));
    return out;
  }

  /**
   * Every string value of the config with the key path it sits at, for tools that look for the
   * files a config names.
   */
  public Map<String, String> stringValues() {
    Map<String, String> out = new LinkedHashMap<>();
    collect(tree.root, KeyPath.ROOT, out);
    return out;
  }

  private static void collect(JsonNode node, KeyPath path, Map<String, String> out) {
    if (node.isTextual()) {
      out.put(path.toString(), node.asText());
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> collect(e.getValue(), path.child(e.getKey()), out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path.index(i), out);
      }
    }
  }

  /** The profile's sibling file ({@code <file>-<profile>.yaml}) when one was read. */
  public Optional<Path> profileFile() {
    if (file == null || profile == null) {
      return Optional.empty();
    }
    Path sibling = Loader.sibling(file, profile);
    return Files.isRegularFile(sibling) ? Optional.of(sibling) : Optional.empty();
  }

  /** The redactor holding this config's secrets (also registered JVM-wide). */
  public Redactor redactor() {
    return redactor;
  }

  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  public Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  /** The resolved config as YAML, secrets masked. */
  public String toYaml() {
    try {
      JsonNode copy = tree.root.deepCopy();
      maskSecretKeys(copy);
      return redactor.redact(YAML_OUT.writeValueAsString(copy));
    } catch (IOException e) {
      throw new ConfigException("cannot print config: " + e.getMessage(), e);
    }
  }

  private static void maskSecretKeys(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (Redactor.isSecretKey(n) && obj.get(n).isValueNode() && !obj.get(n).isNull()) {
          obj.put(n, Redactor.MASK);
        } else {
          maskSecretKeys(obj.get(n));
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(Config::maskSecretKeys);
    }
  }

  @Override
  public String toString() {
    return "Config("
        + (file == null ? "no file" : file)
        + (profile == null ? "" : ", profile " + profile)
        + ")\n"
        + toYaml();
  }

  /** Builds a {@link Config}: profile, overrides and environment, then {@link #load()}. */
  public static final class Loader {
    private final Path file;
    private String profile;
    private final List<String> overrides = new ArrayList<>();
    private Function<String, String> env = System::getenv;
    private boolean readSecretFiles = true;

    private Loader(Path file) {
      this.file = file;
    }

    /**
     * Leaves {@code ${file:...}} unread: a placeholder stands for each, and {@link
     * Config#secretFiles()} lists them. For tools that describe where a job will run (the files
     * exist there, not here); never for running a job.
     */
    public Loader withoutReadingSecretFiles() {
      this.readSecretFiles = false;
      return this;
    }

    /**
     * Overlays the named profile; it must exist as {@code profiles.<name>} or {@code
     * <base>-<name>.yaml}.
     */
    public Loader profile(String name) {
      this.profile = name == null || name.isBlank() ? null : name.trim();
      return this;
    }

    /**
     * Adds an override {@code key.path=value}; the value is read as YAML ({@code 8}, {@code true},
     * {@code [a, b]}).
     */
    public Loader set(String keyEqualsValue) {
      overrides.add(Objects.requireNonNull(keyEqualsValue, "override"));
      return this;
    }

    public Loader set(Collection<String> keyEqualsValues) {
      keyEqualsValues.forEach(this::set);
      return this;
    }

    /** Where {@code ${NAME}} is looked up; the process environment by default. */
    public Loader env(Function<String, String> lookup) {
      this.env = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /**
     * Reads, overlays, overrides and substitutes.
     *
     * @throws ConfigException when a file is missing or malformed, a profile is undefined, an
     *     override is not {@code key=value}, or a reference cannot be resolved
     */
    public Config load() {
      ConfigTree tree = file == null ? ConfigTree.empty("<no config file>") : read(file);
      JsonNode profiles = tree.root.get("profiles");
      ConfigTree profileSection = null;
      if (profiles != null) {
        if (profile != null && profiles.has(profile)) {
          profileSection = tree.subtree(KeyPath.ROOT.child("profiles").child(profile));
        } else if (!profiles.isObject()) {
          throw Binder.located(
              tree,
              KeyPath.ROOT.child("profiles"),
              "expected a mapping of profile names (dev, staging, prod, ...) to settings, got "
                  + Binder.describe(profiles));
        }
        tree.root.remove("profiles");
      }
      if (profile != null) {
        Path sibling = siblingFile(profile);
        boolean siblingExists = sibling != null && Files.isRegularFile(sibling);
        if (profileSection == null && !siblingExists) {
          Set<String> defined = new TreeSet<>();
          if (profiles != null) {
            profiles.fieldNames().forEachRemaining(defined::add);
          }
          throw new ConfigException(
              "profile '"
                  + profile
                  + "' is not defined: "
                  + (file == null
                      ? "no config file was given"
                      : "no 'profiles."
                          + profile
                          + "' in "
                          + file
                          + " and no "
                          + sibling.getFileName()
                          + " beside it")
                  + (defined.isEmpty() ? "" : "; defined profiles: " + String.join(", ", defined)));
        }
        if (profileSection != null) {
          tree.overlay(profileSection);
        }
        if (siblingExists) {
          tree.overlay(read(sibling));
        }
      }
      for (String o : overrides) {
        int eq = o.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(
              "--set '" + o + "': expected key=value, for example --set spark.master=local[2]");
        }
        String key = o.substring(0, eq).trim();
        tree.set(key, ConfigTree.parseValue(key, o.substring(eq + 1)), Origin.override());
      }
      Redactor redactor = new Redactor();
      Map<Path, KeyPath> secretFiles = readSecretFiles ? null : new LinkedHashMap<>();
      new Substitution(env, redactor, secretFiles).apply(tree);
      return new Config(
          tree, redactor, file, profile, secretFiles == null ? Map.of() : secretFiles);
    }

    private Path siblingFile(String name) {
      return file == null ? null : sibling(file, name);
    }

    static Path sibling(Path file, String profile) {
      String base = file.getFileName().toString();
      int dot = base.lastIndexOf('.');
      String stem = dot > 0 ? base.substring(0, dot) : base;
      String ext = dot > 0 ? base.substring(dot) : ".yaml";
      return file.resolveSibling(stem + "-" + profile + ext);
    }

    private static ConfigTree read(Path path) {
      try {
        return ConfigTree.parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
      } catch (NoSuchFileException e) {
        throw new ConfigException("config file " + path + " does not exist");
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
