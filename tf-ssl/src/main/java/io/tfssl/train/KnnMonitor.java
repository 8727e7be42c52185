package io.tfssl.train;

import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.Split;
import io.tfssl.features.Features;
import io.tfssl.features.KnnEval;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The kNN monitor of SimSiam (§4.1, following InstDisc): at the end of every epoch, embed a fixed
 * labeled bank of training images and held-out test queries with the encoder in inference mode and
 * report the weighted-kNN top-1. Bank and queries are small and fixed (the first N training images,
 * the first N/5 test images), so the value is cheap and comparable across epochs; the full
 * evaluation is {@code ./tfssl eval knn} on an export.
 */
final class KnnMonitor {
  private static final int CHUNK = 500;
  private final Labeled bank;
  private final Labeled queries;

  private record Labeled(byte[] images, int[] labels, int count, long[] hwc, int numClasses) {}

  private KnnMonitor(Labeled bank, Labeled queries) {
    this.bank = bank;
    this.queries = queries;
  }

  /** Reads the first {@code n} training and {@code n/5} test images of the run's dataset. */
  static KnnMonitor open(PretrainConfig config, int n) {
    return open(config, n, Math.max(2, n / 5));
  }

  /**
   * Reads the first {@code n} training images as the bank and the first {@code queries} test images
   * as the queries (both capped at the split's size).
   */
  static KnnMonitor open(PretrainConfig config, int n, int queries) {
    return new KnnMonitor(read(config, Split.TRAIN, n), read(config, Split.TEST, queries));
  }

  private static Labeled read(PretrainConfig config, Split split, int n) {
    ImageSource source = Components.source(config, split);
    try {
      if (source.numClasses() < 2) {
        throw new IllegalArgumentException(
            "--knn-monitor needs labels; " + source.name() + " has none");
      }
      int count = Math.min(n, source.size());
      int per = source.imageBytes();
      byte[] images = new byte[Math.multiplyExact(count, per)];
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        source.readImage(i, images, i * per);
        labels[i] = source.label(i);
      }
      return new Labeled(
          images,
          labels,
          count,
          new long[] {source.height(), source.width(), source.channels()},
          source.numClasses());
    } finally {
      Sources.closeQuietly(source);
    }
  }

  /** The kNN top-1 of the current weights (k = 200 or the bank size, t = 0.1). */
  KnnEval.Result evaluate(Session session, TrainingGraph graph) {
    Features b = embed(session, graph, bank);
    Features q = embed(session, graph, queries);
    return KnnEval.evaluate(b, q, KnnEval.Config.defaults());
  }

  private static Features embed(Session session, TrainingGraph graph, Labeled set) {
    int per = (int) (set.hwc[0] * set.hwc[1] * set.hwc[2]);
    float[] data = null;
    int dim = 0;
    for (int start = 0; start < set.count; start += CHUNK) {
      int m = Math.min(CHUNK, set.count - start);
      byte[] chunk = java.util.Arrays.copyOfRange(set.images, start * per, (start + m) * per);
      try (TUint8 x =
              TUint8.tensorOf(
                  Shape.of(m, set.hwc[0], set.hwc[1], set.hwc[2]),
                  DataBuffers.of(chunk, true, false));
          Result r =
              session.runner().feed(graph.evalImages(), x).fetch(graph.evalEmbedding()).run()) {
        TFloat32 e = (TFloat32) r.get(0);
        if (data == null) {
          dim = (int) e.shape().size(1);
          data = new float[set.count * dim];
        }
        float[] part = new float[m * dim];
        e.copyTo(DataBuffers.of(part, false, false));
        System.arraycopy(part, 0, data, start * dim, part.length);
      }
    }
    return new Features(data, set.count, dim, set.labels, set.numClasses);
  }
}
