package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestRuns;
import io.tfssl.data.IdxSource;
import io.tfssl.export.EmbeddingModel;
import io.tfssl.export.EncoderWeights;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.InferenceNetwork;
import io.tfssl.export.ModelMetadata;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import io.tfssl.train.Components;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Semi-supervised fine-tuning starts from the SavedModel's encoder and learns from few labels. */
class FineTuneTest {
  @TempDir static Path tmp;
  static ExportedModel model;

  @BeforeAll
  static void exportATinyRun() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    model = TestRuns.tinyExport(tmp);
  }

  @Test
  void encoderWeightsLoadByNameIntoAFreshGraph() {
    ModelMetadata md = model.metadata();
    try (EmbeddingModel m = EmbeddingModel.load(model.dir());
        EncoderWeights w = EncoderWeights.of(m);
        Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Encoder encoder = Components.encoder(md.config(), md.modelSize());
      VarStore store = VarStore.trainable(tf, InferenceNetwork.ONLINE, 12345);
      encoder.apply(
          Net.of(store, Mode.TRAIN).child("encoder"),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1))));
      EncoderWeights.Assignment a = w.prepare(tf, store);
      assertEquals(
          store.variables().keySet(), w.names(), "every encoder variable, BN statistics too");
      String key = "encoder/conv1/w";
      try (Session s = new Session(g)) {
        s.initialize();
        a.run(s);
        try (Result mine = s.runner().fetch(store.variables().get(key)).run();
            Result theirs = m.bundle().session().runner().fetch("online/" + key).run()) {
          assertArrayEquals(flat((TFloat32) theirs.get(0)), flat((TFloat32) mine.get(0)));
        }
      }
    }
  }

  @Test
  void fineTuningOnTenPercentOfTheLabelsLearns() {
    EvalData data = EvalData.of("fashion-mnist").withLimit(1000);
    FineTune.Config config = new FineTune.Config(0.1, 4, 25, 0.1, 3, 2);
    List<String> log = new ArrayList<>();
    FineTune.Result pre = Evaluation.fineTune(model.dir(), data, false, config, log::add);
    int[] labels = new int[1000];
    io.tfssl.data.ImageSource train = data.open(io.tfssl.data.Split.TRAIN);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = train.label(i);
    }
    int expected = LabelSubsets.balanced(labels, 10, 0.1, 3).length;
    assertEquals(expected, pre.labeledImages(), "10% of each class of the first 1000 images");
    assertTrue(Math.abs(expected - 100) <= 5);
    assertEquals(4L * (expected / 25), pre.steps(), "full batches of 25, 4 epochs");
    assertTrue(pre.top1() > 0.3, "well above chance (0.1): " + pre.top1());
    assertTrue(pre.top5() >= pre.top1());
    FineTune.Result scratch = Evaluation.fineTune(model.dir(), data, true, config, line -> {});
    assertTrue(scratch.randomInit());
    assertEquals(expected, scratch.labeledImages());

    // From scratch the kernels start at the fresh initialization itself; the pretrained run's
    // start is the export, whose norm against a fresh initialization is computed here apart.
    assertEquals(1.0, scratch.kernels().scale(), 1e-12);
    assertEquals(pre.kernels().layers().keySet(), scratch.kernels().layers().keySet());
    assertEquals(
        exportedOverFreshNorm(pre.kernels().layers().keySet()), pre.kernels().scale(), 1e-6);
    assertTrue(pre.kernels().layers().keySet().contains("encoder/conv1/w"));
    assertEquals(
        pre.kernels().scale() > KernelChange.LARGE_SCALE,
        log.stream().anyMatch(l -> l.startsWith("note: the encoder's kernels start at")),
        "the hint about a higher --lr exactly when the kernels start large: " + log);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("encoder kernels: ")), log.toString());
    assertTrue(
        pre.kernels().layers().keySet().stream().noneMatch(k -> k.contains("/bn/")),
        "kernels only, not batch-norm parameters: " + pre.kernels().layers().keySet());
    for (FineTune.Result r : new FineTune.Result[] {pre, scratch}) {
      double turn = r.kernels().turnDegrees();
      assertTrue(turn > 0 && turn < 90, "fine-tuning moved the kernels: " + turn);
    }
  }

  /** ‖export's kernels‖ / ‖a fresh initialization's‖, read from the SavedModel and a new graph. */
  private static double exportedOverFreshNorm(java.util.Set<String> kernels) {
    ModelMetadata md = model.metadata();
    double exported = 0;
    double fresh = 0;
    try (EmbeddingModel m = EmbeddingModel.load(model.dir());
        Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarStore store = VarStore.trainable(tf, InferenceNetwork.ONLINE, md.config().seed());
      Components.encoder(md.config(), md.modelSize())
          .apply(
              Net.of(store, Mode.TRAIN).child("encoder"),
              tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1))));
      try (Session s = new Session(g)) {
        s.initialize();
        for (String k : kernels) {
          try (Result mine = s.runner().fetch(store.variables().get(k)).run();
              Result theirs = m.bundle().session().runner().fetch("online/" + k).run()) {
            for (float v : flat((TFloat32) mine.get(0))) {
              fresh += (double) v * v;
            }
            for (float v : flat((TFloat32) theirs.get(0))) {
              exported += (double) v * v;
            }
          }
        }
      }
    }
    return Math.sqrt(exported / fresh);
  }

  private static float[] flat(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
    return out;
  }
}
