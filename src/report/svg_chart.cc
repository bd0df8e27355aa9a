#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "report/html.h"

namespace ferry::report {
namespace {

constexpr const char *kPalette[] = {"#0969da", "#cf222e", "#1a7f37",
                                    "#8250df", "#bc4c00", "#1b7c83"};
constexpr int kLeft = 64, kRight = 16, kTop = 34, kBottom = 46;
constexpr char kFont[] = "font-family=\"Helvetica, Arial, sans-serif\"";

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Open(int w, int h) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) + "\" height=\"" +
         std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
         "\" " + kFont + " font-size=\"12\">\n<rect width=\"100%\" " +
         "height=\"100%\" fill=\"#ffffff\"/>\n";
}

std::string Text(double x, double y, const std::string &s, const std::string &extra = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" " + extra + ">" + EscapeXml(s) +
         "</text>\n";
}

std::string Titles(const std::string &title, const std::string &x_label, const std::string &y_label,
                   int w, int h) {
  std::string s = Text(w / 2.0, 20, title,
                       "text-anchor=\"middle\" font-size=\"14\" "
                       "font-weight=\"bold\" fill=\"#1f2328\"");
  s += Text(kLeft + (w - kLeft - kRight) / 2.0, h - 6, x_label,
            "text-anchor=\"middle\" fill=\"#59636e\"");
  s += "<text transform=\"translate(14," + Num(kTop + (h - kTop - kBottom) / 2.0) +
       ") rotate(-90)\" text-anchor=\"middle\" fill=\"#59636e\">" + EscapeXml(y_label) +
       "</text>\n";
  return s;
}

std::string TickLabel(double v) { return FormatNumber(std::fabs(v) < 1e-12 ? 0 : v, 4); }

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(t);
  return ticks;
}

std::string LineChartSvg(const LineChart &c) {
  const int w = c.width, h = c.height;
  std::string s = Open(w, h) + Titles(c.title, c.x_label, c.y_label, w, h);
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto &ser : c.series)
    for (const auto &[x, y] : ser.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  const double pw = w - kLeft - kRight, ph = h - kTop - kBottom;
  s += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kTop) + "\" width=\"" +
       Num(pw) + "\" height=\"" + Num(ph) + "\" fill=\"none\" stroke=\"#d1d9e0\"/>\n";
  if (!std::isfinite(x0)) {
    s += Text(kLeft + pw / 2, kTop + ph / 2, "no data", "text-anchor=\"middle\" fill=\"#59636e\"");
    return s + "</svg>\n";
  }
  if (x1 == x0) x0 -= 1, x1 += 1;
  if (y1 == y0)
    y0 -= std::max(std::fabs(y0) * 0.1, 1e-3), y1 += std::max(std::fabs(y1) * 0.1, 1e-3);
  const double pad = (y1 - y0) * 0.05;
  y0 -= pad, y1 += pad;
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return kTop + ph - (y - y0) / (y1 - y0) * ph; };
  for (double t : NiceTicks(y0, y1, 6)) {
    s += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + Num(kLeft + pw) + "\" y1=\"" +
         Num(py(t)) + "\" y2=\"" + Num(py(t)) + "\" stroke=\"#eaeef2\"/>\n";
    s += Text(kLeft - 6, py(t) + 4, TickLabel(t), "text-anchor=\"end\" fill=\"#59636e\"");
  }
  for (double t : NiceTicks(x0, x1, 8)) {
    if (c.integer_x && std::fabs(t - std::round(t)) > 1e-9) continue;
    s += "<line x1=\"" + Num(px(t)) + "\" x2=\"" + Num(px(t)) + "\" y1=\"" + Num(kTop + ph) +
         "\" y2=\"" + Num(kTop + ph + 4) + "\" stroke=\"#59636e\"/>\n";
    s += Text(px(t), kTop + ph + 17, TickLabel(t), "text-anchor=\"middle\" fill=\"#59636e\"");
  }
  for (size_t i = 0; i < c.series.size(); ++i) {
    const ChartSeries &ser = c.series[i];
    const std::string color = ser.color.empty() ? kPalette[i % 6] : ser.color;
    std::string pts;
    for (const auto &[x, y] : ser.points)
      if (std::isfinite(x) && std::isfinite(y)) pts += Num(px(x)) + "," + Num(py(y)) + " ";
    s += "<polyline class=\"series\" data-name=\"" + EscapeXml(ser.name) + "\" points=\"" + pts +
         "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.8\" " +
         "stroke-linejoin=\"round\"/>\n";
    if (ser.markers)
      for (const auto &[x, y] : ser.points)
        if (std::isfinite(x) && std::isfinite(y))
          s += "<circle cx=\"" + Num(px(x)) + "\" cy=\"" + Num(py(y)) + "\" r=\"3.5\" fill=\"" +
               color + "\"><title>" +
               EscapeXml(ser.name + " " + FormatNumber(x) + ": " + FormatNumber(y, 5)) +
               "</title></circle>\n";
    // Legend, top right, one row per series.
    const double ly = kTop + 14 + 16 * i;
    s += "<line x1=\"" + Num(kLeft + pw - 130) + "\" x2=\"" + Num(kLeft + pw - 112) + "\" y1=\"" +
         Num(ly - 4) + "\" y2=\"" + Num(ly - 4) + "\" stroke=\"" + color +
         "\" stroke-width=\"2.5\"/>\n";
    s += Text(kLeft + pw - 106, ly, ser.name, "fill=\"#1f2328\"");
  }
  return s + "</svg>\n";
}

std::string BarChartSvg(const BarChart &c) {
  // Rotated bar labels need more room below the plot than numeric ticks.
  constexpr int kBarBottom = 78;
  const int w = c.width, h = c.height;
  std::string s = Open(w, h) + Titles(c.title, c.x_label, c.y_label, w, h);
  // With an overlay, its two-entry legend gets a row of its own above the plot,
  // so it never covers a bar.
  const int y0 = kTop + (c.overlay_name.empty() ? 0 : 20);
  const double pw = w - kLeft - kRight, ph = h - y0 - kBarBottom;
  s += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y0) + "\" width=\"" +
       Num(pw) + "\" height=\"" + Num(ph) + "\" fill=\"none\" stroke=\"#d1d9e0\"/>\n";
  const size_t n = c.values.size();
  double vmax = 0;
  for (double v : c.values) vmax = std::max(vmax, v);
  if (n == 0 || vmax <= 0) {
    s += Text(kLeft + pw / 2, y0 + ph / 2, "no data", "text-anchor=\"middle\" fill=\"#59636e\"");
    return s + "</svg>\n";
  }
  auto scale = [&](double v) { return c.log_y ? std::log10(1 + v) : v; };
  const double top = scale(vmax) * 1.08;
  auto py = [&](double v) { return y0 + ph - scale(v) / top * ph; };
  if (c.log_y) {
    for (double t = 1; t <= vmax * 1.0001; t *= 10) {
      s += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + Num(kLeft + pw) + "\" y1=\"" +
           Num(py(t)) + "\" y2=\"" + Num(py(t)) + "\" stroke=\"#eaeef2\"/>\n";
      s += Text(kLeft - 6, py(t) + 4, HumanCount(t), "text-anchor=\"end\" fill=\"#59636e\"");
    }
  } else {
    for (double t : NiceTicks(0, vmax * 1.08, 5)) {
      s += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + Num(kLeft + pw) + "\" y1=\"" +
           Num(py(t)) + "\" y2=\"" + Num(py(t)) + "\" stroke=\"#eaeef2\"/>\n";
      s += Text(kLeft - 6, py(t) + 4, HumanCount(t), "text-anchor=\"end\" fill=\"#59636e\"");
    }
  }
  const double bw = pw / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i) {
    const double x = kLeft + bw * i;
    const std::string color =
        i < c.colors.size() && !c.colors[i].empty() ? c.colors[i] : std::string(kPalette[0]);
    if (c.values[i] > 0)
      s += "<rect class=\"bar\" x=\"" + Num(x + bw * 0.12) + "\" y=\"" + Num(py(c.values[i])) +
           "\" width=\"" + Num(bw * 0.76) + "\" height=\"" + Num(y0 + ph - py(c.values[i])) +
           "\" fill=\"" + color + "\"><title>" +
           EscapeXml((i < c.labels.size() ? c.labels[i] : "") + ": " +
                     FormatNumber(c.values[i], 10)) +
           "</title></rect>\n";
    if (i < c.overlay.size() && c.overlay[i] > 0)
      s += "<rect class=\"overlay\" x=\"" + Num(x + bw * 0.12) + "\" y=\"" + Num(py(c.overlay[i])) +
           "\" width=\"" + Num(bw * 0.76) + "\" height=\"" + Num(y0 + ph - py(c.overlay[i])) +
           "\" fill=\"" + c.overlay_color + "\"><title>" +
           EscapeXml((i < c.labels.size() ? c.labels[i] : "") + ": " +
                     FormatNumber(c.overlay[i], 10) + " " + c.overlay_name) +
           "</title></rect>\n";
    if (i < c.labels.size())
      s += "<text transform=\"translate(" + Num(x + bw / 2 + 4) + "," + Num(y0 + ph + 8) +
           ") rotate(-35)\" text-anchor=\"end\" font-size=\"10\" "
           "fill=\"#59636e\">" +
           EscapeXml(c.labels[i]) + "</text>\n";
  }
  if (!c.overlay_name.empty()) {
    const double lx = kLeft + pw - 250;
    const std::string base = c.colors.empty() ? kPalette[0] : c.colors[0];
    s += "<rect x=\"" + Num(lx) + "\" y=\"" + Num(kTop + 2) +
         "\" width=\"10\" height=\"10\" fill=\"" + base + "\"/>\n" +
         Text(lx + 15, kTop + 11, c.values_name, "fill=\"#1f2328\"");
    s += "<rect x=\"" + Num(lx + 110) + "\" y=\"" + Num(kTop + 2) +
         "\" width=\"10\" height=\"10\" fill=\"" + c.overlay_color + "\"/>\n" +
         Text(lx + 125, kTop + 11, c.overlay_name, "fill=\"#1f2328\"");
  }
  return s + "</svg>\n";
}

std::string StackSvgs(const std::vector<std::string> &svgs, const std::string &title) {
  auto attr = [](const std::string &svg, const std::string &name) {
    const std::string key = " " + name + "=\"";
    size_t p = svg.find(key);
    if (p == std::string::npos) return 0;
    return std::atoi(svg.c_str() + p + key.size());
  };
  int width = 0, height = 40;
  for (const auto &s : svgs) width = std::max(width, attr(s, "width"));
  for (const auto &s : svgs) height += attr(s, "height") + 12;
  std::string out = Open(width, height);
  out += Text(width / 2.0, 26, title,
              "text-anchor=\"middle\" font-size=\"16\" "
              "font-weight=\"bold\" fill=\"#1f2328\"");
  int y = 40;
  for (const auto &s : svgs) {
    // A nested <svg> keeps each chart's own coordinate system; only its
    // position changes.
    std::string inner = s;
    inner.replace(0, 4, "<svg x=\"0\" y=\"" + std::to_string(y) + "\"");
    out += inner;
    y += attr(s, "height") + 12;
  }
  return out + "</svg>\n";
}

}  // namespace ferry::report
