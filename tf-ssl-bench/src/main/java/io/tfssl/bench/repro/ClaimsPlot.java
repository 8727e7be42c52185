package io.tfssl.bench.repro;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * {@code claims.png}: one bar per tested claim, the difference of its two quantities in the claim's
 * direction (points of its decisive metric), with Welch's 95% t-interval (± the noise floor) as the
 * error bar, coloured by verdict. What it shows at a glance: which intervals clear zero, on which
 * side, and how wide each claim's noise is against its gap.
 */
final class ClaimsPlot {
  /** A tested claim: difference and noise floor in points, and the verdict's kind. */
  record Bar(String claim, double difference, double noiseFloor, ClaimVerdict.Kind kind) {}

  /** Colour per verdict: the claimed direction green, the opposite red, no decision grey/amber. */
  static final Map<ClaimVerdict.Kind, Color> COLORS = new EnumMap<>(ClaimVerdict.Kind.class);

  static {
    COLORS.put(ClaimVerdict.Kind.REPRODUCED, new Color(46, 139, 87));
    COLORS.put(ClaimVerdict.Kind.OPPOSITE, new Color(200, 50, 50));
    COLORS.put(ClaimVerdict.Kind.NOT_REPRODUCED, new Color(128, 128, 128));
    COLORS.put(ClaimVerdict.Kind.BELOW_RESOLUTION, new Color(230, 160, 30));
    COLORS.put(ClaimVerdict.Kind.NOT_RESOLVED_YET, new Color(100, 150, 220));
    COLORS.put(ClaimVerdict.Kind.NOT_MEASURED, new Color(200, 200, 200));
  }

  static final int WIDTH = 1100;
  static final int HEIGHT = 600;

  private ClaimsPlot() {}

  /**
   * Writes the chart to {@code png}; with no tested claim there is nothing to draw, and a stale
   * chart from earlier tables is removed rather than left beside a claims.md that no longer backs
   * it.
   */
  static void write(List<Bar> bars, String title, Path png) throws IOException {
    if (bars.isEmpty()) {
      Files.deleteIfExists(png);
      return;
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("")
            .yAxisTitle("difference in the claim's direction (points), ± noise floor")
            .build();
    List<String> claims = bars.stream().map(Bar::claim).toList();
    // One series per verdict, overlapped: a claim's bar is drawn by its verdict's series and is
    // zero (invisible) in the others, so that the colour says the verdict.
    for (ClaimVerdict.Kind kind : ClaimVerdict.Kind.values()) {
      if (bars.stream().noneMatch(b -> b.kind() == kind)) {
        continue;
      }
      List<Double> values = new ArrayList<>();
      List<Double> errors = new ArrayList<>();
      for (Bar b : bars) {
        values.add(b.kind() == kind ? b.difference() : 0.0);
        errors.add(b.kind() == kind ? b.noiseFloor() : 0.0);
      }
      CategorySeries s = chart.addSeries(words(kind), claims, values, errors);
      s.setFillColor(COLORS.get(kind));
    }
    chart.getStyler().setOverlapped(true);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setErrorBarsColor(Color.BLACK);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String words(ClaimVerdict.Kind kind) {
    return switch (kind) {
      case REPRODUCED -> "reproduced";
      case OPPOSITE -> "not reproduced: the opposite";
      case NOT_REPRODUCED -> "not reproduced at this scale";
      case BELOW_RESOLUTION -> "below this scale's resolution";
      case NOT_RESOLVED_YET -> "not resolved yet (partial table)";
      case NOT_MEASURED -> "not measured";
    };
  }
}
