package io.tfssl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.data.DataInspection;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tfssl data inspect}: what a dataset holds and whether it reads cleanly. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Look at datasets.",
    subcommands = {DataCommand.Inspect.class})
public final class DataCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = {
        "Counts the images, prints their shape, the label histogram, the per-channel "
            + "pixel mean and std, and the first record that fails to read."
      },
      footer = {
        "",
        "Example:",
        "  tfssl data inspect --dataset fashion-mnist --report fmnist.json"
      })
  static final class Inspect implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "0",
        description = "Look at the first N images only (default: all).")
    int limit;

    @Option(
        names = "--report",
        paramLabel = "FILE.json",
        description = "Also write the result as JSON.")
    Path report;

    @Override
    public Integer call() throws IOException {
      CliChecks.nonNegative("--limit", limit);
      CliChecks.writableFile("--report", report);
      ImageSource source = data.open();
      try {
        DataInspection r = DataInspection.of(source, limit);
        System.out.printf("dataset      %s (%s)%n", data.dataset, r.name());
        System.out.printf("images       %d%n", r.images());
        System.out.printf("shape        %d x %d x %d%n", r.height(), r.width(), r.channels());
        System.out.printf("labels       %s%n", r.labelHistogram());
        System.out.printf("pixel mean   %s%n", format(r.channelMean()));
        System.out.printf("pixel std    %s%n", format(r.channelStd()));
        System.out.printf(
            "first bad    %s%n",
            r.firstBadRecord() < 0
                ? "none"
                : "record " + r.firstBadRecord() + ": " + r.firstBadMessage());
        if (report != null) {
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValue(report.toFile(), r.toMap());
          System.out.println("report       " + report);
        }
        return r.firstBadRecord() < 0 ? 0 : 1;
      } finally {
        Sources.closeQuietly(source);
      }
    }

    private static String format(double[] v) {
      return Arrays.stream(v).mapToObj(x -> String.format("%.4f", x)).toList().toString();
    }
  }
}
