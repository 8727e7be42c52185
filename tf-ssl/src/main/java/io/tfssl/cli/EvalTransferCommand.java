package io.tfssl.cli;

import io.tfssl.eval.EvalData;
import io.tfssl.export.ModelMetadata;
import picocli.CommandLine.Command;

/** {@code tfssl eval transfer}. */
@Command(
    name = "transfer",
    mixinStandardHelpOptions = true,
    description = {
      "Linear evaluation on another dataset than the one pretrained on (for example"
          + " Fashion-MNIST -> MNIST). Images of another shape are converted (gray <-> RGB,"
          + " bilinear resize) to the model's input."
    },
    footer = {"", "Example:", "  tfssl eval transfer --model saved_models/s1/1 --dataset mnist"})
final class EvalTransferCommand extends LinearProtocol {
  @Override
  String protocol() {
    return "transfer";
  }

  @Override
  EvalData data() {
    if (common.dataset == null) {
      throw new UsageException("eval transfer needs --dataset (the dataset to transfer to)");
    }
    ModelMetadata m = common.metadata();
    if (m != null && m.dataset().equals(common.dataset)) {
      throw new UsageException(
          "the model was pretrained on "
              + m.dataset()
              + "; transfer means another dataset (use 'eval linear' for the same one)");
    }
    return common.data(null);
  }
}
