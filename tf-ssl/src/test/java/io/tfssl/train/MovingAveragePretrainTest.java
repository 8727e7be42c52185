package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.method.ImageIndex;
import io.tfssl.method.MovingAverageTarget;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiam;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * SimSiam with §5's moving-average target instead of a predictor, in the real training graph: the
 * targets and the table follow the closed form with the batch's image indices, and a run trains and
 * resumes exactly through the Trainer (which feeds the indices).
 */
class MovingAveragePretrainTest {
  private static final float M = 0.8f;
  private static final int IMAGES = 24;
  private static final int D = 64; // TinyConfigs' projector width

  @TempDir Path tmp;

  private static PretrainConfig config(long steps) {
    PretrainConfig c = TinyConfigs.pretrain("simsiam", steps);
    return c.toBuilder()
        .simsiam(c.simsiam().withPredictor(PredictorMode.MOVING_AVERAGE).withPredictorMomentum(M))
        .build();
  }

  /**
   * Two steps over images 0-7 then 4-11: the target built from view 1 (the one view 2 is trained
   * towards) is the online z of view 1 at a first visit and m·η + (1 − m)·z at the second; the
   * stored rows are the mean of the two targets; rows outside the batches stay as they were.
   */
  @Test
  void targetsAndTableFollowTheClosedForm() {
    int[][] batches = {{0, 1, 2, 3, 4, 5, 6, 7}, {4, 5, 6, 7, 8, 9, 10, 11}};
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(
              g,
              StepSpec.builder()
                  .config(config(2), 2, 100)
                  .imageShape(28, 28, 1)
                  .imageCount(IMAGES)
                  .build());
      ImageIndex index = step.imageIndex().orElseThrow();
      Operand<TFloat32> eta = g.operation(MovingAverageTarget.SCOPE + "/eta").output(0);
      Operand<TFloat32> target1 = g.operation(SimSiam.TARGET + "1").output(0);
      Operand<TFloat32> target2 = g.operation(SimSiam.TARGET + "2").output(0);
      try (Session s = new Session(g)) {
        s.initialize();
        float[] before = TestGraphs.fetch(s, eta);
        for (int k = 0; k < batches.length; k++) {
          int[] batch = batches[k];
          float[] t1;
          float[] t2;
          float[] z1;
          try (TUint8 images = TestGraphs.randomImages(batch.length, 28, 28, 1, k);
              TInt32 idx = TInt32.vectorOf(batch);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .feed(index.indices(), idx)
                      .addTarget(step.trainStep())
                      .fetch(target1)
                      .fetch(target2)
                      .fetch(step.methodGraph().projection())
                      .run()) {
            t1 = TestGraphs.flat((TFloat32) r.get(0));
            t2 = TestGraphs.flat((TFloat32) r.get(1));
            z1 = TestGraphs.flat((TFloat32) r.get(2)); // the online projection of view 1
          }
          float[] after = TestGraphs.fetch(s, eta);
          for (int i = 0; i < batch.length; i++) {
            int x = batch[i];
            boolean revisit = k == 1 && x < 8;
            for (int j = 0; j < D; j++) {
              float old = before[x * D + j];
              float expected = revisit ? M * old + (1 - M) * z1[i * D + j] : z1[i * D + j];
              assertEquals(expected, t1[i * D + j], 1e-5, "target from view 1, image " + x);
              assertEquals(
                  0.5f * (t1[i * D + j] + t2[i * D + j]),
                  after[x * D + j],
                  1e-6,
                  "stored eta of image " + x);
            }
          }
          for (int x = 0; x < IMAGES; x++) {
            final int image = x;
            if (java.util.Arrays.stream(batch).noneMatch(b -> b == image)) {
              for (int j = 0; j < D; j++) {
                assertEquals(before[x * D + j], after[x * D + j], "untouched row " + x);
              }
            }
          }
          before = after;
        }
      }
    }
  }

  @Test
  void withoutTheDatasetSizeTheGraphIsRefused() {
    try (Graph g = new Graph()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new TrainingGraph(
                      g,
                      StepSpec.builder().config(config(2), 2, 100).imageShape(28, 28, 1).build()));
      assertTrue(e.getMessage().contains("number of training images"), e.getMessage());
    }
  }

  private Path folder() throws Exception {
    Random r = new Random(5);
    Path root = tmp.resolve("images");
    Files.createDirectories(root);
    for (int i = 0; i < IMAGES; i++) {
      BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          img.setRGB(x, y, r.nextInt(1 << 24));
        }
      }
      ImageIO.write(img, "png", root.resolve(String.format("img%02d.png", i)).toFile());
    }
    return root;
  }

  /**
   * 24 images, batch 8: three steps an epoch, so a 9-step run visits every image three times.
   * Stopped after step 4 (mid-epoch) and resumed, it repeats the losses and ends with the same
   * table.
   */
  @Test
  void trainsThroughTheTrainerAndResumesExactly() throws Exception {
    Path data = folder();
    PretrainConfig c =
        config(9).toBuilder()
            .dataset("folder")
            .dataDir(data.toString())
            .imageSize(16)
            .batchSize(8)
            .checkpointEvery(4)
            .build();
    float[] straightEta;
    float[] seen;
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(c, straight)) {
      TrainResult r = t.progressBar(false).train();
      assertTrue(Double.isFinite(r.lastLoss()));
      straightEta =
          TestGraphs.fetch(
              t.session(),
              t.graph().graph().operation(MovingAverageTarget.SCOPE + "/eta").output(0));
      seen =
          TestGraphs.fetch(
              t.session(),
              t.graph().graph().operation(MovingAverageTarget.SCOPE + "/seen").output(0));
    }
    float[] ones = new float[IMAGES];
    java.util.Arrays.fill(ones, 1f);
    assertArrayEquals(ones, seen, "every image visited");
    Path interrupted = tmp.resolve("interrupted");
    try (Trainer t = Trainer.create(c, interrupted)) {
      t.progressBar(false).trainUntil(4);
    }
    try (Trainer t = Trainer.resume(interrupted)) {
      t.progressBar(false).train();
      assertArrayEquals(
          straightEta,
          TestGraphs.fetch(
              t.session(),
              t.graph().graph().operation(MovingAverageTarget.SCOPE + "/eta").output(0)));
    }
    assertEquals(9, TestRuns.losses(straight).size());
    assertEquals(TestRuns.losses(straight), TestRuns.losses(interrupted));
  }
}
