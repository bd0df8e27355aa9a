#include "report/training_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/metrics_csv.h"
#include "report/svg_chart.h"

namespace ferry::report {
namespace {
namespace fs = std::filesystem;

// The layout `ferry train` writes (Lightning CSVLogger): per-step rows and per-epoch rows.
constexpr char kCsv[] =
    "step,epoch,train_loss,train_loss_epoch,val_loss,val_acc\n"
    "49,0,1.25,,,\n"
    "99,0,0.75,,,\n"
    "99,0,,0.9,0.6,0.78\n"
    "149,1,0.5,,,\n"
    "199,1,0.45,,,\n"
    "199,1,,0.55,0.5,0.83\n";

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class RunDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("ferry_report_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/metrics.csv") << kCsv;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST(MetricsCsvTest, ParsesSparseRows) {
  auto t = ParseMetricsCsv(kCsv, "m.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->columns.size(), 6u);
  EXPECT_EQ(t->rows.size(), 6u);
  auto loss = t->Series("step", "train_loss");
  ASSERT_EQ(loss.size(), 4u);
  EXPECT_EQ(loss[1], std::make_pair(99.0, 0.75));
  auto acc = t->Series("epoch", "val_acc");
  ASSERT_EQ(acc.size(), 2u);
  EXPECT_EQ(acc[1], std::make_pair(1.0, 0.83));
  EXPECT_TRUE(t->Series("step", "no_such").empty());
}

TEST(MetricsCsvTest, ErrorsNameLineAndColumn) {
  auto bad = ParseMetricsCsv("step,train_loss\n1,0.5\n2,abc\n", "runs/x/metrics.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("runs/x/metrics.csv: line 3, column 'train_loss'"),
            std::string::npos)
      << bad.status().message();
  auto ragged = ParseMetricsCsv("a,b\n1\n", "m.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.status().message().find("line 2 has 1 cells"), std::string::npos);
  EXPECT_FALSE(ParseMetricsCsv("", "m.csv").ok());
}

TEST(SvgChartTest, NiceTicksAreRoundAndCoverTheRange) {
  auto t = NiceTicks(0.13, 0.87, 5);
  ASSERT_GE(t.size(), 3u);
  EXPECT_NEAR(t.front(), 0.2, 1e-12);
  EXPECT_NEAR(t.back(), 0.8, 1e-12);
  EXPECT_NEAR(t[1] - t[0], 0.2, 1e-12);
  auto big = NiceTicks(0, 1000, 5);
  EXPECT_EQ(big, (std::vector<double>{0, 200, 400, 600, 800, 1000}));
}

TEST(SvgChartTest, LineChartDrawsEveryPointAndSaysWhenEmpty) {
  LineChart c;
  c.title = "loss <1>";
  c.series.push_back({"a", "", {{0, 1}, {1, 0.5}, {2, 0.25}}, true});
  const std::string svg = LineChartSvg(c);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("loss &lt;1&gt;"), std::string::npos);
  const size_t p = svg.find("<polyline");
  ASSERT_NE(p, std::string::npos);
  const std::string points = svg.substr(p, svg.find("/>", p) - p);
  EXPECT_EQ(std::count(points.begin(), points.end(), ','), 3) << points;
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 10, true);
  LineChart empty;
  EXPECT_NE(LineChartSvg(empty).find("no data"), std::string::npos);
}

TEST_F(RunDir, WritesHtmlWithThreeCharts) {
  const std::string out = dir_ + "/report.html";
  Status s = WriteTrainingReport(dir_, out);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::string html = Slurp(out);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("Training loss per step"), std::string::npos);
  EXPECT_NE(html.find("Loss per epoch"), std::string::npos);
  EXPECT_NE(html.find("Validation accuracy"), std::string::npos);
  EXPECT_NE(html.find("0.83"), std::string::npos);  // best/final val_acc in the summary
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  size_t polylines = 0;
  for (size_t p = html.find("<polyline"); p != std::string::npos; p = html.find("<polyline", p + 1))
    ++polylines;
  EXPECT_EQ(polylines, 4u);  // train_loss; train_loss_epoch + val_loss; val_acc
}

TEST_F(RunDir, WritesSvgAndPng) {
  ASSERT_TRUE(WriteTrainingReport(dir_, dir_ + "/r.svg").ok());
  const std::string svg = Slurp(dir_ + "/r.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("Validation accuracy"), std::string::npos);
  Status s = WriteTrainingReport(dir_, dir_ + "/r.png");
  ASSERT_TRUE(s.ok()) << s.message();
  const std::string png = Slurp(dir_ + "/r.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(RunDir, ErrorsNameTheProblem) {
  Status ext = WriteTrainingReport(dir_, dir_ + "/r.pdf");
  ASSERT_FALSE(ext.ok());
  EXPECT_NE(ext.message().find(".pdf"), std::string::npos);
  Status missing = WriteTrainingReport(dir_ + "/nope", dir_ + "/r.html");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("nope"), std::string::npos);
  fs::remove(dir_ + "/metrics.csv");
  Status no_csv = WriteTrainingReport(dir_, dir_ + "/r.html");
  ASSERT_FALSE(no_csv.ok());
  EXPECT_NE(no_csv.message().find("metrics.csv"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ + "/r.html"));
  RenderTools no_rsvg;
  no_rsvg.rsvg_convert = "/nonexistent/rsvg-convert";
  std::ofstream(dir_ + "/metrics.csv") << kCsv;
  Status png = WriteTrainingReport(dir_, dir_ + "/r.png", no_rsvg);
  ASSERT_FALSE(png.ok());
  EXPECT_NE(png.message().find("librsvg2-bin"), std::string::npos) << png.message();
}

}  // namespace
}  // namespace ferry::report
