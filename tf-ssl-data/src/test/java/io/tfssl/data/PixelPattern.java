package io.tfssl.data;

/**
 * The pixel values test images are made of, as a formula of image, channel, row and column, so that
 * writers can lay them out in a file format and tests can compute the expected HWC bytes
 * independently of the code under test.
 *
 * <p>The formula is asymmetric in row and column and differs per channel and per image, so a
 * transposed, channel-swapped or misindexed image does not compare equal.
 */
final class PixelPattern {

  private PixelPattern() {}

  /** The value of channel {@code c} at row {@code y}, column {@code x} of image {@code image}. */
  static byte pixel(int image, int c, int y, int x) {
    return (byte) (image * 101 + c * 67 + y * 7 + x * 3 + (y * x >> 4));
  }

  /** The whole {@code side x side x 3} image in HWC order (row-major, channels interleaved). */
  static byte[] hwc(int image, int side) {
    byte[] out = new byte[side * side * 3];
    int o = 0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        for (int c = 0; c < 3; c++) {
          out[o++] = pixel(image, c, y, x);
        }
      }
    }
    return out;
  }
}
