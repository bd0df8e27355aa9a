// metrics.csv as `ferry train` writes it (Lightning CSVLogger's layout): a header row of
// column names ("step,epoch,train_loss,train_loss_epoch,val_loss,val_acc"), then rows whose
// empty cells mean "not logged in this row".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace ferry::report {

struct MetricsTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<double>>> rows;  // one cell per column

  int Column(const std::string& name) const;  // -1 when absent
  // (x, y) of every row where both columns hold a value, in file order.
  std::vector<std::pair<double, double>> Series(const std::string& x, const std::string& y) const;
};

// `origin` names the text in errors ("runs/a/metrics.csv: line 3: ...").
StatusOr<MetricsTable> ParseMetricsCsv(const std::string& text, const std::string& origin);
StatusOr<MetricsTable> ReadMetricsCsv(const std::string& path);

}  // namespace ferry::report
