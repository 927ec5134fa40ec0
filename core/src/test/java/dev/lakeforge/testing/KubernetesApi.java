package dev.lakeforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Kubernetes API for tests (fabric8's mock server in CRUD mode, from the {@code testing/k8s-api}
 * module, in a child process on a loopback port), and a client that applies manifests to it and
 * reads objects back. One server per test JVM.
 *
 * <pre>{@code
 * KubernetesApi k8s = KubernetesApi.shared();
 * k8s.apply(yaml);                                          // every document, as kubectl apply would
 * JsonNode pods = k8s.get("/api/v1/namespaces/data/pods");
 * }</pre>
 *
 * <p>Its {@link #main} applies a file ({@code KubernetesApi URL apply -f FILE}): the stand-in for
 * {@code kubectl} that runs the generated submit scripts against this server.
 */
public final class KubernetesApi {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_BOUND = Duration.ofSeconds(180);
  private static KubernetesApi shared;

  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;

  private KubernetesApi(String url) {
    this.url = url;
  }

  /** The server of this test JVM. */
  public static synchronized KubernetesApi shared() {
    if (shared == null) {
      int port = ServiceProcesses.freePort();
      KubernetesApi api = new KubernetesApi("http://127.0.0.1:" + port);
      api.start(port);
      Runtime.getRuntime().addShutdownHook(new Thread(api::stop, "lakeforge-test-k8s-stop"));
      shared = api;
    }
    return shared;
  }

  private void start(int port) {
    try {
      String dir = System.getProperty("lakeforge.k8s.api", "../testing/k8s-api/target");
      String classpath =
          Path.of(dir, "classes")
              + ":"
              + Files.readString(Path.of(dir, "k8s-api-classpath.txt")).trim();
      Path log =
          Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "k8s-")
              .resolve("api.log");
      process =
          ChildJvm.of(
                  "dev.lakeforge.testing.k8s.KubernetesApiServer",
                  classpath,
                  Integer.toString(port))
              .heap("256m")
              .start(log);
      ServiceProcesses.awaitHttp(
          "the Kubernetes API server",
          process,
          url + "/api/v1/namespaces",
          status -> status == 200,
          START_BOUND,
          log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, for {@code --master k8s://<url>}. */
  public String url() {
    return url;
  }

  /** The objects of a multi-document YAML, in order. */
  public static List<ObjectNode> documents(String yaml) {
    try (YAMLParser p = new YAMLFactory().createParser(yaml)) {
      List<ObjectNode> docs = new ArrayList<>();
      for (var it = YAML.readValues(p, ObjectNode.class); it.hasNext(); ) {
        ObjectNode doc = it.next();
        if (doc != null && doc.size() > 0) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates (or replaces) every object of a multi-document YAML, as {@code kubectl apply -f} does.
   */
  public List<JsonNode> apply(String yaml) {
    List<JsonNode> applied = new ArrayList<>();
    for (ObjectNode doc : documents(yaml)) {
      String collection = collectionPath(doc);
      HttpResponse<String> created = send("POST", collection, doc);
      if (created.statusCode() == 409) {
        created = send("PUT", collection + "/" + doc.path("metadata").path("name").asText(), doc);
      }
      if (created.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "cannot apply "
                + doc.path("kind").asText()
                + " "
                + doc.path("metadata").path("name").asText()
                + ": HTTP "
                + created.statusCode()
                + " "
                + created.body());
      }
      applied.add(read(created.body()));
    }
    return applied;
  }

  /** The REST path of the collection an object belongs to. */
  static String collectionPath(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    String root = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    String plural = kind.toLowerCase(Locale.ROOT) + "s";
    String namespace = doc.path("metadata").path("namespace").asText("default");
    return kind.equals("Namespace")
        ? root + "/" + plural
        : root + "/namespaces/" + namespace + "/" + plural;
  }

  /** A GET of an API path, as JSON. */
  public JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return read(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(String method, String path, JsonNode body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void stop() {
    if (process != null) {
      process.destroyForcibly();
      process = null;
    }
  }

  /**
   * {@code KubernetesApi URL apply -f FILE}: applies a file to the API at URL (kubectl's part in
   * tests).
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 4 || !args[1].equals("apply") || !args[2].equals("-f")) {
      System.err.println("usage: KubernetesApi URL apply -f FILE");
      System.exit(2);
    }
    for (JsonNode o : new KubernetesApi(args[0]).apply(Files.readString(Path.of(args[3])))) {
      System.out.println(
          o.path("kind").asText().toLowerCase(Locale.ROOT)
              + "/"
              + o.path("metadata").path("name").asText()
              + " created");
    }
  }
}
