package io.tfssl.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads blocks of rows of a 2-D float32, C-order {@code .npy} file (format 1.0, 2.0 or 3.0), as
 * {@link NpyWriter} and {@code numpy.save} write them. Nothing but the header is read on open;
 * {@link #read} reads just the rows asked for, so a file larger than the heap can be scanned block
 * by block.
 */
public final class NpyReader implements AutoCloseable {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private final Path file;
  private final FileChannel channel;
  private final long dataOffset;
  private final int rows;
  private final int dim;

  private NpyReader(Path file, FileChannel channel, long dataOffset, int rows, int dim) {
    this.file = file;
    this.channel = channel;
    this.dataOffset = dataOffset;
    this.rows = rows;
    this.dim = dim;
  }

  /**
   * Opens {@code file} and parses its header.
   *
   * @throws IllegalArgumentException naming the file when it is not a 2-D little-endian float32
   *     C-order array, or is shorter than its header says
   */
  public static NpyReader open(Path file) throws IOException {
    FileChannel c = FileChannel.open(file, StandardOpenOption.READ);
    try {
      if (c.size() < 12) {
        throw bad(file, "not a .npy file (" + c.size() + " bytes, shorter than any header)");
      }
      ByteBuffer pre = readAt(c, 0, 12);
      byte[] magic = new byte[6];
      pre.get(magic);
      if (!Arrays.equals(magic, NpyWriter.MAGIC)) {
        throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
      }
      int major = pre.get() & 0xff;
      pre.get();
      long headerLen;
      int lenBytes;
      if (major == 1) {
        headerLen = pre.getShort(8) & 0xffff;
        lenBytes = 2;
      } else if (major == 2 || major == 3) {
        headerLen = pre.getInt(8) & 0xffffffffL;
        lenBytes = 4;
      } else {
        throw bad(file, "unsupported .npy version " + major);
      }
      long offset = 8 + lenBytes + headerLen;
      if (offset > c.size()) {
        throw bad(
            file, "is truncated: its header ends at byte " + offset + ", the file at " + c.size());
      }
      String header =
          StandardCharsets.ISO_8859_1.decode(readAt(c, 8 + lenBytes, (int) headerLen)).toString();
      String descr = group(DESCR, header, file, "descr");
      if (!descr.equals("<f4")) {
        throw bad(file, "holds '" + descr + "', expected little-endian float32 '<f4'");
      }
      if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
        throw bad(file, "is in Fortran order; save it in C order");
      }
      String[] dims = group(SHAPE, header, file, "shape").replace(" ", "").split(",");
      if (dims.length != 2 || dims[1].isEmpty()) {
        throw bad(file, "has shape (" + String.join(",", dims) + "); expected 2-D (N, D)");
      }
      long n = Long.parseLong(dims[0]);
      long d = Long.parseLong(dims[1]);
      if (n > Integer.MAX_VALUE || d < 1 || d > Integer.MAX_VALUE) {
        throw bad(file, "has shape (" + n + ", " + d + "), outside what can be searched");
      }
      long need = offset + n * d * Float.BYTES;
      if (c.size() < need) {
        throw bad(file, "is truncated: " + c.size() + " bytes, the header says " + need);
      }
      return new NpyReader(file, c, offset, (int) n, (int) d);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static String group(Pattern p, String header, Path file, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw bad(file, "has no '" + key + "' in its header: " + header.trim());
    }
    return m.group(1);
  }

  private static IllegalArgumentException bad(Path file, String why) {
    return new IllegalArgumentException(file + ": " + why);
  }

  private static ByteBuffer readAt(FileChannel c, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (c.read(b, position + b.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + b.position()));
      }
    }
    return b.flip();
  }

  public Path file() {
    return file;
  }

  /** N, the number of rows. */
  public int rows() {
    return rows;
  }

  /** D, the number of floats per row. */
  public int dim() {
    return dim;
  }

  /** Rows {@code [start, start + count)}, row-major, as a new array. */
  public float[] read(int start, int count) throws IOException {
    if (start < 0 || count < 0 || (long) start + count > rows) {
      throw new IndexOutOfBoundsException(
          "rows [" + start + ", " + ((long) start + count) + ") of " + rows);
    }
    float[] out = new float[Math.multiplyExact(count, dim)];
    ByteBuffer b =
        readAt(channel, dataOffset + (long) start * dim * Float.BYTES, out.length * Float.BYTES);
    b.asFloatBuffer().get(out);
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
