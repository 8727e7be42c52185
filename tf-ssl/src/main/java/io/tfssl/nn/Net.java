package io.tfssl.nn;

import org.tensorflow.op.Ops;

/**
 * Where a layer is being built: the network's {@link VarStore}, the layer's path inside it ({@code
 * encoder/layer1/0/conv1}) and whether batch norm runs in training or inference mode. Layers are
 * plain static functions of a {@code Net} and an input, so the same code builds the training graph
 * and the inference graph with identical variable names.
 */
public record Net(VarStore store, String path, Mode mode) {

  /** The top of a network. */
  public static Net of(VarStore store, Mode mode) {
    return new Net(store, "", mode);
  }

  /**
   * A named part of this network: {@code child("conv1")} under {@code encoder} is {@code
   * encoder/conv1}.
   */
  public Net child(String name) {
    return new Net(store, path.isEmpty() ? name : path + "/" + name, mode);
  }

  /** Ops that build inside this part's name scope. */
  public Ops tf() {
    return store.scope(path);
  }

  public boolean training() {
    return mode == Mode.TRAIN;
  }
}
