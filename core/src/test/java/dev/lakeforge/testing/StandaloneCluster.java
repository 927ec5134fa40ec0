package dev.lakeforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A real Spark standalone cluster on this machine: a master and workers, each its own JVM, whose
 * executors are JVMs of their own too, from the {@link SparkDistribution}. One per test JVM,
 * started on first use and stopped when the JVM exits. Small on purpose: one core and 1 GiB per
 * worker.
 *
 * <pre>{@code
 * String master = StandaloneCluster.shared().masterUrl();   // spark://127.0.0.1:PORT
 * }</pre>
 */
public final class StandaloneCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_BOUND = Duration.ofMinutes(3);
  private static StandaloneCluster shared;

  private final Path dir;
  private final String masterUrl;
  private final int webPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();

  private StandaloneCluster(Path dir, int masterPort, int webPort) {
    this.dir = dir;
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.webPort = webPort;
  }

  /** The cluster of this test JVM: a master and two workers. */
  public static synchronized StandaloneCluster shared() {
    if (shared == null) {
      shared = start(2);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "lakeforge-test-cluster-stop"));
    }
    return shared;
  }

  private static StandaloneCluster start(int workers) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(SharedSpark.root()), "cluster-");
      StandaloneCluster c =
          new StandaloneCluster(dir, ServiceProcesses.freePort(), ServiceProcesses.freePort());
      c.processes.add(
          SparkDistribution.program(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  c.masterUrl.substring(c.masterUrl.lastIndexOf(':') + 1),
                  "--webui-port",
                  Integer.toString(c.webPort))
              .heap("512m")
              .in(dir)
              .start(dir.resolve("master.log")));
      for (int i = 0; i < workers; i++) {
        c.workDirs.add(Files.createDirectories(dir.resolve("worker-" + i)));
        c.workers.add(c.startWorker(i));
      }
      c.awaitWorkers(workers);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startWorker(int i) {
    Path work = workDirs.get(i);
    Process p;
    try {
      p =
          SparkDistribution.program(
                  "org.apache.spark.deploy.worker.Worker",
                  masterUrl,
                  "--host",
                  "127.0.0.1",
                  "--cores",
                  "1",
                  "--memory",
                  "1g",
                  "--work-dir",
                  work.toString(),
                  "--webui-port",
                  Integer.toString(ServiceProcesses.freePort()))
              .heap("512m")
              .in(work)
              .start(dir.resolve("worker-" + i + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    processes.add(p);
    return p;
  }

  /**
   * Takes away the node an executor runs on: its worker JVM and everything the worker started are
   * killed (SIGKILL), and this returns once the master has seen the worker go. {@link
   * #restartLostWorkers()} brings a worker back in its place.
   *
   * <pre>{@code
   * cluster.killWorkerOf(executorJvm);   // the executor's worker and its executors, at once
   * }</pre>
   */
  public synchronized void killWorkerOf(ProcessHandle executor) {
    long parent = executor.parent().map(ProcessHandle::pid).orElse(-1L);
    Process worker =
        workers.stream()
            .filter(w -> w.pid() == parent && w.isAlive())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "process "
                            + executor.pid()
                            + " is not an executor of a live worker (it may have exited)"));
    processes.remove(worker);
    List<ProcessHandle> onNode = worker.descendants().toList();
    worker.destroyForcibly().onExit().join(); // dead before the live ones are counted
    onNode.forEach(ProcessHandle::destroyForcibly);
    awaitWorkers((int) workers.stream().filter(Process::isAlive).count());
  }

  /** Starts a worker again in the place of each one killed, and waits until all are alive. */
  public synchronized void restartLostWorkers() {
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).isAlive()) {
        processes.remove(workers.get(i)); // a worker that died on its own is still listed
        workers.set(i, startWorker(i));
      }
    }
    awaitWorkers(workers.size());
  }

  /** Waits until the master counts {@code expected} workers alive, no more, no fewer. */
  private void awaitWorkers(int expected) {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          stopIfStarting();
          throw new IllegalStateException("a cluster process exited; see the logs in " + dir);
        }
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/json/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        alive = 0;
        for (JsonNode w : JSON.readTree(r.body()).path("workers")) {
          if ("ALIVE".equals(w.path("state").asText())) {
            alive++;
          }
        }
        if (alive == expected) {
          return;
        }
      } catch (IOException notYet) {
        // the master's UI is not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      ServiceProcesses.sleep(500);
    }
    stopIfStarting();
    throw new IllegalStateException(
        alive + " of " + expected + " workers alive after " + START_BOUND + "; see " + dir);
  }

  /**
   * A cluster that did not start is stopped; one in use is left as it is (its test failed, the
   * others may still use it).
   */
  private void stopIfStarting() {
    if (this != shared) {
      stop();
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /**
   * The workers' folders: drivers of cluster-mode submissions and executors write their output
   * here.
   */
  public List<Path> workDirs() {
    return List.copyOf(workDirs);
  }

  /** The master's REST view: applications, drivers, workers. */
  public JsonNode state() {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/json/"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops every process of the cluster, executors included. */
  public synchronized void stop() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    processes.clear();
  }
}
