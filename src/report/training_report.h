// `ferry report RUN_DIR`: the training curves of a `ferry train` run, drawn from
// RUN_DIR/metrics.csv: loss per step, loss per epoch (train and validation), validation
// accuracy. As one self-contained HTML page, one SVG, or a PNG converted from that SVG.
#pragma once

#include <string>

#include "core/status.h"
#include "report/metrics_csv.h"

namespace ferry::report {

struct TrainingCharts {
  std::string loss_per_step;   // SVG: train_loss against step
  std::string loss_per_epoch;  // SVG: train_loss_epoch and val_loss against epoch (1-based)
  std::string val_accuracy;    // SVG: val_acc against epoch
};

// Fails when the table has none of the columns a training run logs.
StatusOr<TrainingCharts> MakeTrainingCharts(const MetricsTable& metrics);

std::string TrainingReportHtml(const MetricsTable& metrics, const TrainingCharts& charts,
                               const std::string& run_dir);
std::string TrainingReportSvg(const TrainingCharts& charts, const std::string& run_dir);

struct RenderTools {
  std::string rsvg_convert = "rsvg-convert";  // for .png
};

// Reads RUN_DIR/metrics.csv and writes `out_path` (atomically); the format follows its
// extension: .html, .svg or .png.
Status WriteTrainingReport(const std::string& run_dir, const std::string& out_path,
                           const RenderTools& tools = {});

// SVG -> PNG through rsvg-convert (librsvg2-bin).
StatusOr<std::string> SvgToPng(const std::string& svg, const RenderTools& tools = {});

}  // namespace ferry::report
