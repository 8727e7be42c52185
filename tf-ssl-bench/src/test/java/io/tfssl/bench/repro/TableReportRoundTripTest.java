package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.cli.TfSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bench table} writes, {@code --replot} reads back: the runs of the JSON file equal the
 * runs written (NaN values included), a partial table says how far it got, and the plot is redrawn
 * from the file alone.
 */
class TableReportRoundTripTest {
  @TempDir Path tmp;

  @Test
  void runsSurviveTheJsonFileAndReplotRedrawsThePng() throws Exception {
    ReproTable table = ReproTables.named("stop-gradient").orElseThrow();
    List<RunResult> runs =
        List.of(
            new RunResult(
                ReproTable.UNTRAINED,
                0,
                0,
                0.74,
                0.82,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                41.6,
                40.8,
                0,
                58,
                List.of(),
                List.of(new double[] {0, 0.74})),
            new RunResult(
                "w/ stop-grad",
                0,
                1172,
                0.82,
                0.88,
                -0.81,
                0.99,
                66.8,
                68.3,
                256,
                70.4,
                76.9,
                0,
                608,
                List.of(
                    new double[] {20, -0.3, 0.98, 60, 70}, new double[] {40, -0.5, 0.99, 62, 71}),
                List.of(new double[] {586, 0.80}, new double[] {1172, 0.82})));
    Instant t = Instant.parse("2026-12-07T10:00:00Z");
    TableReport.write(
        table,
        runs,
        new TableReport.Context(
            "./tfssl bench table stop-gradient",
            t,
            t,
            Scale.longScale(),
            "fmnist-small",
            1.0,
            2.0,
            9,
            null),
        tmp);
    String md = Files.readString(tmp.resolve("stop-gradient.md"));
    assertTrue(md.contains("**partial: 2 of 9 runs so far**"), md);

    List<RunResult> back = TableReport.readRuns(tmp.resolve("stop-gradient.json"));
    assertEquals(2, back.size());
    assertEquals(ReproTable.UNTRAINED, back.get(0).row());
    assertTrue(Double.isNaN(back.get(0).finalLoss()), "NaN is written as \"NaN\" and read back");
    assertEquals(256, back.get(1).rankBoundY());
    assertArrayEquals(new double[] {40, -0.5, 0.99, 62, 71}, back.get(1).curve().get(1));
    assertArrayEquals(new double[] {1172, 0.82}, back.get(1).knnCurve().get(1));

    Files.delete(tmp.resolve("stop-gradient.png"));
    int code =
        TfSsl.commandLine()
            .execute(
                "bench",
                "table",
                "stop-gradient",
                "--scale",
                "long",
                "--replot",
                "--results",
                tmp.toString());
    assertEquals(0, code);
    assertTrue(Files.size(tmp.resolve("stop-gradient.png")) > 1000, "the plot is redrawn");
  }
}
