package io.tfssl.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes real IDX files for tests, raw or gzipped, with full control over header and data. */
final class IdxWriter {

  private IdxWriter() {}

  /** IDX bytes with the given magic, dimensions and data, exactly as written (no checks). */
  static byte[] idx(int magic, int[] dims, byte[] data) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes); // big-endian, like IDX
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A valid 3-dimensional images file's bytes. */
  static byte[] images(int n, int rows, int cols, byte[] pixels) {
    return idx(0x00000803, new int[] {n, rows, cols}, pixels);
  }

  /** A valid 1-dimensional labels file's bytes. */
  static byte[] labels(byte[] labels) {
    return idx(0x00000801, new int[] {labels.length}, labels);
  }

  static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    if (!gzip) {
      return Files.write(file, content);
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content);
    }
    return file;
  }

  /** Deterministic pseudo-random pixels covering all byte values. */
  static byte[] pixels(int count, int salt) {
    byte[] p = new byte[count];
    for (int i = 0; i < count; i++) {
      p[i] = (byte) (i * 37 + salt * 11 + (i >> 5));
    }
    return p;
  }
}
