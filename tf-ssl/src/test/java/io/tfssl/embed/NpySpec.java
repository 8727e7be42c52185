package io.tfssl.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test's own reading of a float32 {@code .npy} file, from NumPy's format description (version
 * 1.0: magic {@code \x93NUMPY}, bytes 1 and 0, a little-endian uint16 header length, an ASCII dict
 * padded with spaces and ended by a newline so that the data is 64-byte aligned, then the data in C
 * order), written apart from {@link NpyReader} so that the two can be checked against each other.
 *
 * @param rows the first dimension
 * @param dim the second dimension
 * @param data {@code rows * dim} floats, row-major
 */
public record NpySpec(int rows, int dim, float[] data) {
  private static final Pattern DICT =
      Pattern.compile(
          "\\{'descr': '<f4', 'fortran_order': False, 'shape': \\((\\d+), (\\d+)\\), \\} *\n");

  /** Parses {@code file}, failing on anything but a 2-D little-endian float32 C-order array. */
  public static NpySpec read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    check(Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}), "magic");
    check(b.get() == 1 && b.get() == 0, "version 1.0");
    int headerLen = b.getShort() & 0xffff;
    check((10 + headerLen) % 64 == 0, "data 64-byte aligned");
    byte[] header = new byte[headerLen];
    b.get(header);
    Matcher m = DICT.matcher(new String(header, StandardCharsets.US_ASCII));
    check(m.matches(), "header dict: " + new String(header, StandardCharsets.US_ASCII));
    int rows = Integer.parseInt(m.group(1));
    int dim = Integer.parseInt(m.group(2));
    check(b.remaining() == rows * dim * 4, "data of " + rows + " x " + dim + " floats");
    float[] data = new float[rows * dim];
    b.asFloatBuffer().get(data);
    return new NpySpec(rows, dim, data);
  }

  /** Row {@code i}. */
  public float[] row(int i) {
    return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
  }

  /** Cosine similarity of rows {@code a} and {@code b}, in double precision. */
  public double cosine(int a, int b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int j = 0; j < dim; j++) {
      double x = data[a * dim + j];
      double y = data[b * dim + j];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("not a float32 .npy as specified: " + what);
    }
  }
}
