package dev.lakeforge.quality;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * A KLL sketch of a column's doubles (Apache DataSketches, which Spark ships), built per partition
 * and merged: the sketch's state is mergeable, so it rides in the one scan like any aggregate.
 * Nulls and NaN are left out. The result is the sketch's bytes.
 */
final class KllAggregator extends Aggregator<Double, KllAggregator.Sketch, byte[]> {
  private static final long serialVersionUID = 1L;
  private final int k;

  KllAggregator(int k) {
    this.k = k;
  }

  /** The sketch between rows, serialised as its bytes when Spark moves it. */
  public static final class Sketch implements Externalizable {
    private static final long serialVersionUID = 1L;
    KllDoublesSketch sketch;

    public Sketch() {}

    Sketch(KllDoublesSketch sketch) {
      this.sketch = sketch;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
      byte[] bytes = sketch.toByteArray();
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      sketch = KllDoublesSketch.heapify(Memory.wrap(bytes));
    }
  }

  static KllDoublesSketch read(byte[] bytes) {
    return KllDoublesSketch.heapify(Memory.wrap(bytes));
  }

  @Override
  public Sketch zero() {
    return new Sketch(KllDoublesSketch.newHeapInstance(k));
  }

  @Override
  public Sketch reduce(Sketch b, Double x) {
    if (x != null && !x.isNaN()) {
      b.sketch.update(x);
    }
    return b;
  }

  @Override
  public Sketch merge(Sketch a, Sketch b) {
    a.sketch.merge(b.sketch);
    return a;
  }

  @Override
  public byte[] finish(Sketch b) {
    return b.sketch.toByteArray();
  }

  @Override
  public Encoder<Sketch> bufferEncoder() {
    return Encoders.javaSerialization(Sketch.class);
  }

  @Override
  public Encoder<byte[]> outputEncoder() {
    return Encoders.BINARY();
  }
}
