// Issue 3, items 2, 3 and 6: a model is prepared once per distinct set of input shapes, with
// its shape computations folded (runtime/prepare.h); tensors reuse buffers within and across
// runs (core/buffer_pool.h) without changing results; the same inputs give bitwise the same
// outputs run after run.
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;

ir::ValueInfo InfoOf(DataType dtype, std::vector<ir::Dim> dims) {
  ir::ValueInfo vi;
  vi.dtype = dtype;
  vi.shape = std::move(dims);
  return vi;
}

Tensor Random(Shape shape, uint32_t seed) {
  Tensor t(DataType::kFloat32, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

ir::Value* I64(ir::Graph& g, const std::string& name, std::vector<int64_t> v, bool scalar = false) {
  const int64_t n = static_cast<int64_t>(v.size());
  return g.AddConstant(name, Tensor::FromVector<int64_t>(v, scalar ? Shape{} : Shape{n}));
}

// x[batch,4,6] -> Transpose [batch,6,4] -> Relu -> t
//   Shape(t) -> Gather 0, Gather 1 * Gather 2 -> Unsqueeze, Unsqueeze -> Concat -> Reshape(t)
//   -> y[batch,24]
//   Shape(y) -> Gather 0 -> Unsqueeze -> Concat with [4,6] -> Reshape(y) -> z[batch,4,6]
// The second chain reads the first Reshape's output: it folds only once the first one did.
std::shared_ptr<ir::Graph> DynamicBatchGraph() {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", InfoOf(DataType::kFloat32, {ir::Dim::Named("batch"),
                                                             ir::Dim::Known(4), ir::Dim::Known(6)}));
  g->inputs().push_back(x);
  ir::Node* tr = g->AddNode("Transpose", "", "tr", {x}, {"tr_out"});
  tr->set_attr("perm", ir::Attribute::Ints({0, 2, 1}));
  ir::Value* t = g->AddNode("Relu", "", "relu", {tr->output(0)}, {"t"})->output(0);
  ir::Value* s = g->AddNode("Shape", "", "shape", {t}, {"s"})->output(0);
  ir::Value* g0 = g->AddNode("Gather", "", "g0", {s, I64(*g, "i0", {0}, true)}, {"g0"})->output(0);
  ir::Value* g1 = g->AddNode("Gather", "", "g1", {s, I64(*g, "i1", {1}, true)}, {"g1"})->output(0);
  ir::Value* g2 = g->AddNode("Gather", "", "g2", {s, I64(*g, "i2", {2}, true)}, {"g2"})->output(0);
  ir::Value* m = g->AddNode("Mul", "", "mul", {g1, g2}, {"m"})->output(0);
  ir::Value* ax = I64(*g, "axes", {0});
  ir::Value* u0 = g->AddNode("Unsqueeze", "", "u0", {g0, ax}, {"u0"})->output(0);
  ir::Value* u1 = g->AddNode("Unsqueeze", "", "u1", {m, ax}, {"u1"})->output(0);
  ir::Node* cat = g->AddNode("Concat", "", "cat", {u0, u1}, {"c"});
  cat->set_attr("axis", ir::Attribute::Int(0));
  ir::Value* y = g->AddNode("Reshape", "", "reshape", {t, cat->output(0)}, {"y"})->output(0);
  ir::Value* s2 = g->AddNode("Shape", "", "shape2", {y}, {"s2"})->output(0);
  ir::Value* h0 = g->AddNode("Gather", "", "h0", {s2, I64(*g, "j0", {0}, true)}, {"h0"})->output(0);
  ir::Value* v0 = g->AddNode("Unsqueeze", "", "v0", {h0, ax}, {"v0"})->output(0);
  ir::Node* cat2 = g->AddNode("Concat", "", "cat2", {v0, I64(*g, "rest", {4, 6})}, {"c2"});
  cat2->set_attr("axis", ir::Attribute::Int(0));
  ir::Value* z = g->AddNode("Reshape", "", "reshape2", {y, cat2->output(0)}, {"z"})->output(0);
  g->outputs().push_back(y);
  g->outputs().push_back(z);
  return g;
}

// y[b, 6*4] = relu(x[b].T), flattened.
std::vector<float> Expected(const Tensor& x) {
  const int64_t b = x.dim(0);
  std::vector<float> y(b * 24);
  for (int64_t n = 0; n < b; ++n)
    for (int64_t j = 0; j < 6; ++j)
      for (int64_t i = 0; i < 4; ++i) {
        const float v = x.data<float>()[n * 24 + i * 6 + j];
        y[n * 24 + j * 4 + i] = v > 0 ? v : 0;
      }
  return y;
}

std::map<std::string, int> OpCounts(const ir::Graph& g) {
  std::map<std::string, int> counts;
  for (const auto& n : g.nodes()) ++counts[n->op_type()];
  return counts;
}

TEST(PrepareTest, ShapeChainsFoldOncePerInputShapes) {
  auto session = runtime::Session::Create(DynamicBatchGraph(), OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const runtime::Session& s = **session;
  EXPECT_EQ(s.num_prepared_shapes(), 0);
  // The generic session keeps the shape computations: the batch is not known.
  EXPECT_EQ(OpCounts(s.graph())["Shape"], 2);

  const Tensor x2 = Random(Shape{2, 4, 6}, 1), x5 = Random(Shape{5, 4, 6}, 2);
  for (const Tensor* x : {&x2, &x5}) {
    auto out = s.Run(std::vector<Tensor>{*x});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ((*out)[0].shape(), Shape({x->dim(0), 24}));
    ASSERT_EQ((*out)[1].shape(), Shape({x->dim(0), 4, 6}));
    EXPECT_EQ(Floats((*out)[0]), Expected(*x));
    EXPECT_EQ(Floats((*out)[1]), Expected(*x));
  }
  EXPECT_EQ(s.num_prepared_shapes(), 2);

  std::shared_ptr<const runtime::Session> p2 = s.PreparedFor({x2});
  ASSERT_NE(p2, nullptr);
  // Both chains folded: what is left is the maths and the two Reshapes, now by constants.
  const std::map<std::string, int> left = OpCounts(p2->graph());
  for (const char* op : {"Shape", "Gather", "Mul", "Unsqueeze", "Concat"})
    EXPECT_EQ(left.count(op), 0u) << op << " left in the prepared graph";
  EXPECT_LT(p2->num_steps(), s.num_steps());
  EXPECT_EQ(p2->num_steps(), 4) << "Transpose, Relu, Reshape, Reshape";

  // Batch 2 again: the same prepared session, no new entry.
  auto again = s.Run(std::vector<Tensor>{x2});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Floats((*again)[0]), Expected(x2));
  EXPECT_EQ(s.num_prepared_shapes(), 2);
  EXPECT_EQ(s.PreparedFor({x2}), p2);
}

TEST(PrepareTest, CacheKeepsTheMostRecentlyUsed) {
  runtime::SessionOptions o;
  o.max_prepared_shapes = 2;
  auto session = runtime::Session::Create(DynamicBatchGraph(), OnnxOpSet(), o);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const runtime::Session& s = **session;
  const Tensor x1 = Random(Shape{1, 4, 6}, 3), x2 = Random(Shape{2, 4, 6}, 4),
               x3 = Random(Shape{3, 4, 6}, 5);
  for (const Tensor* x : {&x1, &x2, &x1, &x3}) ASSERT_TRUE(s.Run(std::vector<Tensor>{*x}).ok());
  EXPECT_EQ(s.num_prepared_shapes(), 2);
  EXPECT_NE(s.PreparedFor({x1}), nullptr);  // used again before x3 came
  EXPECT_EQ(s.PreparedFor({x2}), nullptr);  // least recently used: dropped
  EXPECT_NE(s.PreparedFor({x3}), nullptr);
}

TEST(PrepareTest, NotPreparedWithoutTheOptimizer) {
  runtime::SessionOptions o;
  o.optimize = false;
  auto session = runtime::Session::Create(DynamicBatchGraph(), OnnxOpSet(), o);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const Tensor x = Random(Shape{3, 4, 6}, 6);
  auto out = (*session)->Run(std::vector<Tensor>{x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Floats((*out)[0]), Expected(x));
  EXPECT_EQ((*session)->num_prepared_shapes(), 0);
}

// A shape that comes from input values is not folded: Reshape by the input `shape` and
// Shape of the result must follow the values, run after run, at the same input shapes.
TEST(PrepareTest, ShapesThatDependOnValuesAreNotFolded) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", InfoOf(DataType::kFloat32, {ir::Dim::Named("n"), ir::Dim::Known(6)}));
  ir::Value* shape = g->AddValue("shape", InfoOf(DataType::kInt64, {ir::Dim::Known(2)}));
  g->inputs() = {x, shape};
  ir::Value* r = g->AddNode("Reshape", "", "reshape", {x, shape}, {"r"})->output(0);
  ir::Value* sx = g->AddNode("Shape", "", "shape_x", {x}, {"sx"})->output(0);
  ir::Value* sr = g->AddNode("Shape", "", "shape_r", {r}, {"sr"})->output(0);
  g->outputs() = {sx, sr};
  auto session = runtime::Session::Create(g, OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const Tensor x2 = Random(Shape{2, 6}, 7);
  for (const std::vector<int64_t>& want : {std::vector<int64_t>{3, 4}, {6, 2}, {12, 1}}) {
    auto out = (*session)->Run(std::vector<Tensor>{x2, Tensor::FromVector<int64_t>(want, Shape{2})});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(testing::Ints((*out)[0]), (std::vector<int64_t>{2, 6}));
    EXPECT_EQ(testing::Ints((*out)[1]), want);
  }
  auto p = (*session)->PreparedFor({x2, Tensor::FromVector<int64_t>({3, 4}, Shape{2})});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(OpCounts(p->graph())["Shape"], 1) << "Shape(x) folds, Shape(reshape(x, shape)) not";
}

// When no shape computation can fold, no prepared copy is kept: the generic session runs.
TEST(PrepareTest, NothingToFoldKeepsNoCopy) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", InfoOf(DataType::kFloat32, {ir::Dim::Named("n")}));
  g->inputs() = {x};
  ir::Value* nz = g->AddNode("NonZero", "", "nonzero", {x}, {"nz"})->output(0);
  g->outputs() = {g->AddNode("Shape", "", "shape", {nz}, {"s"})->output(0)};
  auto session = runtime::Session::Create(g, OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  for (const std::vector<float>& v : {std::vector<float>{0, 1, 2}, {1, 1, 1}}) {
    auto out = (*session)->Run(std::vector<Tensor>{Tensor::FromVector<float>(v, Shape{3})});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const int64_t nonzero = v[0] == 0 ? 2 : 3;
    EXPECT_EQ(testing::Ints((*out)[0]), (std::vector<int64_t>{1, nonzero}));
  }
  EXPECT_EQ((*session)->num_prepared_shapes(), 0);
}

// Concurrent runs of different batch sizes share one session (serve does this).
TEST(PrepareTest, ConcurrentRunsOfManyShapes) {
  auto session = runtime::Session::Create(DynamicBatchGraph(), OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const runtime::Session& s = **session;
  std::vector<std::thread> threads;
  std::vector<int> bad(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const Tensor x = Random(Shape{1 + (t + i) % 3, 4, 6}, 100 * t + i);
        auto out = s.Run(std::vector<Tensor>{x});
        if (!out.ok() || Floats((*out)[1]) != Expected(x)) ++bad[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
  EXPECT_EQ(s.num_prepared_shapes(), 3);
}

// x[2,3,8,8] -> Conv 3x3 (4 channels) -> Relu -> MaxPool 2 -> Flatten -> Gemm (10)
// -> Softmax, plus a Concat/Transpose branch: a little of everything a CNN runs.
std::shared_ptr<ir::Graph> ConvGemmGraph() {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", InfoOf(DataType::kFloat32, {ir::Dim::Known(2), ir::Dim::Known(3),
                                                             ir::Dim::Known(8), ir::Dim::Known(8)}));
  g->inputs().push_back(x);
  ir::Value* w = g->AddConstant("w", Random(Shape{4, 3, 3, 3}, 11));
  ir::Value* b = g->AddConstant("b", Random(Shape{4}, 12));
  ir::Node* conv = g->AddNode("Conv", "", "conv", {x, w, b}, {"conv"});
  conv->set_attr("pads", ir::Attribute::Ints({1, 1, 1, 1}));
  ir::Value* r = g->AddNode("Relu", "", "relu", {conv->output(0)}, {"r"})->output(0);
  ir::Node* pool = g->AddNode("MaxPool", "", "pool", {r}, {"p"});
  pool->set_attr("kernel_shape", ir::Attribute::Ints({2, 2}));
  pool->set_attr("strides", ir::Attribute::Ints({2, 2}));
  ir::Value* f = g->AddNode("Flatten", "", "flat", {pool->output(0)}, {"f"})->output(0);
  ir::Value* gw = g->AddConstant("gw", Random(Shape{64, 10}, 13));
  ir::Value* gb = g->AddConstant("gb", Random(Shape{10}, 14));
  ir::Value* gemm = g->AddNode("Gemm", "", "gemm", {f, gw, gb}, {"gemm"})->output(0);
  ir::Value* sm = g->AddNode("Softmax", "", "softmax", {gemm}, {"y"})->output(0);
  ir::Node* tr = g->AddNode("Transpose", "", "tr", {r}, {"t"});
  tr->set_attr("perm", ir::Attribute::Ints({0, 2, 3, 1}));
  ir::Node* cat = g->AddNode("Concat", "", "cat", {tr->output(0), tr->output(0)}, {"cat"});
  cat->set_attr("axis", ir::Attribute::Int(3));
  ir::Value* e = g->AddNode("Exp", "", "exp", {cat->output(0)}, {"e"})->output(0);
  g->outputs() = {sm, e};
  return g;
}

bool Bitwise(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].shape() != b[i].shape() || a[i].dtype() != b[i].dtype() ||
        std::memcmp(a[i].raw_data(), b[i].raw_data(), a[i].NumBytes()) != 0)
      return false;
  return true;
}

TEST(BufferPoolTest, RunsReuseBuffersWithinAndAcrossRuns) {
  auto session = runtime::Session::Create(ConvGemmGraph(), OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const runtime::Session& s = **session;
  ASSERT_NE(s.buffer_pool(), nullptr);
  const Tensor x = Random(Shape{2, 3, 8, 8}, 21);
  ASSERT_TRUE(s.Run(std::vector<Tensor>{x}).ok());  // outputs dropped: every buffer is back in the pool
  const BufferPool::Stats first = s.buffer_pool()->stats();
  EXPECT_GT(first.fresh, 0);
  EXPECT_GT(first.cached_bytes, 0);
  ASSERT_TRUE(s.Run(std::vector<Tensor>{x}).ok());
  const BufferPool::Stats second = s.buffer_pool()->stats();
  EXPECT_EQ(second.fresh, first.fresh) << "the second run allocated from the system";
  EXPECT_GT(second.reused, first.reused);
}

// Poisoned buffers (every byte 0xff, NaN as float) would show in the outputs if a kernel read
// an output element before writing it; the outputs match a session without a pool bit for bit.
TEST(BufferPoolTest, ReuseDoesNotChangeResults) {
  runtime::SessionOptions plain;
  plain.reuse_buffers = false;
  for (auto make : {&ConvGemmGraph, &DynamicBatchGraph}) {
    auto g = make();
    auto pooled = runtime::Session::Create(g, OnnxOpSet());
    auto reference = runtime::Session::Create(g, OnnxOpSet(), plain);
    ASSERT_TRUE(pooled.ok() && reference.ok());
    ASSERT_NE((*pooled)->buffer_pool(), nullptr);
    EXPECT_EQ((*reference)->buffer_pool(), nullptr);
    (*pooled)->buffer_pool()->set_poison(true);
    const Tensor x = Random(g->inputs()[0]->info().shape->at(1).value == 3 ? Shape{2, 3, 8, 8}
                                                                           : Shape{3, 4, 6},
                            31);
    auto want = (*reference)->Run(std::vector<Tensor>{x});
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    for (int run = 0; run < 3; ++run) {
      auto got = (*pooled)->Run(std::vector<Tensor>{x});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(Bitwise(*got, *want)) << "run " << run;
    }
  }
}

// Item 6: at a fixed thread count the same inputs give the same bits, run after run and
// session after session.
TEST(DeterminismTest, SameThreadsSameBits) {
  for (int threads : {1, 2}) {
    runtime::SessionOptions o;
    o.num_threads = threads;
    auto a = runtime::Session::Create(ConvGemmGraph(), OnnxOpSet(), o);
    auto b = runtime::Session::Create(ConvGemmGraph(), OnnxOpSet(), o);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ((*a)->num_threads(), threads);
    const Tensor x = Random(Shape{2, 3, 8, 8}, 41);
    auto first = (*a)->Run(std::vector<Tensor>{x});
    auto second = (*a)->Run(std::vector<Tensor>{x});
    auto other = (*b)->Run(std::vector<Tensor>{x});
    ASSERT_TRUE(first.ok() && second.ok() && other.ok());
    EXPECT_TRUE(Bitwise(*first, *second)) << threads << " threads";
    EXPECT_TRUE(Bitwise(*first, *other)) << threads << " threads";
  }
}

TEST(DeterminismTest, ThreadCountComesFromTheEnvironment) {
  const char* old = std::getenv("FERRY_NUM_THREADS");
  const std::string saved = old ? old : "";
  ::setenv("FERRY_NUM_THREADS", "3", 1);
  EXPECT_EQ(runtime::ResolveNumThreads(0), 3);
  EXPECT_EQ(runtime::ResolveNumThreads(2), 2) << "an explicit count wins";
  if (old) {
    ::setenv("FERRY_NUM_THREADS", saved.c_str(), 1);
  } else {
    ::unsetenv("FERRY_NUM_THREADS");
  }
}

}  // namespace
}  // namespace ferry::onnx
