package io.tfssl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code --help} and {@code -h} run on every command and subcommand (the whole tree, bench
 * included: this test lives in the module that registers it): exit code 0, the usage on standard
 * output, nothing on standard error (picocli prints its formatting warnings there).
 */
class CommandTreeHelpTest {
  static Stream<String> commands() {
    List<String> paths = new ArrayList<>();
    walk(TfSsl.commandLine(), "", paths);
    return paths.stream();
  }

  private static void walk(CommandLine c, String prefix, List<String> out) {
    out.add(prefix.trim());
    c.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()
                  && name.equals(sub.getCommandName())
                  && !name.equals("help")) {
                walk(sub, prefix + " " + name, out);
              }
            });
  }

  @ParameterizedTest(name = "tfssl {0} --help")
  @MethodSource("commands")
  void helpExitsZeroWithoutWarnings(String path) {
    for (String flag : List.of("--help", "-h")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      PrintStream saved = System.err;
      int code;
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      try {
        CommandLine cli = TfSsl.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
        args.add(flag);
        code = cli.execute(args.toArray(String[]::new));
      } finally {
        System.setErr(saved);
      }
      String warnings = err + stderr.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, "tfssl " + path + " " + flag + ": " + warnings);
      assertEquals("", warnings, "tfssl " + path + " " + flag + " printed to stderr");
      assertTrue(out.toString().contains("Usage:"), "tfssl " + path + " " + flag + ": " + out);
    }
  }
}
