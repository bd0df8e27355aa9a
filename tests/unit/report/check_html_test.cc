#include "report/check_html.h"

#include <gtest/gtest.h>

#include "check/compare.h"

namespace ferry::report {
namespace {

TEST(ErrorBinTest, DecadeEdges) {
  EXPECT_EQ(check::ErrorBin(0), 0);
  EXPECT_EQ(check::ErrorBin(1e-12), 1);
  EXPECT_EQ(check::ErrorBin(1e-9), 1);
  EXPECT_EQ(check::ErrorBin(2e-9), 2);
  EXPECT_EQ(check::ErrorBin(1e-3), 7);
  EXPECT_EQ(check::ErrorBin(0.5), 10);
  EXPECT_EQ(check::ErrorBin(1.0), 10);
  EXPECT_EQ(check::ErrorBin(3.0), 11);
  EXPECT_EQ(check::ErrorBinLabel(0), "0");
  EXPECT_EQ(check::ErrorBinLabel(2), "1e-9..1e-8");
  EXPECT_EQ(check::ErrorBinLabel(10), "1e-1..1");
  EXPECT_EQ(check::ErrorBinLabel(11), ">1");
}

TEST(CompareHistogramTest, CountsEveryFiniteElementOverTrials) {
  check::Tolerance tol;
  Tensor a = Tensor::FromVector<float>({1, 2, 3, 4}, Shape({4}));
  Tensor b = Tensor::FromVector<float>({1, 2.5f, 3.0001f, 4}, Shape({4}));
  check::Comparison c = check::Compare("y", a, b, tol);
  ASSERT_EQ(c.error_histogram.size(), static_cast<size_t>(check::kErrorBins));
  EXPECT_EQ(c.error_histogram[0], 2);                     // exact
  EXPECT_EQ(c.error_histogram[check::ErrorBin(0.5)], 1);  // 0.5
  // float32(3.0001) - 3 is 9.99e-5: the (1e-5, 1e-4] bin.
  EXPECT_EQ(c.error_histogram[check::ErrorBin(9.99e-5)], 1);
  EXPECT_EQ(check::ErrorBin(9.99e-5), 6);
  // Only the 0.5 error is outside atol + rtol * |a| (1e-5 + 1e-3 * 2).
  EXPECT_EQ(c.mismatch_histogram[check::ErrorBin(0.5)], 1);
  EXPECT_EQ(c.mismatch_histogram[check::ErrorBin(9.99e-5)], 0);
  EXPECT_EQ(c.num_mismatched, 1);
  check::Comparison total;
  check::Accumulate(c, &total);
  check::Accumulate(c, &total);
  EXPECT_EQ(total.error_histogram[0], 4);
  EXPECT_EQ(total.mismatch_histogram[check::ErrorBin(0.5)], 2);
  int64_t sum = 0;
  for (int64_t n : total.error_histogram) sum += n;
  EXPECT_EQ(sum, total.num_elements);
}

check::CheckReport MakeReport(bool with_nodes) {
  check::Tolerance tol;
  check::CheckReport r;
  r.a_kind = "onnx";
  r.b_kind = "savedmodel";
  r.trials = 1;
  r.input_shapes = {"input float32[1,1,28,28]"};
  Tensor a = Tensor::FromVector<float>({1, 2, 3, 4}, Shape({1, 4}));
  Tensor b = Tensor::FromVector<float>({1, 2.5f, 3, 4}, Shape({1, 4}));
  r.outputs.push_back(check::Compare("logits", a, b, tol));
  r.outputs.push_back(check::Compare("<probs>", a, a, tol));
  if (with_nodes) {
    r.nodes.push_back({"conv_1", "Conv", check::Compare("c1", a, a, tol)});
    r.nodes.push_back({"fc_2", "Gemm", check::Compare("g2", a, b, tol)});
  }
  return r;
}

TEST(CheckHtmlTest, SummaryAndOneHistogramPerOutput) {
  check::Tolerance tol;
  const std::string html = CheckReportHtml(MakeReport(false), tol, {"a.onnx", "b_savedmodel"});
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("ferry check: <span class=\"fail\">FAIL</span>"), std::string::npos);
  EXPECT_NE(html.find("a.onnx"), std::string::npos);
  EXPECT_NE(html.find("&lt;probs&gt;"), std::string::npos);
  EXPECT_NE(html.find("|b - a| of &#39;logits&#39;"), std::string::npos);
  size_t charts = 0;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++charts;
  EXPECT_EQ(charts, 2u);
  // logits: 3 exact elements and one error of 0.5, outside the tolerance: drawn red over its bin.
  EXPECT_NE(html.find("fill=\"#cf222e\"><title>1e-1..1: 1 outside tolerance</title>"),
            std::string::npos)
      << html;
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  size_t overlays = 0;
  for (size_t p = html.find("class=\"overlay\""); p != std::string::npos;
       p = html.find("class=\"overlay\"", p + 1))
    ++overlays;
  EXPECT_EQ(overlays, 1u);
  EXPECT_NE(html.find("<title>0: 3</title>"), std::string::npos);
  EXPECT_EQ(html.find("Per-node errors"), std::string::npos);
}

TEST(CheckHtmlTest, PerNodeListMarksTheFirstFailure) {
  check::Tolerance tol;
  const std::string html = CheckReportHtml(MakeReport(true), tol, {"a", "b"});
  EXPECT_NE(html.find("Per-node errors"), std::string::npos);
  EXPECT_NE(html.find("the first outside the tolerance is Gemm 'fc_2'"), std::string::npos);
  const size_t row = html.find("class=\"first-fail\"");
  ASSERT_NE(row, std::string::npos);
  EXPECT_LT(html.find("fc_2", row), html.find("</tr>", row));
}

TEST(CheckHtmlTest, ShapeMismatchSaysSoInsteadOfAHistogram) {
  check::Tolerance tol;
  check::CheckReport r;
  r.trials = 1;
  Tensor a = Tensor::FromVector<float>({1, 2}, Shape({2}));
  Tensor b = Tensor::FromVector<float>({1, 2, 3}, Shape({3}));
  r.outputs.push_back(check::Compare("y", a, b, tol));
  EXPECT_TRUE(r.outputs[0].error_histogram.empty());
  const std::string html = CheckReportHtml(r, tol, {"a", "b"});
  EXPECT_NE(html.find("shapes differ"), std::string::npos);
  EXPECT_NE(html.find("[2] vs [3]"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace ferry::report
