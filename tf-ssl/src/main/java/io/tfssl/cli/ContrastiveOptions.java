package io.tfssl.cli;

import io.tfssl.method.MoCoConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SwavConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s switches of the methods that score a view against others through a softmax:
 * the temperature (SimCLR, MoCo v2, SwAV) and MoCo v2's queue of negatives and shuffling BN.
 */
final class ContrastiveOptions {
  @Option(
      names = "--temperature",
      paramLabel = "T",
      description =
          "SimCLR: NT-Xent temperature; MoCo v2: InfoNCE temperature; SwAV: softmax"
              + " temperature over the prototype scores.")
  Double temperature;

  @Option(
      names = "--queue-size",
      paramLabel = "K",
      description = "MoCo v2: number of negative keys in the queue.")
  Integer queueSize;

  @Option(
      names = "--shuffle-bn-groups",
      paramLabel = "G",
      description =
          "MoCo v2: batch-norm groups standing in for GPUs in shuffling BN (1 = off;"
              + " the batch must be a multiple).")
  Integer shuffleBnGroups;

  /** Fails for a flag given with a method that has no such part. */
  void requireApplicable(String method) {
    Given.rejectUnless(
        method.equals("simclr") || method.equals("mocov2") || method.equals("swav"),
        "SimCLR, MoCo v2 and SwAV",
        List.of(Given.of("--temperature", temperature)));
    Given.rejectUnless(
        method.equals("mocov2"),
        "MoCo v2",
        List.of(
            Given.of("--queue-size", queueSize), Given.of("--shuffle-bn-groups", shuffleBnGroups)));
  }

  SimClrConfig applyTo(SimClrConfig c) {
    return temperature != null ? c.withTemperature(temperature) : c;
  }

  MoCoConfig applyTo(MoCoConfig m) {
    if (temperature != null) m = m.withTemperature(temperature);
    if (queueSize != null) m = m.withQueueSize(queueSize);
    if (shuffleBnGroups != null) m = m.withShuffleBnGroups(shuffleBnGroups);
    return m;
  }

  SwavConfig applyTo(SwavConfig w) {
    return temperature != null ? w.withTemperature(temperature) : w;
  }
}
