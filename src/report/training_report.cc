#include "report/training_report.h"

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "report/external_tool.h"
#include "report/html.h"
#include "report/svg_chart.h"

namespace ferry::report {
namespace fs = std::filesystem;
namespace {

// metrics.csv counts epochs from 0 as Lightning does; charts say "after epoch 1, 2, ...".
std::vector<std::pair<double, double>> PerEpoch(const MetricsTable& m, const std::string& y) {
  auto pts = m.Series("epoch", y);
  for (auto& p : pts) p.first += 1;
  return pts;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

StatusOr<TrainingCharts> MakeTrainingCharts(const MetricsTable& m) {
  bool any = false;
  for (const char* c : {"train_loss", "train_loss_epoch", "val_loss", "val_acc"})
    any = any || m.Column(c) >= 0;
  if (!any)
    return InvalidArgument(
        "metrics.csv has none of the columns train_loss, train_loss_epoch, "
        "val_loss, val_acc");
  TrainingCharts c;
  LineChart step;
  step.title = "Training loss per step";
  step.x_label = "step";
  step.y_label = "loss";
  step.series.push_back({"train_loss", "#0969da", m.Series("step", "train_loss"), false});
  c.loss_per_step = LineChartSvg(step);

  LineChart epoch;
  epoch.title = "Loss per epoch";
  epoch.x_label = "epoch";
  epoch.y_label = "loss";
  epoch.integer_x = true;
  epoch.series.push_back({"train_loss_epoch", "#0969da", PerEpoch(m, "train_loss_epoch"), true});
  epoch.series.push_back({"val_loss", "#cf222e", PerEpoch(m, "val_loss"), true});
  c.loss_per_epoch = LineChartSvg(epoch);

  LineChart acc;
  acc.title = "Validation accuracy";
  acc.x_label = "epoch";
  acc.y_label = "accuracy";
  acc.integer_x = true;
  acc.series.push_back({"val_acc", "#1a7f37", PerEpoch(m, "val_acc"), true});
  c.val_accuracy = LineChartSvg(acc);
  return c;
}

std::string TrainingReportHtml(const MetricsTable& m, const TrainingCharts& charts,
                               const std::string& run_dir) {
  std::string body =
      "<main>\n<h1>Training report</h1>\n<p class=\"muted mono\">" + EscapeXml(run_dir) + "</p>\n";
  body += "<table id=\"summary\">\n";
  auto row = [&](const std::string& k, const std::string& v) {
    body += "<tr><th>" + EscapeXml(k) + "</th><td class=\"num\">" + EscapeXml(v) + "</td></tr>\n";
  };
  auto steps = m.Series("step", "train_loss");
  auto epochs = m.Series("epoch", "val_acc");
  auto losses = m.Series("epoch", "train_loss_epoch");
  if (!steps.empty()) {
    row("logged steps",
        std::to_string(steps.size()) + " (last step " + FormatNumber(steps.back().first, 10) + ")");
    row("last train_loss", FormatNumber(steps.back().second, 5));
  }
  if (!losses.empty()) row("epochs", FormatNumber(losses.back().first + 1, 6));
  auto vl = m.Series("epoch", "val_loss");
  if (!vl.empty()) row("final val_loss", FormatNumber(vl.back().second, 5));
  if (!epochs.empty()) {
    auto best = std::max_element(epochs.begin(), epochs.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    row("final val_acc", FormatNumber(epochs.back().second, 5));
    row("best val_acc",
        FormatNumber(best->second, 5) + " (epoch " + FormatNumber(best->first + 1, 6) + ")");
  }
  body += "</table>\n<div class=\"charts\">\n";
  for (const std::string* svg :
       {&charts.loss_per_step, &charts.loss_per_epoch, &charts.val_accuracy})
    body += "<div class=\"chart\">" + *svg + "</div>\n";
  body += "</div>\n</main>\n";
  return HtmlPage("ferry training report: " + run_dir, body);
}

std::string TrainingReportSvg(const TrainingCharts& charts, const std::string& run_dir) {
  return StackSvgs({charts.loss_per_step, charts.loss_per_epoch, charts.val_accuracy},
                   "Training report: " + run_dir);
}

StatusOr<std::string> SvgToPng(const std::string& svg, const RenderTools& tools) {
  // "-f png" with stdin and stdout: rsvg-convert reads "-"-less stdin when given no file.
  return RunProgram({tools.rsvg_convert, "--format=png", "--background-color=white"}, svg,
                    "librsvg2-bin");
}

Status WriteTrainingReport(const std::string& run_dir, const std::string& out_path,
                           const RenderTools& tools) {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec))
    return NotFound(run_dir + ": not a folder (expected the --out folder of `ferry train`)");
  const std::string ext = Lower(fs::path(out_path).extension().string());
  if (ext != ".html" && ext != ".htm" && ext != ".svg" && ext != ".png")
    return InvalidArgument(out_path + ": unknown report format '" + ext +
                           "' (expected .html, .svg or .png)");
  FERRY_ASSIGN_OR_RETURN(MetricsTable m,
                         ReadMetricsCsv((fs::path(run_dir) / "metrics.csv").string()));
  auto charts = MakeTrainingCharts(m);
  if (!charts.ok()) return charts.status().WithContext(run_dir + "/metrics.csv");
  std::string data;
  if (ext == ".html" || ext == ".htm") {
    data = TrainingReportHtml(m, *charts, run_dir);
  } else {
    data = TrainingReportSvg(*charts, run_dir);
    if (ext == ".png") {
      FERRY_ASSIGN_OR_RETURN(data, SvgToPng(data, tools));
    }
  }
  return WriteFileAtomically(out_path, data);
}

}  // namespace ferry::report
