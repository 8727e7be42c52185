package io.tfssl.method;

/** SimSiam's predictor ablation (Chen and He 2021, Table 1). */
public enum PredictorMode {
  /** A trained two-layer MLP h (the default). */
  MLP,
  /** No predictor, h = identity: the paper reports collapse (0.1%). */
  NONE,
  /** An MLP kept at its random initialization (1.5% in the paper). */
  FIXED
}
