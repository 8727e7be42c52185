package io.tfssl.data;

import java.util.SplittableRandom;

/**
 * The order in which one epoch visits a source's indices: identity, or a uniformly random
 * permutation that is a pure function of {@code (seed, epoch)}.
 *
 * <p>Being a pure function is what makes resuming exact: batch {@code k} can be rebuilt from
 * nothing but {@code k}, without replaying earlier epochs. The permutation of the current epoch is
 * cached, so the Fisher-Yates cost (one pass over {@code size} ints) is paid once per epoch. Not
 * thread-safe; each iterator owns one.
 */
final class EpochOrder {

  private final int size;
  private final boolean shuffled;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cached;

  /** An order over {@code size} indices; unshuffled if {@code shuffled} is false. */
  EpochOrder(int size, boolean shuffled, long seed) {
    this.size = size;
    this.shuffled = shuffled;
    this.seed = seed;
  }

  /** The source index at {@code position} of epoch {@code epoch}. */
  int indexAt(int epoch, int position) {
    if (!shuffled) {
      return position;
    }
    if (epoch != cachedEpoch) {
      cached = permutation(size, seed, epoch);
      cachedEpoch = epoch;
    }
    return cached[position];
  }

  /** A uniformly random permutation of {@code 0..size-1}, determined by {@code (seed, epoch)}. */
  static int[] permutation(int size, long seed, int epoch) {
    SplittableRandom rng = new SplittableRandom(mix(seed, epoch));
    int[] p = new int[size];
    for (int i = 0; i < size; i++) {
      p[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Combines seed and epoch so that neighbouring pairs give unrelated generator seeds. */
  private static long mix(long seed, int epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
