package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfssl.TestGraphs;
import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.nn.Param;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;

/** The online probe and the kNN monitor: they watch the representation without shaping it. */
class OnlineProbeTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  @Test
  void noGradientOfTheProbeReachesTheEncoder() {
    PretrainConfig config =
        TinyConfigs.pretrain("simsiam", 2).toBuilder().onlineProbe(true).build();
    try (Trainer t = Trainer.create(config, tmp.resolve("run"))) {
      OnlineProbe probe = t.graph().probe().orElseThrow();
      List<Param> network = t.graph().methodGraph().trainable();
      for (Param p : network) {
        assertFalse(
            TestGraphs.reachableWithoutStopGradient(
                probe.loss(), (GraphOperation) p.variable().op()),
            "the probe's loss must not reach " + p.name());
      }
      // It does read the encoder, through the stop-gradient.
      assertTrue(TestGraphs.feeds(probe.loss(), (GraphOperation) network.get(0).variable().op()));
      // ... while its own weights do get a gradient.
      Output<?>[] own =
          probe.params().stream().map(p -> p.variable().asOutput()).toArray(Output[]::new);
      for (Output<?> g : Gradients.of(t.graph().graph(), "test_probe_own", probe.loss(), own)) {
        assertFalse(Gradients.isAbsent(g));
      }
    }
  }

  @Test
  void probeDoesNotChangeTheTraining() throws Exception {
    PretrainConfig plain = TinyConfigs.pretrain("simsiam", 3);
    try (Trainer t = Trainer.create(plain, tmp.resolve("plain"))) {
      t.progressBar(false).train();
    }
    try (Trainer t =
        Trainer.create(plain.toBuilder().onlineProbe(true).build(), tmp.resolve("probed"))) {
      t.progressBar(false).train();
    }
    List<JsonNode> a = TestRuns.records(tmp.resolve("plain"));
    List<JsonNode> b = TestRuns.records(tmp.resolve("probed"));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(
          a.get(i).get("loss").asDouble(),
          b.get(i).get("loss").asDouble(),
          "SSL loss at record " + i);
      assertFalse(a.get(i).has("probe_top1"));
      double acc = b.get(i).get("probe_top1").asDouble();
      assertTrue(acc >= 0 && acc <= 1, "probe accuracy " + acc);
    }
  }

  @Test
  void knnMonitorWritesAnAccuracyEveryEpoch() throws Exception {
    // A 2-step run on Fashion-MNIST has no epoch end inside it, so it shows the monitor's
    // records at the start and at the end of the run.
    PretrainConfig config = TinyConfigs.pretrain("byol", 2).toBuilder().knnMonitor(50).build();
    try (Trainer t = Trainer.create(config, tmp.resolve("knn"))) {
      t.progressBar(false).train();
    }
    List<JsonNode> knn = new ArrayList<>();
    for (JsonNode r : TestRuns.records(tmp.resolve("knn"))) {
      if (r.has("knn_top1")) {
        knn.add(r);
      }
    }
    assertEquals(2, knn.size(), "before the first step and at the end");
    assertEquals(0, knn.get(0).get("step").asInt());
    assertEquals(2, knn.get(1).get("step").asInt());
    assertEquals(50, knn.get(0).get("knn_bank").asInt());
    assertEquals(10, knn.get(0).get("knn_queries").asInt());
    double acc = knn.get(0).get("knn_top1").asDouble();
    assertTrue(acc >= 0 && acc <= 1);
  }
}
