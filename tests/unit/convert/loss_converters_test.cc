// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss through OneHot masks, against the
// ONNX runtime for every reduction, with class weights and an in-range ignore_index.
#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

TEST(LossToTfTest, EveryReductionWithWeightsAndIgnoreIndex) {
  for (const char* op : {"NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"}) {
    for (const char* reduction : {"none", "sum", "mean"}) {
      OnnxGraph g(13);
      ir::Value* x = g.Input("x", {3, 5, 2});
      Tensor target_t = Tensor::FromVector<int64_t>({0, 4, 2, 2, 1, 3}, Shape({3, 2}));
      ir::Value* target = g.Const("target", target_t);
      ir::Value* w = g.Random("weight", {5}, 0.2f, 1.f);
      g.Output(g.Op(op, "loss", {x, target, w},
                    {{"reduction", Attr::String(reduction)}, {"ignore_index", Attr::Int(2)}}));
      SCOPED_TRACE(std::string(op) + " " + reduction);
      Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 5, 2}, 21)});
      ASSERT_TRUE(r.tf);
      EXPECT_EQ(CountOps(*r.tf, "OneHot"), 1);
    }
  }
}

}  // namespace
}  // namespace ferry::convert::testing
