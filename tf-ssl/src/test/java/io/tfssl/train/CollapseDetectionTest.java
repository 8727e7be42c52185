package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.nn.HeadBn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collapsing runs are detected and reported; a healthy run is not. SimSiam's two collapse ablations
 * are used: no stop-gradient (§4.1, Fig. 2) and no predictor (Table 1a, collapses even with the
 * stop-gradient). Without BN in the heads the degenerate solution is reached within tens of steps
 * on Fashion-MNIST.
 */
class CollapseDetectionTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  private record Outcome(TrainResult result, String log) {}

  private Outcome run(String name, SimSiamConfig heads) {
    PretrainConfig c =
        TinyConfigs.pretrain("simsiam", 40).toBuilder()
            .batchSize(32)
            .logEvery(10)
            .simsiam(heads)
            .build();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Trainer t = Trainer.create(c, tmp.resolve(name))) {
      TrainResult r = t.progressBar(false).log(new PrintStream(log, true)).train();
      System.out.printf(
          "%s: loss %.4f, collapse std*sqrt(d) %.3f, rank y %.2f z %.2f%n",
          name, r.lastLoss(), r.lastCollapseStd(), r.lastRankY(), r.lastRankZ());
      return new Outcome(r, log.toString());
    }
  }

  @Test
  void withoutStopGradientTheRunCollapsesAndIsReported() {
    Outcome o =
        run(
            "no-sg",
            TinyConfigs.simsiam()
                .withHeadBn(HeadBn.NONE)
                .withPredictor(PredictorMode.NONE)
                .withStopGradient(false));
    assertTrue(o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertTrue(o.log().contains("looks collapsed"), o.log());
    assertTrue(
        o.result().lastLoss() < -0.95, "the degenerate solution reaches loss -1: " + o.result());
  }

  @Test
  void withoutPredictorTheRunCollapsesEvenWithStopGradient() {
    Outcome o =
        run(
            "no-predictor",
            TinyConfigs.simsiam().withHeadBn(HeadBn.NONE).withPredictor(PredictorMode.NONE));
    assertTrue(o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertTrue(o.log().contains("looks collapsed"), o.log());
  }

  @Test
  void simSiamAsPublishedDoesNotCollapse() {
    Outcome o = run("simsiam", TinyConfigs.simsiam());
    assertFalse(
        o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertFalse(o.log().contains("looks collapsed"), o.log());
    assertTrue(o.result().lastCollapseStd() > 0.5, "monitor " + o.result().lastCollapseStd());
  }

  @Test
  void withoutStopGradientTheProjectionLosesRankThatStdCannotSee() {
    // The paper's heads (BN everywhere, output BN without affine), only the stop-gradient
    // removed: std·√d of z stays high (BN re-standardizes every dimension over the batch), while
    // the effective rank of z falls below the stop-gradient run's.
    Outcome withSg = run("with-sg", TinyConfigs.simsiam());
    Outcome noSg = run("no-sg-bn", TinyConfigs.simsiam().withStopGradient(false));
    assertTrue(
        noSg.result().lastRankZ() < 0.8 * withSg.result().lastRankZ(),
        "rank_z without stop-gradient "
            + noSg.result().lastRankZ()
            + " vs with "
            + withSg.result().lastRankZ());
    assertTrue(
        noSg.result().lastCollapseStd() > 0.5,
        "std*sqrt(d) stays high behind the output BN: " + noSg.result().lastCollapseStd());
  }

  @Test
  void everyLoggedStepRecordsBothRanksAndTheirDimensions() throws Exception {
    run("logged", TinyConfigs.simsiam());
    List<String> lines = Files.readAllLines(tmp.resolve("logged").resolve("metrics.jsonl"));
    assertEquals(4, lines.size(), "logEvery 10 over 40 steps");
    for (String line : lines) {
      JsonNode m = new ObjectMapper().readTree(line);
      // The tiny SimSiam: a 256-d encoder output and a 64-d projection, batch 32.
      assertEquals(256, m.get("dim_y").asLong(), line);
      assertEquals(64, m.get("dim_z").asLong(), line);
      double y = m.get("rank_y").asDouble();
      double z = m.get("rank_z").asDouble();
      assertTrue(y >= 1 && y <= 32.001, "rank_y within [1, min(batch, d)]: " + line);
      assertTrue(z >= 1 && z <= 32.001, "rank_z within [1, min(batch, d)]: " + line);
    }
  }
}
