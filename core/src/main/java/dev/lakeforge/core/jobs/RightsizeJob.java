package dev.lakeforge.core.jobs;

import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.SettingException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.core.rightsize.NodeShape;
import dev.lakeforge.core.rightsize.Recommendation;
import dev.lakeforge.core.rightsize.RightsizeRequest;
import dev.lakeforge.core.rightsize.Rightsizer;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The executor rightsizing calculator as a job: prints the suggestion and the reasoning. Needs no
 * Spark.
 */
public final class RightsizeJob implements SparkJob {
  @Option(names = "--input-size", paramLabel = "SIZE", description = "Input size, e.g. 2t.")
  String inputSize;

  @Option(
      names = "--partition-size",
      paramLabel = "SIZE",
      description = "Target partition size (default 128m).")
  String partitionSize;

  @Option(names = "--node-cores", paramLabel = "N", description = "vCPUs per node.")
  Integer nodeCores;

  @Option(names = "--node-memory", paramLabel = "SIZE", description = "Memory per node, e.g. 64g.")
  String nodeMemory;

  @Option(names = "--node-gpus", paramLabel = "N", description = "GPUs per node (default 0).")
  Integer nodeGpus;

  @Option(
      names = "--sla",
      paramLabel = "DURATION",
      description = "Time the job must finish in, e.g. 1h.")
  String sla;

  @Option(
      names = "--throughput",
      paramLabel = "SIZE",
      description = "Input processed per core per second (default 32m).")
  String throughput;

  @Option(
      names = "--shuffle-ratio",
      paramLabel = "X",
      description = "Shuffle bytes per input byte (default 1.0).")
  Double shuffleRatio;

  private RightsizeRequest request;

  /**
   * The {@code rightsize:} section; command-line options win.
   *
   * @param inputSize input size, e.g. 2t
   * @param partitionSize target partition size (default 128m)
   * @param nodeCores vCPUs per node
   * @param nodeMemory memory per node
   * @param nodeGpus GPUs per node
   * @param sla e.g. 1h
   * @param throughput input per core per second (default 32m)
   * @param shuffleRatio shuffle bytes per input byte (default 1.0)
   */
  public record Settings(
      String inputSize,
      String partitionSize,
      Integer nodeCores,
      String nodeMemory,
      Integer nodeGpus,
      String sla,
      String throughput,
      Double shuffleRatio) {
    public Settings {
      checkSize("inputSize", inputSize);
      checkSize("partitionSize", partitionSize);
      checkSize("nodeMemory", nodeMemory);
      checkSize("throughput", throughput);
      if (sla != null) {
        try {
          Units.duration(sla);
        } catch (IllegalArgumentException e) {
          throw new SettingException("sla", e.getMessage());
        }
      }
    }

    private static void checkSize(String key, String value) {
      if (value != null) {
        try {
          Units.bytes(value);
        } catch (IllegalArgumentException e) {
          throw new SettingException(key, e.getMessage());
        }
      }
    }
  }

  @Override
  public String name() {
    return "rightsize";
  }

  @Override
  public String description() {
    return "Suggests executors, cores, memory, shuffle partitions and autoscaling bounds for an input size and SLA.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public boolean needsSpark() {
    return false;
  }

  @Override
  public void configure(Config config) {
    Settings s = config.bind("rightsize", Settings.class);
    String input = pick(inputSize, s.inputSize(), null, "--input-size", "rightsize.inputSize");
    String cores =
        pick(
            nodeCores == null ? null : nodeCores.toString(),
            s.nodeCores() == null ? null : s.nodeCores().toString(),
            null,
            "--node-cores",
            "rightsize.nodeCores");
    String memory = pick(nodeMemory, s.nodeMemory(), null, "--node-memory", "rightsize.nodeMemory");
    String slaText = pick(sla, s.sla(), null, "--sla", "rightsize.sla");
    try {
      request =
          new RightsizeRequest(
              Units.bytes(input),
              Units.bytes(pick(partitionSize, s.partitionSize(), "128m", null, null)),
              new NodeShape(
                  Integer.parseInt(cores),
                  Units.bytes(memory),
                  nodeGpus != null ? nodeGpus : s.nodeGpus() != null ? s.nodeGpus() : 0),
              Units.duration(slaText),
              Units.bytes(pick(throughput, s.throughput(), "32m", null, null)),
              shuffleRatio != null
                  ? shuffleRatio
                  : s.shuffleRatio() != null ? s.shuffleRatio() : 1.0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("rightsize: " + e.getMessage());
    }
  }

  private static String pick(
      String option, String setting, String fallback, String optionName, String key) {
    if (option != null) {
      return option;
    }
    if (setting != null) {
      return setting;
    }
    if (fallback != null) {
      return fallback;
    }
    throw new ConfigException(
        "rightsize: " + optionName + " is required (or set " + key + " in the config)");
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    return JobPlan.of(
            "size executors for " + Units.human(request.inputBytes()) + " within " + request.sla())
        .step(Rightsizer.recommend(request).render().stripTrailing())
        .build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    Recommendation r = Rightsizer.recommend(request);
    ctx.print(r.render().stripTrailing());
    return JobOutcome.success(r.executors() + " executors x " + r.coresPerExecutor() + " cores")
        .withDetails(Map.of("sparkConf", r.sparkConf()));
  }
}
