package io.tfssl.cli;

import picocli.CommandLine.Command;

/** {@code tfssl eval linear}. */
@Command(
    name = "linear",
    mixinStandardHelpOptions = true,
    description = {
      "Linear evaluation on frozen features (SimSiam App. D, BYOL App. C.1):"
          + " features standardized with the training statistics, a softmax classifier trained"
          + " by SGD with momentum and cosine decay, the learning rate chosen on a held-out"
          + " 10%% of the training split together with the number of epochs (never on test),"
          + " then retrained on all of it;"
          + " top-1 and top-5 on the test split."
    },
    footer = {
      "",
      "Example:",
      "  tfssl eval linear --model saved_models/s1/1 --baseline random-init"
    })
final class EvalLinearCommand extends LinearProtocol {
  @Override
  String protocol() {
    return "linear";
  }
}
