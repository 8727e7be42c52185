package io.tfssl.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * A folder of two classes, each with one PNG and one JPEG (8x8, decoded at that size), opened by
 * name.
 *
 * <p>Labels come from folder names, so whatever happens to a file they must stay as they are, and
 * so must the other images. A PNG protects every chunk with a CRC and its pixels with zlib's
 * Adler-32, so a PNG whose bytes were changed must be rejected or decode to exactly the original
 * pixels (bytes after the end chunk are ignored). A JPEG has no checksum: a flipped byte may decode
 * to other pixels, which nothing can tell from the original, so the oracle only asks for a
 * rejection naming the file or an image of the right shape; a truncated JPEG lacks data and must be
 * rejected unless only the end marker went.
 */
final class ImageFolderFuzz implements FuzzFormat {

  private static final int SIDE = 8;
  private static final List<String> NAMES =
      List.of("ant/a.png", "ant/b.jpg", "bee/c.png", "bee/d.jpg");

  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Snapshot original;

  ImageFolderFuzz() {
    byte[][] pixels = new byte[NAMES.size()][];
    try (ImageDecoder decoder = new ImageDecoder(SIDE, SIDE, 3)) {
      for (int i = 0; i < NAMES.size(); i++) {
        String name = NAMES.get(i);
        if (name.endsWith(".png")) {
          pixels[i] = TestImages.noise(SIDE, SIDE, 3, 600 + i);
          files.put(name, TestImages.png(pixels[i], SIDE, SIDE, 3));
        } else {
          // JPEG is lossy: the reference is what the decoder makes of the valid file
          files.put(name, TestImages.jpeg(TestImages.gradient(SIDE, SIDE, 3, i), SIDE, SIDE, 3));
          pixels[i] = decoder.decode(files.get(name), Path.of(name));
        }
      }
    }
    original = new Snapshot(SIDE, SIDE, 3, 2, new int[] {0, 0, 1, 1}, null, pixels);
  }

  @Override
  public String name() {
    return "folder";
  }

  @Override
  public Map<String, byte[]> files() {
    return files;
  }

  @Override
  public Snapshot original() {
    return original;
  }

  @Override
  public Mutation mutate(Random rnd) {
    String name = NAMES.get(rnd.nextInt(NAMES.size()));
    byte[] b = files.get(name);
    return switch (rnd.nextInt(7)) {
      case 0 -> Mutations.truncate(rnd, name, b);
      case 1 -> Mutations.flip(rnd, name, b);
      case 2 -> Mutations.flip(rnd, name, b, 0, 40);
      case 3 -> Mutations.append(rnd, name, b, 64);
      case 4 -> Mutations.empty(name);
      case 5 ->
          Mutation.of(
              "noise",
              name,
              "replaced by random bytes",
              Mutations.random(rnd, 1 + rnd.nextInt(400)));
      default -> name.endsWith(".png") ? pngSize(rnd, name, b) : jpegSize(rnd, name, b);
    };
  }

  /** A different width or height in the PNG header, with the header CRC fixed to match. */
  private static Mutation pngSize(Random rnd, String name, byte[] png) {
    byte[] out = png.clone();
    int field = rnd.nextBoolean() ? 16 : 20; // IHDR data starts at 16: width, then height
    int value = randomSide(rnd);
    Mutations.putBigEndianInt(out, field, value);
    CRC32 crc = new CRC32();
    crc.update(out, 12, 17); // chunk type and data
    Mutations.putBigEndianInt(out, 29, (int) crc.getValue());
    return Mutation.of(
        "size",
        name,
        (field == 16 ? "width" : "height") + " set to " + value + " in the PNG header (CRC fixed)",
        out);
  }

  /** A different width or height in the JPEG frame header. */
  private static Mutation jpegSize(Random rnd, String name, byte[] jpeg) {
    int sof = frameHeader(jpeg);
    byte[] out = jpeg.clone();
    int field =
        sof + (rnd.nextBoolean() ? 5 : 7); // after marker, length and precision: height, width
    int value = randomSide(rnd);
    out[field] = (byte) (value >>> 8);
    out[field + 1] = (byte) value;
    return Mutation.of(
        "size",
        name,
        (field == sof + 5 ? "height" : "width") + " set to " + value + " in the JPEG frame header",
        out);
  }

  private static int randomSide(Random rnd) {
    int[] sides = {0, 1, SIDE - 1, SIDE + 1, 2 * SIDE, 1 + rnd.nextInt(64)};
    int side = sides[rnd.nextInt(sides.length)];
    return side == SIDE ? SIDE + 2 : side;
  }

  /** Offset of the first start-of-frame marker, walking the JPEG segments from the start. */
  private static int frameHeader(byte[] jpeg) {
    int pos = 2;
    while ((jpeg[pos + 1] & 0xff) < 0xC0 || (jpeg[pos + 1] & 0xff) > 0xC2) {
      pos += 2 + ((jpeg[pos + 2] & 0xff) << 8 | (jpeg[pos + 3] & 0xff));
    }
    return pos;
  }

  @Override
  public Expect expect(Mutation m) {
    String name = m.files().keySet().iterator().next();
    int i = NAMES.indexOf(name);
    String kind = m.kind();
    if (kind.equals("empty")) {
      return Expect.reject(name);
    }
    boolean png = name.endsWith(".png");
    boolean keepsPixels =
        kind.equals("truncate") || kind.equals("append") || (png && kind.equals("flip"));
    return Expect.rejectOr(keepsPixels ? original : original.anyImage(i), name);
  }

  @Override
  public Snapshot read(Path dir) throws Exception {
    ImageSource s = Datasets.open("folder", dir, Split.TRAIN, new Datasets.Options(SIDE, false));
    try {
      return Snapshot.of(s);
    } finally {
      Sources.close(s);
    }
  }
}
