package io.tfssl.embed;

import io.tfssl.method.Losses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Exact cosine-similarity search over an embeddings file, as blocked matrix products in a
 * TensorFlow graph: a block of query rows times a block of database rows ({@code MatMul} with
 * {@code transposeB}, both L2-normalized in the graph), then per block either {@code TopKV2}
 * (nearest neighbours, the partial top-k of the blocks merged here) or {@code Where} over {@code
 * sim >= threshold} restricted to {@code j > i} (near-duplicate pairs).
 *
 * <p>Only two blocks of rows and their {@code block x block} similarities are in memory at a time
 * (with the default 4096 rows of 256 floats: 4 MB each, 64 MB of similarities), so a file of a
 * million rows is scanned from disk, never loaded. The cost is exact search's: every query meets
 * every row, and all pairs cost {@code N^2 D / 2} multiply-adds.
 *
 * <p>Ties are broken by the lower row index, so results do not depend on the block size.
 */
public final class CosineSearch implements AutoCloseable {
  /** Rows per block unless told otherwise. */
  public static final int DEFAULT_BLOCK = 4096;

  /** A row and its cosine similarity to the query. */
  public record Hit(int index, float score) {}

  /** Rows {@code i < j} whose cosine similarity is {@code score}. */
  public record Pair(int i, int j, float score) {}

  private static final Comparator<Hit> BEST_FIRST =
      Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingInt(Hit::index);

  private final int dim;
  private final int block;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> queries;
  private final Placeholder<TFloat32> rows;
  private final Placeholder<TInt32> topCount;
  private final TopK<TFloat32, TInt32> top;
  private final Placeholder<TFloat32> threshold;
  private final Placeholder<TInt32> queryStart;
  private final Placeholder<TInt32> rowStart;
  private final Operand<TInt64> pairIndex;
  private final Operand<TFloat32> pairScore;

  /** Builds the graph for rows of {@code dim} floats, read {@code block} rows at a time. */
  public CosineSearch(int dim, int block) {
    if (dim < 1 || block < 1) {
      throw new IllegalArgumentException("dim and block must be >= 1, got " + dim + ", " + block);
    }
    this.dim = dim;
    this.block = block;
    graph = new Graph();
    Ops tf = Ops.create(graph);
    queries = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
    rows = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
    Operand<TFloat32> sim =
        tf.linalg.matMul(
            Losses.l2Normalize(tf, queries), Losses.l2Normalize(tf, rows), MatMul.transposeB(true));
    topCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    top = tf.nn.topK(sim, topCount, TInt32.class, TopK.sorted(true));
    threshold = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    queryStart = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    rowStart = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    Operand<TInt32> shape = tf.shape(sim, TInt32.class);
    Operand<TInt32> i =
        tf.math.add(
            tf.range(
                tf.constant(0), tf.gather(shape, tf.constant(0), tf.constant(0)), tf.constant(1)),
            queryStart);
    Operand<TInt32> j =
        tf.math.add(
            tf.range(
                tf.constant(0), tf.gather(shape, tf.constant(1), tf.constant(0)), tf.constant(1)),
            rowStart);
    Operand<TBool> above =
        tf.math.logicalAnd(
            tf.math.greaterEqual(sim, threshold),
            tf.math.greater(tf.expandDims(j, tf.constant(0)), tf.expandDims(i, tf.constant(1))));
    pairIndex = tf.where(above);
    pairScore = tf.gatherNd(sim, pairIndex);
    session = new Session(graph);
  }

  public CosineSearch(int dim) {
    this(dim, DEFAULT_BLOCK);
  }

  /**
   * The {@code k} rows of {@code db} most similar to each of {@code count} queries (row-major in
   * {@code queryRows}), best first; the query's own row is among them if it is in the file.
   */
  public List<List<Hit>> nearest(float[] queryRows, int count, NpyReader db, int k)
      throws IOException {
    checkDim(db);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    List<List<Hit>> best = new ArrayList<>();
    for (int q = 0; q < count; q++) {
      best.add(new ArrayList<>());
    }
    try (TFloat32 qt = tensor(queryRows, count)) {
      for (int start = 0; start < db.rows(); start += block) {
        int n = Math.min(block, db.rows() - start);
        int kk = Math.min(k, n);
        float[] scores = new float[count * kk];
        int[] index = new int[count * kk];
        try (TFloat32 rt = tensor(db.read(start, n), n);
            TInt32 kt = TInt32.scalarOf(kk);
            Result r =
                session
                    .runner()
                    .feed(queries, qt)
                    .feed(rows, rt)
                    .feed(topCount, kt)
                    .fetch(top.values())
                    .fetch(top.indices())
                    .run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(scores, false, false));
          ((TInt32) r.get(1)).copyTo(DataBuffers.of(index, false, false));
        }
        for (int q = 0; q < count; q++) {
          List<Hit> list = best.get(q);
          for (int t = 0; t < kk; t++) {
            list.add(new Hit(start + index[q * kk + t], scores[q * kk + t]));
          }
          list.sort(BEST_FIRST);
          if (list.size() > k) {
            list.subList(k, list.size()).clear();
          }
        }
      }
    }
    return best;
  }

  /**
   * Every pair of rows {@code i < j} of {@code db} with cosine similarity {@code >= threshold},
   * handed to {@code sink} sorted by {@code (i, j)}, one query block at a time.
   *
   * @param progress told the number of block pairs done, out of {@code b (b + 1) / 2} for {@code b}
   *     blocks
   */
  public void pairsAbove(
      NpyReader db, float threshold, java.util.function.Consumer<Pair> sink, LongConsumer progress)
      throws IOException {
    checkDim(db);
    long done = 0;
    for (int qs = 0; qs < db.rows(); qs += block) {
      int qn = Math.min(block, db.rows() - qs);
      List<Pair> found = new ArrayList<>();
      try (TFloat32 qt = tensor(db.read(qs, qn), qn);
          TFloat32 tt = TFloat32.scalarOf(threshold);
          TInt32 qst = TInt32.scalarOf(qs)) {
        for (int rs = qs; rs < db.rows(); rs += block) {
          int rn = Math.min(block, db.rows() - rs);
          try (TFloat32 rt = tensor(db.read(rs, rn), rn);
              TInt32 rst = TInt32.scalarOf(rs);
              Result r =
                  session
                      .runner()
                      .feed(queries, qt)
                      .feed(rows, rt)
                      .feed(this.threshold, tt)
                      .feed(queryStart, qst)
                      .feed(rowStart, rst)
                      .fetch(pairIndex)
                      .fetch(pairScore)
                      .run()) {
            TInt64 idx = (TInt64) r.get(0);
            int m = (int) idx.shape().size(0);
            long[] ij = new long[2 * m];
            float[] s = new float[m];
            idx.copyTo(DataBuffers.of(ij, false, false));
            ((TFloat32) r.get(1)).copyTo(DataBuffers.of(s, false, false));
            for (int p = 0; p < m; p++) {
              found.add(new Pair(qs + (int) ij[2 * p], rs + (int) ij[2 * p + 1], s[p]));
            }
          }
          progress.accept(++done);
        }
      }
      found.sort(Comparator.comparingInt(Pair::i).thenComparingInt(Pair::j));
      found.forEach(sink);
    }
  }

  /** Block pairs {@link #pairsAbove} runs for {@code n} rows. */
  public long blockPairs(int n) {
    long b = (n + (long) block - 1) / block;
    return b * (b + 1) / 2;
  }

  private void checkDim(NpyReader db) {
    if (db.dim() != dim) {
      throw new IllegalArgumentException(
          db.file() + " has rows of " + db.dim() + " floats, the search was built for " + dim);
    }
  }

  private TFloat32 tensor(float[] data, int n) {
    return TFloat32.tensorOf(Shape.of(n, dim), DataBuffers.of(data, true, false));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
