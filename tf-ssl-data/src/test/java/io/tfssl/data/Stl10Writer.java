package io.tfssl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes real STL-10 binary files for tests: {@link PixelPattern} images in STL-10's layout (per
 * channel, a 96x96 matrix in column-major order: all of column 0, then column 1, ...), and label
 * files of one byte per image.
 */
final class Stl10Writer {

  static final int IMAGE_BYTES = 96 * 96 * 3;

  private Stl10Writer() {}

  /** The 27648 bytes of image {@code image} as STL-10 stores them: channel, column, row. */
  static byte[] columnMajor(int image) {
    byte[] out = new byte[IMAGE_BYTES];
    int o = 0;
    for (int c = 0; c < 3; c++) {
      for (int x = 0; x < 96; x++) {
        for (int y = 0; y < 96; y++) {
          out[o++] = PixelPattern.pixel(image, c, y, x);
        }
      }
    }
    return out;
  }

  /** An images file holding images {@code first, first + 1, ..., first + count - 1}. */
  static Path images(Path file, int first, int count) throws IOException {
    byte[] all = new byte[count * IMAGE_BYTES];
    for (int i = 0; i < count; i++) {
      System.arraycopy(columnMajor(first + i), 0, all, i * IMAGE_BYTES, IMAGE_BYTES);
    }
    Files.createDirectories(file.getParent());
    return Files.write(file, all);
  }

  /** A labels file with the given bytes (1..10 in a valid file). */
  static Path labels(Path file, int... labels) throws IOException {
    byte[] b = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      b[i] = (byte) labels[i];
    }
    Files.createDirectories(file.getParent());
    return Files.write(file, b);
  }
}
