package io.tfssl.features;

import io.tfssl.compute.SessionConfigs;
import io.tfssl.method.Losses;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Weighted k-nearest-neighbour classification on cosine similarity, as introduced by InstDisc (Wu
 * et al. 2018, §3.4) and used as the training monitor of MoCo and SimSiam.
 *
 * <p>Bank and queries are l2-normalized, so the dot product is the cosine similarity s. For each
 * query the k most similar bank features vote for their labels with weight {@code exp(s / T)}; the
 * class scores are the summed weights, the prediction is the best class and top-5 asks whether the
 * label is among the 5 best class scores ({@code min(5, numClasses)} with fewer classes). If k
 * exceeds the bank size, the whole bank votes.
 *
 * <p>It runs as a TF graph: the normalized bank and its labels are assigned once into variables
 * from placeholders; queries are fed in chunks of {@link Config#queryBatch()} through {@code
 * MatMul(q, bank, transposeB)}, {@code TopKV2}, a gather of the neighbours' labels and an {@code
 * UnsortedSegmentSum} of the weights into (query, class) cells (the sum of one-hot × weight without
 * materializing the [queries, k, classes] one-hot tensor). Only the [queries, classes] scores come
 * back to Java.
 *
 * <p>Ties: among bank features with equal similarity to a query, {@code TopKV2} lists the lower
 * bank index first, so when a tie straddles the k-th place the lower-index features are the ones
 * that vote. Between classes with equal scores the lower class index ranks first (for the
 * prediction and for top-5). A zero query or bank row (norm below 1e-6) is normalized to zero and
 * so has similarity 0 to everything.
 */
public final class KnnEval {
  private KnnEval() {}

  /**
   * Settings of the kNN classifier.
   *
   * @param k neighbours that vote, at least 1 (200 in InstDisc §3.4 and the SimSiam monitor)
   * @param temperature T of the weights {@code exp(s / T)}, positive (0.1 in InstDisc; note that
   *     {@code exp(1 / T)} must fit in a float, so T must be above about 0.0114)
   * @param queryBatch queries per session call, at least 1; the similarity matrix of one call has
   *     {@code queryBatch × bankSize} floats
   * @param threads bounds TF's thread pools ({@link SessionConfigs#training}); 0 = all cores
   */
  public record Config(int k, double temperature, int queryBatch, int threads) {
    /** Validates every field. */
    public Config {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1: " + k);
      }
      if (!(temperature > 0.0 && 1.0 / temperature < 88.0)) {
        throw new IllegalArgumentException(
            "temperature must be positive and above 1/88 (exp(1/T) overflows float): "
                + temperature);
      }
      if (queryBatch < 1) {
        throw new IllegalArgumentException("queryBatch must be >= 1: " + queryBatch);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0 (0 = all cores): " + threads);
      }
    }

    /** k = 200, T = 0.1 (InstDisc §3.4), 256 queries per call, all cores. */
    public static Config defaults() {
      return new Config(200, 0.1, 256, 0);
    }

    /** This config with another k. */
    public Config withK(int newK) {
      return new Config(newK, temperature, queryBatch, threads);
    }

    /** This config with another temperature. */
    public Config withTemperature(double t) {
      return new Config(k, t, queryBatch, threads);
    }

    /** This config with another query chunk size. */
    public Config withQueryBatch(int b) {
      return new Config(k, temperature, b, threads);
    }
  }

  /**
   * Outcome of {@link #evaluate}.
   *
   * @param top1 share of queries whose label is the best class, in [0, 1]
   * @param top5 share of queries whose label is among the {@code min(5, numClasses)} best classes
   * @param k the number of neighbours that actually voted: {@code min(config.k, bankSize)}
   * @param temperature the temperature used
   * @param bankSize bank features
   * @param querySize queries
   */
  public record Result(
      double top1, double top5, int k, double temperature, int bankSize, int querySize) {

    /** One line for logs. */
    public String summary() {
      return String.format(
          "kNN (k=%d, T=%s): top-1 %.4f, top-5 %.4f, bank %d, queries %d",
          k, temperature, top1, top5, bankSize, querySize);
    }
  }

  /**
   * Classifies every query by its neighbours in {@code bank} and scores the result against the
   * queries' labels.
   *
   * @throws IllegalArgumentException if the sets disagree on dim or numClasses, or either is empty
   */
  public static Result evaluate(Features bank, Features queries, Config config) {
    float[] scores = classScores(bank, queries, config);
    int c = bank.numClasses();
    long[] hits = Ranking.hits(scores, queries.count(), c, queries.labels(), 0, Math.min(5, c));
    return new Result(
        (double) hits[0] / queries.count(),
        (double) hits[1] / queries.count(),
        Math.min(config.k(), bank.count()),
        config.temperature(),
        bank.count(),
        queries.count());
  }

  /** The predicted class of every query (best class score, lowest class index on ties). */
  public static int[] predict(Features bank, Features queries, Config config) {
    float[] scores = classScores(bank, queries, config);
    int c = bank.numClasses();
    int[] out = new int[queries.count()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Ranking.argmax(scores, i * c, c);
    }
    return out;
  }

  /**
   * The class scores: row-major {@code [queries.count(), numClasses]}, entry (i, c) the sum of
   * {@code exp(s / T)} over those of query i's k nearest bank features labelled c. The queries'
   * labels are not used.
   *
   * @throws IllegalArgumentException if the sets disagree on dim or numClasses, or either is empty
   */
  public static float[] classScores(Features bank, Features queries, Config config) {
    Objects.requireNonNull(bank, "bank");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(config, "config");
    if (bank.dim() != queries.dim() || bank.numClasses() != queries.numClasses()) {
      throw new IllegalArgumentException(
          "bank is ["
              + bank.dim()
              + " dims, "
              + bank.numClasses()
              + " classes] but queries are ["
              + queries.dim()
              + " dims, "
              + queries.numClasses()
              + " classes]");
    }
    if (bank.count() == 0 || queries.count() == 0) {
      throw new IllegalArgumentException(
          "bank ("
              + bank.count()
              + ") and queries ("
              + queries.count()
              + ") must both be non-empty");
    }
    int n = bank.count();
    int d = bank.dim();
    int c = bank.numClasses();
    int k = Math.min(config.k(), n);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      // The bank lives in the graph: assigned once from placeholders, then read by every chunk.
      Placeholder<TFloat32> bankIn =
          tf.withName("bank_in").placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, d)));
      Placeholder<TInt32> labelsIn =
          tf.withName("labels_in").placeholder(TInt32.class, Placeholder.shape(Shape.of(n)));
      Variable<TFloat32> bankVar = tf.withName("bank").variable(Shape.of(n, d), TFloat32.class);
      Variable<TInt32> labelsVar = tf.withName("bank_labels").variable(Shape.of(n), TInt32.class);
      Op load =
          tf.withControlDependencies(
                  java.util.List.of(
                      tf.assign(bankVar, Losses.l2Normalize(tf, bankIn)),
                      tf.assign(labelsVar, labelsIn)))
              .withName("load")
              .noOp();

      Placeholder<TFloat32> q =
          tf.withName("q").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, d)));
      Operand<TFloat32> sim =
          tf.linalg.matMul(
              Losses.l2Normalize(tf, q), tf.identity(bankVar), MatMul.transposeB(true));
      TopK<TFloat32, TInt32> top = tf.nn.topK(sim, tf.constant(k), TInt32.class, TopK.sorted(true));
      Operand<TInt32> neighbourLabels =
          tf.gather(tf.identity(labelsVar), top.indices(), tf.constant(0));
      Operand<TFloat32> weights =
          tf.math.exp(tf.math.div(top.values(), tf.constant((float) config.temperature())));
      // Cell (i, label) of query i gets segment id i * C + label.
      Operand<TInt32> rows = tf.shape(q, TInt32.class);
      Operand<TInt32> rowCount = tf.gather(rows, tf.constant(0), tf.constant(0));
      Operand<TInt32> rowIds =
          tf.expandDims(tf.range(tf.constant(0), rowCount, tf.constant(1)), tf.constant(1));
      Operand<TInt32> segments = tf.math.add(tf.math.mul(rowIds, tf.constant(c)), neighbourLabels);
      Operand<TFloat32> scores =
          tf.reshape(
              tf.math.unsortedSegmentSum(weights, segments, tf.math.mul(rowCount, tf.constant(c))),
              tf.constant(new int[] {-1, c}));

      try (Session s = new Session(g, SessionConfigs.training(config.threads()))) {
        try (TFloat32 bt =
                TFloat32.tensorOf(Shape.of(n, d), DataBuffers.of(bank.data(), true, false));
            TInt32 lt = TInt32.tensorOf(Shape.of(n), DataBuffers.of(bank.labels(), true, false));
            org.tensorflow.Result r =
                s.runner().feed(bankIn, bt).feed(labelsIn, lt).addTarget(load).run()) {
          // loaded
        }
        int qn = queries.count();
        float[] out = new float[qn * c];
        float[] src = queries.data();
        for (int start = 0; start < qn; start += config.queryBatch()) {
          int rowsNow = Math.min(config.queryBatch(), qn - start);
          float[] chunk = new float[rowsNow * d];
          System.arraycopy(src, start * d, chunk, 0, rowsNow * d);
          float[] part = new float[rowsNow * c];
          try (TFloat32 qt =
                  TFloat32.tensorOf(Shape.of(rowsNow, d), DataBuffers.of(chunk, true, false));
              org.tensorflow.Result r = s.runner().feed(q, qt).fetch(scores).run()) {
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(part, false, false));
          }
          System.arraycopy(part, 0, out, start * c, part.length);
        }
        return out;
      }
    }
  }
}
