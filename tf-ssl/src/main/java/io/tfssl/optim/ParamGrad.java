package io.tfssl.optim;

import io.tfssl.nn.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * One parameter, its gradient and its own learning-rate operand (a float32 scalar).
 *
 * <p>Each parameter carries its own rate because SimSiam (Chen &amp; He 2021, §4.2) keeps the
 * predictor's learning rate fixed while the encoder's follows a cosine schedule; the trainer simply
 * passes a different operand for those parameters.
 */
public record ParamGrad(Param param, Operand<TFloat32> gradient, Operand<TFloat32> learningRate) {

  public ParamGrad {
    Objects.requireNonNull(param, "param");
    Objects.requireNonNull(gradient, "gradient");
    Objects.requireNonNull(learningRate, "learningRate");
    if (!learningRate.shape().isUnknown() && learningRate.shape().numDimensions() != 0) {
      throw new IllegalArgumentException(
          "learning rate for " + param.name() + " must be a scalar, got " + learningRate.shape());
    }
  }

  /**
   * Pairs {@code params} with the gradients returned by {@code Graph.addGradients} (same order),
   * giving each parameter the rate {@code lrFor.apply(param)}.
   */
  @SuppressWarnings("unchecked")
  public static List<ParamGrad> zip(
      List<Param> params, Operand<?>[] gradients, Function<Param, Operand<TFloat32>> lrFor) {
    if (params.size() != gradients.length) {
      throw new IllegalArgumentException(
          params.size() + " params but " + gradients.length + " gradients");
    }
    List<ParamGrad> out = new ArrayList<>(params.size());
    for (int i = 0; i < gradients.length; i++) {
      Param p = params.get(i);
      if (gradients[i] == null || gradients[i].type() != TFloat32.class) {
        throw new IllegalArgumentException("no float32 gradient for " + p.name());
      }
      out.add(new ParamGrad(p, (Operand<TFloat32>) gradients[i], lrFor.apply(p)));
    }
    return out;
  }
}
