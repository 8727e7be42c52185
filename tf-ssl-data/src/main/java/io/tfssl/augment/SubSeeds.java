package io.tfssl.augment;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * Independent per-op seeds derived from one {@code [2]} int64 view seed.
 *
 * <p>Why hashing instead of "seed[1] + k": the trainer uses {@code seed = [globalSeed,
 * step*numViews + view]}, so additive offsets would make op A at step t reuse the stream of op B at
 * step t+1. Here the whole table of sub-seeds is one {@code StatelessRandomUniformFullInt} draw
 * keyed by the view seed (Philox), so every (seed, op) pair gets an unrelated stream, and the
 * result is still a pure function of the seed (resuming at step k repeats exactly).
 *
 * <p>Stream ids are fixed constants, so switching one op off does not move the others' streams.
 */
final class SubSeeds {
  static final int CROP = 0;
  static final int FLIP = 1;
  static final int JITTER = 2;
  static final int GRAYSCALE = 3;
  static final int BLUR = 4;
  static final int SOLARIZE = 5;
  static final int COUNT = 8;

  private final Ops tf;
  private final Operand<TInt64> table;

  SubSeeds(Ops tf, Operand<TInt64> seed) {
    this.tf = tf;
    this.table =
        tf.random.statelessRandomUniformFullInt(
            tf.constant(new int[] {COUNT, 2}), seed, TInt64.class);
  }

  /** The {@code [2]} int64 seed of stream {@code id}. */
  Operand<TInt64> get(int id) {
    if (id < 0 || id >= COUNT) {
      throw new IllegalArgumentException("stream id " + id);
    }
    return tf.reshape(
        tf.slice(table, tf.constant(new int[] {id, 0}), tf.constant(new int[] {1, 2})),
        tf.constant(new int[] {2}));
  }
}
