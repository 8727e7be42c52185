package io.tfssl.augment;

import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** A graph + session for tests; fetches come back as plain Java arrays, tensors closed. */
final class TfHarness implements AutoCloseable {
  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  private Session session;

  /** A fetched float tensor: its shape and row-major values. */
  record Fetched(long[] shape, float[] data) {
    float at(long... idx) {
      long off = 0;
      for (int i = 0; i < shape.length; i++) {
        off = off * shape[i] + idx[i];
      }
      return data[(int) off];
    }
  }

  Session session() {
    if (session == null) {
      session = new Session(graph);
    }
    return session;
  }

  Placeholder<TUint8> images(long h, long w, long c) {
    return tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, h, w, c)));
  }

  Placeholder<TInt64> seed() {
    return tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
  }

  static TUint8 u8(byte[] data, long... shape) {
    return TUint8.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  static TInt64 seedTensor(long a, long b) {
    return TInt64.vectorOf(a, b);
  }

  /** Runs {@code out} with the given feeds (the feed tensors are NOT closed here). */
  Fetched run(Operand<TFloat32> out, Map<Operand<?>, Tensor> feeds) {
    Session.Runner r = session().runner();
    feeds.forEach(r::feed);
    try (Result res = r.fetch(out).run()) {
      Tensor t = res.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new AssertionError("expected float32, got " + t.dataType());
      }
      float[] data = new float[(int) f.shape().size()];
      f.copyTo(DataBuffers.of(data, false, false));
      return new Fetched(f.shape().asArray(), data);
    }
  }

  /** Convenience: feeds an image batch and a seed. */
  Fetched run(
      Operand<TFloat32> out,
      Operand<TUint8> imgPh,
      byte[] img,
      long[] imgShape,
      Operand<TInt64> seedPh,
      long s0,
      long s1) {
    try (TUint8 it = u8(img, imgShape);
        TInt64 st = seedTensor(s0, s1)) {
      return run(out, Map.of(imgPh, it, seedPh, st));
    }
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static float u(byte b) {
    return (b & 0xff) / 255f;
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
