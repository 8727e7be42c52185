package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.compute.Device;
import io.tfssl.train.PretrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The table of {@code pretrain} flag kinds ({@link PretrainFlags}) against the command itself, and
 * {@code --resume}'s behaviour for every flag of the table: a recipe flag repeating the run's value
 * is accepted and a different value refused naming both; a run flag applies. The cases are derived
 * from the table: a flag added to the command without a kind, or added to the table without a case
 * here, fails.
 */
class PretrainFlagsTest {
  /** A recipe flag's case: the method it applies to, extra flags it needs, two values. */
  record Recipe(String method, List<String> needs, List<String> a, List<String> b) {}

  private static Recipe r(String method, String a, String b, String... needs) {
    return new Recipe(method, List.of(needs), List.of(a.split(" ")), List.of(b.split(" ")));
  }

  static final Map<String, Recipe> RECIPE = new LinkedHashMap<>();

  /** A run flag's case: its arguments and what it sets in the resumed config (null: nothing). */
  static final Map<String, Map.Entry<List<String>, Function<PretrainConfig, Object>>> RUN =
      new LinkedHashMap<>();

  static {
    RECIPE.put("--method", r("simsiam", "--method simsiam", "--method byol"));
    RECIPE.put("--preset", r("simsiam", "--preset fmnist-small", "--preset simsiam-cifar"));
    RECIPE.put("--batch-size", r("simsiam", "--batch-size 64", "--batch-size 32"));
    RECIPE.put("--seed", r("simsiam", "--seed 1", "--seed 2"));
    RECIPE.put("--dataset", r("simsiam", "--dataset fashion-mnist", "--dataset mnist"));
    RECIPE.put("--data-dir", r("simsiam", "--data-dir /data/a", "--data-dir /data/b"));
    RECIPE.put("--image-size", r("simsiam", "--image-size 28", "--image-size 32"));
    RECIPE.put(
        "--skip-bad-images",
        r("simsiam", "--skip-bad-images", "--no-skip-bad-images", "--dataset", "folder"));
    RECIPE.put("--encoder", r("simsiam", "--encoder small", "--encoder resnet18"));
    RECIPE.put("--stem", r("simsiam", "--stem cifar", "--stem imagenet", "--encoder", "resnet18"));
    RECIPE.put(
        "--zero-init-residual",
        r("simsiam", "--zero-init-residual", "--no-zero-init-residual", "--encoder", "resnet18"));
    RECIPE.put("--optimizer", r("simsiam", "--optimizer sgd", "--optimizer lars"));
    RECIPE.put("--lr", r("simsiam", "--lr 0.1", "--lr 0.2"));
    RECIPE.put("--lr-scaling", r("simsiam", "--lr-scaling", "--no-lr-scaling"));
    RECIPE.put("--lr-schedule", r("simsiam", "--lr-schedule cosine", "--lr-schedule constant"));
    RECIPE.put("--warmup-epochs", r("simsiam", "--warmup-epochs 1", "--warmup-epochs 2"));
    RECIPE.put("--momentum", r("simsiam", "--momentum 0.8", "--momentum 0.85"));
    RECIPE.put("--weight-decay", r("simsiam", "--weight-decay 0.001", "--weight-decay 0.002"));
    RECIPE.put(
        "--lars-eta", r("simsiam", "--lars-eta 0.001", "--lars-eta 0.002", "--optimizer", "lars"));
    RECIPE.put("--decay-bias-bn", r("simsiam", "--decay-bias-bn", "--no-decay-bias-bn"));
    RECIPE.put(
        "--projector-dims", r("simsiam", "--projector-dims 512,512", "--projector-dims 256,512"));
    RECIPE.put(
        "--predictor-dims", r("simsiam", "--predictor-dims 128,512", "--predictor-dims 64,512"));
    RECIPE.put("--head-bn", r("simsiam", "--head-bn hidden", "--head-bn all"));
    RECIPE.put("--stop-gradient", r("simsiam", "--stop-gradient", "--no-stop-gradient"));
    RECIPE.put("--predictor", r("simsiam", "--predictor mlp", "--predictor none"));
    RECIPE.put(
        "--predictor-momentum",
        r(
            "simsiam",
            "--predictor-momentum 0.8",
            "--predictor-momentum 0.5",
            "--predictor",
            "moving-average"));
    RECIPE.put(
        "--alternation-steps", r("simsiam", "--alternation-steps 2", "--alternation-steps 3"));
    RECIPE.put("--predictor-lr", r("simsiam", "--predictor-lr fixed", "--predictor-lr decayed"));
    RECIPE.put("--similarity", r("simsiam", "--similarity cosine", "--similarity cross-entropy"));
    RECIPE.put("--symmetry", r("simsiam", "--symmetry symmetric", "--symmetry asymmetric"));
    RECIPE.put("--tau", r("byol", "--tau 0.99", "--tau 0.996"));
    RECIPE.put("--tau-schedule", r("byol", "--tau-schedule cosine", "--tau-schedule constant"));
    RECIPE.put("--temperature", r("simclr", "--temperature 0.1", "--temperature 0.2"));
    RECIPE.put("--queue-size", r("mocov2", "--queue-size 1024", "--queue-size 2048"));
    RECIPE.put(
        "--shuffle-bn-groups", r("mocov2", "--shuffle-bn-groups 1", "--shuffle-bn-groups 2"));
    RECIPE.put("--prototypes", r("swav", "--prototypes 100", "--prototypes 200"));
    RECIPE.put(
        "--sinkhorn-iterations", r("swav", "--sinkhorn-iterations 3", "--sinkhorn-iterations 5"));
    RECIPE.put("--epsilon", r("swav", "--epsilon 0.05", "--epsilon 0.03"));
    RECIPE.put("--small-crops", r("swav", "--small-crops 0", "--small-crops 2"));
    RECIPE.put("--small-crop-size", r("swav", "--small-crop-size 12", "--small-crop-size 16"));
    RECIPE.put(
        "--small-crop-scale",
        r("swav", "--small-crop-scale 0.05,0.14", "--small-crop-scale 0.1,0.3"));
    RECIPE.put("--online-probe", r("simsiam", "--online-probe", "--no-online-probe"));
    RECIPE.put("--precision", r("simsiam", "--precision fp32", "--precision bf16"));
    // Recorded in cluster.json; a run folder without one is a single process without towers.
    RECIPE.put("--towers", r("simsiam", "--towers 1", "--towers 2"));
    RECIPE.put("--sync-bn", r("simsiam", "--no-sync-bn", "--sync-bn"));
    // Two recipe files written by writeConfigFiles (TMP is the test's folder).
    RECIPE.put("--config", r("simsiam", "--config TMP/seed1.yaml", "--config TMP/seed2.json"));
    RECIPE.put(
        "--label-offset",
        r("simsiam", "--label-offset 0", "--label-offset -1", "--dataset", "tfrecord"));
    RECIPE.put(
        "--num-classes",
        r("simsiam", "--num-classes 5", "--num-classes 6", "--dataset", "tfrecord"));
    RECIPE.put(
        "--image-key",
        r("simsiam", "--image-key img", "--image-key jpeg", "--dataset", "tfrecord"));
    RECIPE.put(
        "--label-key",
        r("simsiam", "--label-key cls", "--label-key label", "--dataset", "tfrecord"));

    run("--epochs 3", PretrainConfig::epochs, 3);
    run("--steps 7", PretrainConfig::steps, 7L);
    run("--log-every 5", PretrainConfig::logEvery, 5);
    run("--checkpoint-every 9", PretrainConfig::checkpointEvery, 9);
    run("--keep-checkpoints 2", PretrainConfig::keepCheckpoints, 2);
    run("--threads 1", PretrainConfig::threads, 1);
    run("--device cpu", PretrainConfig::device, Device.CPU);
    run("--knn-monitor 100", PretrainConfig::knnMonitor, 100);
    // Not part of the config: applied by the command to the trainer and the cluster.
    run("--progress", null, null);
    run("--cluster 127.0.0.1:1,127.0.0.1:2", null, null);
    run("--task-index 0", null, null);
    run("--collective-timeout 30", null, null);
    run("--communication ring", null, null);
  }

  private static void run(String args, Function<PretrainConfig, Object> field, Object value) {
    RUN.put(
        args.split(" ")[0],
        Map.entry(
            List.of(args.split(" ")),
            field == null
                ? c -> null
                : c -> field.apply(c).equals(value) ? "applied" : field.apply(c)));
  }

  @TempDir static Path tmp;

  @org.junit.jupiter.api.BeforeAll
  static void writeConfigFiles() throws java.io.IOException {
    java.nio.file.Files.writeString(tmp.resolve("seed1.yaml"), "seed: 1\n");
    java.nio.file.Files.writeString(tmp.resolve("seed2.json"), "{\"seed\": 2}");
  }

  private static PretrainCommand parse(List<String> args) {
    PretrainCommand c = new PretrainCommand();
    new CommandLine(c)
        .parseArgs(args.stream().map(a -> a.replace("TMP", tmp.toString())).toArray(String[]::new));
    return c;
  }

  private static List<String> args(
      String method, List<String> needs, List<String> value, boolean resume) {
    List<String> a = new ArrayList<>(List.of("--out", tmp.resolve("run").toString()));
    if (!value.get(0).equals("--method")) {
      a.addAll(List.of("--method", method));
    }
    a.addAll(needs);
    a.addAll(value);
    if (resume) {
      a.add("--resume");
    }
    return a;
  }

  @Test
  void everyPretrainFlagHasAKindAndACase() {
    Set<String> options = new TreeSet<>();
    for (OptionSpec o :
        TfSsl.commandLine().getSubcommands().get("pretrain").getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        options.add(o.longestName());
      }
    }
    assertEquals(
        options,
        new TreeSet<>(PretrainFlags.all()),
        "every pretrain option has exactly one kind in PretrainFlags, and nothing else does");
    assertEquals(
        PretrainFlags.ofKind(PretrainFlags.Kind.RECIPE),
        RECIPE.keySet(),
        "every recipe flag has a case here");
    assertEquals(
        PretrainFlags.ofKind(PretrainFlags.Kind.RUN),
        RUN.keySet(),
        "every run flag has a case here");
  }

  static Stream<String> recipeFlags() {
    return RECIPE.keySet().stream();
  }

  static Stream<String> runFlags() {
    return RUN.keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recipeFlags")
  void aRecipeFlagRepeatingTheRunIsAcceptedAndAChangeRefusedNamingBothValues(String flag) {
    Recipe c = RECIPE.get(flag);
    PretrainConfig saved = parse(args(c.method(), c.needs(), c.a(), false)).config();
    PretrainCommand same = parse(args(c.method(), c.needs(), c.a(), true));
    assertEquals(saved, same.resumedConfig(saved), flag + ": the original command, resumed");
    assertDoesNotThrow(same::checkClusterLayoutOnResume);

    PretrainCommand changed = parse(args(c.method(), c.needs(), c.b(), true));
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> {
              changed.resumedConfig(saved);
              changed.checkClusterLayoutOnResume();
            },
            flag + " changed on resume");
    assertTrue(e.getMessage().contains(" in the run, "), e.getMessage());
  }

  @Test
  void aRefusalNamesTheSavedAndTheGivenValue() {
    PretrainConfig saved =
        parse(args("simsiam", List.of(), List.of("--seed", "3"), false)).config();
    UsageException e =
        assertThrows(
            UsageException.class,
            () ->
                parse(args("simsiam", List.of(), List.of("--seed", "4"), true))
                    .resumedConfig(saved));
    assertTrue(e.getMessage().contains("seed: 3 in the run, 4 given"), e.getMessage());
    UsageException sg =
        assertThrows(
            UsageException.class,
            () ->
                parse(args("simsiam", List.of(), List.of("--no-stop-gradient"), true))
                    .resumedConfig(saved));
    assertTrue(
        sg.getMessage().contains("simsiam.stopGradient: true in the run, false given"),
        sg.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runFlags")
  void aRunFlagAppliesToTheResumedRun(String flag) {
    PretrainConfig saved = parse(args("byol", List.of(), List.of("--seed", "5"), false)).config();
    var c = RUN.get(flag);
    PretrainCommand resumed = parse(args("byol", List.of(), c.getKey(), true));
    PretrainConfig config = resumed.resumedConfig(saved);
    Object applied = c.getValue().apply(config);
    if (applied != null) {
      assertEquals("applied", applied, flag);
      assertFalse(config.equals(saved), flag + " changes the resumed config");
    } else {
      assertEquals(saved, config, flag + " is not part of the config");
    }
  }

  @Test
  void withoutMethodOrPresetTheRunsOwnAreKept() {
    PretrainConfig saved = parse(args("byol", List.of(), List.of("--tau", "0.99"), false)).config();
    PretrainCommand bare =
        parse(List.of("--out", tmp.resolve("run").toString(), "--resume", "--threads", "1"));
    PretrainConfig c = bare.resumedConfig(saved);
    assertEquals("byol", c.method());
    assertEquals(1, c.threads());
    assertEquals(saved.tauBase(), c.tauBase());
  }
}
