package io.tfssl.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.cli.UsageException;
import io.tfssl.compute.Device;
import io.tfssl.compute.Precision;
import io.tfssl.nn.Encoders;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl bench step}: the time of one full training step. */
@Command(
    name = "step",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times one full training step (both views, forward, backward, optimizer update, BN "
          + "statistics, BYOL's target EMA, global step) on one fixed batch of random bytes, "
          + "with the papers' heads: SimSiam projector 2048-2048 and predictor 512-2048, "
          + "BYOL projector and predictor 4096-256.",
      "small: 28x28x1 input; resnet18 (and the other ResNets): 32x32x3 with the CIFAR stem.",
      "Reports the median ms/step, images/s, achieved GFLOP/s (step FLOPs x batch / median "
          + "time), min/max ms, encoder MFLOP/image and peak RSS.",
      "TensorFlow's oneDNN kernels are on by default only on some CPUs; "
          + "TF_ENABLE_ONEDNN_OPTS=1 turns them on (recorded in the output)."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl bench step --method simsiam --encoder small --batch-size 256",
      "  tfssl bench step --method byol --encoder resnet18 --batch-size 64 --augment",
      "  tfssl bench step --method simsiam --encoder small --batch-size 8 --steps 2 --json",
      "  tfssl bench step --method simsiam --encoder resnet18 --batch-size 64 --precision bf16",
      "  tfssl bench step --method byol --encoder resnet50 --image-size 224 --batch-size 256 "
          + "--device gpu --precision fp16"
    })
public final class StepBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  @Option(
      names = "--method",
      required = true,
      paramLabel = "simsiam|byol|simclr|mocov2|swav",
      description = "Method whose step to time.")
  String method;

  @Option(
      names = "--encoder",
      required = true,
      paramLabel = "small|resnet18",
      description =
          "Backbone: small (28x28x1) or resnet18 (32x32x3, CIFAR stem); resnet34 and "
              + "resnet50 are accepted too.")
  String encoder;

  @Option(
      names = "--batch-size",
      required = true,
      paramLabel = "B",
      description = "Images per step.")
  int batchSize;

  @Option(
      names = "--augment",
      description =
          "Augment in the graph as training does (small: the preset's views; ResNets: "
              + "SimSiam's views or BYOL's view 1/2). Default: identity crop, view 2 mirrored "
              + "(network only; two identical views would be merged into one encoder pass).")
  boolean augment;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Timed steps (default 20 for small, 10 for the ResNets).")
  Integer steps;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      defaultValue = "" + StepBenchSpec.DEFAULT_WARMUP,
      description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "0",
      description = "TF intra- and inter-op threads (default 0: TF's choice, every core).")
  int threads;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the random bytes, the initialization and the augmentation.")
  long seed;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      defaultValue = "0",
      description =
          "ResNets: side of the synthetic input (default 32, CIFAR stem; above 64 the "
              + "ImageNet stem and normalization, e.g. 224).")
  int imageSize;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      defaultValue = "auto",
      converter = DeviceConverter.class,
      description =
          "Where to run, as for pretrain (default: ${DEFAULT-VALUE}; gpu fails when "
              + "TensorFlow sees no GPU).")
  Device device;

  @Option(
      names = "--precision",
      paramLabel = "fp32|fp16|bf16",
      defaultValue = "fp32",
      converter = PrecisionConverter.class,
      description =
          "Arithmetic of the step, as for pretrain (default: ${DEFAULT-VALUE}; fp16 "
              + "on a GPU, bf16 on the CPU). The JSON line counts the conv/matmul ops TF ran in 16 "
              + "bits.")
  Precision precision;

  @Option(names = "--json", description = "Print exactly one JSON line instead of a report.")
  boolean json;

  @Option(
      names = "--profile",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "After the timed steps, trace one more step and show the K op types and "
              + "name scopes with the most op time (on standard error with --json). Default 0: off.")
  int profile;

  @Override
  public Integer call() throws JsonProcessingException {
    StepBenchSpec spec;
    try {
      spec =
          new StepBenchSpec(
              method,
              encoder,
              batchSize,
              augment,
              steps != null ? steps : StepBenchSpec.defaultSteps(encoder),
              warmup,
              threads,
              seed,
              imageSize,
              device,
              precision);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (profile < 0) {
      throw new UsageException("--profile cannot be negative, got " + profile);
    }
    StepBenchResult r = StepBench.run(spec, profile > 0);
    PrintWriter out = commandSpec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(r.toJson()));
    } else {
      out.print(report(r));
    }
    out.flush();
    if (r.profile() != null) {
      PrintWriter where = json ? commandSpec.commandLine().getErr() : out;
      where.print(r.profile().format(profile));
      where.flush();
    }
    return 0;
  }

  static final class DeviceConverter implements CommandLine.ITypeConverter<Device> {
    @Override
    public Device convert(String value) {
      try {
        return Device.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class PrecisionConverter implements CommandLine.ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
      try {
        return Precision.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The human-readable report. */
  static String report(StepBenchResult r) {
    StepBenchSpec s = r.spec();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "bench step: %s, encoder %s (%s input%s), batch %d, %s%n",
            s.method(),
            s.encoder(),
            s.inputLabel(),
            s.isSmall()
                ? ""
                : ", "
                    + Encoders.stemFor((int) s.imageShape()[0]).name().toLowerCase(Locale.ROOT)
                    + " stem",
            s.batchSize(),
            s.augment()
                ? "augmented views"
                : "identity-crop views, view 2 mirrored (network only)"));
    b.append(
        String.format(
            Locale.ROOT,
            "  heads        projector %s, predictor %s%n",
            s.projectorLabel(),
            s.predictorLabel()));
    b.append(
        String.format(
            Locale.ROOT,
            "  steps        %d warm-up + %d timed, threads %s%n",
            s.warmup(),
            s.steps(),
            s.threads() == 0 ? "TF default" : String.valueOf(s.threads())));
    b.append(
        String.format(
            Locale.ROOT,
            "  ms/step      median %.1f   min %.1f   max %.1f%n",
            r.msMedian(),
            r.msMin(),
            r.msMax()));
    b.append(String.format(Locale.ROOT, "  images/s     %.1f%n", r.imagesPerSecond()));
    b.append(
        String.format(
            Locale.ROOT,
            "  GFLOP/s      %.2f   (step %.1f MFLOP/image; encoder "
                + "forward %.1f MFLOP/image)%n",
            r.gflopsPerSecond(),
            r.stepFlopsPerImage() / 1e6,
            r.encoderFlopsPerImage() / 1e6));
    b.append(
        String.format(
            Locale.ROOT,
            "  peak RSS     %s%n",
            Double.isNaN(r.peakRssMb())
                ? "unknown"
                : String.format(Locale.ROOT, "%.0f MB", r.peakRssMb())));
    b.append(String.format(Locale.ROOT, "  final loss   %.4f%n", r.finalLoss()));
    b.append(
        String.format(
            Locale.ROOT,
            "  device       %s, precision %s%s%n",
            r.device(),
            s.precision().cli(),
            r.placement() == null ? "" : "; " + r.placement().describe()));
    b.append(
        String.format(
            Locale.ROOT,
            "  TF %s on %s, %d cores, TF_ENABLE_ONEDNN_OPTS %s%n",
            r.tfVersion(),
            r.cpuModel(),
            r.cores(),
            r.oneDnnOpts() == null ? "unset (TF's default for this CPU)" : "=" + r.oneDnnOpts()));
    return b.toString();
  }
}
