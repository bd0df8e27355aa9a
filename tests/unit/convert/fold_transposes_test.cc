// passes/fold_transposes: each rule on a small graph, converted with and without the pass,
// both compared with ferry's ONNX runtime on the same inputs.
#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

Tensor Ints(const std::vector<int64_t>& v) {
  return Tensor::FromVector<int64_t>(v, Shape{static_cast<int64_t>(v.size())});
}

// Converts without the pass too: the count of Transposes it removes.
int TransposesWithoutFold(const std::shared_ptr<ir::Graph>& onnx) {
  ConvertOptions o;
  o.fold_transposes = false;
  auto tf = ConvertOnnxToTf(*onnx, o);
  EXPECT_TRUE(tf.ok()) << tf.status().ToString();
  return tf.ok() ? CountOps(**tf, "Transpose") : -1;
}

// shufflenet's channel shuffle on an NHWC value: Reshape [N, g, C/g, H, W] -> Transpose
// (0, 2, 1, 3, 4) -> Reshape [N, C, H, W] between two convs, dynamic batch.
std::shared_ptr<ir::Graph> ShuffleGraph() {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {-1, 3, 4, 5});
  ir::Value* c1 = g.Op("Conv", "conv1", {x, g.Random("w1", {6, 3, 1, 1}), g.Random("b1", {6})});
  ir::Value* r1 = g.Op("Reshape", "split", {c1, g.Const("s1", Ints({-1, 2, 3, 4, 5}))});
  ir::Value* t = g.Op("Transpose", "shuffle", {r1}, {{"perm", Attr::Ints({0, 2, 1, 3, 4})}});
  ir::Value* r2 = g.Op("Reshape", "merge", {t, g.Const("s2", Ints({-1, 6, 4, 5}))});
  ir::Value* c2 = g.Op("Conv", "conv2", {r2, g.Random("w2", {4, 6, 1, 1}), g.Random("b2", {4})});
  g.Output(c2);
  return g.graph();
}

TEST(FoldTransposesTest, ChannelShuffleBecomesOneGatherOnTheChannelAxis) {
  auto onnx = ShuffleGraph();
  EXPECT_EQ(TransposesWithoutFold(onnx), 3);  // input, the shuffle's own, output
  for (int64_t batch : {1, 3}) {
    Converted c = ConvertAndCompare(onnx, {RandomInput({batch, 3, 4, 5}, 7)}, 1e-5f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Transpose"), 2);
    const ir::Node* gather = FindOp(*c.tf, "GatherV2");
    ASSERT_NE(gather, nullptr);
    ASSERT_TRUE(gather->input(2)->is_constant());
    EXPECT_EQ(gather->input(2)->constant().data<int32_t>()[0], 3);  // NHWC channel axis
    // out channel c (= j * 2 + i after the shuffle) reads in channel i * 3 + j.
    const Tensor& idx = gather->input(1)->constant();
    ASSERT_EQ(idx.NumElements(), 6);
    const std::vector<int32_t> want = {0, 3, 1, 4, 2, 5};
    for (int i = 0; i < 6; ++i) EXPECT_EQ(idx.data<int32_t>()[i], want[i]) << i;
  }
}

// ViT's patch embedding: Conv (NHWC) -> Reshape [N, C, H*W] -> Transpose (0, 2, 1): the
// NCHW transpose before the Reshape and the model's own one compose to a plain Reshape of
// the NHWC value.
TEST(FoldTransposesTest, TransposeReshapeTransposeChainBecomesOneReshape) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {-1, 3, 8, 8});
  ir::Value* c = g.Op("Conv", "patch", {x, g.Random("w", {6, 3, 4, 4}), g.Random("b", {6})},
                      {{"kernel_shape", Attr::Ints({4, 4})}, {"strides", Attr::Ints({4, 4})}});
  ir::Value* r = g.Op("Reshape", "flat", {c, g.Const("s", Ints({-1, 6, 4}))});
  ir::Value* t = g.Op("Transpose", "tokens", {r}, {{"perm", Attr::Ints({0, 2, 1})}});
  g.Output(g.Op("MatMul", "proj", {t, g.Random("wp", {6, 5})}));
  auto onnx = g.graph();
  EXPECT_EQ(TransposesWithoutFold(onnx), 3);
  for (int64_t batch : {1, 3}) {
    Converted cv = ConvertAndCompare(onnx, {RandomInput({batch, 3, 8, 8}, 11)}, 1e-5f);
    ASSERT_TRUE(cv.tf);
    EXPECT_EQ(CountOps(*cv.tf, "Transpose"), 1);  // the input's only
  }
}

// A chain whose composite moves data across more than the last axis stays as it is.
TEST(FoldTransposesTest, ChainThatIsNotAReshapeIsKept) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {2, 4, 6});
  ir::Value* r = g.Op("Reshape", "r", {x, g.Const("s", Ints({2, 4, 2, 3}))});
  ir::Value* t = g.Op("Transpose", "t", {r}, {{"perm", Attr::Ints({0, 2, 1, 3})}});
  ir::Value* r2 = g.Op("Reshape", "r2", {t, g.Const("s2", Ints({2, 8, 3}))});
  g.Output(g.Op("Relu", "relu", {r2}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 4, 6}, 3)}, 0.f);
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 1);
  EXPECT_EQ(CountOps(*c.tf, "GatherV2"), 0);
}

// k.transpose(-2, -1) feeding a batched MatMul, a 2-D Transpose feeding a MatMul, and a
// swap of the product's last two axes: adj / transpose flags, no Transpose, no Einsum.
TEST(FoldTransposesTest, SwapsOfTheLastTwoAxesBecomeAdjFlags) {
  OnnxGraph g;
  ir::Value* q = g.Input("q", {3, 5, 4});
  ir::Value* k = g.Input("k", {3, 6, 4});
  ir::Value* kt = g.Op("Transpose", "kt", {k}, {{"perm", Attr::Ints({0, 2, 1})}});
  ir::Value* s = g.Op("MatMul", "scores", {q, kt});                           // [3, 5, 6]
  g.Output(g.Op("Transpose", "st", {s}, {{"perm", Attr::Ints({0, 2, 1})}}));  // [3, 6, 5]
  ir::Value* a = g.Input("a", {4, 7});
  ir::Value* at = g.Op("Transpose", "at", {a}, {{"perm", Attr::Ints({1, 0})}});
  g.Output(g.Op("MatMul", "aw", {at, g.Random("w", {4, 2})}));
  auto onnx = g.graph();
  EXPECT_EQ(TransposesWithoutFold(onnx), 3);
  Converted c = ConvertAndCompare(
      onnx, {RandomInput({3, 5, 4}, 1), RandomInput({3, 6, 4}, 2), RandomInput({4, 7}, 3)}, 1e-5f);
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 0);
  EXPECT_EQ(CountOps(*c.tf, "Einsum"), 0);
  EXPECT_EQ(CountOps(*c.tf, "BatchMatMulV2"), 1);
  EXPECT_EQ(CountOps(*c.tf, "MatMul"), 1);
}

// torch 1.13's nn.MultiheadAttention (batch_first) as exported: (B, S, E) -> (S, B, E), one
// in-projection, q/k/v sliced off the last axis, heads split into (S, B*H, D) and permuted
// to (B*H, S, D) / (B*H, D, S), q scaled, two batched products, the output permuted back,
// out-projection by Gemm, (S, B, E) -> (B, S, E).
// dynamic: the batch is a named dim and the Reshape targets are computed from Shape(x) as
// torch exports them (Shape -> Gather -> Mul -> Unsqueeze -> Concat).
std::shared_ptr<ir::Graph> AttentionGraph(bool dynamic = false) {
  const int64_t B = 2, S = 5, E = 8, H = 2, D = 4;
  OnnxGraph g;
  ir::Value* x = g.Input("x", {dynamic ? -1 : B, S, E});
  ir::Value* batch = nullptr;
  if (dynamic) {
    ir::Value* shape = g.Op("Shape", "shape", {x});
    batch = g.Op("Gather", "batch", {shape, g.Const("zero", Tensor::Scalar<int64_t>(0))},
                 {{"axis", Attr::Int(0)}});
  }
  // [a, B * b, c] with B the batch (computed when dynamic).
  auto target = [&](const std::string& n, std::vector<int64_t> before, int64_t times,
                    std::vector<int64_t> after) -> ir::Value* {
    if (!dynamic) {
      std::vector<int64_t> t = before;
      t.push_back(B * times);
      t.insert(t.end(), after.begin(), after.end());
      return g.Const(n, Ints(t));
    }
    ir::Value* m = g.Op("Mul", n + "_mul", {batch, g.Const(n + "_k", Tensor::Scalar<int64_t>(times))});
    ir::Value* u = g.Op("Unsqueeze", n + "_u", {m, g.Const(n + "_ax", Ints({0}))});
    std::vector<ir::Value*> parts;
    if (!before.empty()) parts.push_back(g.Const(n + "_before", Ints(before)));
    parts.push_back(u);
    if (!after.empty()) parts.push_back(g.Const(n + "_after", Ints(after)));
    return g.Op("Concat", n, parts, {{"axis", Attr::Int(0)}});
  };
  auto perm = [](std::vector<int64_t> p) {
    return std::vector<std::pair<std::string, Attr>>{{"perm", Attr::Ints(p)}};
  };
  ir::Value* t0 = g.Op("Transpose", "t0", {x}, perm({1, 0, 2}));
  ir::Value* mm = g.Op("MatMul", "in_proj", {t0, g.Random("w_in", {E, 3 * E})});
  ir::Value* qkv = g.Op("Add", "in_bias", {g.Random("b_in", {3 * E}), mm});
  auto slice = [&](const std::string& n, int64_t i) {
    return g.Op("Slice", n,
                {qkv, g.Const(n + "_s", Ints({i * E})), g.Const(n + "_e", Ints({(i + 1) * E})),
                 g.Const(n + "_a", Ints({2}))});
  };
  ir::Value* heads = target("heads", {S}, H, {D});
  ir::Value* q = g.Op("Reshape", "qr", {slice("q", 0), heads});
  ir::Value* k = g.Op("Reshape", "kr", {slice("k", 1), heads});
  ir::Value* v = g.Op("Reshape", "vr", {slice("v", 2), heads});
  ir::Value* t1 = g.Op("Transpose", "t1", {q}, perm({1, 0, 2}));
  ir::Value* t3 = g.Op("Transpose", "t3", {k}, perm({1, 2, 0}));
  ir::Value* t2 = g.Op("Transpose", "t2", {v}, perm({1, 0, 2}));
  ir::Value* qs = g.Op("Div", "scale", {t1, g.Const("sqrt_d", Tensor::Scalar<float>(2.f))});
  ir::Value* s = g.Op("MatMul", "scores", {qs, t3});
  ir::Value* p = g.Op("Softmax", "softmax", {s}, {{"axis", Attr::Int(-1)}});
  ir::Value* o = g.Op("MatMul", "context", {p, t2});
  ir::Value* t4 = g.Op("Transpose", "t4", {o}, perm({1, 0, 2}));
  ir::Value* r = g.Op("Reshape", "merge", {t4, target("flat", {}, S, {E})});
  ir::Value* y = g.Op("Gemm", "out_proj", {r, g.Random("w_out", {E, E}), g.Random("b_out", {E})},
                      {{"transB", Attr::Int(1)}});
  ir::Value* r2 = g.Op("Reshape", "unflat", {y, target("sbe", {S}, 1, {E})});
  ir::Value* t5 = g.Op("Transpose", "t5", {r2}, perm({1, 0, 2}));
  g.Output(g.Op("Add", "residual", {t5, x}));
  return g.graph();
}

TEST(FoldTransposesTest, AttentionPermutesFoldIntoEinsums) {
  for (bool dynamic : {false, true}) {
    SCOPED_TRACE(dynamic ? "dynamic batch" : "static batch");
    auto onnx = AttentionGraph(dynamic);
    EXPECT_EQ(TransposesWithoutFold(onnx), 6);
    for (int64_t batch : dynamic ? std::vector<int64_t>{1, 3} : std::vector<int64_t>{2}) {
      Converted c = ConvertAndCompare(onnx, {RandomInput({batch, 5, 8}, 5)}, 1e-5f);
      ASSERT_TRUE(c.tf);
      // matmul: (B, S, E) -> (S, B, E) goes into the in-projection, the scaled q and both
      // k^T and v permutes into the two products, and so does the permute of the context.
      // rows: the last (S, B, E) -> (B, S, E) moves up through the out-projection into
      // the context's Einsum, whose B*H label splits (operands reshaped) so that it gives
      // [B, S, H, D].
      EXPECT_EQ(CountOps(*c.tf, "Einsum"), 3);
      EXPECT_EQ(CountOps(*c.tf, "Transpose"), 0);
      for (const auto& n : c.tf->nodes())
        if (n->op_type() == "Einsum") {
          const std::string eq = n->GetString("equation", "");
          EXPECT_EQ(eq.find("..."), std::string::npos) << eq;
          EXPECT_EQ(n->num_inputs(), 2) << eq;
        }
    }
  }
}

// An Einsum label does not broadcast: batch dims that may differ (1 against 3 here) keep
// BatchMatMulV2 and its Transpose.
TEST(FoldTransposesTest, BroadcastBatchDimsKeepTheTranspose) {
  OnnxGraph g;
  ir::Value* a = g.Input("a", {1, 5, 4});
  ir::Value* b = g.Input("b", {4, 3, 6});
  ir::Value* bt = g.Op("Transpose", "bt", {b}, {{"perm", Attr::Ints({1, 0, 2})}});  // [3, 4, 6]
  g.Output(g.Op("MatMul", "mm", {a, bt}));
  Converted c =
      ConvertAndCompare(g.graph(), {RandomInput({1, 5, 4}, 1), RandomInput({4, 3, 6}, 2)}, 1e-5f);
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 1);
  EXPECT_EQ(CountOps(*c.tf, "Einsum"), 0);
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

// The TF runtime's Einsum runs two-operand equations as one batched product of permuted
// copies (the fold above emits such equations); broadcast labels and labels summed within
// one operand take the general loop. Both against the ONNX runtime's Einsum.
TEST(FoldTransposesTest, EinsumEquationsMatchTheOnnxRuntime) {
  struct Case {
    std::string eq;
    std::vector<int64_t> a, b;
  };
  const std::vector<Case> cases = {
      {"bij,bjk->bik", {2, 3, 4}, {2, 4, 5}},
      {"xaz,zy->axy", {5, 2, 4}, {4, 3}},
      {"xaz,yaz->axy", {5, 2, 4}, {6, 2, 4}},
      {"axz,zay->xay", {2, 5, 6}, {6, 2, 3}},
      {"ij,jk->ki", {3, 4}, {4, 2}},
      {"ij,ij->", {3, 4}, {3, 4}},
      {"bij,bjk->bik", {1, 3, 4}, {2, 4, 5}},  // b broadcasts: the general loop
      {"ij,kl->ik", {3, 4}, {2, 5}},           // j and l summed within one operand
  };
  for (const Case& c : cases) {
    OnnxGraph g(12);
    ir::Value* a = g.Input("a", c.a);
    ir::Value* b = g.Input("b", c.b);
    g.Output(g.Op("Einsum", "e", {a, b}, {{"equation", Attr::String(c.eq)}}));
    SCOPED_TRACE(c.eq);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput(c.a, 1), RandomInput(c.b, 2)}, 1e-5f);
    EXPECT_TRUE(r.tf);
  }
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

// rows: Einsum [4, 6, 3] -> Reshape [8, 9] (6 splits into 2 x 3, 3 x 3 merge) -> MatMul by a
// constant -> Add of a bias -> Reshape [4, 2, 7] -> Transpose (1, 0, 2). The permutation of
// the rows goes into the Einsum (label a splits); with a last target dim other than the row
// width (Reshape [4, 14, 1]) the rows are not the leading dims and the Transpose stays.
TEST(FoldTransposesTest, RowWiseChainBetweenReshapesMovesItsTransposeIntoTheEinsum) {
  for (bool rows_lead : {true, false}) {
    SCOPED_TRACE(rows_lead ? "[4, 2, 7]" : "[4, 14, 1]");
    OnnxGraph g(12);
    ir::Value* a = g.Input("a", {6, 4, 5});
    ir::Value* b = g.Input("b", {5, 6, 3});
    ir::Value* z = g.Op("Einsum", "e", {a, b}, {{"equation", Attr::String("aij,jak->iak")}});
    ir::Value* r1 = g.Op("Reshape", "r1", {z, g.Const("t1", Ints({8, 9}))});
    ir::Value* m = g.Op("MatMul", "m", {r1, g.Random("w", {9, 7})});
    ir::Value* y = g.Op("Add", "bias", {m, g.Random("bias", {7})});
    ir::Value* r2 = g.Op("Reshape", "r2",
                         {y, g.Const("t2", Ints(rows_lead ? std::vector<int64_t>{4, 2, 7}
                                                          : std::vector<int64_t>{4, 14, 1}))});
    g.Output(g.Op("Transpose", "t", {r2}, {{"perm", Attr::Ints({1, 0, 2})}}));
    Converted c =
        ConvertAndCompare(g.graph(), {RandomInput({6, 4, 5}, 1), RandomInput({5, 6, 3}, 2)}, 1e-5f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Transpose"), rows_lead ? 0 : 1);
  }
}

}  // namespace
}  // namespace ferry::convert::testing
