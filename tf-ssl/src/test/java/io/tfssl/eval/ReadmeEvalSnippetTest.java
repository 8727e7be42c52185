package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.export.ExportedModel;
import io.tfssl.export.Exporter;
import io.tfssl.features.KnnEval;
import io.tfssl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's evaluation snippet, run as written except for two things: the folders are temporary
 * ones, and the data is limited to the first 2,000 images of each split so the test stays short.
 */
class ReadmeEvalSnippetTest {
  @TempDir Path tmp;

  @Test
  void readmeEvaluationSnippetRuns() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    Path runDir = tmp.resolve("runs/simsiam-java");
    try (Trainer t = Trainer.create(TinyConfigs.pretrain("simsiam", 3), runDir)) {
      t.progressBar(false).train();
    }
    Path savedModels = tmp.resolve("saved_models");

    // ---- README snippet ----
    ExportedModel model =
        Exporter.exportRun(
            runDir,
            savedModels,
            "simsiam-java",
            OptionalInt.empty()); // saved_models/simsiam-java/1
    EvalData fmnist = EvalData.of("fashion-mnist").withLimit(2000);
    Evaluation.FeatureSet f = Evaluation.features(model.dir(), fmnist, System.out::println);
    LinearEval.Result linear =
        LinearEval.evaluate(f.train(), f.test(), LinearEval.Config.defaults());
    KnnEval.Result knn = KnnEval.evaluate(f.train(), f.test(), KnnEval.Config.defaults());
    System.out.println(linear.summary() + "\n" + knn.summary());
    LinearEval.Result randomLinear;
    try (Evaluation.Baseline random = Evaluation.randomInit(model.dir())) { // the untrained encoder
      Evaluation.FeatureSet r = Evaluation.features(random.dir(), fmnist, System.out::println);
      randomLinear = LinearEval.evaluate(r.train(), r.test(), LinearEval.Config.defaults());
      System.out.println(randomLinear.summary());
    }
    FineTune.Result semi =
        Evaluation.fineTune(
            model.dir(),
            fmnist,
            false,
            FineTune.Config.defaults(0.01),
            System.out::println); // 1% of the labels
    // ---- end of snippet ----

    assertEquals(savedModels.resolve("simsiam-java/1"), model.dir());
    assertEquals(2000, f.test().count());
    assertTrue(linear.top1() > 0.5, "linear " + linear.top1());
    assertTrue(knn.top1() > 0.4, "kNN " + knn.top1());
    assertTrue(randomLinear.top1() > 0.3, "random-init linear " + randomLinear.top1());
    assertTrue(semi.labeledImages() >= 10 && semi.labeledImages() <= 30, "1% of 2000 per class");
    assertTrue(semi.top1() > 0.1, "fine-tuned " + semi.top1());
  }
}
