package io.tfssl.cli;

import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The values {@code pretrain}'s preset-controlled flags take when not given, for its help: they
 * come from the preset of each method, so the option list cannot show them as fixed defaults.
 * Computed from {@link Presets}, so the help cannot drift from the code.
 */
final class PresetDefaults {
  private PresetDefaults() {}

  /** Help lines: one per method of {@code preset}. */
  static List<String> lines(String preset) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add(
        "Defaults from --preset " + preset + " (flags override; --print-config shows" + " all):");
    for (String m : PretrainConfig.METHODS) {
      PretrainConfig c = Presets.get(preset, m);
      // Two lines per method: picocli wraps help at 80 columns.
      out.add(
          String.format(
              Locale.ROOT,
              "  %-8s --batch-size %d --epochs %d --encoder %s",
              m,
              c.batchSize(),
              c.epochs(),
              c.encoder()));
      out.add(
          String.format(
              Locale.ROOT,
              "           --optimizer %s --lr %s --weight-decay %s" + " --warmup-epochs %s",
              c.optimizer().name().toLowerCase(Locale.ROOT),
              num(c.baseLr()),
              num(c.weightDecay()),
              num(c.warmupEpochs())));
    }
    return out;
  }

  /** 0.3, 1, 0.0005: the shortest plain form, as one would type it. */
  private static String num(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
