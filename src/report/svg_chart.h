// Plain SVG charts, drawn by hand so that a report needs no plotting library and no script:
// line charts for training curves, bar charts for error histograms.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ferry::report {

struct ChartSeries {
  std::string name;
  std::string color;  // CSS colour; empty: a colour from the palette by position
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in the given order
  bool markers = false;  // draw a dot at every point (few points, e.g. per epoch)
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  int width = 560, height = 320;
  bool integer_x = false;  // ticks on whole numbers only (epochs)
};

struct BarChart {
  std::string title, x_label, y_label;
  std::vector<std::string> labels;  // one per bar
  std::vector<double> values;
  std::vector<std::string> colors;  // per bar; empty: one colour
  // Optional second count per bar drawn over it from the baseline (e.g. the part of a bin
  // outside a tolerance), with a legend naming both.
  std::vector<double> overlay;
  std::string overlay_color = "#cf222e", values_name, overlay_name;
  int width = 560, height = 320;
  bool log_y = false;  // log10(1 + value) scale, for counts spanning decades
};

// A standalone <svg xmlns=...> element. An empty chart says "no data" instead of failing:
// a run without validation still gets its other charts.
std::string LineChartSvg(const LineChart& chart);
std::string BarChartSvg(const BarChart& chart);

// About `target` round tick values (1, 2, 5 x 10^k steps) covering [lo, hi].
std::vector<double> NiceTicks(double lo, double hi, int target);

// Several charts stacked vertically in one SVG document (for `ferry report -o x.svg/png`).
std::string StackSvgs(const std::vector<std::string>& svgs, const std::string& title);

}  // namespace ferry::report
