package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import io.tfssl.embed.NpyWriter;
import io.tfssl.export.Exporter;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.RunInput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag of every command is driven with a bad value (or a combination that does not apply) and
 * must give exit code 2 and one clear line naming the problem, never a stack trace. {@link
 * #everyFlagHasACase} fails when a command gains a flag without a case here.
 */
class FlagValidationTest {
  @TempDir static Path tmp;
  static Path model;

  /** A case: the command line (MODEL and TMP are replaced) and a fragment of the message. */
  record Case(String line, String expected) {
    @Override
    public String toString() {
      return line;
    }
  }

  private static Case c(String line, String expected) {
    return new Case(line, expected);
  }

  static List<Case> cases() {
    List<Case> all = new ArrayList<>();
    String pre = "pretrain --out TMP/r ";
    for (String[] p :
        new String[][] {
          {"--method mocov9", "unknown method 'mocov9'"},
          {"--preset nope", "unknown preset 'nope'"},
          {"--config TMP/no-such.json", "--config: no such file"},
          {"--config TMP/a-file", "not valid JSON or YAML"},
          {"--config TMP/typo.json", "unknown key 'sed'"},
          {"--config TMP/typo.json --print-config=maybe", "'maybe'"},
          {"--method byol --preset simsiam-paper", "does not apply to byol"},
          {"--epochs 0", "positive number of epochs or steps"},
          {"--epochs -2", "positive number of epochs or steps"},
          {"--steps -5", "epochs and steps cannot be negative"},
          {"--batch-size 0", "batch size must be positive"},
          {"--batch-size x", "'x'"},
          {"--seed abc", "'abc'"},
          {"--dataset imagenet22k", "unknown dataset 'imagenet22k'"},
          {"--data-dir /nonexistent/fmnist", "/nonexistent/fmnist"},
          {"--image-size -1", "image size cannot be negative"},
          {
            "--dataset fashion-mnist --skip-bad-images",
            "--skip-bad-images applies only to the folder"
          },
          {"--encoder vgg", "unknown encoder 'vgg'"},
          {"--encoder small --stem cifar", "--stem applies only to the ResNet encoders"},
          {"--stem wide", "'wide'"},
          {
            "--encoder small --zero-init-residual",
            "--zero-init-residual applies only to the ResNet"
          },
          {"--optimizer adam", "'adam'"},
          {"--lr -1", "learning rate must be positive"},
          {"--lr NaN", "learning rate must be positive"},
          {"--optimizer sgd --no-lr-scaling --lr 0", "learning rate must be positive"},
          {"--lr-schedule step", "'step'"},
          {"--warmup-epochs -1", "warmup cannot be negative"},
          {"--momentum 1", "momentum must be in [0, 1)"},
          {"--weight-decay -0.1", "weight decay cannot be negative"},
          {"--method simsiam --lars-eta 0.001", "--lars-eta applies only to the LARS optimizer"},
          {"--method byol --lars-eta 0", "LARS eta must be positive"},
          {"--method byol --decay-bias-bn", "--decay-bias-bn applies only to the SGD optimizer"},
          {"--projector-dims 64,0", "projector's widths must be positive"},
          {"--predictor-dims 16,32", "predictor's output width"},
          {"--head-bn some", "'some' is not one of none, hidden, hidden-output, all"},
          {"--method byol --no-stop-gradient", "--stop-gradient applies only to SimSiam"},
          {"--method byol --predictor none", "--predictor applies only to SimSiam"},
          {"--predictor big", "'big'"},
          {"--method byol --predictor-lr fixed", "--predictor-lr applies only to SimSiam"},
          {"--predictor-lr sometimes", "--predictor-lr must be fixed or decayed"},
          {"--method byol --similarity cosine", "--similarity applies only to SimSiam"},
          {"--similarity dot", "'dot'"},
          {"--method byol --symmetry symmetric", "--symmetry applies only to SimSiam"},
          {"--symmetry twice", "'twice'"},
          {"--method simsiam --tau 0.99", "--tau applies only to BYOL"},
          {"--method byol --tau 1.5", "tau must be in [0, 1]"},
          {
            "--method swav --tau-schedule constant",
            "--tau-schedule applies only to BYOL and MoCo v2"
          },
          {"--method simclr --temperature 0", "temperature must be positive"},
          {
            "--method byol --temperature 0.1",
            "--temperature applies only to SimCLR, MoCo v2 and SwAV"
          },
          {"--method simclr --queue-size 4096", "--queue-size applies only to MoCo v2"},
          {"--method mocov2 --queue-size 0", "queue size must be at least 1"},
          {"--method swav --shuffle-bn-groups 2", "--shuffle-bn-groups applies only to MoCo v2"},
          {"--method mocov2 --shuffle-bn-groups 3", "must be a multiple of the shuffle-BN groups"},
          {"--method mocov2 --prototypes 30", "--prototypes applies only to SwAV"},
          {"--method swav --prototypes 0", "number of prototypes must be at least 1"},
          {"--method simclr --sinkhorn-iterations 3", "--sinkhorn-iterations applies only to SwAV"},
          {"--method swav --sinkhorn-iterations 0", "Sinkhorn iterations must be at least 1"},
          {"--method byol --epsilon 0.05", "--epsilon applies only to SwAV"},
          {"--method swav --epsilon -1", "epsilon must be positive"},
          {"--method mocov2 --small-crops 2", "--small-crops applies only to SwAV"},
          {"--method swav --small-crops -1", "number of small crops"},
          {"--method simclr --small-crop-size 14", "--small-crop-size applies only to SwAV"},
          {"--method swav --small-crop-size 0", "small crops' size"},
          {"--method simclr --small-crop-scale 0.1,0.4", "--small-crop-scale applies only to SwAV"},
          {
            "--method swav --small-crop-scale 0.5,0.2", "small crop scales need 0 < min <= max <= 1"
          },
          {"--method swav --small-crop-scale 0.5", "--small-crop-scale takes MIN,MAX"},
          {"--method byol --alternation-steps 10", "--alternation-steps applies only to SimSiam"},
          {"--method simsiam --alternation-steps -1", "--alternation-steps cannot be negative"},
          {
            "--method mocov2 --predictor-momentum 0.8",
            "--predictor-momentum applies only to SimSiam"
          },
          {
            "--predictor-momentum 0.5",
            "--predictor-momentum applies only to --predictor moving-average"
          },
          {
            "--predictor moving-average --predictor-momentum 1",
            "--predictor-momentum must be in [0, 1)"
          },
          {
            "--predictor moving-average --no-stop-gradient",
            "cannot be combined with --predictor moving-average"
          },
          {
            "--alternation-steps 4 --no-stop-gradient",
            "cannot be combined with --alternation-steps"
          },
          {"--alternation-steps 4 --predictor moving-average", "separate experiments of §5"},
          {"--predictor mean", "'mean' is not one of mlp, none, fixed, moving-average"},
          {"--log-every 0", "--log-every must be positive"},
          {"--checkpoint-every 0", "--checkpoint-every must be positive"},
          {"--keep-checkpoints 0", "--keep-checkpoints must be positive"},
          {"--threads -1", "threads cannot be negative"},
          {"--knn-monitor 5", "--knn-monitor needs at least 10 images"},
          {"--knn-monitor -1", "--knn-monitor cannot be negative"},
          {
            "--dataset folder --data-dir TMP/folder --online-probe",
            "--online-probe needs a labeled"
          },
          {"--progress=maybe", "'maybe'"},
          {"--precision fp64", "'fp64' is not one of fp32, fp16, bf16"},
          {"--device tpu", "'tpu' is not one of auto, cpu, gpu"},
          {"--device cpu --precision fp16", "--precision fp16 needs a GPU"},
          {"--resume --batch-size 32", "is not a tf-ssl run folder (no config.json)"},
          {"--sync-bn", "--sync-bn applies only to a cluster"},
          {"--collective-timeout 5", "--collective-timeout applies only to a cluster"},
          {"--communication nccl", "--communication applies only to a cluster"},
          {"--cluster 127.0.0.1:1", "--cluster needs --task-index"},
          {"--task-index 0", "--task-index needs --cluster"},
          {"--cluster 127.0.0.1:1,host-without-port --task-index 0", "is not host:port"},
          {"--cluster 127.0.0.1:1,127.0.0.1:2 --task-index 2", "task index 2 is not in [0, 2)"},
          {
            "--cluster 127.0.0.1:1,127.0.0.1:2 --task-index 1 --predictor moving-average",
            "per-image state (--predictor moving-average) is not supported on a cluster"
          },
          {
            "--cluster 127.0.0.1:1,127.0.0.1:2 --task-index 1 --online-probe",
            "--online-probe is not supported on a cluster"
          },
          {
            "--cluster 127.0.0.1:1,127.0.0.1:2 --task-index 0 --collective-timeout 0",
            "collective timeout must be a positive"
          },
          {
            "--cluster 127.0.0.1:1,127.0.0.1:2 --task-index 0 --communication mpi",
            "communication must be one of"
          },
          {"--towers 0", "--towers must be positive"},
          {
            "--towers 2 --predictor moving-average",
            "per-image state (--predictor moving-average) is not supported with towers"
          },
          {"--towers 2 --online-probe", "--online-probe is not supported with towers"},
          {"--towers 2 --communication mpi", "communication must be one of"},
          {"--towers 2 --collective-timeout -1", "collective timeout must be a positive"},
          {"--label-offset 0", "--label-offset applies only to --dataset tfrecord"},
          {"--label-key cls", "--label-key applies only to --dataset tfrecord"},
          {"--dataset tfrecord --data-dir TMP --num-classes 0", "--num-classes must be positive"},
          {"--dataset tfrecord --data-dir TMP --image-key=", "--image-key cannot be empty"},
          {"--no-such-flag", "Unknown option"}
        }) {
      all.add(c(pre + p[0], p[1]));
    }
    all.add(c("pretrain --method simsiam", "--out"));
    all.add(c("pretrain --out TMP/a-file/r", "--out: cannot write to"));
    all.add(c("export --run TMP/not-a-run", "not a tf-ssl run folder"));
    all.add(c("export --run TMP/not-a-run --model-version 0", "--model-version must be >= 1"));
    all.add(c("export --run TMP/not-a-run --name a/b", "--name"));
    all.add(c("export --run TMP/not-a-run --saved-models TMP/a-file", "--saved-models"));
    all.add(c("export", "--run"));
    all.add(c("inspect TMP/nothing-here", "TMP/nothing-here"));
    all.add(c("inspect --model TMP/nothing-here", "TMP/nothing-here"));
    all.add(c("inspect TMP/a --model TMP/b", "inspect takes one model"));
    for (String p :
        List.of("linear", "knn", "transfer --dataset cifar10", "finetune --labels 1%", "rank")) {
      String e = "eval " + p + " --model MODEL ";
      all.add(c("eval " + p + " --model TMP/nothing-here", "TMP/nothing-here"));
      all.add(
          c(
              e.replace("--dataset cifar10 ", "") + "--dataset imagenet22k",
              "unknown dataset 'imagenet22k'"));
      all.add(c(e + "--data-dir TMP/nothing-here", "TMP/nothing-here"));
      all.add(c(e + "--image-size -1", "--image-size cannot be negative"));
      all.add(c(e + "--limit -1", "--limit cannot be negative"));
      all.add(c(e + "--baseline pretrained", "--baseline must be random-init"));
      all.add(c(e + "--report TMP/a-file/r.json", "--report"));
      all.add(c(e + "--seed x", "'x'"));
      all.add(c(e + "--threads -1", "--threads cannot be negative"));
      all.add(c(e + "--label-offset 0", "--label-offset applies only to --dataset tfrecord"));
      all.add(c(e + "--num-classes 5", "--num-classes applies only to --dataset tfrecord"));
      all.add(c(e + "--image-key img", "--image-key applies only to --dataset tfrecord"));
      all.add(c(e + "--label-key cls", "--label-key applies only to --dataset tfrecord"));
    }
    all.add(
        c(
            "eval knn --model MODEL --dataset tfrecord --data-dir TMP --num-classes 0",
            "--num-classes must be positive"));
    for (String p : List.of("linear", "transfer --dataset cifar10")) {
      String e = "eval " + p + " --model MODEL ";
      all.add(c(e + "--epochs 0", "--epochs must be positive"));
      all.add(c(e + "--lrs 0.1,-1", "--lrs must be positive"));
      all.add(c(e + "--weight-decay -1", "--weight-decay cannot be negative"));
    }
    all.add(c("eval transfer --model MODEL", "eval transfer needs --dataset"));
    all.add(c("eval transfer --model MODEL --dataset fashion-mnist", "transfer means another"));
    all.add(c("eval knn --model MODEL --k 0", "--k must be positive"));
    all.add(c("eval knn --model MODEL --temperature 0", "--temperature must be positive"));
    all.add(c("eval rank --model MODEL --images 0", "--images must be positive"));
    String ft = "eval finetune --model MODEL ";
    all.add(c(ft + "--labels 150%", "--labels must be in (0%, 100%]"));
    all.add(c(ft + "--labels ten", "--labels must be a percentage"));
    all.add(c(ft + "--labels 1% --epochs 0", "--epochs must be positive"));
    all.add(c(ft + "--labels 1% --lr 0", "--lr must be positive"));
    all.add(c(ft + "--labels 1% --batch-size 0", "--batch-size must be positive"));
    String demo = "demo --out TMP/d ";
    all.add(c(demo + "--method simclrr", "--method must be one of"));
    all.add(c(demo + "--epochs 0", "--epochs must be positive"));
    all.add(c(demo + "--steps -1", "--steps must be positive"));
    all.add(c(demo + "--eval-limit -1", "--eval-limit cannot be negative"));
    all.add(c("demo --out TMP/a-file/d", "--out: cannot write to"));
    all.add(c(demo + "--saved-models TMP/a-file", "--saved-models"));
    all.add(c(demo + "--name a/b", "--name"));
    all.add(c(demo + "--threads -1", "--threads cannot be negative"));
    all.add(c(demo + "--report TMP/a-file/r.json", "--report"));
    String data = "data inspect --dataset fashion-mnist ";
    all.add(c("data inspect --dataset imagenet22k", "unknown dataset 'imagenet22k'"));
    all.add(c(data + "--data-dir TMP/nothing-here", "TMP/nothing-here"));
    all.add(c(data + "--image-size -1", "--image-size cannot be negative"));
    all.add(c(data + "--split validation", "--split must be train or test"));
    all.add(c(data + "--limit -1", "--limit cannot be negative"));
    all.add(c(data + "--report TMP/a-file/r.json", "--report"));
    String aug0 = "augment-preview --dataset fashion-mnist --out TMP/p.png ";
    for (String d : List.of(data, aug0)) {
      all.add(c(d + "--label-offset -1", "--label-offset applies only to --dataset tfrecord"));
      all.add(c(d + "--num-classes 5", "--num-classes applies only to --dataset tfrecord"));
      all.add(c(d + "--image-key img", "--image-key applies only to --dataset tfrecord"));
      all.add(c(d + "--label-key cls", "--label-key applies only to --dataset tfrecord"));
    }
    all.add(
        c(
            "data inspect --dataset tfrecord --data-dir TMP --num-classes -3",
            "--num-classes must be positive"));
    all.add(
        c(
            "data inspect --dataset tfrecord --data-dir TMP --label-key=",
            "--label-key cannot be empty"));
    String emb = "embed --model MODEL --dataset fashion-mnist --out TMP/e.npy ";
    all.add(
        c(
            "embed --model TMP/nothing-here --dataset fashion-mnist --out TMP/e.npy",
            "TMP/nothing-here"));
    all.add(
        c(
            "embed --model MODEL --dataset imagenet22k --out TMP/e.npy",
            "unknown dataset 'imagenet22k'"));
    all.add(c("embed --model MODEL --dataset fashion-mnist", "--out"));
    all.add(c(emb + "--data-dir TMP/nothing-here", "TMP/nothing-here"));
    all.add(c(emb + "--image-size -1", "--image-size cannot be negative"));
    all.add(c(emb + "--split validation", "--split must be train or test"));
    all.add(c(emb + "--label-offset 0", "--label-offset applies only to --dataset tfrecord"));
    all.add(c(emb + "--num-classes 5", "--num-classes applies only to --dataset tfrecord"));
    all.add(c(emb + "--image-key img", "--image-key applies only to --dataset tfrecord"));
    all.add(c(emb + "--label-key cls", "--label-key applies only to --dataset tfrecord"));
    all.add(
        c(
            "embed --model MODEL --dataset tfrecord --data-dir TMP --out TMP/e.npy"
                + " --num-classes 0",
            "--num-classes must be positive"));
    all.add(
        c(
            "embed --model MODEL --dataset fashion-mnist --out TMP/e.txt",
            "must end in .npy or .csv"));
    all.add(
        c(
            "embed --model MODEL --dataset fashion-mnist --out TMP/a-file/e.npy",
            "--out: cannot write to"));
    all.add(c(emb + "--batch-size 0", "--batch-size must be positive"));
    all.add(c(emb + "--limit -1", "--limit cannot be negative"));
    all.add(c(emb + "--l2=maybe", "'maybe'"));
    all.add(c(emb + "--skip-bad-images", "--skip-bad-images applies only to the folder"));
    String nb = "neighbors --embeddings TMP/emb.npy ";
    all.add(c("neighbors --embeddings TMP/nothing.npy --id 0", "no such file"));
    all.add(c("neighbors --embeddings TMP/a-file --id 0", "must be a .npy file"));
    all.add(c("neighbors --embeddings TMP/text.npy --id 0", "not a .npy file"));
    all.add(c("neighbors --id 0", "--embeddings"));
    all.add(c(nb + "--id nope", "no row has the id 'nope'"));
    all.add(c(nb + "--id 0 --query TMP/a-file", "give exactly one of --id, --query"));
    all.add(c(nb + "--duplicates --id 0", "give exactly one of --id, --query"));
    all.add(c(nb + "--k 3", "give exactly one of --id, --query"));
    all.add(c(nb + "--query TMP/a-file", "--query needs --model"));
    all.add(c(nb + "--query TMP/nothing.png --model MODEL", "--query: no such file"));
    all.add(c(nb + "--id 0 --model MODEL", "--model applies only to --query"));
    all.add(
        c(nb + "--query TMP/folder/only-class/0.png --model MODEL", "not the model that wrote it"));
    all.add(c(nb + "--id 0 --k 0", "--k must be positive"));
    all.add(c(nb + "--duplicates --threshold 1.5", "--threshold must be a cosine similarity"));
    all.add(c(nb + "--id 0 --threshold 0.9", "--threshold applies only to --duplicates"));
    all.add(c(nb + "--duplicates --block-rows 0", "--block-rows must be positive"));
    String aug = "augment-preview --dataset fashion-mnist --out TMP/p.png ";
    all.add(c("augment-preview --dataset imagenet22k --out TMP/p.png", "unknown dataset"));
    all.add(c(aug + "--data-dir TMP/nothing-here", "TMP/nothing-here"));
    all.add(c(aug + "--image-size -1", "--image-size cannot be negative"));
    all.add(c(aug + "--split validation", "--split must be train or test"));
    all.add(c(aug + "--policy fancy", "unknown policy 'fancy'"));
    all.add(c("augment-preview --dataset fashion-mnist --out TMP/a-file/p.png", "--out"));
    all.add(c(aug + "--rows 0", "--rows must be positive"));
    all.add(c(aug + "--seed x", "'x'"));
    all.add(c(aug + "--scale -1", "--scale cannot be negative"));
    return all;
  }

  @BeforeAll
  static void exportAModel() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
    Files.writeString(tmp.resolve("a-file"), "not a folder");
    Files.writeString(tmp.resolve("typo.json"), "{\"sed\": 3}");
    Path oneClass = Files.createDirectories(tmp.resolve("folder/only-class"));
    for (int i = 0; i < 16; i++) {
      javax.imageio.ImageIO.write(
          new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
          "png",
          oneClass.resolve(i + ".png").toFile());
    }
    PretrainConfig config = TinyConfigs.pretrain("simsiam", 1);
    try (NpyWriter w = new NpyWriter(tmp.resolve("emb.npy"), 4)) {
      w.write(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0}, 3);
    }
    Files.writeString(tmp.resolve("text.npy"), "not numpy");
    model =
        Exporter.exportRandomInit(
                config,
                new RunInput("fashion-mnist", 28, 28, 1, 10, 28),
                tmp.resolve("models"),
                "m",
                java.util.OptionalInt.of(1))
            .dir();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badFlagsExitWithCode2AndOneClearLine(Case c) {
    String line = c.line().replace("MODEL", model.toString()).replace("TMP", tmp.toString());
    // A case the command wrongly accepts then runs for seconds, not for the preset's epochs.
    if (line.startsWith("pretrain") && !line.contains("--epochs") && !line.contains("--steps")) {
      line += " --steps 2" + (line.contains("--batch-size") ? "" : " --batch-size 8");
    }
    if (line.startsWith("demo")) {
      line +=
          (line.contains("--steps") || line.contains("--epochs") ? "" : " --steps 2")
              + (line.contains("--eval-limit") ? "" : " --eval-limit 100");
    }
    if ((line.startsWith("eval") || line.startsWith("data") || line.startsWith("embed"))
        && !line.contains("--limit")) {
      line += " --limit 100";
    }
    if (line.startsWith("eval finetune") && !line.contains("--epochs")) {
      line += " --epochs 1";
    }
    CommandLine cli = TfSsl.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute(line.trim().split("\\s+"));
    String expected = c.expected().replace("TMP", tmp.toString());
    assertEquals(2, code, "exit code for: " + line + "\n" + err);
    assertTrue(err.toString().contains(expected), "message for " + line + " was: " + err);
    assertFalse(err.toString().contains("\tat "), "stack trace printed: " + err);
  }

  /** Every option of every command (hidden ones too) appears in at least one case. */
  @Test
  void everyFlagHasACase() {
    Map<String, List<String>> missing = new TreeMap<>();
    List<Case> cases = cases();
    visit(TfSsl.commandLine(), cases, missing);
    assertTrue(missing.isEmpty(), "flags without a validation case: " + missing);
  }

  private static void visit(CommandLine cli, List<Case> cases, Map<String, List<String>> missing) {
    CommandSpec spec = cli.getCommandSpec();
    String path = spec.qualifiedName(" ").replaceFirst("^tfssl ?", "");
    if (!path.isEmpty() && !path.equals("help") && !path.startsWith("bench")) {
      for (OptionSpec o : spec.options()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        String name = o.longestName();
        boolean covered =
            cases.stream()
                .anyMatch(
                    k ->
                        startsWithCommand(k.line(), path)
                            && Stream.of(k.line().split("\\s+"))
                                .anyMatch(
                                    t ->
                                        t.equals(name)
                                            || t.startsWith(name + "=")
                                            || t.equals(name.replace("--", "--no-"))));
        if (!covered) {
          missing.computeIfAbsent(path, k -> new ArrayList<>()).add(name);
        }
      }
    }
    cli.getSubcommands().values().forEach(sub -> visit(sub, cases, missing));
  }

  private static boolean startsWithCommand(String line, String path) {
    return (line + " ").startsWith(path + " ");
  }
}
