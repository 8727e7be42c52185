package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.nn.ResNet;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configs the benchmark builds (no TensorFlow session). */
class StepBenchSpecTest {
  @Test
  void simsiamSmallUsesPaperHeadsAndIdentityViews() {
    StepBenchSpec spec = new StepBenchSpec("simsiam", "small", 256, false, 20, 3, 0, 0);
    PretrainConfig c = spec.config();
    assertEquals(List.of(2048, 2048), c.simsiam().projectorDims());
    assertEquals(List.of(512, 2048), c.simsiam().predictorDims());
    assertEquals(256, c.batchSize());
    assertEquals("small", c.encoder());
    assertNull(c.stem());
    assertEquals(ViewPolicy.none(), c.view1());
    // identity crop too, but mirrored, so that the two views are not merged into one pass
    assertTrue(c.view2().isFullCrop());
    assertEquals(1f, c.view2().flipProb());
    assertEquals(0f, c.view2().jitterProb());
    assertEquals(0f, c.view2().blurProb());
    assertArrayEquals(new long[] {28, 28, 1}, spec.imageShape());
    assertEquals(1, spec.normalization(c).channels());
    assertEquals(Presets.get("fmnist-small", "simsiam").optimizer(), c.optimizer());
  }

  @Test
  void byolResnetUsesCifarStemAndByolViews() {
    StepBenchSpec spec = new StepBenchSpec("byol", "resnet18", 64, true, 5, 2, 1, 0);
    PretrainConfig c = spec.config();
    assertEquals(List.of(4096, 256), c.byol().projectorDims());
    assertEquals(List.of(4096, 256), c.byol().predictorDims());
    assertEquals(ResNet.Stem.CIFAR, c.stem());
    assertEquals(ViewPolicy.byolView1(), c.view1());
    assertEquals(ViewPolicy.byolView2(), c.view2());
    assertArrayEquals(new long[] {32, 32, 3}, spec.imageShape());
    assertEquals(3, spec.normalization(c).channels());
    assertEquals(7, c.steps());
  }

  @Test
  void augmentedSmallKeepsThePresetViews() {
    PretrainConfig c = new StepBenchSpec("byol", "small", 16, true, 1, 0, 0, 0).config();
    PretrainConfig preset = Presets.get("fmnist-small", "byol");
    assertEquals(preset.view1(), c.view1());
    assertEquals(preset.view2(), c.view2());
    assertTrue(
        new StepBenchSpec("simsiam", "resnet18", 8, true, 1, 0, 0, 0)
            .config()
            .view1()
            .equals(ViewPolicy.simsiam()));
  }

  @Test
  void baselinesUseThePapersProjectorAndTheirOwnViews() {
    for (String method : List.of("simclr", "mocov2", "swav")) {
      StepBenchSpec spec = new StepBenchSpec(method, "resnet18", 8, true, 1, 0, 0, 0);
      PretrainConfig c = spec.config();
      assertEquals(method, c.method());
      assertEquals("2048-128", spec.projectorLabel());
      assertEquals("none", spec.predictorLabel());
      assertEquals(method.equals("mocov2") ? ViewPolicy.simsiam() : ViewPolicy.simclr(), c.view1());
    }
    assertEquals(
        3000,
        new StepBenchSpec("swav", "small", 8, false, 1, 0, 0, 0).config().swav().prototypes());
  }

  @Test
  void rejectsBadValues() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("mocov9", "small", 8, false, 1, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("byol", "vit", 8, false, 1, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("byol", "small", -1, false, 1, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("byol", "small", 8, false, 0, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("byol", "small", 8, false, 1, -1, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepBenchSpec("byol", "small", 8, false, 1, 0, -2, 0));
  }

  @Test
  void tableRendersJsonLines() throws Exception {
    String line =
        "{\"method\":\"byol\",\"encoder\":\"small\",\"input\":\"28x28x1\",\"batch_size\":256,"
            + "\"augment\":true,\"ms_per_step_median\":100.0,\"ms_per_step_min\":90.0,"
            + "\"ms_per_step_max\":110.0,\"images_per_sec\":2560.0,\"gflops_per_sec\":50.0,"
            + "\"step_flops_per_image\":195312500,\"encoder_mflops_per_image\":24.3,"
            + "\"peak_rss_mb\":900.0,\"steps\":20,\"warmup\":3}";
    String table = StepBenchTable.render(List.of(line, ""));
    assertEquals(3, table.lines().count(), table);
    assertTrue(
        table.contains(
            "| byol | small | 28x28x1 | 256 | yes | 100.0 | 90.0 | 110.0 | 2560.0 | 50.0 | 0.195 | 24.3 | 900 | 3 + 20 |"),
        table);
  }
}
