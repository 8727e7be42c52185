package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.RankMeOracle;
import io.tfssl.TestRuns;
import io.tfssl.cli.TfSsl;
import io.tfssl.data.Datasets;
import io.tfssl.data.IdxSource;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.Split;
import io.tfssl.data.SubsetSource;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.ExportedModel;
import io.tfssl.features.Features;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval rank} on a real export: the ranks equal the RankMe formula evaluated on
 * commons-math3's SVD of the embeddings that {@link EmbeddingModel} (the path every evaluation
 * uses) computes for the same images.
 */
class RankEvalTest {
  @TempDir static Path tmp;
  static ExportedModel model;

  @BeforeAll
  static void exportATinyRun() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    model = TestRuns.tinyExport(tmp);
  }

  @Test
  void embeddingRankEqualsThePaperFormulaOnTheServedEmbeddings() {
    int n = 300; // more than one of RankEval's batches of 256
    ImageSource test =
        Datasets.open(
            "fashion-mnist", IdxSource.FASHION_MNIST_DIR, Split.TEST, Datasets.Options.defaults());
    try {
      RankEval.Result r = RankEval.evaluate(model.dir(), test, n);
      Features f;
      try (EmbeddingModel m = EmbeddingModel.load(model.dir())) {
        f = m.embed(new SubsetSource(test, IntStream.range(0, n).toArray()), 100, done -> {});
      }
      assertEquals(n, r.images());
      assertEquals(f.dim(), r.embeddingDim());
      double expected = RankMeOracle.rankMe(f.data(), n, f.dim());
      assertEquals(expected, r.embedding(), 1e-3 * expected, "RankMe of the embedding");
      assertTrue(
          r.projection() >= 1 && r.projection() <= Math.min(n, r.projectionDim()) + 1e-3,
          "projection rank within [1, min(N, d)]: " + r.summary());
    } finally {
      Sources.closeQuietly(test);
    }
  }

  @Test
  void theCommandPrintsBothRanksWithTheirDimensions() {
    StringWriter out = new StringWriter();
    var cli = TfSsl.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true));
    int code;
    try {
      code = cli.execute("eval", "rank", "--model", model.dir().toString(), "--images", "64");
    } finally {
      System.setOut(stdout);
    }
    String text = captured.toString();
    assertEquals(0, code, text);
    assertTrue(text.contains("rank embedding") && text.contains("/ 256"), text);
  }
}
