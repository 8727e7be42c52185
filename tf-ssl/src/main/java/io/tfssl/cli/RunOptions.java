package io.tfssl.cli;

import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.train.PretrainConfig;
import picocli.CommandLine.Option;

/**
 * {@code pretrain}'s bookkeeping and execution: logging, checkpoints, threads, device and
 * arithmetic, the monitors and the progress display.
 */
final class RunOptions {
  @Option(names = "--log-every", paramLabel = "K", description = "Write metrics every K steps.")
  Integer logEvery;

  @Option(names = "--checkpoint-every", paramLabel = "M", description = "Checkpoint every M steps.")
  Integer checkpointEvery;

  @Option(names = "--keep-checkpoints", paramLabel = "N", description = "Checkpoints to keep.")
  Integer keepCheckpoints;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "Cores TF may use, both thread pools (0 = all cores).")
  Integer threads;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      converter = DeviceConverter.class,
      description =
          "Where to train: auto (default: the GPU when TensorFlow sees one, else the "
              + "CPU), cpu, or gpu (an error when TensorFlow sees no GPU; needs the -Pgpu build with "
              + "CUDA 12 and cuDNN 9). The devices TF sees are printed at start-up. May change on "
              + "--resume.")
  Device device;

  @Option(
      names = "--precision",
      paramLabel = "fp32|fp16|bf16",
      converter = PrecisionConverter.class,
      description =
          "Arithmetic of the step (default fp32): fp16 on a GPU (TF auto mixed "
              + "precision with a dynamic loss scale), bf16 on the CPU (TF's oneDNN bfloat16 rewrite; "
              + "fast only on CPUs with AVX512-BF16 or AMX). Weights stay float32.")
  Precision precision;

  @Option(
      names = "--knn-monitor",
      paramLabel = "N",
      description =
          "Every epoch, kNN top-1 of a bank of the first N training images against the"
              + " first N/5 test images, in metrics.jsonl (0 = off; SimSiam §4.1 monitor).")
  Integer knnMonitor;

  @Option(
      names = "--online-probe",
      negatable = true,
      description =
          "Train a linear classifier on the stop-gradient representation alongside and"
              + " log its accuracy as probe_top1 (needs labels).")
  Boolean onlineProbe;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Progress bar (default: when on a terminal; else log lines).")
  Boolean progress;

  /** Applies every given value that is part of the config to {@code b} (not --progress). */
  void applyTo(PretrainConfig.Builder b) {
    if (logEvery != null) b.logEvery(logEvery);
    if (checkpointEvery != null) b.checkpointEvery(checkpointEvery);
    if (keepCheckpoints != null) b.keepCheckpoints(keepCheckpoints);
    if (threads != null) b.threads(threads);
    if (knnMonitor != null) b.knnMonitor(knnMonitor);
    if (onlineProbe != null) b.onlineProbe(onlineProbe);
    if (device != null) b.device(device);
    if (precision != null) b.precision(precision);
  }

  static final class DeviceConverter extends EnumConverter<Device> {
    DeviceConverter() {
      super(Device.class);
    }
  }

  static final class PrecisionConverter extends EnumConverter<Precision> {
    PrecisionConverter() {
      super(Precision.class);
    }
  }
}
