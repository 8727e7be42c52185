package io.tfssl.nn;

/**
 * Whether a network is built for training (batch statistics) or for inference (moving statistics).
 */
public enum Mode {
  /** Batch norm normalizes with the batch's statistics and updates the moving averages. */
  TRAIN,
  /** Batch norm normalizes with the moving averages, as in every exported model. */
  INFERENCE
}
