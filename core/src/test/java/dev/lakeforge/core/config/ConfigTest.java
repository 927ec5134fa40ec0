package dev.lakeforge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.job.CostSettings;
import dev.lakeforge.core.job.LoggingSettings;
import dev.lakeforge.core.job.MetricsSettings;
import dev.lakeforge.core.job.RunSettings;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void substitutesEnvironmentDefaultsSecretFilesAndEscapes() throws IOException {
    Path secret = Files.writeString(dir.resolve("db-password"), "s3cr3t-value\n");
    Path f =
        write(
            "job.yaml",
            """
        spark:
          appName: ${APP}-nightly
          master: ${MASTER:-local[2]}
          conf:
            spark.hadoop.fs.s3a.secret.key: ${file:%s}
            literal: $${NOT_A_VAR}
        """
                .formatted(secret));
    Config c = Config.file(f).env(Map.of("APP", "orders")::get).load();
    SparkSettings s = c.bind("spark", SparkSettings.class);
    assertThat(s.appName()).isEqualTo("orders-nightly");
    assertThat(s.master()).isEqualTo("local[2]");
    assertThat(s.conf())
        .containsEntry("spark.hadoop.fs.s3a.secret.key", "s3cr3t-value")
        .containsEntry("literal", "${NOT_A_VAR}");
    assertThat(c.toYaml()).doesNotContain("s3cr3t-value").contains(Redactor.MASK);
    assertThat(c.toString()).doesNotContain("s3cr3t-value");
    assertThat(Redactor.global().redact("password is s3cr3t-value")).isEqualTo("password is ****");
  }

  /**
   * One rule for every path: a config file's folder for what it writes, the working directory for
   * --set.
   */
  @Test
  void relativePathsStartAtTheConfigFilesFolderAndSetValuesAtTheWorkingDirectory()
      throws IOException {
    record Sink(Location out, List<Location> more, String name) {}
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("token"), "t0k3n-from-file\n");
    Path f =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        sink:
          out: data/../out/orders
          more: [quarantine, s3a://bucket/x/, /abs/path, "file:///abs/uri/"]
          name: ${file:token}
        spark:
          warehouse: lake
          conf:
            spark.sql.catalog.pg.warehouse: pg-files
        run:
          reportDir: runs
        """);
    Config c = Config.file(f).set("run.labels.x=1").load();
    Sink sink = c.bind("sink", Sink.class);
    assertThat(sink.out().uri()).isEqualTo("file:" + conf.resolve("out/orders"));
    assertThat(sink.more())
        .extracting(Location::uri)
        .containsExactly(
            "file:" + conf.resolve("quarantine"),
            "s3a://bucket/x",
            "file:/abs/path",
            "file:/abs/uri");
    assertThat(sink.name()).isEqualTo("t0k3n-from-file");
    assertThat(c.bind("spark", SparkSettings.class).warehouse().toPath())
        .isEqualTo(conf.resolve("lake"));
    assertThat(c.bind("run", RunSettings.class).reportDir().toPath())
        .isEqualTo(conf.resolve("runs"));
    assertThat(c.location("spark.conf.\"spark.sql.catalog.pg.warehouse\"", "pg-files").toPath())
        .isEqualTo(conf.resolve("pg-files"));

    Config overridden = Config.file(f).set("sink.out=from-cli").set("run.reportDir=reports").load();
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(overridden.bind("sink", Sink.class).out().toPath())
        .isEqualTo(cwd.resolve("from-cli"));
    assertThat(overridden.bind("run", RunSettings.class).reportDir().toPath())
        .isEqualTo(cwd.resolve("reports"));
    assertThat(Config.empty().load().bind("run", RunSettings.class).reportDir().toPath())
        .isEqualTo(cwd.resolve(".lakeforge/runs"));
  }

  @Test
  void aMissingRelativeSecretFileIsNamedWithTheFolderItWasLookedFor() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf2"));
    Path f = Files.writeString(conf.resolve("job.yaml"), "db:\n  password: ${file:secrets/db}\n");
    assertThatThrownBy(() -> Config.file(f).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("job.yaml:2:")
        .hasMessageContaining("secret file " + conf.resolve("secrets/db") + " does not exist");
  }

  @Test
  void anEmptyLocationIsAConfigErrorAtItsLine() throws IOException {
    record Sink(Location out) {}
    Config c = Config.file(write("job.yaml", "sink:\n  out: ' '\n")).load();
    assertThatThrownBy(() -> c.bind("sink", Sink.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("job.yaml:2:")
        .hasMessageContaining("sink.out");
    Config n = Config.file(write("job2.yaml", "sink:\n  out: 3\n")).load();
    assertThatThrownBy(() -> n.bind("sink", Sink.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sink.out: expected a path or URI");
  }

  @Test
  void valuesUnderSecretLookingKeysAreRedactedEvenWhenLiteral() throws IOException {
    Config c =
        Config.file(
                write(
                    "job.yaml",
                    "db:\n  url: jdbc:postgresql://db/x\n  password: hunter2-literal\n"))
            .load();
    assertThat(c.toYaml())
        .contains("url: jdbc:postgresql://db/x")
        .doesNotContain("hunter2-literal");
    assertThat(c.redactor().redact("connect with hunter2-literal")).isEqualTo("connect with ****");
  }

  @Test
  void secretTypeNeverPrintsItsValue() throws IOException {
    record Db(String user, Secret password) {}
    Config c = Config.file(write("job.yaml", "db: {user: app, pw_ignored: 1}\n")).load();
    Db db =
        Config.parse("db: {user: app, password: pa55word-x}", "inline.yaml").bind("db", Db.class);
    assertThat(db.password().reveal()).isEqualTo("pa55word-x");
    assertThat(db.toString()).doesNotContain("pa55word-x").contains(Redactor.MASK);
    assertThat(c.sections()).containsExactly("db");
  }

  @Test
  void profileSectionThenSiblingFileThenOverridesWin() throws IOException {
    Path base =
        write(
            "job.yaml",
            """
        spark:
          appName: base
          shufflePartitions: 4
          conf: {spark.sql.adaptive.enabled: "true"}
        run: {team: data}
        profiles:
          prod:
            spark: {shufflePartitions: 400}
            run: {tenant: acme}
        """);
    write("job-prod.yaml", "spark:\n  appName: from-sibling\n");
    Config c =
        Config.file(base)
            .profile("prod")
            .set("spark.conf.spark.sql.adaptive.enabled=false")
            .set("spark.conf.\"spark.executor.cores\"=4")
            .set("run.labels.pipeline=orders")
            .load();
    SparkSettings s = c.bind("spark", SparkSettings.class);
    assertThat(s.appName()).isEqualTo("from-sibling");
    assertThat(s.shufflePartitions()).isEqualTo(400);
    assertThat(s.conf())
        .containsEntry("spark.sql.adaptive.enabled", "false")
        .containsEntry("spark.executor.cores", "4");
    RunSettings run = c.bind("run", RunSettings.class);
    assertThat(run.team()).isEqualTo("data");
    assertThat(run.tenant()).isEqualTo("acme");
    assertThat(run.labels()).containsEntry("pipeline", "orders");
    assertThat(c.sections()).doesNotContain("profiles");
    assertThat(c.originOf("spark.shufflePartitions").line()).isEqualTo(8);
    assertThat(c.originOf("spark.appName").source()).endsWith("job-prod.yaml");
    assertThat(c.originOf("run.labels.pipeline").source()).isEqualTo("--set");
  }

  @Test
  void withoutProfileTheProfilesSectionIsIgnored() throws IOException {
    Config c =
        Config.file(
                write(
                    "job.yaml",
                    "spark: {appName: base}\nprofiles: {prod: {spark: {appName: p}}}\n"))
            .load();
    assertThat(c.bind("spark", SparkSettings.class).appName()).isEqualTo("base");
  }

  @Test
  void overridesParseYamlScalars() throws IOException {
    Config c =
        Config.empty()
            .set("spark.kubernetes.executors=8")
            .set("spark.master=k8s://https://k:443")
            .set("spark.kubernetes.image=img:1")
            .set("spark.ui=true")
            .load();
    SparkSettings s = c.bind("spark", SparkSettings.class);
    assertThat(s.kubernetes().executors()).isEqualTo(8);
    assertThat(s.ui()).isTrue();
  }

  @Test
  void kubernetesSettingsBecomeSparkConf() {
    Config c =
        Config.parse(
            """
        spark:
          master: k8s://https://kubernetes.default.svc
          kubernetes:
            namespace: data
            image: registry/lakeforge-jobs:0.1.0
            serviceAccount: spark
            executors: 4
            executorCores: 3
            executorMemory: 8g
            executorMemoryOverhead: 1g
            dynamicAllocation: {enabled: true, min: 2, max: 20}
          conf: {spark.executor.cores: "5"}
        """,
            "k8s.yaml");
    Map<String, String> conf = c.bind("spark", SparkSettings.class).toSparkConf("job");
    assertThat(conf)
        .containsEntry("spark.master", "k8s://https://kubernetes.default.svc")
        .containsEntry("spark.kubernetes.namespace", "data")
        .containsEntry("spark.kubernetes.container.image", "registry/lakeforge-jobs:0.1.0")
        .containsEntry("spark.kubernetes.authenticate.driver.serviceAccountName", "spark")
        .containsEntry("spark.executor.instances", "4")
        .containsEntry("spark.executor.memory", "8g")
        .containsEntry("spark.executor.memoryOverhead", "1g")
        .containsEntry("spark.dynamicAllocation.enabled", "true")
        .containsEntry("spark.dynamicAllocation.shuffleTracking.enabled", "true")
        .containsEntry("spark.dynamicAllocation.minExecutors", "2")
        .containsEntry("spark.dynamicAllocation.maxExecutors", "20")
        .containsEntry("spark.executor.cores", "5") // conf wins
        .doesNotContainKey("spark.sql.warehouse.dir")
        .doesNotContainKey("spark.ui.enabled");
  }

  @Test
  void localDefaultIsEmbedded() {
    Map<String, String> conf = SparkSettings.local().toSparkConf("demo");
    assertThat(conf.get("spark.master")).isEqualTo("local[*]");
    assertThat(conf.get("spark.ui.enabled")).isEqualTo("false");
    assertThat(conf.get("spark.sql.warehouse.dir")).endsWith(".lakeforge/warehouse");
    assertThat(Integer.parseInt(conf.get("spark.sql.shuffle.partitions"))).isBetween(4, 64);
  }

  // ---- bad configs: each error names the file, line, key path and what was expected ----

  private String error(String yaml, Class<?> type, String section) throws IOException {
    Path f = write("bad.yaml", yaml);
    try {
      Config.file(f).env(Map.<String, String>of()::get).load().bind(section, type);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  private String loadError(Config.Loader loader) {
    try {
      loader.env(Map.<String, String>of()::get).load();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error");
  }

  @Test
  void unknownKeyNamesLineAndSuggests() throws IOException {
    assertThat(error("spark:\n  appName: x\n  mastr: local\n", SparkSettings.class, "spark"))
        .contains("bad.yaml:3:3")
        .contains("spark.mastr")
        .contains("did you mean 'master'?")
        .contains("accepted keys:")
        .contains("appName");
  }

  @Test
  void aRewrittenValueIsBoundWithTheSameRulesAndLocatedWhereItWasWritten() throws IOException {
    Config c =
        Config.file(write("suite.yaml", "checks:\n  - sizes: [1, two]\n  - ratio: 0.5\n")).load();
    ObjectNode expanded = JsonNodeFactory.instance.objectNode().put("ratio", "0.5");
    record Ratio(double ratio) {}
    assertThat(c.bind("checks[1]", expanded, Ratio.class)).isEqualTo(new Ratio(0.5));
    JsonNode sizes = c.bind("", JsonNode.class).get("checks").get(0).get("sizes");
    assertThatThrownBy(() -> c.bind("checks[0].sizes", sizes, Integer[].class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("suite.yaml:2:")
        .hasMessageContaining("checks[0].sizes[1]")
        .hasMessageContaining("expected an integer, got 'two'");
    assertThat(c.bind("checks[0].missing", null, String.class)).isNull();
  }

  @Test
  void anErrorAtAKeyKeepsTheFileLineAndKeyAsData() throws IOException {
    Path f = write("where.yaml", "spark:\n  appName: x\n  mastr: local\n");
    assertThatThrownBy(() -> Config.file(f).load().bind("spark", SparkSettings.class))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.origin())
                  .hasValueSatisfying(
                      o -> {
                        assertThat(Path.of(o.source()).getFileName())
                            .isEqualTo(Path.of("where.yaml"));
                        assertThat(o.line()).isEqualTo(3);
                        assertThat(o.column()).isEqualTo(3);
                      });
              assertThat(e.keyPath()).hasValue("spark.mastr");
              assertThat(e.problem())
                  .startsWith("unknown key 'mastr'")
                  .doesNotContain("where.yaml");
              assertThat(e.kind()).isEqualTo(ErrorKind.USAGE);
            });
    assertThat(new ConfigException("no config file given").origin()).isEmpty();
  }

  @Test
  void wrongTypeForInteger() throws IOException {
    assertThat(
            error(
                "spark:\n  kubernetes:\n    image: i\n    executors: four\n",
                SparkSettings.class,
                "spark"))
        .contains("bad.yaml:4:")
        .contains("spark.kubernetes.executors")
        .contains("expected an integer, got 'four'");
  }

  @Test
  void floatWhereIntegerExpected() throws IOException {
    assertThat(error("spark:\n  shufflePartitions: 2.5\n", SparkSettings.class, "spark"))
        .contains("bad.yaml:2:")
        .contains("spark.shufflePartitions")
        .contains("expected an integer");
  }

  @Test
  void mappingWhereScalarExpected() throws IOException {
    assertThat(error("spark:\n  appName: {a: 1}\n", SparkSettings.class, "spark"))
        .contains("bad.yaml:2:")
        .contains("spark.appName")
        .contains("expected a string, got a mapping");
  }

  /** A section with list-valued keys, as a job's settings have them. */
  record Lists(String[] names, List<String> tags) {}

  @Test
  void scalarWhereListExpected() throws IOException {
    assertThat(error("lists:\n  names: orders\n", Lists.class, "lists"))
        .contains("bad.yaml:2:")
        .contains("lists.names")
        .contains("expected a list, got the string 'orders'")
        .doesNotContain("java.lang")
        .doesNotContain("Cannot deserialize");
    assertThat(error("lists:\n  tags: nightly\n", Lists.class, "lists"))
        .contains("lists.tags")
        .contains("expected a list, got the string 'nightly'")
        .doesNotContain("Cannot deserialize");
  }

  @Test
  void listWhereMappingExpected() throws IOException {
    assertThat(error("spark:\n  conf: [a, b]\n", SparkSettings.class, "spark"))
        .contains("bad.yaml:2:")
        .contains("spark.conf")
        .contains("expected a mapping of keys, got a list");
  }

  @Test
  void invalidMasterSaysWhatIsAccepted() throws IOException {
    assertThat(error("spark:\n  master: locall[4]\n", SparkSettings.class, "spark"))
        .contains("bad.yaml:2:")
        .contains("spark.master")
        .contains("expected local[*], local[N], k8s://")
        .contains("got 'locall[4]'");
  }

  @Test
  void kubernetesMasterNeedsImage() throws IOException {
    assertThat(
            error(
                "spark:\n  master: k8s://https://k:443\n  kubernetes: {namespace: data}\n",
                SparkSettings.class,
                "spark"))
        .contains("bad.yaml:3:")
        .contains("spark.kubernetes.image")
        .contains("is required when master is k8s://");
  }

  @Test
  void badMemorySize() throws IOException {
    assertThat(
            error(
                "spark:\n  kubernetes:\n    image: i\n    executorMemory: 8 gigs\n",
                SparkSettings.class,
                "spark"))
        .contains("bad.yaml:4:")
        .contains("spark.kubernetes.executorMemory")
        .contains("expected a size such as 512m");
  }

  @Test
  void dynamicAllocationMinAboveMax() throws IOException {
    assertThat(
            error(
                "spark:\n  kubernetes:\n    image: i\n    dynamicAllocation:\n      enabled: true\n      min: 9\n      max: 3\n",
                SparkSettings.class,
                "spark"))
        .contains("bad.yaml:6:")
        .contains("spark.kubernetes.dynamicAllocation.min")
        .contains("must not exceed max (3)");
  }

  @Test
  void negativePrice() throws IOException {
    assertThat(error("cost:\n  pricePerCoreHour: -1\n", CostSettings.class, "cost"))
        .contains("bad.yaml:2:")
        .contains("cost.pricePerCoreHour")
        .contains("must be 0 or more, got -1.0");
  }

  @Test
  void unknownEnumValueListsChoices() throws IOException {
    assertThat(error("logging:\n  format: xml\n", LoggingSettings.class, "logging"))
        .contains("bad.yaml:2:")
        .contains("logging.format")
        .contains("one of auto, json, text");
  }

  @Test
  void badLogLevel() throws IOException {
    assertThat(error("logging:\n  level: LOUD\n", LoggingSettings.class, "logging"))
        .contains("bad.yaml:2:")
        .contains("logging.level")
        .contains("got 'LOUD'");
  }

  @Test
  void badPushgatewayUrl() throws IOException {
    assertThat(
            error("metrics:\n  pushgateway: pushgateway:9091\n", MetricsSettings.class, "metrics"))
        .contains("bad.yaml:2:")
        .contains("metrics.pushgateway")
        .contains("expected http://host:port");
  }

  @Test
  void missingEnvironmentVariableWithoutDefault() throws IOException {
    assertThat(loadError(Config.file(write("env.yaml", "run:\n  team: ${TEAM_NAME}\n"))))
        .contains("env.yaml:2:3")
        .contains("run.team")
        .contains("environment variable TEAM_NAME is not set")
        .contains("${TEAM_NAME:-default}");
  }

  @Test
  void malformedReference() throws IOException {
    assertThat(loadError(Config.file(write("ref.yaml", "run:\n  team: ${1bad}\n"))))
        .contains("ref.yaml:2:3")
        .contains("run.team")
        .contains("invalid reference '${1bad}'");
  }

  @Test
  void missingSecretFile() throws IOException {
    assertThat(
            loadError(Config.file(write("sec.yaml", "db:\n  password: ${file:/no/such/secret}\n"))))
        .contains("sec.yaml:2:3")
        .contains("db.password")
        .contains("secret file /no/such/secret does not exist");
  }

  @Test
  void invalidYamlNamesLine() throws IOException {
    assertThat(
            loadError(
                Config.file(
                    write("syntax.yaml", "spark:\n  appName: x\n  conf: {a: 1\nrun: {}\n"))))
        .startsWith(dir.resolve("syntax.yaml") + ":")
        .contains("invalid YAML");
  }

  @Test
  void duplicateKey() throws IOException {
    assertThat(loadError(Config.file(write("dup.yaml", "run:\n  team: a\n  team: b\n"))))
        .contains("dup.yaml:3:3")
        .contains("run.team")
        .contains("duplicate key (first defined at line 2)");
  }

  @Test
  void topLevelMustBeMapping() throws IOException {
    assertThat(loadError(Config.file(write("list.yaml", "- a\n- b\n"))))
        .contains("list.yaml:1:1")
        .contains("expected a mapping of keys at the top level, got a list");
  }

  @Test
  void unknownProfileListsDefinedOnes() throws IOException {
    assertThat(
            loadError(
                Config.file(write("p.yaml", "profiles:\n  dev: {}\n  prod: {}\n"))
                    .profile("staging")))
        .contains("profile 'staging' is not defined")
        .contains("p-staging.yaml")
        .contains("defined profiles: dev, prod");
  }

  @Test
  void overrideWithoutEquals() {
    assertThat(loadError(Config.empty().set("spark.master")))
        .contains("--set 'spark.master': expected key=value");
  }

  @Test
  void overrideBelowScalar() throws IOException {
    assertThat(
            loadError(Config.file(write("s.yaml", "run:\n  team: data\n")).set("run.team.name=x")))
        .contains("--set run.team.name")
        .contains("run.team is the string 'data'")
        .contains("s.yaml:2:3");
  }

  @Test
  void missingFile() {
    assertThat(loadError(Config.file(dir.resolve("nope.yaml"))))
        .contains("nope.yaml does not exist");
  }

  @Test
  void unknownTopLevelSection() throws IOException {
    Config c = Config.file(write("top.yaml", "spark: {}\nsprak: {}\n")).load();
    assertThatThrownBy(() -> c.requireOnlySections(Set.of("spark", "run", "cost")))
        .hasMessageContaining("top.yaml:2:1")
        .hasMessageContaining("unknown section 'sprak'")
        .hasMessageContaining("did you mean 'spark'?");
  }

  @Test
  void keyPathsWithListIndexesBindAndLocate() throws IOException {
    record Item(String name, int size) {}
    Config c =
        Config.file(
                write("list.yaml", "items:\n  - {name: a, size: 1}\n  - {name: b, size: big}\n"))
            .load();
    assertThat(c.bind("items[0]", Item.class)).isEqualTo(new Item("a", 1));
    assertThatThrownBy(() -> c.bind("items[1]", Item.class))
        .hasMessageContaining("list.yaml:3:")
        .hasMessageContaining("items[1].size")
        .hasMessageContaining("expected an integer");
    assertThat(KeyPath.parse("a.b[2][3].c").toString()).isEqualTo("a.b[2][3].c");
  }

  @Test
  void aKeyPathReadsBackAsItIsShownWithDottedKeys() {
    for (String shown :
        List.of(
            "catalogs.lake.properties[\"rest.auth.token\"]",
            "spark.conf[\"spark.a.b\"].x",
            "a[\"b.c\"][1][\"d e\"]")) {
      assertThat(KeyPath.parse(shown).toString()).isEqualTo(shown);
    }
    assertThat(KeyPath.parse("a.\"b.c\".d")).isEqualTo(KeyPath.parse("a[\"b.c\"].d"));
  }

  @Test
  void yamlAliasesAreRefusedNotTakenForTheAnchorsName() throws IOException {
    Path f =
        write(
            "alias.yaml",
            """
        run:
          team: &owner ada
          tenant: *owner
        """);
    assertThat(loadError(Config.file(f)))
        .contains("alias.yaml:3:")
        .contains("run.tenant: YAML aliases (*owner) are" + " not supported; write the value out");
  }

  @Test
  void anInvalidYamlSetValueIsAnErrorThatSaysHowToQuoteIt() {
    assertThat(loadError(Config.empty().set("run.team=*nobody")))
        .contains("--set run.team: the value is not valid YAML")
        .contains("quote it: --set 'run.team=\"...\"'");
    assertThat(
            Config.empty().set("run.team=\"*nobody\"").load().bind("run", RunSettings.class).team())
        .isEqualTo("*nobody");
    assertThat(loadError(Config.empty().set("catalogs.pg.password=p: wd-canary-1")))
        .contains("not valid YAML")
        .doesNotContain("canary");
  }

  @Test
  void anEndlessOrHugeSecretFileIsRefusedBeforeItIsRead() throws IOException {
    Path f = write("zero.yaml", "run:\n  team: ${file:/dev/zero}\n");
    assertThat(loadError(Config.file(f)))
        .contains("zero.yaml:2:")
        .contains("secret file /dev/zero is larger than 1024 KiB");
  }

  @Test
  void errorsAboutAKeyUnderASecretNeverShowItsValue() throws IOException {
    String e =
        loadError(
            Config.empty()
                .set("catalogs.pg.password=canary-secret-42")
                .set("catalogs.pg.password.x=1"));
    assertThat(e)
        .contains("catalogs.pg.password is a value (not shown: the key is secret)")
        .doesNotContain("canary-secret-42");
    Config plain =
        Config.file(write("plain.yaml", "run:\n  team:\n    password: canary-secret-43\n")).load();
    assertThatThrownBy(() -> plain.bind("run", RunSettings.class))
        .hasMessageNotContaining("canary-secret-43");
  }

  @Test
  void aSecretIsMaskedHoweverItWasEncoded() {
    Redactor r = new Redactor();
    String secret = "c4n\"ary&<pw>'/+=";
    r.add(secret);
    String json = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
    assertThat(r.redact("{\"password\": \"" + json + "\"}"))
        .doesNotContain(json)
        .contains(Redactor.MASK);
    assertThat(r.redact("<td>c4n&quot;ary&amp;&lt;pw&gt;&#39;/+=</td>")).isEqualTo("<td>****</td>");
    String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    assertThat(r.redact("jdbc:postgresql://db/sales?user=app&password=" + url))
        .endsWith("password=****");
    for (String prefix : List.of("", "a", "ab", "user:")) {
      String basic =
          Base64.getEncoder()
              .encodeToString((prefix + secret + "-tail").getBytes(StandardCharsets.UTF_8));
      assertThat(r.redact("Authorization: Basic " + basic))
          .as("base64 at offset %d", prefix.length())
          .contains(Redactor.MASK);
    }
    Redactor pem = new Redactor();
    pem.add(
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n");
    assertThat(
            pem.redact(
                "key: |\n    -----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"))
        .doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
        .doesNotContain("BEGIN PRIVATE KEY");
  }
}
