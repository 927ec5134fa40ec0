package dev.lakeforge.core.rightsize;

/**
 * One worker node (VM or Kubernetes node) that executors are packed onto.
 *
 * @param cores vCPUs of the node
 * @param memoryBytes memory of the node
 * @param gpus GPUs of the node (0 for CPU nodes)
 */
public record NodeShape(int cores, long memoryBytes, int gpus) {
  public NodeShape {
    if (cores < 1) {
      throw new IllegalArgumentException("node cores must be at least 1, got " + cores);
    }
    if (memoryBytes < 2L << 30) {
      throw new IllegalArgumentException(
          "node memory must be at least 2 GiB, got " + memoryBytes + " bytes");
    }
    if (gpus < 0) {
      throw new IllegalArgumentException("node GPUs must be 0 or more, got " + gpus);
    }
  }
}
