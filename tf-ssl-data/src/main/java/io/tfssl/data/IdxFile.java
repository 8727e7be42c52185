package io.tfssl.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One fully-read, validated IDX file of unsigned bytes: its dimensions and its data.
 *
 * <p>IDX is the big-endian container of the MNIST family: a 4-byte magic {@code 00 00 TT NN} (TT =
 * element type, 0x08 for unsigned byte; NN = number of dimensions), NN 4-byte sizes, then the
 * elements in row-major order. Files are accepted raw or gzipped; gzip is detected from its magic
 * bytes {@code 1f 8b}, never from the file name, because mirrors disagree on whether to keep the
 * {@code .gz} suffix after decompressing.
 *
 * <p>Everything that can be wrong is reported as a {@link DataFormatException} naming the file,
 * since a silently short or misaligned image array would only show up much later as a model that
 * does not learn.
 */
final class IdxFile {

  /** IDX element type code for unsigned bytes. */
  static final int UBYTE = 0x08;

  /** Largest byte[] the JVM reliably allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final Path path;
  private final int[] dims;
  private final byte[] data;

  private IdxFile(Path path, int[] dims, byte[] data) {
    this.path = path;
    this.dims = dims;
    this.data = data;
  }

  /** The file this was read from. */
  Path path() {
    return path;
  }

  /** The dimension sizes from the header, outermost first. */
  int dim(int i) {
    return dims[i];
  }

  /** All elements, row-major; length is the product of the dimensions. */
  byte[] data() {
    return data;
  }

  /** The IDX magic number for unsigned-byte data with {@code ndims} dimensions. */
  static int magicFor(int ndims) {
    return (UBYTE << 8) | ndims;
  }

  /**
   * Reads and validates an unsigned-byte IDX file with exactly {@code expectedDims} dimensions.
   *
   * @throws DataFormatException if the file is missing, unreadable, corrupt, or not such a file
   */
  static IdxFile read(Path path, int expectedDims) {
    if (!Files.exists(path)) {
      throw new DataFormatException(path, "file does not exist");
    }
    if (!Files.isRegularFile(path)) {
      throw new DataFormatException(path, "is not a regular file");
    }
    boolean gzipped = false;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      gzipped = startsWithGzipMagic(raw);
      InputStream in = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw;
      return parse(path, in, gzipped, expectedDims);
    } catch (ZipException | EOFException e) {
      // Only GZIPInputStream throws these here: the raw path reads with readNBytes,
      // which reports EOF as a short count instead.
      String detail = e.getMessage() != null ? e.getMessage() : "unexpected end of gzip stream";
      throw new DataFormatException(path, "corrupt or truncated gzip data: " + detail, e);
    } catch (IOException e) {
      throw new DataFormatException(path, "cannot read" + (gzipped ? " (gzip)" : "") + ": " + e, e);
    }
  }

  private static boolean startsWithGzipMagic(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static IdxFile parse(Path path, InputStream in, boolean gzipped, int expectedDims)
      throws IOException {
    String what = gzipped ? " (after gunzip)" : "";
    byte[] magicBytes = new byte[4];
    int got = in.readNBytes(magicBytes, 0, 4);
    if (got < 4) {
      throw new DataFormatException(
          path, "too short for an IDX header" + what + ": need 4 magic bytes, found " + got);
    }
    int magic = bigEndianInt(magicBytes, 0);
    int expectedMagic = magicFor(expectedDims);
    if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UBYTE) {
      throw new DataFormatException(
          path,
          String.format(
              "bad IDX magic%s: expected 0x%08X (unsigned byte, %d dimensions), found 0x%08X",
              what, expectedMagic, expectedDims, magic));
    }
    int ndims = magic & 0xff;
    if (ndims != expectedDims) {
      throw new DataFormatException(
          path,
          String.format(
              "wrong number of dimensions: expected %d (magic 0x%08X), header declares %d (magic 0x%08X)",
              expectedDims, expectedMagic, ndims, magic));
    }
    int headerBytes = 4 + 4 * ndims;
    byte[] dimBytes = new byte[4 * ndims];
    got = in.readNBytes(dimBytes, 0, dimBytes.length);
    if (got < dimBytes.length) {
      throw new DataFormatException(
          path,
          "truncated IDX header"
              + what
              + ": "
              + ndims
              + " dimensions need a "
              + headerBytes
              + "-byte header, found "
              + (4 + got)
              + " bytes");
    }
    int[] dims = new int[ndims];
    for (int i = 0; i < ndims; i++) {
      dims[i] = bigEndianInt(dimBytes, 4 * i);
    }
    long expected = 1;
    for (int i = 0; i < ndims; i++) {
      if (dims[i] <= 0) {
        throw new DataFormatException(
            path,
            "dimension "
                + i
                + " is "
                + dims[i]
                + " in header "
                + Arrays.toString(dims)
                + "; every dimension must be positive");
      }
      expected *= dims[i];
      if (expected > MAX_ARRAY) {
        throw new DataFormatException(
            path,
            "header dimensions "
                + Arrays.toString(dims)
                + " imply more than "
                + MAX_ARRAY
                + " data bytes, too many to hold in memory");
      }
    }
    byte[] data = readUpTo(in, (int) expected);
    int read = data.length;
    if (read < expected) {
      throw new DataFormatException(
          path,
          "truncated data"
              + what
              + ": header "
              + Arrays.toString(dims)
              + " implies "
              + expected
              + " data bytes after the "
              + headerBytes
              + "-byte header, found only "
              + read);
    }
    long extra = in.transferTo(OutputStream.nullOutputStream());
    if (extra > 0) {
      throw new DataFormatException(
          path,
          "data too long"
              + what
              + ": header "
              + Arrays.toString(dims)
              + " implies "
              + expected
              + " data bytes after the "
              + headerBytes
              + "-byte header, found "
              + (expected + extra)
              + " ("
              + extra
              + " extra)");
    }
    return new IdxFile(path, dims, data);
  }

  /**
   * Reads {@code n} bytes, or fewer if the stream ends first, growing the buffer only as the data
   * arrives. Allocating {@code n} bytes up front would trust the header: one corrupt count in a
   * 100-byte file then asks for up to 2 GB before the data turns out to be missing, an
   * OutOfMemoryError instead of an error naming the file (found by fuzzing). Doubling keeps the
   * copying to about twice the data.
   */
  private static byte[] readUpTo(InputStream in, int n) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int got = 0;
    while (true) {
      got += in.readNBytes(buf, got, buf.length - got);
      if (got < buf.length) {
        return Arrays.copyOf(buf, got);
      }
      if (got == n) {
        return buf;
      }
      buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
    }
  }

  private static int bigEndianInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
