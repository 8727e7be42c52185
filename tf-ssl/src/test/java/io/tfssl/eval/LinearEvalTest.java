package io.tfssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.features.Features;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linear evaluation with a real TF graph: separable data, random labels, lr selection. */
class LinearEvalTest {

  @Test
  void separableFeaturesReachNearlyPerfectAccuracy() {
    Features train = EvalTestData.oneHotPlusNoise(3000, 32, 10, 4.0, 0.5, 1);
    Features test = EvalTestData.oneHotPlusNoise(1000, 32, 10, 4.0, 0.5, 2);
    List<String> lines = new ArrayList<>();
    LinearEval.Result r =
        LinearEval.evaluate(train, test, LinearEval.Config.defaults(), lines::add);
    assertTrue(r.top1() >= 0.99, r.summary());
    assertTrue(r.top5() >= r.top1(), r.summary());
    assertEquals(5, r.k());
    assertEquals(300, r.validationSize()); // 10% of 300 per class
    assertEquals(2700, r.trainSize());
    assertEquals(1000, r.testSize());
    int pairs =
        LinearEval.Config.DEFAULT_LEARNING_RATES.length * LinearEval.Config.DEFAULT_EPOCHS.length;
    assertEquals(pairs, r.validationTop1().length);
    assertEquals(pairs + 1, lines.size(), "one line per candidate pair and one for the retrain");
  }

  @Test
  void randomLabelsStayNearChance() {
    Features train =
        EvalTestData.randomLabels(EvalTestData.oneHotPlusNoise(3000, 32, 10, 4.0, 0.5, 3), 4);
    Features test =
        EvalTestData.randomLabels(EvalTestData.oneHotPlusNoise(2000, 32, 10, 4.0, 0.5, 5), 6);
    LinearEval.Result r =
        LinearEval.evaluate(train, test, LinearEval.Config.defaults().withEpochs(10));
    assertTrue(r.top1() < 0.1 + 0.08, r.summary());
    assertTrue(r.top5() < 0.5 + 0.1, r.summary());
  }

  @Test
  void learningRateIsChosenOnValidationNeverOnTest() {
    // Overlapping classes, so the candidate rates differ in validation accuracy.
    Features train = EvalTestData.oneHotPlusNoise(2000, 24, 6, 1.0, 1.0, 7);
    Features test = EvalTestData.oneHotPlusNoise(600, 24, 6, 1.0, 1.0, 8);
    Features testShuffled = EvalTestData.randomLabels(test, 9);
    LinearEval.Config cfg =
        LinearEval.Config.defaults().withLearningRates(1e-4, 0.01, 0.1, 10.0, 0.1).withEpochs(5);
    LinearEval.Result a = LinearEval.evaluate(train, test, cfg);
    LinearEval.Result b = LinearEval.evaluate(train, testShuffled, cfg);

    double[] val = a.validationTop1();
    assertEquals(5, val.length);
    assertArrayEquals(new double[] {1e-4, 0.01, 0.1, 10.0, 0.1}, a.learningRates());
    // Every candidate starts from zero weights and fresh momentum: a repeated rate repeats its
    // score exactly (on ties the first in grid order is chosen).
    assertEquals(val[2], val[4]);
    int best = 0;
    for (int i = 1; i < val.length; i++) {
      if (val[i] > val[best]) {
        best = i;
      }
    }
    assertEquals(a.learningRates()[best], a.chosenLearningRate(), a.summary());
    assertEquals(5, a.chosenEpochs());
    // Replacing the test labels by noise changes the test score but neither the validation scores
    // nor the chosen rate: the test set takes no part in the selection (and runs are
    // deterministic).
    assertArrayEquals(val, b.validationTop1(), b.summary());
    assertEquals(a.chosenLearningRate(), b.chosenLearningRate());
    assertTrue(a.top1() > b.top1() + 0.2, a.summary() + " / " + b.summary());
  }

  /** Epochs are a hyperparameter chosen on validation like the rate: every pair is tried. */
  @Test
  void epochsAreChosenOnValidationWithTheRate() {
    Features train = EvalTestData.oneHotPlusNoise(1200, 16, 4, 1.0, 1.0, 12);
    Features test = EvalTestData.oneHotPlusNoise(400, 16, 4, 1.0, 1.0, 13);
    LinearEval.Result r =
        LinearEval.evaluate(
            train,
            test,
            LinearEval.Config.defaults().withLearningRates(0.01, 0.3).withEpochs(1, 4));
    assertArrayEquals(new double[] {0.01, 0.01, 0.3, 0.3}, r.learningRates());
    assertArrayEquals(new int[] {1, 4, 1, 4}, r.candidateEpochs());
    double[] val = r.validationTop1();
    int best = 0;
    for (int i = 1; i < val.length; i++) {
      if (val[i] > val[best]) {
        best = i;
      }
    }
    assertEquals(r.learningRates()[best], r.chosenLearningRate(), r.summary());
    assertEquals(r.candidateEpochs()[best], r.chosenEpochs(), r.summary());
  }

  @Test
  void fewerThanFiveClassesReportsTopK() {
    Features train = EvalTestData.oneHotPlusNoise(300, 4, 3, 2.0, 1.0, 10);
    Features test = EvalTestData.oneHotPlusNoise(90, 4, 3, 2.0, 1.0, 11);
    LinearEval.Result r =
        LinearEval.evaluate(
            train, test, LinearEval.Config.defaults().withLearningRates(0.1).withEpochs(3));
    assertEquals(3, r.k());
    assertEquals(1.0, r.top5());
    assertEquals(0.1, r.chosenLearningRate());
  }

  @Test
  void rejectsBadConfigAndMismatchedSets() {
    LinearEval.Config d = LinearEval.Config.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withLearningRates());
    assertThrows(IllegalArgumentException.class, () -> d.withLearningRates(0.1, -1));
    assertThrows(IllegalArgumentException.class, () -> d.withEpochs(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearEval.Config(new double[] {0.1}, new int[] {1}, 256, 0, 1.0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearEval.Config(new double[] {0.1}, new int[] {1}, 0, 0, 0.1, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearEval.Config(new double[] {0.1}, new int[] {1}, 256, -1, 0.1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> d.withEpochs());
    Features a = EvalTestData.gaussian(20, 3, 2, 1);
    Features b = EvalTestData.gaussian(20, 4, 2, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LinearEval.evaluate(a, b, d));
    assertTrue(e.getMessage().contains("dims"), e.getMessage());
    // The grid is copied: changing the caller's array does not change the config.
    double[] grid = {0.1, 0.2};
    LinearEval.Config c = d.withLearningRates(grid);
    grid[0] = 5;
    assertEquals(0.1, c.learningRates()[0]);
  }
}
