package io.tfssl.data;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

/**
 * Seeded byte-level mutations of one file, the families every format shares: truncation, flipped
 * bytes, appended garbage, an empty file. Format-specific mutations (header fields, record framing)
 * are built by the format's fuzzer from the byte helpers here.
 */
final class Mutations {

  private Mutations() {}

  /** Cuts {@code bytes} at a random length in {@code [0, length)}. */
  static Mutation truncate(Random rnd, String name, byte[] bytes) {
    return truncateTo(name, bytes, rnd.nextInt(bytes.length));
  }

  static Mutation truncateTo(String name, byte[] bytes, int length) {
    return Mutation.of(
        "truncate",
        name,
        "truncated to " + length + " of " + bytes.length + " bytes",
        Arrays.copyOf(bytes, length));
  }

  /** XORs 1 to 3 distinct random bytes in {@code [from, to)} with random non-zero values. */
  static Mutation flip(Random rnd, String name, byte[] bytes, int from, int to) {
    int count = Math.min(to - from, 1 + rnd.nextInt(3));
    TreeSet<Integer> at = new TreeSet<>();
    while (at.size() < count) {
      at.add(from + rnd.nextInt(to - from));
    }
    byte[] out = bytes.clone();
    StringBuilder what = new StringBuilder("flipped");
    for (int i : at) {
      int mask = 1 + rnd.nextInt(255);
      out[i] ^= (byte) mask;
      what.append(String.format(" byte %d (^0x%02x)", i, mask));
    }
    return Mutation.of("flip", name, what.toString(), out);
  }

  /** XORs 1 to 3 random bytes anywhere in the file. */
  static Mutation flip(Random rnd, String name, byte[] bytes) {
    return flip(rnd, name, bytes, 0, bytes.length);
  }

  /** Appends 1 to {@code max} random bytes. */
  static Mutation append(Random rnd, String name, byte[] bytes, int max) {
    byte[] extra = random(rnd, 1 + rnd.nextInt(max));
    return Mutation.of(
        "append", name, "appended " + extra.length + " random bytes", concat(bytes, extra));
  }

  static Mutation empty(String name) {
    return Mutation.of("empty", name, "emptied (0 bytes)", new byte[0]);
  }

  static byte[] random(Random rnd, int length) {
    byte[] b = new byte[length];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int bigEndianInt(byte[] b, int off) {
    return (b[off] & 0xff) << 24
        | (b[off + 1] & 0xff) << 16
        | (b[off + 2] & 0xff) << 8
        | (b[off + 3] & 0xff);
  }

  static void putBigEndianInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
