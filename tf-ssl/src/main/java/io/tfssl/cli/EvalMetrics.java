package io.tfssl.cli;

import io.tfssl.eval.LinearEval;
import io.tfssl.features.KnnEval;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of the linear and kNN results, shared by {@code tfssl eval} and {@code tfssl demo}.
 */
final class EvalMetrics {
  private EvalMetrics() {}

  static Map<String, Object> linear(LinearEval.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("top1", r.top1());
    m.put("top5", r.top5());
    m.put("chosen_lr", r.chosenLearningRate());
    m.put("chosen_epochs", r.chosenEpochs());
    m.put("learning_rates", r.learningRates());
    m.put("epochs", r.candidateEpochs());
    m.put("validation_top1", r.validationTop1());
    m.put("train", r.trainSize());
    m.put("validation", r.validationSize());
    m.put("test", r.testSize());
    return m;
  }

  static Map<String, Object> knn(KnnEval.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("top1", r.top1());
    m.put("top5", r.top5());
    m.put("k", r.k());
    m.put("temperature", r.temperature());
    m.put("bank", r.bankSize());
    m.put("queries", r.querySize());
    return m;
  }
}
