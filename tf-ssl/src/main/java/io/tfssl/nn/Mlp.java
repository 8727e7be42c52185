package io.tfssl.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A multi-layer perceptron head (projector or predictor): Linear → [BN] → ReLU for every hidden
 * layer, then a final Linear → [BN].
 *
 * <p>Following SimSiam's builder, a linear layer that is followed by BN has no bias (the BN offset
 * makes it redundant), and the output BN of the projector has no affine parameters.
 *
 * @param dims output width of each layer, the last one being the head's output
 * @param bnHidden batch norm after every hidden linear layer
 * @param bnOutput batch norm after the output linear layer
 * @param outputAffine whether that output BN learns gamma and beta
 */
public record Mlp(List<Integer> dims, boolean bnHidden, boolean bnOutput, boolean outputAffine) {

  public Mlp {
    if (dims.isEmpty()) {
      throw new IllegalArgumentException("an MLP head needs at least one layer");
    }
    dims = List.copyOf(dims);
  }

  public int outputDim() {
    return dims.get(dims.size() - 1);
  }

  public Operand<TFloat32> apply(Net net, Operand<TFloat32> x) {
    Operand<TFloat32> h = x;
    for (int i = 0; i < dims.size(); i++) {
      boolean last = i == dims.size() - 1;
      boolean bn = last ? bnOutput : bnHidden;
      Net layer = net.child("fc" + (i + 1));
      h = Dense.apply(layer, h, dims.get(i), !bn);
      if (bn) {
        h = BatchNorm.apply(layer.child("bn"), h, !last || outputAffine);
      }
      if (!last) {
        h = layer.tf().nn.relu(h);
      }
    }
    return h;
  }
}
