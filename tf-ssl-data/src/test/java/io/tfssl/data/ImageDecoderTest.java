package io.tfssl.data;

import static io.tfssl.data.IdxSourceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private static final Path FILE = Path.of("/data/some/image.png");

  @Test
  void pngAtNativeSizeIsExact() {
    byte[] rgb = TestImages.noise(7, 9, 3, 1);
    byte[] gray = TestImages.noise(5, 4, 1, 2);
    try (ImageDecoder d3 = new ImageDecoder(7, 9, 3);
        ImageDecoder d1 = new ImageDecoder(5, 4, 1)) {
      assertArrayEquals(rgb, d3.decode(TestImages.png(rgb, 7, 9, 3), FILE));
      assertArrayEquals(gray, d1.decode(TestImages.png(gray, 5, 4, 1), FILE));
      // into an offset of a larger array, leaving the rest alone
      byte[] dst = new byte[2 + 7 * 9 * 3 + 2];
      d3.decode(TestImages.png(rgb, 7, 9, 3), dst, 2, FILE, null);
      assertArrayEquals(rgb, Arrays.copyOfRange(dst, 2, dst.length - 2));
      assertEquals(0, dst[0] | dst[1] | dst[dst.length - 1] | dst[dst.length - 2]);
    }
  }

  @Test
  void jpegIsCloseAndChannelsAreConverted() {
    byte[] rgb = TestImages.gradient(16, 24, 3, 5);
    try (ImageDecoder d3 = new ImageDecoder(16, 24, 3);
        ImageDecoder d1 = new ImageDecoder(16, 24, 1)) {
      byte[] jpg = TestImages.jpeg(rgb, 16, 24, 3);
      byte[] got = d3.decode(jpg, FILE);
      // JPEG is lossy (and subsamples colour), so compare with the original loosely and
      // with an independent decoder (javax.imageio) of the same file tightly
      byte[] reference = TestImages.imageIoDecode(jpg, 3);
      assertTrue(TestImages.meanDiff(rgb, got) < 4, "mean error " + TestImages.meanDiff(rgb, got));
      assertTrue(TestImages.maxDiff(rgb, got) < 40, "max error " + TestImages.maxDiff(rgb, got));
      assertTrue(
          TestImages.meanDiff(reference, got) < 2,
          "mean diff to imageio " + TestImages.meanDiff(reference, got));
      assertTrue(
          TestImages.maxDiff(reference, got) <= 8,
          "max diff to imageio " + TestImages.maxDiff(reference, got));
      // an RGB file asked for as grayscale comes back as one channel near the luma
      byte[] g = d1.decode(TestImages.png(rgb, 16, 24, 3), FILE);
      assertEquals(16 * 24, g.length);
      for (int i = 0; i < g.length; i++) {
        double luma =
            0.299 * (rgb[3 * i] & 0xff)
                + 0.587 * (rgb[3 * i + 1] & 0xff)
                + 0.114 * (rgb[3 * i + 2] & 0xff);
        assertEquals(luma, g[i] & 0xff, 2.0, "pixel " + i);
      }
    }
  }

  @Test
  void centerCropKeepsTheMiddleOfAWideOrTallImage() {
    // 10 x 30, thirds red | green | blue: the centred square is the green third
    byte[] wide = new byte[10 * 30 * 3];
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 30; x++) {
        wide[(y * 30 + x) * 3 + x / 10] = (byte) 200;
      }
    }
    byte[] green10 = TestImages.solid(10, 10, 0, 200, 0);
    try (ImageDecoder same = new ImageDecoder(10, 10, 3);
        ImageDecoder half = new ImageDecoder(5, 5, 3);
        ImageDecoder stretch = new ImageDecoder(10, 10, 3, ImageDecoder.Fit.STRETCH)) {
      assertEquals(ImageDecoder.Fit.CENTER_CROP, same.fit());
      assertArrayEquals(green10, same.decode(TestImages.png(wide, 10, 30, 3), FILE));
      assertArrayEquals(
          TestImages.solid(5, 5, 0, 200, 0), half.decode(TestImages.png(wide, 10, 30, 3), FILE));
      // the transposed (tall) image keeps its middle rows
      byte[] tall = new byte[30 * 10 * 3];
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 10; x++) {
          tall[(y * 10 + x) * 3 + y / 10] = (byte) 200;
        }
      }
      assertArrayEquals(green10, same.decode(TestImages.png(tall, 30, 10, 3), FILE));
      // STRETCH keeps all three colours: red on the left, blue on the right
      byte[] s = stretch.decode(TestImages.png(wide, 10, 30, 3), FILE);
      assertEquals(200, s[0] & 0xff, "red at the left edge");
      assertEquals(200, s[9 * 3 + 2] & 0xff, "blue at the right edge");
      assertEquals(200, s[5 * 3 + 1] & 0xff, "green in the middle");
    }
  }

  @Test
  void anySizeIsResizedToTheTarget() {
    try (ImageDecoder d = new ImageDecoder(8, 12, 3)) {
      for (int[] hw : new int[][] {{17, 23}, {3, 5}, {8, 12}, {100, 7}, {1, 1}}) {
        byte[] px = TestImages.gradient(hw[0], hw[1], 3, 1);
        assertEquals(8 * 12 * 3, d.decode(TestImages.png(px, hw[0], hw[1], 3), FILE).length);
        assertEquals(8 * 12 * 3, d.decode(TestImages.jpeg(px, hw[0], hw[1], 3), FILE).length);
      }
    }
  }

  @Test
  void undecodableBytesNameTheFileAndTheDecoderSurvives() {
    byte[] rgb = TestImages.noise(6, 6, 3, 3);
    byte[] png = TestImages.png(rgb, 6, 6, 3);
    byte[] jpg = TestImages.jpeg(rgb, 6, 6, 3);
    try (ImageDecoder d = new ImageDecoder(6, 6, 3)) {
      byte[] dst = new byte[6 * 6 * 3];
      for (byte[] bad :
          new byte[][] {
            "not an image".getBytes(),
            Arrays.copyOf(png, png.length / 2),
            Arrays.copyOf(jpg, jpg.length / 2),
            new byte[0]
          }) {
        DataFormatException e =
            assertThrows(
                DataFormatException.class,
                () -> d.decode(bad, dst, 0, FILE, "record 4 at byte offset 99"));
        assertEquals(FILE, e.file());
        assertMentions(e, FILE.toString(), "record 4 at byte offset 99", "cannot decode");
      }
      assertEquals(0, TestImages.maxDiff(new byte[dst.length], dst), "nothing written on failure");
      assertArrayEquals(rgb, d.decode(png, FILE), "still usable after errors");
    }
  }

  @Test
  void argumentsAndClose() {
    assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0, 5, 3));
    assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(5, 5, 4));
    ImageDecoder d = new ImageDecoder(2, 2, 1);
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> d.decode(new byte[] {1}, new byte[5], 2, FILE, null));
    d.close();
    d.close();
    assertThrows(IllegalStateException.class, () -> d.decode(new byte[] {1}, FILE));
  }
}
