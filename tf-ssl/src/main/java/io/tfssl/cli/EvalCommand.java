package io.tfssl.cli;

import picocli.CommandLine.Command;

/**
 * {@code tfssl eval}: the papers' evaluation protocols on a SavedModel, optionally side by side
 * with the same encoder untrained.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a SavedModel's embedding: linear, kNN, semi-supervised fine-tuning, "
            + "transfer, effective rank.",
    subcommands = {
      EvalLinearCommand.class,
      EvalKnnCommand.class,
      EvalFinetuneCommand.class,
      EvalTransferCommand.class,
      EvalRankCommand.class
    })
public final class EvalCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }
}
