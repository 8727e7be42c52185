package io.tfssl.bench.repro;

import io.tfssl.bench.repro.Claim.Quantity;
import java.util.List;

/**
 * The claims of the SimSiam and BYOL papers that the reproduction tables test, each tied to the
 * rows that decide it. The rows are the tables' labels ({@link ReproTables}); a renamed row makes
 * its claim "not measured", never silently another comparison.
 */
public final class Claims {
  private Claims() {}

  private static Quantity row(String table, String row) {
    return Quantity.row(table, row);
  }

  public static List<Claim> all() {
    String untrained = ReproTable.UNTRAINED;
    return List.of(
        new Claim(
            "stop-gradient",
            "SimSiam needs the stop-gradient: without it the representation collapses.",
            "SimSiam §4.1, Fig. 2 (ImageNet linear 67.7% with, 0.1% without)",
            67.7 - 0.1,
            row("stop-gradient", "w/ stop-grad"),
            row("stop-gradient", "w/o stop-grad")),
        new Claim(
            "stop-gradient-floor",
            "Without the stop-gradient SimSiam collapses: it ends below an untrained encoder.",
            "SimSiam §4.1, Fig. 2 (kNN accuracy falls to chance)",
            Claim.NO_PAPER_GAP,
            row("stop-gradient", untrained),
            row("stop-gradient", "w/o stop-grad")),
        new Claim(
            "predictor",
            "SimSiam needs the predictor: without it the representation is worse.",
            "SimSiam Table 1 (67.7% with the MLP predictor, 0.1% without)",
            67.7 - 0.1,
            row("predictor", "MLP, lr with cosine decay"),
            row("predictor", "no predictor")),
        // The paper's 0.1% is a collapse, not a smaller gain: tested on its own against the floor.
        new Claim(
            "predictor-floor",
            "Without the predictor SimSiam collapses: it ends below an untrained encoder.",
            "SimSiam Table 1 (0.1% without the predictor: chance)",
            Claim.NO_PAPER_GAP,
            row("predictor", untrained),
            row("predictor", "no predictor")),
        new Claim(
            "fixed-predictor",
            "A predictor fixed at its random initialization is far worse than a trained one.",
            "SimSiam Table 1 (1.5% with a fixed random predictor)",
            67.7 - 1.5,
            row("predictor", "MLP, lr with cosine decay"),
            row("predictor", "fixed random init")),
        new Claim(
            "head-bn",
            "Without batch norm in the heads SimSiam is far worse.",
            "SimSiam Table 4 (34.6% without BN, 68.1% with BN in the hidden and output layers)",
            68.1 - 34.6,
            row("head-bn", "(c) hidden + output (default)"),
            row("head-bn", "(a) none")),
        new Claim(
            "cosine-vs-cross-entropy",
            "Cosine similarity beats the cross-entropy similarity.",
            "SimSiam Table 5 (68.1% against 63.2%)",
            68.1 - 63.2,
            row("similarity-symmetry", "cosine, symmetric (default)"),
            row("similarity-symmetry", "cross-entropy, symmetric")),
        new Claim(
            "byol-fixed-target",
            "Predicting a fixed random target already learns more than the random encoder.",
            "BYOL §3.3 (18.8% against 1.4%)",
            18.8 - 1.4,
            row("byol-bootstrap", "fixed random target, τ = 1"),
            row("byol-bootstrap", "random encoder (untrained)")),
        new Claim(
            "byol-ema-target",
            "Bootstrapping on the EMA target beats the fixed random target by far.",
            "BYOL §3.3 and Table 5a (18.8% for the fixed target; the EMA target is the recipe)",
            Claim.NO_PAPER_GAP,
            row("byol-bootstrap", "EMA target, τ 0.99 → 1 (cosine, the recipe)"),
            row("byol-bootstrap", "fixed random target, τ = 1")),
        new Claim(
            "byol-no-ema-floor",
            "With τ = 0 (the target is the online network) BYOL collapses: it ends below the"
                + " random encoder.",
            "BYOL Table 5a (0.3% at τ = 0 against 1.4% for the random encoder, §3.3)",
            1.4 - 0.3,
            row("byol-bootstrap", "random encoder (untrained)"),
            row("byol-bootstrap", "τ = 0 (target = online)")),
        new Claim(
            "em-moving-average",
            "A per-image moving average of the target in place of the predictor works, but worse.",
            "SimSiam §5 (55.0% against 68.1%)",
            68.1 - 55.0,
            row("em-hypothesis", "predictor: MLP (SimSiam)"),
            row("em-hypothesis", "predictor: per-image moving average, m = 0.8")),
        new Claim(
            "batch-robustness",
            "BYOL loses less than SimCLR when the batch shrinks.",
            "BYOL §5, Fig. 3a (BYOL holds down to batch 256 where SimCLR falls)",
            Claim.NO_PAPER_GAP,
            Quantity.drop("batch-robustness", "simclr, batch 512", "simclr, batch 64"),
            Quantity.drop("batch-robustness", "byol, batch 512", "byol, batch 64")),
        new Claim(
            "augment-robustness",
            "BYOL loses less than SimCLR when augmentations are removed.",
            "BYOL §5, Fig. 3b (without colour distortion SimCLR drops far more than BYOL)",
            Claim.NO_PAPER_GAP,
            Quantity.drop("augment-removal", "simclr, full recipe", "simclr, crop + flip only"),
            Quantity.drop("augment-removal", "byol, full recipe", "byol, crop + flip only")),
        semiSupervised("simsiam", 0.01, 53.2, 25.4),
        semiSupervised("simsiam", 0.10, 68.8, 56.4),
        semiSupervised("byol", 0.01, 53.2, 25.4),
        semiSupervised("byol", 0.10, 68.8, 56.4));
  }

  /**
   * BYOL Table 2: fine-tuned on few labels, the pretrained encoder beats the untrained one. The
   * paper's numbers are ResNet-50's top-1 on ImageNet, BYOL fine-tuned against supervised from
   * scratch on the same fraction of the labels.
   */
  private static Claim semiSupervised(
      String model, double fraction, double paperPretrained, double paperScratch) {
    String percent = SemiSupervisedCommand.percent(fraction);
    String pct = percent + "% labels";
    return new Claim(
        "semi-supervised-" + model + "-" + percent + "pct",
        "Fine-tuned on "
            + pct
            + ", a pretrained encoder beats the same network trained from scratch.",
        String.format(
            java.util.Locale.ROOT,
            "BYOL Table 2 (%s%% of ImageNet's labels: %.1f%% fine-tuned against %.1f%% from"
                + " scratch)",
            percent,
            paperPretrained,
            paperScratch),
        paperPretrained - paperScratch,
        row(SemiSupervisedCommand.TABLE, SemiSupervisedCommand.row(model, false, fraction)),
        row(SemiSupervisedCommand.TABLE, SemiSupervisedCommand.row(model, true, fraction)));
  }
}
