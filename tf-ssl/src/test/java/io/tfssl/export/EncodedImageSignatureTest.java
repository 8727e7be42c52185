package io.tfssl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.RunInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The {@code serving_bytes} signature: encoded files in, the uint8 signature's outputs on the same
 * decoded pixels out. Models are random-init exports (no training needed to test the plumbing): a
 * gray 28 x 28 model (Fashion-MNIST's shape) and an RGB model whose 32 x 32 input is resized to 24
 * (CIFAR's shape, a smaller view), so the resize path is covered too.
 *
 * <p>Oracles: lossless files (PNG, BMP, GIF) decode to the pixels they were written from; JPEG
 * pixels come from TensorFlow's own DecodeJpeg in a separate small graph (Java's ImageIO uses
 * another IDCT, so it is not the decoder a served model would use); RGB to gray is BT.601 computed
 * here in double precision, with pixels chosen away from rounding ties; a file of another size is
 * resized by a bilinear interpolation written here and fed to {@code embed_normalized}.
 */
class EncodedImageSignatureTest {
  @TempDir static Path tmp;
  static Path grayModel;
  static Path rgbModel;
  static SavedModelBundle gray;
  static SavedModelBundle rgb;

  @BeforeAll
  static void export() {
    PretrainConfig g = TinyConfigs.pretrain("simsiam", 1);
    grayModel =
        Exporter.exportRandomInit(
                g,
                new RunInput("fashion-mnist", 28, 28, 1, 10, 28),
                tmp,
                "gray",
                OptionalInt.empty())
            .dir();
    PretrainConfig c = g.toBuilder().dataset("cifar10").imageSize(24).build();
    rgbModel =
        Exporter.exportRandomInit(
                c, new RunInput("cifar10", 32, 32, 3, 10, 24), tmp, "rgb", OptionalInt.empty())
            .dir();
    gray = SavedModelBundle.load(grayModel.toString(), "serve");
    rgb = SavedModelBundle.load(rgbModel.toString(), "serve");
  }

  @AfterAll
  static void close() {
    gray.close();
    rgb.close();
  }

  @Test
  void aPlainProgramInAnotherJvmSendsPngJpegGifBmpAndGetsTheUint8SignaturesOutputs()
      throws Exception {
    Random r = new Random(1);
    byte[] p0 = randomPixels(r, 28 * 28);
    byte[] p1 = smoothPixels(28, 28, 1);
    byte[] p3 = fewLevels(r, 28 * 28);
    byte[] p4 = randomPixels(r, 28 * 28);
    int[] colours = tieFreeColours(r, 28 * 28);
    List<byte[]> files =
        List.of(
            encode(grayImage(p0, 28, 28), "png"),
            encode(grayImage(p1, 28, 28), "jpg"),
            encode(rgbImage(colours, 28, 28), "png"),
            encode(rgbImage(grayAsRgb(p3), 28, 28), "gif"),
            encode(rgbImage(grayAsRgb(p4), 28, 28), "bmp"));
    byte[] oracle = concat(p0, tfDecodeJpeg(files.get(1), 1), luma(colours), p3, p4);

    Map<String, float[]> got = runPlainClient(grayModel, files);
    Map<String, float[]> want = uint8Outputs(gray, oracle, 5, 28, 28, 1);
    assertClose(want.get("embedding"), got.get("embedding"), 1e-5);
    assertClose(want.get("projection"), got.get("projection"), 1e-5);
    assertClose(l2Rows(want.get("embedding"), 5), got.get("embedding_l2"), 1e-5);
    float sum = 0;
    for (float v : got.get("embedding")) {
      sum += Math.abs(v);
    }
    assertTrue(sum > 0, "a real embedding");
  }

  @Test
  void rgbFilesAreResizedAsTheUint8SignatureResizes() {
    Random r = new Random(2);
    int[] c0 = randomColours(r, 32 * 32);
    byte[] g2 = randomPixels(r, 32 * 32);
    byte[] jpeg = encode(rgbImage(smoothColours(32, 32), 32, 32), "jpg");
    List<byte[]> files =
        List.of(encode(rgbImage(c0, 32, 32), "png"), jpeg, encode(grayImage(g2, 32, 32), "png"));
    byte[] oracle = concat(rgbBytes(c0), tfDecodeJpeg(jpeg, 3), grayToRgb(g2));
    Map<String, float[]> got = bytesOutputs(rgb, files);
    Map<String, float[]> want = uint8Outputs(rgb, oracle, 3, 32, 32, 3);
    assertClose(want.get("embedding"), got.get("embedding"), 1e-5);
    assertClose(want.get("projection"), got.get("projection"), 1e-5);
  }

  @Test
  void aFileOfAnotherSizeIsResizedBilinearlyToTheModelSize() {
    int h = 50;
    int w = 37;
    int[] colours = randomColours(new Random(3), h * w);
    Map<String, float[]> got = bytesOutputs(rgb, List.of(encode(rgbImage(colours, w, h), "png")));
    ModelMetadata md = ModelMetadata.read(rgbModel).orElseThrow();
    float[] x = normalize(resizeBilinear(rgbBytes(colours), h, w, 3, 24, 24), md.mean(), md.std());
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(1, 24, 24, 3), DataBuffers.of(x, true, false));
        Result res =
            rgb.function(Exporter.NORMALIZED).call(Map.of(Exporter.NORMALIZED_IMAGES, in))) {
      assertClose(flat(res, "embedding"), got.get("embedding"), 1e-4);
    }
  }

  @Test
  void badFilesAreNamedByIndexAndTheModelKeepsServing() {
    byte[] png = encode(grayImage(randomPixels(new Random(4), 28 * 28), 28, 28), "png");
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    List<byte[]> batch = List.of(png, png, "not an image".getBytes(), truncated, new byte[0]);
    TFInvalidArgumentException e =
        assertThrows(TFInvalidArgumentException.class, () -> bytesOutputs(gray, batch));
    String m = e.getMessage();
    assertTrue(
        m.contains("image_bytes[2], image_bytes[3], image_bytes[4] could not be decoded"), m);
    assertFalse(m.contains("image_bytes[0]") || m.contains("image_bytes[1]"), m);
    assertEquals(2 * 256, bytesOutputs(gray, List.of(png, png)).get("embedding").length);
  }

  @Test
  void everySignatureIsAPredictSignatureAndServingBytesTakesStrings() throws IOException {
    SavedModel saved =
        SavedModel.parseFrom(Files.readAllBytes(grayModel.resolve("saved_model.pb")));
    MetaGraphDef meta = saved.getMetaGraphs(0);
    assertEquals(List.of("serve"), meta.getMetaInfoDef().getTagsList());
    Map<String, SignatureDef> sigs = meta.getSignatureDefMap();
    assertEquals(
        Set3.of("serving_default", "serving_bytes", "embed_normalized"), Set3.of(sigs.keySet()));
    sigs.values().forEach(s -> assertEquals("tensorflow/serving/predict", s.getMethodName()));
    SignatureDef bytes = sigs.get("serving_bytes");
    assertEquals(List.of("image_bytes"), List.copyOf(bytes.getInputsMap().keySet()));
    TensorInfo in = bytes.getInputsOrThrow("image_bytes");
    assertEquals(DataType.DT_STRING, in.getDtype());
    assertEquals(List.of(-1L), dims(in));
    assertEquals(
        Set3.of("embedding", "embedding_l2", "projection"),
        Set3.of(bytes.getOutputsMap().keySet()));
    assertEquals(List.of(-1L, 256L), dims(bytes.getOutputsOrThrow("embedding_l2")));
    assertEquals(DataType.DT_FLOAT, bytes.getOutputsOrThrow("embedding_l2").getDtype());
    assertEquals(List.of(-1L, 64L), dims(bytes.getOutputsOrThrow("projection")));
    // The decoding function travels in the graph's function library.
    assertTrue(meta.getGraphDef().getLibrary().getFunctionCount() > 0);
    // The uint8 signature is unchanged.
    SignatureDef serving = sigs.get("serving_default");
    assertEquals(DataType.DT_UINT8, serving.getInputsOrThrow("images").getDtype());
    assertEquals(List.of(-1L, 28L, 28L, 1L), dims(serving.getInputsOrThrow("images")));
    assertEquals(Set3.of("embedding", "projection"), Set3.of(serving.getOutputsMap().keySet()));
    String inspect = ModelSummary.of(grayModel).format();
    assertTrue(
        inspect.contains("signature 'serving_bytes' (method tensorflow/serving/predict)"), inspect);
    assertTrue(inspect.contains("input  image_bytes: string [-1]"), inspect);
  }

  /** Sorted, for order-free comparison of key sets. */
  private static final class Set3 {
    static List<String> of(String... s) {
      return Stream.of(s).sorted().toList();
    }

    static List<String> of(java.util.Collection<String> s) {
      return s.stream().sorted().toList();
    }
  }

  private static List<Long> dims(TensorInfo t) {
    return t.getTensorShape().getDimList().stream().map(d -> d.getSize()).toList();
  }

  // ---- calling the model -------------------------------------------------------------------

  static Map<String, float[]> uint8Outputs(
      SavedModelBundle b, byte[] pixels, int n, int h, int w, int c) {
    try (TUint8 x = TUint8.tensorOf(Shape.of(n, h, w, c), DataBuffers.of(pixels, true, false));
        Result r = b.function("serving_default").call(Map.of("images", x))) {
      return Map.of("embedding", flat(r, "embedding"), "projection", flat(r, "projection"));
    }
  }

  static Map<String, float[]> bytesOutputs(SavedModelBundle b, List<byte[]> files) {
    try (TString x = TString.tensorOfBytes(NdArrays.vectorOfObjects(files.toArray(byte[][]::new)));
        Result r = b.function("serving_bytes").call(Map.of("image_bytes", x))) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String name : List.of("embedding", "embedding_l2", "projection")) {
        out.put(name, flat(r, name));
      }
      return out;
    }
  }

  static float[] flat(Result r, String name) {
    TFloat32 t = (TFloat32) r.get(name).orElseThrow();
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  static Map<String, float[]> runPlainClient(Path model, List<byte[]> files) throws Exception {
    String classPath = plainClassPath();
    String tfSsl =
        Path.of(Exporter.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    assertFalse(
        Arrays.asList(classPath.split(File.pathSeparator)).contains(tfSsl),
        "tf-ssl's classes are not on the client's class path");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "plain.PlainBytesClient",
                model.toString(),
                tmp.resolve("bytes-out.bin").toString()));
    for (int i = 0; i < files.size(); i++) {
      Path f = tmp.resolve("file-" + i);
      Files.write(f, files.get(i));
      cmd.add(f.toString());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "client finished");
    assertEquals(0, p.exitValue(), log);
    Map<String, float[]> out = new LinkedHashMap<>();
    try (DataInputStream in =
        new DataInputStream(new FileInputStream(tmp.resolve("bytes-out.bin").toFile()))) {
      for (String name : List.of("embedding", "embedding_l2", "projection")) {
        float[] v = new float[in.readInt() * in.readInt()];
        for (int k = 0; k < v.length; k++) {
          v[k] = in.readFloat();
        }
        out.put(name, v);
      }
    }
    return out;
  }

  /** TensorFlow's jars (and protobuf, JavaCPP, ndarray) and the test classes: no tf-ssl. */
  static String plainClassPath() throws Exception {
    return Stream.concat(
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(
                    p ->
                        p.contains("tensorflow")
                            || p.contains("protobuf")
                            || p.contains("javacpp")
                            || p.contains("ndarray")),
            Stream.of(
                Path.of(
                        EncodedImageSignatureTest.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString()))
        .collect(Collectors.joining(File.pathSeparator));
  }

  // ---- oracles -----------------------------------------------------------------------------

  /** TensorFlow's JPEG decoder alone, in its own graph. */
  static byte[] tfDecodeJpeg(byte[] jpeg, long channels) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class);
      DecodeJpeg decoded = tf.image.decodeJpeg(in, DecodeJpeg.channels(channels));
      try (Session s = new Session(g);
          TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
          Result r = s.runner().feed(in, t).fetch(decoded).run()) {
        TUint8 px = (TUint8) r.get(0);
        byte[] out = new byte[(int) px.size()];
        px.copyTo(DataBuffers.of(out, false, false));
        return out;
      }
    }
  }

  /** round(0.299 R + 0.587 G + 0.114 B), exactly (integer arithmetic). */
  static byte[] luma(int[] rgb) {
    byte[] out = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      out[i] = (byte) ((lumaThousandths(rgb[i]) + 500) / 1000);
    }
    return out;
  }

  static int lumaThousandths(int rgb) {
    return 299 * ((rgb >> 16) & 255) + 587 * ((rgb >> 8) & 255) + 114 * (rgb & 255);
  }

  /** Colours whose gray value is at least 0.05 away from a rounding tie. */
  static int[] tieFreeColours(Random r, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int c;
      do {
        c = r.nextInt(1 << 24);
      } while (Math.abs(lumaThousandths(c) % 1000 - 500) < 50);
      out[i] = c;
    }
    return out;
  }

  /** TF's ResizeBilinear without half-pixel centers or corner alignment, in double. */
  static double[] resizeBilinear(byte[] px, int h, int w, int c, int oh, int ow) {
    double[] out = new double[oh * ow * c];
    double sy = (double) h / oh;
    double sx = (double) w / ow;
    for (int y = 0; y < oh; y++) {
      double iy = y * sy;
      int y0 = (int) Math.floor(iy);
      int y1 = Math.min(y0 + 1, h - 1);
      double dy = iy - y0;
      for (int x = 0; x < ow; x++) {
        double ix = x * sx;
        int x0 = (int) Math.floor(ix);
        int x1 = Math.min(x0 + 1, w - 1);
        double dx = ix - x0;
        for (int k = 0; k < c; k++) {
          double tl = px[(y0 * w + x0) * c + k] & 255;
          double tr = px[(y0 * w + x1) * c + k] & 255;
          double bl = px[(y1 * w + x0) * c + k] & 255;
          double br = px[(y1 * w + x1) * c + k] & 255;
          double top = tl + (tr - tl) * dx;
          double bottom = bl + (br - bl) * dx;
          out[(y * ow + x) * c + k] = top + (bottom - top) * dy;
        }
      }
    }
    return out;
  }

  static float[] normalize(double[] x, float[] mean, float[] std) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % mean.length;
      out[i] = (float) ((x[i] / 255 - mean[k]) / std[k]);
    }
    return out;
  }

  static float[] l2Rows(float[] e, int rows) {
    int d = e.length / rows;
    float[] out = new float[e.length];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += (double) e[i * d + j] * e[i * d + j];
      }
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (e[i * d + j] / Math.sqrt(s));
      }
    }
    return out;
  }

  static void assertClose(float[] want, float[] got, double tol) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
      assertTrue(err <= tol, "element " + i + ": want " + want[i] + ", got " + got[i]);
    }
  }

  // ---- images ------------------------------------------------------------------------------

  static byte[] randomPixels(Random r, int n) {
    byte[] out = new byte[n];
    r.nextBytes(out);
    return out;
  }

  /** 16 gray levels: few enough colours for a GIF palette to hold them exactly. */
  static byte[] fewLevels(Random r, int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (17 * r.nextInt(16));
    }
    return out;
  }

  /** A smooth gradient: JPEG's natural material. */
  static byte[] smoothPixels(int h, int w, int c) {
    byte[] out = new byte[h * w * c];
    for (int i = 0; i < out.length; i++) {
      int y = i / (w * c);
      int x = (i / c) % w;
      out[i] = (byte) (40 + 5 * x + 3 * y + 20 * (i % c));
    }
    return out;
  }

  static int[] smoothColours(int h, int w) {
    byte[] px = smoothPixels(h, w, 3);
    int[] out = new int[h * w];
    for (int i = 0; i < out.length; i++) {
      out[i] = (px[3 * i] & 255) << 16 | (px[3 * i + 1] & 255) << 8 | (px[3 * i + 2] & 255);
    }
    return out;
  }

  static int[] randomColours(Random r, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = r.nextInt(1 << 24);
    }
    return out;
  }

  static int[] grayAsRgb(byte[] px) {
    int[] out = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      int v = px[i] & 255;
      out[i] = v << 16 | v << 8 | v;
    }
    return out;
  }

  static byte[] grayToRgb(byte[] px) {
    byte[] out = new byte[px.length * 3];
    for (int i = 0; i < out.length; i++) {
      out[i] = px[i / 3];
    }
    return out;
  }

  static byte[] rgbBytes(int[] colours) {
    byte[] out = new byte[colours.length * 3];
    for (int i = 0; i < colours.length; i++) {
      out[3 * i] = (byte) (colours[i] >> 16);
      out[3 * i + 1] = (byte) (colours[i] >> 8);
      out[3 * i + 2] = (byte) colours[i];
    }
    return out;
  }

  static BufferedImage grayImage(byte[] px, int w, int h) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    im.getRaster().setDataElements(0, 0, w, h, px);
    return im;
  }

  static BufferedImage rgbImage(int[] colours, int w, int h) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    im.setRGB(0, 0, w, h, colours, 0, w);
    return im;
  }

  static byte[] encode(BufferedImage im, String format) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      assertTrue(ImageIO.write(im, format, out), "ImageIO writes " + format);
      byte[] bytes = out.toByteArray();
      if (!format.equals("jpg")) {
        assertLossless(im, bytes, format);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The oracle for lossless formats is the written pixels: check the file really keeps them. */
  static void assertLossless(BufferedImage im, byte[] file, String format) throws IOException {
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(file));
    int w = im.getWidth();
    int h = im.getHeight();
    assertArrayEquals(
        im.getRGB(0, 0, w, h, null, 0, w),
        back.getRGB(0, 0, w, h, null, 0, w),
        format + " round trip");
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
