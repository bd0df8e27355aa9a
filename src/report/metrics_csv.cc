#include "report/metrics_csv.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ferry::report {
namespace {

std::vector<std::string> SplitCells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(cell);
  return cells;
}

}  // namespace

int MetricsTable::Column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

std::vector<std::pair<double, double>> MetricsTable::Series(const std::string& x,
                                                            const std::string& y) const {
  std::vector<std::pair<double, double>> pts;
  const int xi = Column(x), yi = Column(y);
  if (xi < 0 || yi < 0) return pts;
  for (const auto& row : rows)
    if (row[xi] && row[yi]) pts.emplace_back(*row[xi], *row[yi]);
  return pts;
}

StatusOr<MetricsTable> ParseMetricsCsv(const std::string& text, const std::string& origin) {
  MetricsTable t;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = SplitCells(line);
    if (t.columns.empty()) {
      t.columns = std::move(cells);
      continue;
    }
    if (cells.size() != t.columns.size())
      return InvalidArgument(origin + ": line " + std::to_string(line_no) + " has " +
                             std::to_string(cells.size()) + " cells, the header has " +
                             std::to_string(t.columns.size()));
    std::vector<std::optional<double>> row;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].empty()) {
        row.emplace_back();
        continue;
      }
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(cells[i].c_str(), &end);
      if (end == cells[i].c_str() || *end != '\0')
        return InvalidArgument(origin + ": line " + std::to_string(line_no) + ", column '" +
                               t.columns[i] + "': '" + cells[i] + "' is not a number");
      row.emplace_back(v);
    }
    t.rows.push_back(std::move(row));
  }
  if (t.columns.empty()) return InvalidArgument(origin + ": empty file, expected a header row");
  return t;
}

StatusOr<MetricsTable> ReadMetricsCsv(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound(path + ": cannot open (does the run folder hold metrics.csv?)");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ParseMetricsCsv(ss.str(), path);
}

}  // namespace ferry::report
