package io.tfssl.bench.repro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.bench.Machine;
import io.tfssl.cli.CliChecks;
import io.tfssl.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tfssl bench claims}: reads the long-scale tables and writes {@code claims.md} and {@code
 * claims.json}, a verdict per claim of the papers ({@link Claims}) backed by the statistic of its
 * rows ({@link ClaimStatistic}).
 */
@Command(
    name = "claims",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Judges the papers' claims from the long-scale reproduction tables: for each claim, the"
          + " difference of the two rows' means over the seeds (linear top-1, and kNN top-1"
          + " beside it), Welch's t-test, a 95%% bootstrap interval and the noise floor (half"
          + " the 95%% t-interval), and a verdict: reproduced; not reproduced (the opposite, or"
          + " no significant gap where the paper's gap exceeds the noise floor, with what the"
          + " rows measured); below this scale's resolution (the paper's gap is smaller than"
          + " the noise floor); not resolved yet (a partial table); or not measured (table or"
          + " rows missing, fewer than 2 seeds, or a table measured only at a shorter scale).",
      "Writes RESULTS/claims.md, claims.json and claims.png (each tested claim's difference"
          + " with its noise floor, coloured by verdict)."
    },
    footer = {"", "Example:", "  tfssl bench claims"})
public final class ClaimsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--tables",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results/long",
      description = "Folder with the tables' JSON files (default: ${DEFAULT-VALUE}).")
  Path tables;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      defaultValue = "tf-ssl-bench/results",
      description = "Where claims.md and claims.json go (default: ${DEFAULT-VALUE}).")
  Path results;

  /** The runs of one table as its JSON file holds them. */
  record TableRuns(String name, String scale, int planned, List<JsonNode> runs) {
    boolean partial() {
      return runs.size() < planned;
    }
  }

  /**
   * One metric's test of one claim and its verdict; the statistic is null when there is no test
   * (the verdict says why).
   */
  record Judged(String metric, ClaimStatistic statistic, ClaimVerdict verdict, String measured) {}

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(tables)) {
      throw new UsageException("--tables: no folder " + tables);
    }
    CliChecks.writableDirectory("--results", results);
    Instant now = Instant.now();
    Map<String, TableRuns> loaded = new TreeMap<>();
    List<Map<String, Object>> json = new ArrayList<>();
    StringBuilder rows = new StringBuilder();
    StringBuilder details = new StringBuilder();
    List<Claim> claims = Claims.all();
    List<List<Judged>> judgedAll = new ArrayList<>();
    for (Claim c : claims) {
      List<Judged> judged = new ArrayList<>();
      for (String metric : metrics(c.higher().table())) {
        judged.add(judge(c, metric, loaded));
      }
      judgedAll.add(judged);
    }
    List<Judged> decisives = judgedAll.stream().map(ClaimsCommand::decisive).toList();
    double[] p =
        decisives.stream()
            .mapToDouble(d -> d.statistic() == null ? Double.NaN : d.statistic().p())
            .toArray();
    double[] holm = HolmCorrection.adjust(p);
    long tested = java.util.Arrays.stream(p).filter(x -> !Double.isNaN(x)).count();
    List<ClaimsPlot.Bar> bars = new ArrayList<>();
    for (int i = 0; i < claims.size(); i++) {
      Claim c = claims.get(i);
      List<Judged> judged = judgedAll.get(i);
      Judged decisive = decisives.get(i);
      Judged knn =
          judged.stream().filter(j -> j.metric().equals("knnTop1")).findFirst().orElse(null);
      rows.append(
          String.format(
              Locale.ROOT,
              "| [%s](#%s) | %s | %s | %s | %s | %s | %s | %s | **%s** |%n",
              c.id(),
              c.id(),
              c.statement(),
              Double.isFinite(c.paperGap())
                  ? String.format(Locale.ROOT, "%.1f", c.paperGap())
                  : "no number",
              metricName(decisive.metric()),
              cell(decisive),
              decisive.statistic() == null
                  ? "n/a"
                  : String.format(Locale.ROOT, "±%.2f", 100 * decisive.statistic().noiseFloor()),
              pValue(holm[i]),
              knn == null || knn == decisive ? "" : cell(knn),
              decisive.verdict().words()));
      details.append(detail(c, judged, decisive, holm[i], tested, loaded.get(c.higher().table())));
      if (decisive.statistic() != null) {
        bars.add(
            new ClaimsPlot.Bar(
                c.id(),
                100 * decisive.statistic().difference(),
                100 * decisive.statistic().noiseFloor(),
                decisive.verdict().kind()));
      }
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("id", c.id());
      j.put("statement", c.statement());
      j.put("source", c.source());
      j.put("paper_gap_points", Double.isFinite(c.paperGap()) ? c.paperGap() : null);
      j.put("higher", c.higher().toString());
      j.put("lower", c.lower().toString());
      j.put("table", c.higher().table());
      for (Judged x : judged) {
        j.put(x.metric(), judgedJson(x));
      }
      j.put("holm_p", Double.isNaN(holm[i]) ? null : holm[i]);
      j.put("verdict", decisive.verdict().words());
      j.put("verdict_kind", decisive.verdict().kind().name().toLowerCase(Locale.ROOT));
      j.put("decided_on", decisive.metric());
      json.add(j);
    }
    String command =
        "./tfssl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    StringBuilder md = new StringBuilder();
    md.append("# The papers' claims, judged from the long-scale tables\n\n");
    md.append(
        "Written by `./tfssl bench claims` from the tables' JSON files; do not edit by hand.\n\n");
    md.append("- command: `").append(command).append("`\n");
    md.append("- date: ").append(now).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- machine: %d cores, %s; Java %s%n",
            Machine.cores(),
            Machine.cpuModel(),
            System.getProperty("java.version")));
    md.append("- tables read from `").append(tables).append("`:");
    if (loaded.values().stream().allMatch(t -> t == null)) {
      md.append(" none yet");
    }
    for (TableRuns t : loaded.values()) {
      if (t != null) {
        md.append(
            String.format(
                Locale.ROOT,
                " [%s](long/%s.md) (scale %s, %d of %d runs%s);",
                t.name(),
                t.name(),
                t.scale(),
                t.runs().size(),
                t.planned(),
                t.partial() ? ", partial" : ""));
      }
    }
    md.append('\n');
    md.append(
        "- statistic: per claim, the two quantities' values over the seeds (a row's top-1, or a"
            + " drop between two rows of one method, seed by seed); difference of the means;"
            + " Welch's two-sided t-test; 95% percentile bootstrap interval of the difference"
            + " (10,000 resamples of the seeds); the **noise floor**, half the width of Welch's"
            + " 95% t-interval of the difference (the smallest gap these seeds tell from zero)."
            + " **Reproduced** only when p < 0.05 and the bootstrap interval is above 0; **not"
            + " reproduced: the opposite** when p < 0.05 and the interval is below 0. Otherwise:"
            + " **below this scale's resolution** when the paper's own gap (the \"paper's gap\""
            + " column, its points of ImageNet top-1) is smaller than the noise floor; **not"
            + " resolved yet** while the table misses runs; else **not reproduced at this"
            + " scale**, quoting what the rows measured (each row's mean ± std, the untrained"
            + " floor, the failing row's encoder rank). The verdict is decided on linear top-1"
            + " (the papers' metric) where every run has it, on kNN top-1 otherwise. With 3 seeds"
            + " a side the bootstrap interval is coarse; the t-test is the stricter of the"
            + " two.\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- **multiple claims**: %d claims are tested here, each at 0.05, so a p-value under"
                + " 0.05 can come by chance alone. The \"Holm p\" column is the decisive test's"
                + " p-value after Holm's step-down correction over those %d tests (Holm 1979):"
                + " a reproduced claim whose Holm p is also under 0.05 holds for the whole family"
                + " (family-wise error 0.05); one whose Holm p is not is significant on its own"
                + " only. The verdicts use the per-claim rule above, chosen before the tables ran;"
                + " the column is beside it, not in it.%n",
            tested,
            tested));
    md.append(
        "- **reproduced is about the direction**: the claim's sign is significant at this scale."
            + " The size of the gap is the difference column; compare it with the paper's numbers"
            + " in the claim's source below (a gap of one point where the paper has tens"
            + " reproduces the direction, not the size of the effect).\n");
    md.append(
        "- **beside the verdict**: where a table repeats a claim's two rows at another setting"
            + " (the semi-supervised table's rows at another fine-tuning lr, named with it), the"
            + " claim's section quotes them with their own Welch test, and the encoder kernels'"
            + " norm at the start of fine-tuning against a fresh initialization (`KernelChange`)."
            + " They are diagnoses: the verdict is decided on the claim's own rows, at the"
            + " protocol fixed before the tables ran.\n");
    md.append(
        "- scale: the tables' long scale (README \"Long scale\"): Fashion-MNIST, the small"
            + " encoder, 5 epochs at batch 256 per run. The papers train ResNet-50 on ImageNet"
            + " for 100-1000 epochs; a verdict here says what this scale shows, not what the"
            + " paper's scale shows.\n\n");
    if (!bars.isEmpty()) {
      md.append(
          "![each tested claim's difference with its noise floor, coloured by verdict]"
              + "(claims.png)\n\n");
    }
    md.append("| claim | the paper says | paper's gap | decided on")
        .append(" | difference in points [95% CI], p | noise floor | Holm p | kNN top-1 beside it")
        .append(" | verdict |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    md.append(rows).append('\n');
    md.append(details);
    Files.createDirectories(results);
    Files.writeString(results.resolve("claims.md"), md.toString());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            results.resolve("claims.json").toFile(),
            Map.of("command", command, "date", now.toString(), "claims", json));
    ClaimsPlot.write(
        bars,
        String.format(
            Locale.ROOT,
            "The papers' claims at the long scale (%d of %d tested)",
            tested,
            claims.size()),
        results.resolve("claims.png"));
    System.out.println("wrote " + results.resolve("claims.md"));
    return 0;
  }

  private Judged judge(Claim c, String metric, Map<String, TableRuns> loaded) throws IOException {
    String name = c.higher().table();
    TableRuns t = loaded.containsKey(name) ? loaded.get(name) : load(name);
    loaded.put(name, t);
    if (t == null) {
      return notMeasured(metric, "table " + name + " not run at the long scale yet");
    }
    if (!t.scale().equals("long")) {
      return notMeasured(
          metric, "table " + name + " measured at scale " + t.scale() + ", not long");
    }
    double[] higher = values(t, c.higher(), metric);
    double[] lower = values(t, c.lower(), metric);
    if (higher.length < ClaimStatistic.MIN_SEEDS || lower.length < ClaimStatistic.MIN_SEEDS) {
      return notMeasured(
          metric,
          String.format(
              Locale.ROOT,
              "%d and %d seeds with a %s value so far (a test needs %d a side)",
              higher.length,
              lower.length,
              metricName(metric),
              ClaimStatistic.MIN_SEEDS));
    }
    ClaimStatistic s = ClaimStatistic.of(higher, lower);
    String measured = ClaimMeasurements.describe(t.runs(), c, metric);
    return new Judged(metric, s, ClaimVerdict.of(c.paperGap(), s, t.partial(), measured), measured);
  }

  private static Judged notMeasured(String metric, String why) {
    return new Judged(metric, null, ClaimVerdict.notMeasured(why), null);
  }

  /** The table's JSON file, or null when there is none. */
  private TableRuns load(String name) throws IOException {
    Path f = tables.resolve(name + ".json");
    if (!Files.isRegularFile(f)) {
      return null;
    }
    JsonNode root = new ObjectMapper().readTree(f.toFile());
    String scale = root.path("scale").path("name").asText("?");
    List<JsonNode> runs = new ArrayList<>();
    root.path("runs").forEach(runs::add);
    int planned =
        ReproTables.named(name)
            .map(t -> t.variants().apply(Scale.longScale()).size() * t.seeds(Scale.longScale()))
            .orElse(runs.size());
    return new TableRuns(name, scale, planned, runs);
  }

  /**
   * A quantity's finite values, one per seed: the row's metric, or the row's minus the other row's
   * for the seeds both have (a diverged run has no value and drops its seed).
   */
  static double[] values(TableRuns t, Claim.Quantity q, String metric) {
    Map<Long, Double> a = ClaimMeasurements.bySeed(t.runs(), q.row(), metric);
    if (q.minusRow() == null) {
      return a.values().stream().mapToDouble(Double::doubleValue).toArray();
    }
    Map<Long, Double> b = ClaimMeasurements.bySeed(t.runs(), q.minusRow(), metric);
    return a.entrySet().stream()
        .filter(e -> b.containsKey(e.getKey()))
        .mapToDouble(e -> e.getValue() - b.get(e.getKey()))
        .toArray();
  }

  private static String cell(Judged j) {
    if (j.statistic() == null) {
      return "n/a";
    }
    ClaimStatistic s = j.statistic();
    return String.format(
        Locale.ROOT,
        "%+.2f [%+.2f, %+.2f], p = %s",
        100 * s.difference(),
        100 * s.ciLow(),
        100 * s.ciHigh(),
        pValue(s.p()));
  }

  private static String pValue(double p) {
    return Double.isNaN(p)
        ? "n/a"
        : p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
  }

  /** The metrics a claim of {@code table} is judged on, the decisive one first. */
  static List<String> metrics(String table) {
    return table.equals(SemiSupervisedCommand.TABLE)
        ? List.of("finetuneTop1")
        : List.of("linearTop1", "knnTop1");
  }

  static String metricName(String metric) {
    return switch (metric) {
      case "knnTop1" -> "kNN top-1";
      case "finetuneTop1" -> "fine-tune top-1";
      default -> "linear top-1";
    };
  }

  /** The test the verdict is decided on: the first metric with a statistic. */
  private static Judged decisive(List<Judged> judged) {
    return judged.stream().filter(j -> j.statistic() != null).findFirst().orElse(judged.get(0));
  }

  private static String detail(
      Claim c, List<Judged> judged, Judged decisive, double holm, long tested, TableRuns table) {
    StringBuilder b = new StringBuilder();
    b.append("## ").append(c.id()).append("\n\n");
    b.append(c.statement()).append(" Source: ").append(c.source()).append(".\n\n");
    b.append("- larger: `")
        .append(c.higher())
        .append("`; smaller: `")
        .append(c.lower())
        .append("` (table `")
        .append(c.higher().table())
        .append("`)\n");
    for (Judged j : judged) {
      String name = metricName(j.metric());
      if (j.statistic() == null) {
        b.append("- ").append(name).append(": ").append(j.verdict().words()).append('\n');
      } else {
        ClaimStatistic s = j.statistic();
        b.append(
            String.format(
                Locale.ROOT,
                "- %s: larger %s, smaller %s (%% per seed); difference %+.2f points, 95%% CI"
                    + " [%+.2f, %+.2f], Welch p = %s, noise floor ±%.2f: %s%n",
                name,
                percents(s.higher()),
                percents(s.lower()),
                100 * s.difference(),
                100 * s.ciLow(),
                100 * s.ciHigh(),
                pValue(s.p()),
                100 * s.noiseFloor(),
                s.outcome().words));
      }
    }
    if (decisive.measured() != null) {
      b.append("- measured (")
          .append(metricName(decisive.metric()))
          .append("): ")
          .append(decisive.measured())
          .append('\n');
    }
    if (table != null && decisive.statistic() != null) {
      // Diagnoses beside the verdict: the same two rows at another setting, and how the
      // fine-tuned encoder's kernels started and moved (see KernelChange).
      for (String v : ClaimMeasurements.variants(table.runs(), c, decisive.metric())) {
        b.append("- beside it, not judged (another setting): ").append(v).append('\n');
      }
      for (Claim.Quantity q : List.of(c.higher(), c.lower())) {
        String k = ClaimMeasurements.kernels(table.runs(), q.row());
        if (k != null) {
          b.append("- encoder kernels: ").append(k).append('\n');
        }
      }
    }
    if (!Double.isNaN(holm)) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Holm-adjusted p over the %d claims tested: %s (%s)%n",
              tested,
              pValue(holm),
              holm < ClaimStatistic.ALPHA
                  ? "under 0.05: the test stays significant over the whole family"
                  : "not under 0.05: not significant once the family is accounted for"));
    }
    b.append("- **verdict: ").append(decisive.verdict().words()).append("**\n\n");
    return b.toString();
  }

  private static String percents(double[] v) {
    List<String> out = new ArrayList<>();
    for (double x : v) {
      out.add(String.format(Locale.ROOT, "%.2f", 100 * x));
    }
    return String.join(", ", out);
  }

  private static Map<String, Object> judgedJson(Judged j) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (j.statistic() == null) {
      m.put("verdict", j.verdict().words());
      return m;
    }
    ClaimStatistic s = j.statistic();
    m.put("higher", s.higher());
    m.put("lower", s.lower());
    m.put("difference", s.difference());
    m.put("ci95", new double[] {s.ciLow(), s.ciHigh()});
    m.put("welch_p", s.p());
    m.put("noise_floor", s.noiseFloor());
    m.put("outcome", s.outcome().words);
    m.put("verdict", j.verdict().words());
    return m;
  }
}
