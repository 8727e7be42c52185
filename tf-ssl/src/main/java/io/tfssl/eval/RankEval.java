package io.tfssl.eval;

import io.tfssl.data.Batch;
import io.tfssl.data.BatchIterator;
import io.tfssl.data.Dataset;
import io.tfssl.data.ImageSource;
import io.tfssl.data.SubsetSource;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.Exporter;
import io.tfssl.train.EffectiveRank;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The effective rank (RankMe, {@link EffectiveRank}) of an export's outputs on a fixed set of
 * images, in inference mode: the label-free check that a trained encoder has not collapsed onto a
 * few directions (Garrido et al. 2023 show it tracks downstream accuracy). It reads the
 * SavedModel's {@code serving_default}, as every evaluation here does, so what is measured is what
 * would be served.
 */
public final class RankEval {
  /** Images the rank is measured on by default: enough that min(N, d) is d for d up to 1024. */
  public static final int DEFAULT_IMAGES = 1024;

  private static final int BATCH = 256;

  /**
   * @param embedding RankMe of the encoder output y on the images
   * @param embeddingDim d of y
   * @param projection RankMe of the projector output z
   * @param projectionDim d of z
   * @param images how many images the ranks were measured on (bounds both ranks)
   */
  public record Result(
      double embedding, long embeddingDim, double projection, long projectionDim, int images) {

    public String summary() {
      return String.format(
          "effective rank on %d images: embedding %.1f of %d, projection %.1f" + " of %d",
          images, embedding, embeddingDim, projection, projectionDim);
    }
  }

  private RankEval() {}

  /**
   * Measures the model in {@code model} on the first {@code images} images of {@code source} (all
   * of them if it has fewer), which must have the model's input shape.
   */
  public static Result evaluate(Path model, ImageSource source, int images) {
    if (images < 1) {
      throw new IllegalArgumentException("images must be >= 1, got " + images);
    }
    try (EmbeddingModel m = EmbeddingModel.load(model)) {
      long[] hwc = {source.height(), source.width(), source.channels()};
      if (!Arrays.equals(hwc, m.inputHwc())) {
        throw new IllegalArgumentException(
            source.name()
                + " has images of "
                + Arrays.toString(hwc)
                + " but "
                + m.dir()
                + " takes "
                + Arrays.toString(m.inputHwc())
                + " ([H, W, C]);"
                + " measure the rank on the data it was trained on");
      }
      int n = Math.min(images, source.size());
      ImageSource first =
          n == source.size() ? source : new SubsetSource(source, IntStream.range(0, n).toArray());
      SessionFunction serving = m.bundle().function(Exporter.SERVING_DEFAULT);
      float[][] y = null;
      float[][] z = null;
      int done = 0;
      try (BatchIterator batches = Dataset.from(first).batch(BATCH, false).iterator()) {
        while (batches.hasNext()) {
          try (Batch batch = batches.next();
              org.tensorflow.Result r = serving.call(Map.of(Exporter.IMAGES, batch.images()))) {
            TFloat32 e = (TFloat32) r.get(Exporter.EMBEDDING).orElseThrow();
            TFloat32 p = (TFloat32) r.get(Exporter.PROJECTION).orElseThrow();
            if (y == null) {
              y = new float[n][(int) e.shape().get(1)];
              z = new float[n][(int) p.shape().get(1)];
            }
            copyRows(e, y, done);
            copyRows(p, z, done);
            done += batch.size();
          }
        }
      }
      return new Result(rank(y), y[0].length, rank(z), z[0].length, n);
    }
  }

  private static void copyRows(TFloat32 t, float[][] into, int offset) {
    int rows = (int) t.shape().get(0);
    int d = into[0].length;
    float[] flat = new float[rows * d];
    t.copyTo(DataBuffers.of(flat, false, false));
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * d, into[offset + i], 0, d);
    }
  }

  /** RankMe of the rows, with the same graph function the training monitor uses. */
  static double rank(float[][] rows) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> rank = EffectiveRank.rankMe(tf, tf.constant(rows));
      try (Session s = new Session(g);
          org.tensorflow.Result r = s.runner().fetch(rank).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }
}
