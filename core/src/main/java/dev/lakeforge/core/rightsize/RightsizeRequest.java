package dev.lakeforge.core.rightsize;

import java.time.Duration;

/**
 * What the calculator sizes for.
 *
 * @param inputBytes bytes the job reads
 * @param partitionBytes target bytes per input partition (e.g. 128 MiB)
 * @param node the node shape executors run on
 * @param sla the time the job must finish in
 * @param bytesPerCoreSecond how fast one core processes input (measure it: input bytes / executor
 *     run time of a past run)
 * @param shuffleRatio shuffle bytes per input byte (1.0 when unknown)
 */
public record RightsizeRequest(
    long inputBytes,
    long partitionBytes,
    NodeShape node,
    Duration sla,
    long bytesPerCoreSecond,
    double shuffleRatio) {
  public RightsizeRequest {
    if (inputBytes < 1) {
      throw new IllegalArgumentException("input size must be positive, got " + inputBytes);
    }
    if (partitionBytes < 1 << 20) {
      throw new IllegalArgumentException(
          "partition size must be at least 1 MiB, got " + partitionBytes);
    }
    if (sla == null || sla.isZero() || sla.isNegative()) {
      throw new IllegalArgumentException("SLA must be a positive duration, got " + sla);
    }
    if (bytesPerCoreSecond < 1) {
      throw new IllegalArgumentException(
          "throughput per core must be positive, got " + bytesPerCoreSecond);
    }
    if (shuffleRatio < 0) {
      throw new IllegalArgumentException("shuffle ratio must be 0 or more, got " + shuffleRatio);
    }
  }
}
