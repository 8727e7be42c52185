package io.tfssl.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Real PNG and JPEG files for the decoder and source tests, encoded with {@code javax.imageio}
 * (independent of the TensorFlow decoders under test), from HWC uint8 pixel arrays.
 */
public final class TestImages {

  private TestImages() {}

  /** Random pixels: worst case for JPEG, exact for PNG. */
  public static byte[] noise(int h, int w, int c, long seed) {
    byte[] p = new byte[h * w * c];
    new Random(seed).nextBytes(p);
    return p;
  }

  /**
   * A smooth image (a triangle wave of a slanted ramp, different per seed) without sharp edges,
   * which JPEG keeps within a few levels.
   */
  static byte[] gradient(int h, int w, int c, int seed) {
    byte[] p = new byte[h * w * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int k = 0; k < c; k++) {
          int t = (seed * 13 + y * 3 + x * 2 + k * 50) % 380;
          p[(y * w + x) * c + k] = (byte) (30 + (t < 190 ? t : 380 - t));
        }
      }
    }
    return p;
  }

  /** An image whose every pixel is {@code rgb}. */
  static byte[] solid(int h, int w, int r, int g, int b) {
    byte[] p = new byte[h * w * 3];
    for (int i = 0; i < h * w; i++) {
      p[3 * i] = (byte) r;
      p[3 * i + 1] = (byte) g;
      p[3 * i + 2] = (byte) b;
    }
    return p;
  }

  static BufferedImage image(byte[] hwc, int h, int w, int c) {
    BufferedImage im =
        new BufferedImage(
            w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster r = im.getRaster();
    int[] px = new int[c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int k = 0; k < c; k++) {
          px[k] = hwc[(y * w + x) * c + k] & 0xff;
        }
        r.setPixel(x, y, px);
      }
    }
    return im;
  }

  public static byte[] png(byte[] hwc, int h, int w, int c) {
    return encode(image(hwc, h, w, c), "png");
  }

  static byte[] jpeg(byte[] hwc, int h, int w, int c) {
    return encode(image(hwc, h, w, c), "jpg");
  }

  private static byte[] encode(BufferedImage im, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(im, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes with {@code javax.imageio}: a second, independent JPEG decoder to compare with. */
  static byte[] imageIoDecode(byte[] encoded, int c) {
    try {
      BufferedImage im = ImageIO.read(new java.io.ByteArrayInputStream(encoded));
      int h = im.getHeight();
      int w = im.getWidth();
      byte[] out = new byte[h * w * c];
      int[] px = new int[c];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          im.getRaster().getPixel(x, y, px);
          for (int k = 0; k < c; k++) {
            out[(y * w + x) * c + k] = (byte) px[k];
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The largest absolute difference between two equally long uint8 arrays. */
  static int maxDiff(byte[] a, byte[] b) {
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
    }
    return max;
  }

  /** The mean absolute difference between two equally long uint8 arrays. */
  static double meanDiff(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }
}
