package io.tfssl.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes real CIFAR binary files for tests: records of label byte(s) followed by the {@link
 * PixelPattern} image in CIFAR's channel-planar layout (all R rows, then G, then B).
 */
final class CifarWriter {

  private CifarWriter() {}

  /** The 3072 pixel bytes of a 32x32 image, planar: channel, then row, then column. */
  static byte[] planar(int image) {
    byte[] out = new byte[3 * 32 * 32];
    int o = 0;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          out[o++] = PixelPattern.pixel(image, c, y, x);
        }
      }
    }
    return out;
  }

  /** A 3073-byte CIFAR-10 record. */
  static byte[] record10(int image, int label) {
    return concat(new byte[] {(byte) label}, planar(image));
  }

  /** A 3074-byte CIFAR-100 record. */
  static byte[] record100(int image, int coarse, int fine) {
    return concat(new byte[] {(byte) coarse, (byte) fine}, planar(image));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static Path write(Path file, byte[]... records) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, concat(records));
  }
}
