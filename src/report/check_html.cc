#include "report/check_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/html.h"
#include "report/svg_chart.h"

namespace ferry::report {
namespace {

std::string Sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

std::string Verdict(bool pass) {
  return pass ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>";
}

std::string ShapeCell(const check::Comparison& c) {
  return EscapeXml(c.shape_match ? c.desired_shape : c.desired_shape + " vs " + c.actual_shape);
}

std::string ComparisonCells(const check::Comparison& c) {
  return "<td class=\"mono\">" + ShapeCell(c) + "</td><td class=\"num\">" + Sci(c.max_abs_error) +
         "</td><td class=\"num\">" + Sci(c.max_rel_error) + "</td><td class=\"num\">" +
         std::to_string(c.num_mismatched) + " / " + std::to_string(c.num_elements) + "</td><td>" +
         Verdict(c.pass()) + "</td>";
}

// Elements per decade of |b - a|, with the part outside the tolerance drawn red over it.
std::string Histogram(const check::Comparison& c) {
  BarChart chart;
  chart.title = "|b - a| of '" + c.name + "'";
  chart.x_label = "absolute error";
  chart.y_label = "elements (log scale)";
  chart.log_y = true;
  chart.width = 620;
  chart.values_name = "elements";
  chart.overlay_name = "outside tolerance";
  for (int i = 0; i < check::kErrorBins; ++i) {
    auto at = [i](const std::vector<int64_t>& v) {
      return i < static_cast<int>(v.size()) ? static_cast<double>(v[i]) : 0.0;
    };
    chart.labels.push_back(check::ErrorBinLabel(i));
    chart.values.push_back(at(c.error_histogram));
    chart.overlay.push_back(at(c.mismatch_histogram));
  }
  return BarChartSvg(chart);
}

}  // namespace

std::string CheckReportHtml(const check::CheckReport& r, const check::Tolerance& tol,
                            const CheckHtmlOptions& options) {
  std::string b = "<main>\n<h1>ferry check: " + Verdict(r.pass()) + "</h1>\n";
  b += "<table id=\"models\"><tr><th>A (reference)</th><td class=\"mono\">" +
       EscapeXml(options.a_path) + "</td><td>" + EscapeXml(r.a_kind) + "</td><td class=\"num\">" +
       FormatNumber(r.a_ms) + " ms</td></tr><tr><th>B (under test)</th><td class=\"mono\">" +
       EscapeXml(options.b_path) + "</td><td>" + EscapeXml(r.b_kind) + "</td><td class=\"num\">" +
       FormatNumber(r.b_ms) + " ms</td></tr></table>\n";
  b += "<p class=\"muted\">" + std::to_string(r.trials) + " trial" + (r.trials == 1 ? "" : "s") +
       "; an element passes when |b - a| &le; " + FormatNumber(tol.atol) + " + " +
       FormatNumber(tol.rtol) +
       " &middot; |a| (numpy's assert_allclose). Times are medians per "
       "run.</p>\n";
  if (!r.input_shapes.empty()) {
    b += "<p class=\"mono\">inputs: ";
    for (size_t i = 0; i < r.input_shapes.size(); ++i)
      b += (i ? ", " : "") + EscapeXml(r.input_shapes[i]);
    b += "</p>\n";
  }
  b += "<h2>Outputs</h2>\n<table id=\"outputs\"><tr><th>output</th><th>shape</th><th>max "
       "|b-a|</th><th>max rel</th><th>mismatched</th><th>result</th></tr>\n";
  for (const auto& c : r.outputs)
    b += "<tr><td class=\"mono\">" + EscapeXml(c.name) + "</td>" + ComparisonCells(c) + "</tr>\n";
  b += "</table>\n<h2>Error histograms</h2>\n<div class=\"charts\">\n";
  for (const auto& c : r.outputs) {
    if (!c.shape_match) {
      b += "<div><p class=\"fail\">'" + EscapeXml(c.name) +
           "': shapes differ, nothing to "
           "compare</p></div>\n";
      continue;
    }
    b += "<div class=\"chart\">" + Histogram(c) + "</div>\n";
  }
  b += "</div>\n";
  if (!r.nodes.empty()) {
    // The first node whose error leaves the tolerance is where to look.
    const int first_fail = r.FirstFailingNode();
    b += "<h2>Per-node errors</h2>\n<p class=\"muted\">" + std::to_string(r.nodes.size()) +
         " intermediate values in graph order, compared through the converter's layout map" +
         (r.nodes_unmatched > 0
              ? " (" + std::to_string(r.nodes_unmatched) + " without a counterpart in B)"
              : std::string()) +
         (first_fail >= 0
              ? "; the first outside the tolerance is " + EscapeXml(r.nodes[first_fail].op) +
                    " '" + EscapeXml(r.nodes[first_fail].node) + "'"
              : "; all within the tolerance") +
         ".</p>\n<table id=\"nodes\"><tr><th>#</th><th>node</th><th>op</th><th>value</th>"
         "<th>shape</th><th>max |b-a|</th><th>max rel</th><th>mismatched</th><th>result</th>"
         "</tr>\n";
    for (size_t i = 0; i < r.nodes.size(); ++i) {
      const auto& n = r.nodes[i];
      b += std::string("<tr") + (static_cast<int>(i) == first_fail ? " class=\"first-fail\"" : "") +
           "><td class=\"num\">" + std::to_string(i) + "</td><td class=\"mono\">" +
           EscapeXml(n.node) + "</td><td>" + EscapeXml(n.op) + "</td><td class=\"mono\">" +
           EscapeXml(n.value.name) + "</td>" + ComparisonCells(n.value) + "</tr>\n";
    }
    b += "</table>\n";
  }
  b += "</main>\n";
  return HtmlPage(std::string("ferry check: ") + (r.pass() ? "PASS" : "FAIL"), b,
                  "tr.first-fail td { background: #ffebe9; }\n");
}

}  // namespace ferry::report
