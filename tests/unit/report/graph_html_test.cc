#include "report/graph_html.h"

#include <gtest/gtest.h>

#include "test_graphs.h"

namespace ferry::report {
namespace {

TEST(GraphPanelDataTest, HasAttributesShapesAndWeightStatistics) {
  auto g = testing::SmallConvNet();
  nlohmann::json d = GraphPanelData(*g)["nodes"];
  ASSERT_TRUE(d.contains("node0"));
  const auto& conv = d["node0"];
  EXPECT_EQ(conv["op"], "Conv");
  EXPECT_EQ(conv["name"], "conv_1");
  EXPECT_EQ(conv["attrs"]["kernel_shape"], "[3, 3]");
  EXPECT_EQ(conv["inputs"][0]["type"], "float32[N,3,8,8]");
  EXPECT_EQ(conv["outputs"][0]["type"], "float32[N,4,6,6]");
  // W holds 0..107: min 0, max 107, mean 53.5, population std sqrt((108^2 - 1) / 12).
  const auto& w = conv["inputs"][1]["stats"];
  EXPECT_EQ(w["min"], 0.0);
  EXPECT_EQ(w["max"], 107.0);
  EXPECT_NEAR(w["mean"].get<double>(), 53.5, 1e-9);
  EXPECT_NEAR(w["std"].get<double>(), std::sqrt((108.0 * 108.0 - 1) / 12), 1e-9);
  // 2 * (4*6*6 outputs) * (3*3*3) + bias adds, at batch 1.
  EXPECT_EQ(conv["flops"], 2 * 144 * 27 + 144);
  EXPECT_EQ(d["input0"]["op"], "Input");
  EXPECT_EQ(d["output0"]["name"], "out");
}

TEST(AttributeToStringTest, AbridgesLongLists) {
  std::vector<int64_t> many(40);
  for (int i = 0; i < 40; ++i) many[i] = i;
  const std::string s = AttributeToString(ir::Attribute::Ints(many));
  EXPECT_NE(s.find("0, 1, 2"), std::string::npos);
  EXPECT_NE(s.find("(40 in all)"), std::string::npos);
  EXPECT_EQ(s.find(", 39"), std::string::npos);
  EXPECT_EQ(AttributeToString(ir::Attribute::String("SAME")), "\"SAME\"");
  EXPECT_EQ(AttributeToString(ir::Attribute::Bool(true)), "true");
}

TEST(GraphHtmlTest, IsOneSelfContainedPage) {
  auto g = testing::SmallConvNet();
  GraphHtmlOptions o;
  o.title = "small.onnx </script>";
  auto html = GraphToHtml(*g, o);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_EQ(html->rfind("<!doctype html>", 0), 0u);
  // Inline SVG from graphviz with our element ids, the panel data and the script.
  EXPECT_NE(html->find("<svg"), std::string::npos);
  EXPECT_EQ(html->find("<?xml"), std::string::npos);
  EXPECT_NE(html->find("id=\"node0\""), std::string::npos);
  EXPECT_NE(html->find("id=\"graph-data\""), std::string::npos);
  EXPECT_NE(html->find("window.ferryGraph"), std::string::npos);
  EXPECT_NE(html->find("id=\"search\""), std::string::npos);
  // Nothing is fetched: no external scripts, styles, images or fonts.
  for (const char* bad : {"<script src", "<link", "@import", "url(http", "src=\"http"})
    EXPECT_EQ(html->find(bad), std::string::npos) << bad;
  // The title cannot close the page's elements early.
  EXPECT_EQ(html->find("small.onnx </script>"), std::string::npos);
  EXPECT_EQ(std::count(html->begin(), html->end(), '\0'), 0);
}

TEST(GraphHtmlTest, MissingGraphvizFails) {
  auto g = testing::SmallConvNet();
  GraphHtmlOptions o;
  o.dot_program = "/nonexistent/dot";
  auto html = GraphToHtml(*g, o);
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.status().message().find("graphviz"), std::string::npos);
}

}  // namespace
}  // namespace ferry::report
