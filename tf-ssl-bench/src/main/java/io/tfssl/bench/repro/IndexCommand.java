package io.tfssl.bench.repro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench index}: regenerates the table list of {@code tf-ssl-bench/README.md} (between
 * its {@code <!-- tables:start -->} and {@code <!-- tables:end -->} markers) from the results
 * files, so the command and measured duration of every table come from the run that made it.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrites the list of tables in tf-ssl-bench/README.md from RESULTS/<table>.json:"
          + " each table's command, runs, and how long it took where it was measured."
    })
public final class IndexCommand implements Callable<Integer> {
  static final String START = "<!-- tables:start -->";
  static final String END = "<!-- tables:end -->";
  static final String LONG_START = "<!-- long-tables:start -->";
  static final String LONG_END = "<!-- long-tables:end -->";

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results",
      description = "Results folder (default: ${DEFAULT-VALUE}).")
  Path results;

  @Option(
      names = "--readme",
      paramLabel = "FILE",
      defaultValue = "tf-ssl-bench/README.md",
      description = "README to update (default: ${DEFAULT-VALUE}).")
  Path readme;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(readme)) {
      throw new io.tfssl.cli.UsageException("--readme: " + readme + " is not a file");
    }
    String text = Files.readString(readme);
    int a = text.indexOf(START);
    int b = text.indexOf(END);
    if (a < 0 || b < a) {
      throw new io.tfssl.cli.UsageException(readme + " has no " + START + " ... " + END + " block");
    }
    String block = START + "\n" + render(results, "results", null) + END;
    text = text.substring(0, a) + block + text.substring(b + END.length());
    // The long-scale tables (results/long), where the README has a block for them.
    int la = text.indexOf(LONG_START);
    int lb = text.indexOf(LONG_END);
    if (la >= 0 && lb > la) {
      String longBlock =
          LONG_START
              + "\n"
              + render(results.resolve("long"), "results/long", Scale.longScale())
              + LONG_END;
      text = text.substring(0, la) + longBlock + text.substring(lb + LONG_END.length());
    }
    Files.writeString(readme, text);
    System.out.println("updated " + readme);
    return 0;
  }

  /**
   * The table list of {@code results}, linked under {@code link}; with a {@code scale}, the runs
   * column says how many of the scale's runs a partial table holds.
   */
  static String render(Path results, String link, Scale scale) throws IOException {
    ObjectMapper json = new ObjectMapper();
    StringBuilder s = new StringBuilder();
    s.append("| table | reproduces | runs | time of its runs | command | results |\n");
    s.append("|---|---|---:|---:|---|---|\n");
    for (ReproTable t : ReproTables.all()) {
      Path f = results.resolve(t.name() + ".json");
      if (!Files.isRegularFile(f)) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | | not run yet | `./tfssl bench table %s%s` |" + " |%n",
                t.name(),
                t.source(),
                t.name(),
                scale == null ? "" : " --scale " + scale.name()));
        continue;
      }
      JsonNode r = json.readTree(f.toFile());
      // The sum of the runs' own durations, not the command's start to finish: a table finished
      // with --resume holds runs of several commands, and its "started" is the last one's.
      double seconds = 0;
      for (JsonNode run : r.get("runs")) {
        seconds += run.path("seconds").asDouble(0);
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.0f min on %s cores | `%s` | [md](%s/%s.md),"
                  + " [png](%s/%s.png), [json](%s/%s.json) |%n",
              t.name(),
              t.source(),
              runs(
                  r.get("runs").size(),
                  scale == null ? 0 : t.variants().apply(scale).size() * t.seeds(scale)),
              seconds / 60.0,
              r.path("machine").path("cores").asText("?"),
              r.get("command").asText(),
              link,
              t.name(),
              link,
              t.name(),
              link,
              t.name()));
    }
    return s.toString();
  }

  private static String runs(int done, int planned) {
    return planned == 0 || done >= planned ? String.valueOf(done) : done + " of " + planned;
  }
}
