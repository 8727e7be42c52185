package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.TrainResult;
import io.tfssl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * SimCLR, MoCo v2 and SwAV train on Fashion-MNIST through the same {@link Trainer} as SimSiam and
 * BYOL (tiny heads, batch 32), with a finite loss that goes down, and export like them: the served
 * embedding equals the training-side inference branch bit for bit.
 */
class ContrastiveMethodsTrainTest {
  static final int STEPS = 30;
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"simclr", "mocov2", "swav"})
  void trainsWithADecreasingLossAndExportsLikeTheOthers(String method) throws Exception {
    PretrainConfig config = TinyConfigs.pretrain(method, STEPS).toBuilder().batchSize(32).build();
    Path run = tmp.resolve(method);
    float[] trainingSide;
    TUint8 images = TestGraphs.randomImages(6, 28, 28, 1, 9);
    try (images) {
      try (Trainer t = Trainer.create(config, run)) {
        TrainResult r = t.progressBar(false).train();
        assertEquals(STEPS, r.endStep());
        assertTrue(Double.isFinite(r.lastLoss()), "loss " + r.lastLoss());
        assertFalse(r.collapsed(), "collapse monitor " + r.lastCollapseStd());
        try (Result e =
            t.session()
                .runner()
                .feed(t.graph().evalImages(), images)
                .fetch(t.graph().evalEmbedding())
                .run()) {
          trainingSide = TestGraphs.flat((TFloat32) e.get(0));
        }
      }
      List<Double> losses = TestRuns.losses(run);
      assertEquals(STEPS, losses.size());
      assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
      // MoCo's first two steps contrast with the random initial queue (easy negatives); compare
      // the loss once the queue holds real keys.
      double early = mean(losses.subList(2, 7));
      double late = mean(losses.subList(STEPS - 5, STEPS));
      System.out.printf("%s: loss %.4f (steps 3-7) -> %.4f (last 5)%n", method, early, late);
      assertTrue(late < early, method + " loss did not go down: " + losses);

      ExportedModel m = Exporter.exportRun(run, tmp.resolve("models"), method, OptionalInt.empty());
      assertEquals(method, m.metadata().method());
      try (EmbeddingModel model = EmbeddingModel.load(m.dir())) {
        assertEquals(256, model.embeddingDim());
        assertArrayEquals(trainingSide, model.embed(images));
      }
    }
  }
}
