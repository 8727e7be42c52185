package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.nn.HeadBn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collapsing runs are detected and reported; a healthy run is not. SimSiam's two collapse
 * ablations are used: no stop-gradient (§4.1, Fig. 2) and no predictor (Table 1a, collapses even
 * with the stop-gradient). Without BN in the heads the degenerate solution is reached within
 * tens of steps on Fashion-MNIST.
 */
class CollapseDetectionTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(Files.isDirectory(IdxSource.FASHION_MNIST_DIR),
        "needs Debian's dataset-fashion-mnist");
  }

  private record Outcome(TrainResult result, String log) {}

  private Outcome run(String name, SimSiamConfig heads) {
    PretrainConfig c = TinyConfigs.pretrain("simsiam", 40).toBuilder().batchSize(32).logEvery(10)
        .simsiam(heads).build();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Trainer t = Trainer.create(c, tmp.resolve(name))) {
      TrainResult r = t.progressBar(false).log(new PrintStream(log, true)).train();
      System.out.printf("%s: loss %.4f, collapse std*sqrt(d) %.3f%n", name, r.lastLoss(),
          r.lastCollapseStd());
      return new Outcome(r, log.toString());
    }
  }

  @Test
  void withoutStopGradientTheRunCollapsesAndIsReported() {
    Outcome o = run("no-sg", TinyConfigs.simsiam().withHeadBn(HeadBn.NONE)
        .withPredictor(PredictorMode.NONE).withStopGradient(false));
    assertTrue(o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertTrue(o.log().contains("looks collapsed"), o.log());
    assertTrue(o.result().lastLoss() < -0.95, "the degenerate solution reaches loss -1: " + o.result());
  }

  @Test
  void withoutPredictorTheRunCollapsesEvenWithStopGradient() {
    Outcome o = run("no-predictor", TinyConfigs.simsiam().withHeadBn(HeadBn.NONE)
        .withPredictor(PredictorMode.NONE));
    assertTrue(o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertTrue(o.log().contains("looks collapsed"), o.log());
  }

  @Test
  void simSiamAsPublishedDoesNotCollapse() {
    Outcome o = run("simsiam", TinyConfigs.simsiam());
    assertFalse(o.result().collapsed(), "collapse monitor ended at " + o.result().lastCollapseStd());
    assertFalse(o.log().contains("looks collapsed"), o.log());
    assertTrue(o.result().lastCollapseStd() > 0.5, "monitor " + o.result().lastCollapseStd());
  }
}
