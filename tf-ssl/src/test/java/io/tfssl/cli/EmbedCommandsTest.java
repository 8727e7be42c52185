package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.data.TestImages;
import io.tfssl.data.TfRecordWriter;
import io.tfssl.embed.NpySpec;
import io.tfssl.export.Exporter;
import io.tfssl.train.RunInput;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.Example;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import picocli.CommandLine;

/**
 * {@code embed}, {@code neighbors} and {@code data inspect --dataset tfrecord} from the command
 * line, on an exported (random-init) model. Oracles: the {@code .npy} is parsed by the test's own
 * reader of the format ({@link NpySpec}); Fashion-MNIST rows are compared with the SavedModel
 * called by plain TensorFlow Java on pixels read from the IDX files here; neighbours and duplicate
 * pairs with brute-force cosine in Java; TFRecord files come from the test's own writer.
 */
class EmbedCommandsTest {
  @TempDir static Path tmp;
  static Path model;

  /** What a command printed, and its exit code. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void exportAModel() throws Exception {
    model =
        Exporter.exportRandomInit(
                TinyConfigs.pretrain("simsiam", 1),
                new RunInput("fashion-mnist", 28, 28, 1, 10, 28),
                tmp.resolve("models"),
                "m",
                OptionalInt.of(1))
            .dir();
  }

  private static Run run(String... args) {
    CommandLine cli = TfSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    return r;
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  /** The first {@code n} images (or labels) of a gzipped IDX file, after its header. */
  private static byte[] idx(String file, int header, int n) throws Exception {
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(IdxSource.FASHION_MNIST_DIR.resolve(file)))) {
      DataInputStream d = new DataInputStream(in);
      d.skipNBytes(header);
      byte[] b = new byte[n];
      d.readFully(b);
      return b;
    }
  }

  /** The indices of the k rows most similar to row q, best first, ties by lower index. */
  private static List<Integer> bruteForce(NpySpec m, int q, int k) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < m.rows(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -m.cosine(q, i)).thenComparingInt(i -> i));
    return order.subList(0, k);
  }

  @Test
  void fashionMnistRowsAreTheModelsEmbeddingsAndRowZeroIsItsOwnNearest() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    int n = 300;
    Path npy = tmp.resolve("fmnist.npy");
    Run r =
        ok(
            "embed",
            "--model",
            model.toString(),
            "--dataset",
            "fashion-mnist",
            "--split",
            "test",
            "--limit",
            Integer.toString(n),
            "--batch-size",
            "64",
            "--out",
            npy.toString());
    assertTrue(r.out().contains("embedded 300 images"), r.out());
    NpySpec m = NpySpec.read(npy);
    assertEquals(n, m.rows());

    byte[] pixels = idx("t10k-images-idx3-ubyte.gz", 16, n * 28 * 28);
    byte[] labels = idx("t10k-labels-idx1-ubyte.gz", 8, n);
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve");
        TUint8 images =
            TUint8.tensorOf(Shape.of(n, 28, 28, 1), DataBuffers.of(pixels, true, false));
        Result out = b.function("serving_default").call(Map.of("images", images))) {
      TFloat32 e = (TFloat32) out.get("embedding").orElseThrow();
      assertEquals(m.dim(), e.shape().size(1));
      float[] expected = new float[n * m.dim()];
      e.copyTo(DataBuffers.of(expected, false, false));
      assertArrayEquals(expected, m.data(), 1e-4f);
    }
    List<String> ids = lines(tmp.resolve("fmnist.ids.tsv"));
    assertEquals(n + 1, ids.size());
    assertEquals("id\tlabel", ids.get(0));
    for (int i = 0; i < n; i++) {
      assertEquals(i + "\t" + labels[i], ids.get(i + 1));
    }

    Run nb = ok("neighbors", "--embeddings", npy.toString(), "--id", "0", "--k", "5");
    String[] out = nb.out().split("\n");
    assertEquals("rank\tscore\tid\tlabel", out[1]);
    List<Integer> expected = bruteForce(m, 0, 5);
    for (int rank = 0; rank < 5; rank++) {
      String[] f = out[rank + 2].split("\t");
      int row = expected.get(rank);
      assertEquals(Integer.toString(rank + 1), f[0]);
      assertEquals(m.cosine(0, row), Double.parseDouble(f[1]), 1e-5, nb.out());
      assertEquals(Integer.toString(row), f[2], nb.out());
      assertEquals(Byte.toString(labels[row]), f[3]);
    }
    assertEquals("0", out[2].split("\t")[2], "image 0 is its own nearest: " + nb.out());
    assertEquals(1.0, Double.parseDouble(out[2].split("\t")[1]), 1e-5);
  }

  /** a/0..2.png, b/0..1.png (40x40 noise) and b/copy.png, a byte copy of a/0.png. */
  private static Path folder(String name) throws Exception {
    Path root = tmp.resolve(name);
    for (String[] f : new String[][] {{"a", "0"}, {"a", "1"}, {"a", "2"}, {"b", "0"}, {"b", "1"}}) {
      Path dir = Files.createDirectories(root.resolve(f[0]));
      long seed = f[0].charAt(0) * 10L + Integer.parseInt(f[1]);
      Files.write(
          dir.resolve(f[1] + ".png"), TestImages.png(TestImages.noise(40, 40, 3, seed), 40, 40, 3));
    }
    Files.copy(root.resolve("a/0.png"), root.resolve("b/copy.png"));
    return root;
  }

  @Test
  void folderEmbeddingsAreKeyedByPathAndFindTheirCopies() throws Exception {
    Path root = folder("photos");
    Path npy = tmp.resolve("photos.npy");
    ok(
        "embed",
        "--model",
        model.toString(),
        "--dataset",
        "folder",
        "--data-dir",
        root.toString(),
        "--batch-size",
        "4",
        "--out",
        npy.toString());
    NpySpec m = NpySpec.read(npy);
    assertEquals(6, m.rows());
    assertEquals(
        List.of(
            "id\tlabel",
            "a/0.png\t0",
            "a/1.png\t0",
            "a/2.png\t0",
            "b/0.png\t1",
            "b/1.png\t1",
            "b/copy.png\t1"),
        lines(tmp.resolve("photos.ids.tsv")));
    assertArrayEquals(m.row(0), m.row(5), "a file and its copy embed alike");

    // --l2 and CSV: the same rows divided by their norms, in text
    Path csv = tmp.resolve("photos-l2.csv");
    ok(
        "embed",
        "--model",
        model.toString(),
        "--dataset",
        "folder",
        "--data-dir",
        root.toString(),
        "--l2",
        "--out",
        csv.toString());
    List<String> rows = lines(csv);
    assertEquals(7, rows.size());
    assertTrue(rows.get(0).startsWith("id,label,e0,e1,"), rows.get(0));
    assertEquals(2 + m.dim(), rows.get(0).split(",").length);
    for (int i = 0; i < 6; i++) {
      String[] f = rows.get(i + 1).split(",");
      float[] row = m.row(i);
      double norm = 0;
      for (float v : row) {
        norm += (double) v * v;
      }
      norm = Math.sqrt(norm);
      double unit = 0;
      for (int j = 0; j < m.dim(); j++) {
        double v = Double.parseDouble(f[2 + j]);
        assertEquals(row[j] / norm, v, 1e-5);
        unit += v * v;
      }
      assertEquals(1.0, unit, 1e-5);
    }

    // a query image embedded on the fly is its own row
    Run q =
        ok(
            "neighbors",
            "--embeddings",
            npy.toString(),
            "--model",
            model.toString(),
            "--query",
            root.resolve("a/1.png").toString(),
            "--k",
            "2");
    String[] first = q.out().split("\n")[2].split("\t");
    assertEquals("a/1.png", first[2], q.out());
    assertEquals(1.0, Double.parseDouble(first[1]), 1e-5);

    // duplicates: every pair above the threshold, as brute force finds them
    double t = 0.99999;
    List<String> expected = new ArrayList<>();
    String[] names = {"a/0.png", "a/1.png", "a/2.png", "b/0.png", "b/1.png", "b/copy.png"};
    for (int i = 0; i < 6; i++) {
      for (int j = i + 1; j < 6; j++) {
        double c = m.cosine(i, j);
        assertTrue(Math.abs(c - t) > 1e-6, "a pair scores at the threshold: " + c);
        if (c >= t) {
          expected.add(names[i] + "\t" + names[j]);
        }
      }
    }
    assertTrue(expected.contains("a/0.png\tb/copy.png"), expected.toString());
    Run d =
        ok(
            "neighbors",
            "--embeddings",
            npy.toString(),
            "--duplicates",
            "--threshold",
            Double.toString(t),
            "--block-rows",
            "4");
    List<String> got = new ArrayList<>();
    String[] dl = d.out().split("\n");
    assertEquals("score\tid_a\tid_b", dl[0]);
    for (int i = 1; i < dl.length; i++) {
      String[] f = dl[i].split("\t");
      got.add(f[1] + "\t" + f[2]);
    }
    assertEquals(expected, got, d.out());
  }

  @Test
  void badImagesStopTheEmbeddingOrAreLeftOut() throws Exception {
    Path root = folder("with-bad");
    Files.writeString(root.resolve("b/bad.png"), "not an image");
    Path npy = tmp.resolve("with-bad.npy");
    Run fail =
        run(
            "embed",
            "--model",
            model.toString(),
            "--dataset",
            "folder",
            "--data-dir",
            root.toString(),
            "--out",
            npy.toString());
    assertTrue(fail.code() != 0, fail.out());
    assertTrue(fail.err().contains("bad.png"), fail.err());
    assertFalse(Files.exists(npy), "no complete-looking file after a failure");

    Run r =
        ok(
            "embed",
            "--model",
            model.toString(),
            "--dataset",
            "folder",
            "--data-dir",
            root.toString(),
            "--skip-bad-images",
            "--out",
            npy.toString());
    assertTrue(r.out().contains("left out 1 bad images (6 rows written)"), r.out());
    assertEquals(6, NpySpec.read(npy).rows());
    List<String> ids = lines(tmp.resolve("with-bad.ids.tsv"));
    assertEquals(7, ids.size());
    assertFalse(ids.contains("b/bad.png\t1"), ids.toString());
  }

  private static void writeTfRecord(Path file, long[] labels, String imageKey, String labelKey) {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      byte[] png = TestImages.png(TestImages.noise(32, 32, 3, i), 32, 32, 3);
      examples.add(TfRecordWriter.example(png, labels[i], imageKey, labelKey));
    }
    TfRecordWriter.writeExamples(file, examples);
  }

  @Test
  void tfRecordWithZeroBasedLabelsIsReadAsSuch() throws Exception {
    long[] labels = {0, 1, 2, 3, 4, 0, 2, 4, 4};
    Path dir = tmp.resolve("tfr");
    writeTfRecord(
        dir.resolve("train-00000-of-00001"), labels, "image/encoded", "image/class/label");
    Path report = tmp.resolve("tfr.json");
    Run r =
        ok(
            "data",
            "inspect",
            "--dataset",
            "tfrecord",
            "--data-dir",
            dir.toString(),
            "--report",
            report.toString());
    assertTrue(
        r.err().contains("look 0-based (a label 0 was seen): using --label-offset 0"), r.err());
    JsonNode labelsSeen = new ObjectMapper().readTree(report.toFile()).get("labels");
    assertEquals(
        Map.of("0", 2, "1", 1, "2", 2, "3", 1, "4", 3),
        new ObjectMapper()
            .convertValue(
                labelsSeen,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() {}));

    // own feature names, labels 1..5 (no 0: read as 1-based), then given explicitly
    Path own = tmp.resolve("tfr-own");
    long[] oneBased = {1, 2, 3, 4, 5, 5};
    writeTfRecord(own.resolve("train-00000-of-00001"), oneBased, "img", "cls");
    Path npy = tmp.resolve("tfr-own.npy");
    Run e =
        ok(
            "embed",
            "--model",
            model.toString(),
            "--dataset",
            "tfrecord",
            "--data-dir",
            own.toString(),
            "--image-key",
            "img",
            "--label-key",
            "cls",
            "--out",
            npy.toString());
    assertTrue(e.err().contains("using --label-offset -1"), e.err());
    assertEquals(6, NpySpec.read(npy).rows());
    assertEquals(
        List.of("id\tlabel", "0\t0", "1\t1", "2\t2", "3\t3", "4\t4", "5\t4"),
        lines(tmp.resolve("tfr-own.ids.tsv")));
    ok(
        "embed",
        "--model",
        model.toString(),
        "--dataset",
        "tfrecord",
        "--data-dir",
        own.toString(),
        "--image-key",
        "img",
        "--label-key",
        "cls",
        "--label-offset",
        "0",
        "--num-classes",
        "6",
        "--out",
        npy.toString());
    assertEquals(
        List.of("id\tlabel", "0\t1", "1\t2", "2\t3", "3\t4", "4\t5", "5\t5"),
        lines(tmp.resolve("tfr-own.ids.tsv")));
  }

  @Test
  void evalReadsOwnTfRecordsWithZeroBasedLabels() throws Exception {
    Path dir = tmp.resolve("tfr-eval");
    writeTfRecord(
        dir.resolve("train-00000-of-00001"),
        new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2},
        "jpeg",
        "class");
    // no class 0 in the test split: alone it would read as 1-based
    writeTfRecord(dir.resolve("validation-00000-of-00001"), new long[] {1, 2, 2}, "jpeg", "class");
    Path report = tmp.resolve("tfr-eval.json");
    ok(
        "eval",
        "knn",
        "--model",
        model.toString(),
        "--dataset",
        "tfrecord",
        "--data-dir",
        dir.toString(),
        "--image-key",
        "jpeg",
        "--label-key",
        "class",
        "--k",
        "3",
        "--report",
        report.toString());
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertTrue(json.toString().contains("top1"), json.toString());
    Run wrong =
        run(
            "eval",
            "knn",
            "--model",
            model.toString(),
            "--dataset",
            "tfrecord",
            "--data-dir",
            dir.toString(),
            "--image-key",
            "jpeg",
            "--label-key",
            "class",
            "--k",
            "3",
            "--label-offset",
            "0",
            "--num-classes",
            "2");
    assertTrue(wrong.code() != 0, wrong.out());
    assertTrue(wrong.err().contains("--num-classes"), wrong.err());
  }
}
