package io.tfssl.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .npy} writer and reader against a file written by NumPy itself ({@code numpy-3x4.npy}:
 * {@code np.save} of numpy 2.4.6, the array in {@link #NUMPY}) and against the format's
 * specification, parsed here byte by byte.
 */
class NpyFormatTest {
  /** {@code np.arange(12, dtype=np.float32).reshape(3, 4) / 8 - 0.5}, then a[2, 3] = -1e-30. */
  static final float[] NUMPY = {
    -0.5f, -0.375f, -0.25f, -0.125f, 0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, -1e-30f
  };

  @TempDir Path tmp;

  private static byte[] numpyFile() throws Exception {
    try (InputStream in = NpyFormatTest.class.getResourceAsStream("numpy-3x4.npy")) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesTheBytesNumpyWrites() throws Exception {
    Path f = tmp.resolve("a.npy");
    try (NpyWriter w = new NpyWriter(f, 4)) {
      // in two pieces: the row count is only known at close
      w.write(java.util.Arrays.copyOf(NUMPY, 8), 2);
      w.write(java.util.Arrays.copyOfRange(NUMPY, 8, 12), 1);
    }
    assertArrayEquals(numpyFile(), Files.readAllBytes(f));
  }

  @Test
  void readsWhatNumpyWrote() throws Exception {
    Path f = Files.write(tmp.resolve("n.npy"), numpyFile());
    try (NpyReader r = NpyReader.open(f)) {
      assertEquals(3, r.rows());
      assertEquals(4, r.dim());
      assertArrayEquals(NUMPY, r.read(0, 3));
      assertArrayEquals(java.util.Arrays.copyOfRange(NUMPY, 4, 12), r.read(1, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> r.read(2, 2));
    }
  }

  /** A large, streamed file, checked against the specification by a parser written here. */
  @Test
  void streamedFileFollowsTheSpecification() throws Exception {
    int rows = 1000;
    int dim = 33;
    float[] all = new float[rows * dim];
    Random rnd = new Random(7);
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) rnd.nextGaussian();
    }
    Path f = tmp.resolve("big.npy");
    try (NpyWriter w = new NpyWriter(f, dim)) {
      for (int start = 0; start < rows; start += 97) {
        int n = Math.min(97, rows - start);
        w.write(java.util.Arrays.copyOfRange(all, start * dim, (start + n) * dim), n);
      }
      assertEquals(rows, w.rows());
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, magic);
    assertEquals(1, b.get());
    assertEquals(0, b.get());
    int headerLen = b.getShort() & 0xffff;
    assertEquals(0, (10 + headerLen) % 64, "data must start 64-byte aligned");
    byte[] header = new byte[headerLen];
    b.get(header);
    String h = new String(header, StandardCharsets.US_ASCII);
    assertTrue(h.endsWith("\n"), h);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 33), }", h.trim());
    assertEquals(rows * dim * 4, b.remaining());
    for (float v : all) {
      assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(b.getFloat()));
    }
    try (NpyReader r = NpyReader.open(f)) {
      assertArrayEquals(java.util.Arrays.copyOfRange(all, 500 * dim, 503 * dim), r.read(500, 3));
    }
  }

  @Test
  void refusesWhatItCannotSearch() throws Exception {
    byte[] ok = numpyFile();
    byte[] f8 = ok.clone();
    f8[23] = '8'; // '<f4' -> '<f8'
    assertMessage(f8, "'<f8'");
    byte[] fortran =
        new String(ok, StandardCharsets.ISO_8859_1)
            .replace("'fortran_order': False", "'fortran_order': True ")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertMessage(fortran, "Fortran order");
    byte[] oneD =
        new String(ok, StandardCharsets.ISO_8859_1)
            .replace("(3, 4)", "(12,)  ")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertMessage(oneD, "expected 2-D");
    assertMessage(java.util.Arrays.copyOf(ok, ok.length - 4), "truncated");
    assertMessage("not numpy at all".getBytes(StandardCharsets.US_ASCII), "not a .npy file");
    assertMessage("short".getBytes(StandardCharsets.US_ASCII), "not a .npy file");
    assertMessage(java.util.Arrays.copyOf(ok, 40), "truncated");
  }

  private void assertMessage(byte[] content, String expected) throws Exception {
    Path f = Files.write(tmp.resolve("bad.npy"), content);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NpyReader.open(f).close());
    assertTrue(
        e.getMessage().contains(expected) && e.getMessage().contains(f.toString()), e.getMessage());
  }
}
