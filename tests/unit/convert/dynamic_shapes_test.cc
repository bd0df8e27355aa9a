// Shape arithmetic on a dynamic batch dim (issue 4): the chains torch exports around
// x.expand(batch, -1, -1), torch.zeros(batch, ...) and x.reshape(batch, -1, d) lower to TF
// shape ops (Shape, StridedSlice/GatherV2, ConcatV2, BroadcastTo, Fill, Reshape with a run-time
// target) instead of failing or being pinned, and the one converted graph runs at any batch.
#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

Tensor I64(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<int64_t>(v, Shape({n}));
}

// True when the op's input `i` is computed in the graph (not a Const folded at convert time).
bool InputIsComputed(const ir::Node* n, int i) {
  return n && n->num_inputs() > i && n->input(i) && !n->input(i)->is_constant() &&
         n->input(i)->producer();
}

// x [N, 6, 4] -> the ViT class-token pattern and a reshape whose -1 depends on N.
std::shared_ptr<ir::Graph> ClassTokenGraph() {
  OnnxGraph g(14);
  ir::Value* x = g.Input("x", {-1, 6, 4});
  // n = Unsqueeze(Gather(Shape(x), 0)): torch's x.shape[0] as a 1-element shape piece.
  ir::Value* n = g.Op("Unsqueeze", "n",
                      {g.Op("Gather", "batch", {g.Op("Shape", "shape", {x}),
                                                g.Const("zero", Tensor::Scalar<int64_t>(0))},
                            {{"axis", Attr::Int(0)}}),
                       g.Const("axes0", I64({0}))});
  // torch's expand(n, -1, -1): Concat -> Where(Equal(s, -1), 1, s) -> Expand.
  ir::Value* sizes = g.Op("Concat", "sizes", {n, g.Const("m1", I64({-1, -1}))},
                          {{"axis", Attr::Int(0)}});
  ir::Value* ones = g.Op("ConstantOfShape", "ones", {g.Op("Shape", "sizes_shape", {sizes})},
                         {{"value", Attr::FromTensor(I64({1}))}});
  ir::Value* is_m1 = g.Op("Equal", "is_m1", {sizes, g.Op("Mul", "neg", {ones, g.Const("mone", Tensor::Scalar<int64_t>(-1))})});
  ir::Value* target = g.Op("Where", "target", {is_m1, ones, sizes});
  ir::Value* tok = g.Op("Expand", "expand", {g.Random("cls", {1, 1, 4}), target});
  ir::Value* y = g.Op("Concat", "cat", {tok, x}, {{"axis", Attr::Int(1)}});  // [N, 7, 4]
  // torch.zeros(n, 1, 4): ConstantOfShape of a run-time shape.
  ir::Value* zshape = g.Op("Concat", "zshape", {n, g.Const("z14", I64({1, 4}))},
                           {{"axis", Attr::Int(0)}});
  ir::Value* zeros = g.Op("ConstantOfShape", "zeros", {zshape},
                          {{"value", Attr::FromTensor(Tensor::FromVector<float>({0.5f}, Shape({1})))}});
  y = g.Op("Concat", "cat2", {y, zeros}, {{"axis", Attr::Int(1)}});  // [N, 8, 4]
  // reshape(n * 8, 4) then reshape(n, -1, 2): the second target's -1 cannot be resolved
  // at convert time (the input's first dim is the product n * 8, a new symbol).
  ir::Value* n8 = g.Op("Mul", "n8", {n, g.Const("eight", I64({8}))});
  ir::Value* flat = g.Op("Reshape", "flat",
                         {y, g.Op("Concat", "flat_shape", {n8, g.Const("four", I64({4}))},
                                  {{"axis", Attr::Int(0)}})});
  ir::Value* z = g.Op("Relu", "relu", {flat});
  ir::Value* back = g.Op("Reshape", "back",
                         {z, g.Op("Concat", "back_shape", {n, g.Const("m1_2", I64({-1, 2}))},
                                  {{"axis", Attr::Int(0)}})});
  g.Output(back);
  // Shape with start/end on the dynamic value.
  g.Output(g.Op("Shape", "tail_shape", {back}, {{"start", Attr::Int(1)}}));
  return g.graph();
}

TEST(DynamicShapesToTfTest, ClassTokenExpandAndReshapeByBatchRunAtAnyBatch) {
  std::shared_ptr<ir::Graph> onnx = ClassTokenGraph();
  std::shared_ptr<ir::Graph> tf;
  for (int64_t batch : {1, 3}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    Converted r = ConvertAndCompare(onnx, {RandomInput({batch, 6, 4}, 40 + batch)});
    ASSERT_TRUE(r.tf);
    tf = r.tf;
  }
  // The graph input keeps its dynamic batch dim.
  ASSERT_TRUE(tf->inputs()[0]->info().shape);
  EXPECT_FALSE((*tf->inputs()[0]->info().shape)[0].known());
  // The expanded shape and the Fill's shape are computed from Shape(x) at run time.
  EXPECT_TRUE(InputIsComputed(FindOp(*tf, "BroadcastTo"), 1));
  EXPECT_TRUE(InputIsComputed(FindOp(*tf, "Fill"), 0));
  int computed_reshapes = 0;
  for (const auto& node : tf->nodes())
    computed_reshapes += node->op_type() == "Reshape" && InputIsComputed(node.get(), 1);
  // "back" (its -1 depends on the batch); "flat" gets the constant [-1, 4].
  EXPECT_EQ(computed_reshapes, 1);
  EXPECT_GE(CountOps(*tf, "Shape"), 1);
}

TEST(DynamicShapesToTfTest, RunTimeReshapeTargetCopiesZeroDims) {
  // Reshape's target is a graph input: ONNX's 0 copies the input dim, so the converter
  // resolves 0s in the graph (SelectV2 over the input's shape); allowzero keeps them.
  for (int64_t allowzero : {0, 1}) {
    SCOPED_TRACE("allowzero " + std::to_string(allowzero));
    OnnxGraph g(14);
    ir::Value* x = g.Input("x", {2, 3, 4});
    ir::Value* s = g.Input("s", {3}, DataType::kInt64);
    g.Output(g.Op("Reshape", "r", {x, s}, {{"allowzero", Attr::Int(allowzero)}}));
    const std::vector<int64_t> target =
        allowzero ? std::vector<int64_t>{4, 6, 1} : std::vector<int64_t>{0, -1, 2};
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4}, 50), I64(target)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, "SelectV2"), allowzero ? 0 : 1);
  }
}

}  // namespace
}  // namespace ferry::convert::testing
