package dev.lakeforge.testing.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * {@code java dev.lakeforge.testing.k8s.KubernetesApiServer PORT}: a Kubernetes API on
 * 127.0.0.1:PORT that stores what it is sent (fabric8's mock server in CRUD mode, custom resources
 * included). Prints {@code ready} once it listens.
 */
public final class KubernetesApiServer {
  private KubernetesApiServer() {}

  /**
   * The CRUD dispatcher, plus what a real API server does with a server-side apply of an object
   * that does not exist yet: it creates it.
   */
  static final class ApplyCreates extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String type = request.getHeader("Content-Type");
      if (type != null && type.startsWith("application/apply-patch")) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (handleGet(bare).code() == 404) {
          String collection = bare.substring(0, bare.lastIndexOf('/'));
          return handleCreate(
              new RecordedRequest(
                  "POST " + collection + " HTTP/1.1",
                  HttpMethod.POST,
                  collection,
                  request.getHeaders(),
                  request.getBody()));
        }
      }
      return super.handlePatch(request);
    }
  }

  public static void main(String[] args) throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new ApplyCreates(), false);
    server.init(InetAddress.getByName("127.0.0.1"), Integer.parseInt(args[0]));
    System.out.println("ready " + server.url("/"));
    System.out.flush();
    Thread.currentThread().join();
  }
}
