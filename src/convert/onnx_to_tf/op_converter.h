// The converter interface: one OpConverter per ONNX op (and version range), which infers
// its outputs' facts and lowers the node into TF ops through a TfBuilder. Converters never
// write transposes: the to_nhwc pass decides each value's layout, and the builder hands a
// converter its inputs already in the layout decided for the node.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "convert/onnx_to_tf/facts.h"
#include "core/status.h"
#include "ir/graph.h"

namespace ferry::convert::onnx_to_tf {

// How an op relates to the layout of its 4-D and 5-D activations.
enum class Layout {
  kAgnostic,     // elementwise: runs in any layout (broadcast constants are permuted)
  kChannelAxis,  // has an axis the pass remaps (Concat, Softmax)
  kNhwcNative,   // wants NHWC / NDHWC (Conv, pools, BatchNormalization)
  kNchwOnly,     // needs ONNX's layout (Reshape, Gather, ...), unless the pass special-cases it
};

// Where a value lives in the TF graph.
enum class ValueLayout {
  kPlain,     // as in ONNX
  kNhwc,      // channels-last: a 4-D NCHW value stored NHWC, a 5-D NCDHW one stored NDHWC
  kFlatNhwc,  // [N, C*H*W] flattened from NHWC: feature order (h, w, c), not (c, h, w)
              // (from NDHWC: (d, h, w, c))
  kShuffle,   // a channel shuffle's 5-D [N, A, B, H, W] stored [N, H, W, A, B]
              // (passes/to_nhwc.h); read only by the shuffle's own nodes
};

// The to_nhwc pass's decisions.
struct LayoutPlan {
  std::unordered_map<const ir::Value*, ValueLayout> layout;  // absent: kPlain
  // For kFlatNhwc values: the (C, H, W) or (C, D, H, W) they were flattened from.
  std::unordered_map<const ir::Value*, std::vector<int64_t>> flat_chw;
  // Nodes lowered channels-last: their 4-D (5-D) activation inputs arrive NHWC (NDHWC), and
  // their outputs of the node's rank are NHWC (NDHWC).
  std::unordered_set<const ir::Node*> nhwc_nodes;
  ValueLayout Of(const ir::Value* v) const {
    auto it = layout.find(v);
    return it == layout.end() ? ValueLayout::kPlain : it->second;
  }
};

class InferContext {
 public:
  InferContext(const ir::Node& node, FactsMap& facts) : node_(node), facts_(facts) {}
  const ir::Node& node() const { return node_; }
  // Facts of input i; empty facts for an omitted input.
  const ValueFacts& in(int i) const;
  ValueFacts& out(int i) { return facts_[node_.output(i)]; }
  Status Error(const std::string& msg) const {
    return InvalidArgument(node_.Describe() + ": " + msg);
  }

 private:
  const ir::Node& node_;
  FactsMap& facts_;
};

class TfBuilder;

class OpConverter {
 public:
  OpConverter(std::string op_type, int since_opset)
      : op_type_(std::move(op_type)), since_opset_(since_opset) {}
  virtual ~OpConverter() = default;

  const std::string& op_type() const { return op_type_; }
  int since_opset() const { return since_opset_; }
  virtual Layout layout() const = 0;
  // Attributes the converter understands; any other attribute on the node is an error
  // (an attribute TF cannot express must never be dropped silently).
  virtual std::vector<std::string> attributes() const { return {}; }
  // For kChannelAxis ops: whether this node can run on NHWC (NDHWC) inputs (the to_nhwc pass
  // asks before choosing NHWC; when false the node gets NCHW inputs). Default: yes.
  virtual bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const { return true; }
  // Whether this node can run channels-last on 5-D (NDHWC) activations: asked by the to_nhwc
  // pass, on top of AcceptsNhwc, for a node whose activations are 5-D. Default: the
  // elementwise (kAgnostic) ops can; a converter of another kind opts in once its lowering
  // handles NDHWC.
  virtual bool AcceptsNdhwc(const ir::Node& n, const FactsMap& facts) const {
    return layout() == Layout::kAgnostic;
  }
  // Fills the facts of the node's outputs from its inputs' facts. The default records
  // only input 0's dtype.
  virtual Status Infer(const ir::Node& n, InferContext& ctx) const;
  virtual Status Convert(const ir::Node& n, TfBuilder& b) const = 0;

 private:
  std::string op_type_;
  int since_opset_;
};

// The table of converters; the one for a model is the highest since_opset <= its opset.
class ConverterTable {
 public:
  void Add(std::unique_ptr<OpConverter> c);
  const OpConverter* Find(const std::string& op_type, int64_t opset) const;

 private:
  std::unordered_map<std::string, std::vector<std::unique_ptr<OpConverter>>> by_op_;
};

// Every converter of ops/, built once.
const ConverterTable& OnnxToTfConverters();

// Emits TF nodes for one ONNX node at a time. Owned by the driver (convert.cc).
class TfBuilder {
 public:
  TfBuilder(ir::Graph& tf, const FactsMap& facts, const LayoutPlan& plan)
      : tf_(tf), facts_(facts), plan_(plan) {}

  // --- used by the driver ---
  void Begin(const ir::Node& n, const OpConverter& c) {
    node_ = &n;
    conv_ = &c;
  }
  // Binds an ONNX value (graph input) to a TF value in ONNX layout.
  void BindPlain(const ir::Value* onnx, ir::Value* tf) { bound_[onnx] = tf; }
  bool IsBound(const ir::Value* onnx) const { return bound_.count(onnx) != 0; }
  // The TF value an ONNX value was lowered to (in plan layout), or nullptr.
  ir::Value* Bound(const ir::Value* onnx) const {
    auto it = bound_.find(onnx);
    return it == bound_.end() ? nullptr : it->second;
  }
  // The TF value of an ONNX value in the requested layout (kPlain or kNhwc), adding the
  // transpose, or the NHWC copy of a constant, when it is stored otherwise.
  StatusOr<ir::Value*> ValueIn(const ir::Value* onnx, ValueLayout want);
  ir::Graph& graph() { return tf_; }
  int interior_transposes() const { return interior_transposes_; }

  // --- used by converters ---
  const ir::Node& node() const { return *node_; }
  bool nhwc() const { return plan_.nhwc_nodes.count(node_) != 0; }
  // Whether a value of rank `rank` is channels-last in this node: the node is lowered NHWC
  // and the rank is 4 or 5.
  bool channels_last(int rank) const;
  const ValueFacts& in_facts(int i) const;
  const ValueFacts& out_facts(int i) const;
  // ONNX constant of input i (ONNX layout), or nullptr.
  const Tensor* ConstInput(int i) const;
  ValueLayout InputLayout(int i) const { return plan_.Of(node_->input(i)); }
  const std::vector<int64_t>& FlatChw(int i) const { return plan_.flat_chw.at(node_->input(i)); }
  ValueLayout OutputLayout(int i) const { return plan_.Of(node_->output(i)); }
  // Input i as the node consumes it: 4-D and 5-D activations in the node's layout; for an
  // agnostic node in NHWC (NDHWC), a broadcast constant is reshaped to rank 4 (5) and
  // permuted.
  StatusOr<ir::Value*> Input(int i);
  // Maps an ONNX axis of a rank-`rank` input to the TF axis in the node's layout.
  int64_t Axis(int64_t onnx_axis, int rank) const;

  // A TF constant (int64 is stored int32: TF.js weights have no int64).
  ir::Value* Const(const Tensor& t, const std::string& hint);
  ir::Value* ConstInt32(const std::vector<int64_t>& v, const std::string& hint,
                        bool scalar = false);
  // Adds node `op` (domain "tf") with one output named `out_name` (a fresh name when
  // empty), typed `dtype`.
  ir::Node* Emit(const std::string& op, std::vector<ir::Value*> inputs,
                 std::vector<std::pair<std::string, ir::Attribute>> attrs, DataType dtype,
                 const std::string& out_name = "");
  // The name the TF value for ONNX output i should carry (the ONNX name, unless a boundary
  // transpose will take it).
  std::string OutName(int i) const;
  // Records the TF value of ONNX output i (in the layout the plan decided for it).
  void SetOutput(int i, ir::Value* v) { bound_[node_->output(i)] = v; }
  Status Error(const std::string& msg) const {
    return InvalidArgument(node_->Describe() + ": " + msg);
  }
  Status Unsupported(const std::string& attr, const std::string& why) const {
    return Unimplemented(node_->Describe() + ": attribute '" + attr + "' " + why);
  }

 private:
  ir::Value* Transpose(ir::Value* v, const std::vector<int64_t>& perm, const std::string& name);
  // The rank of the node's activations (its non-constant inputs of rank 4 or 5), or 4.
  int ActivationRank() const;

  ir::Graph& tf_;
  const FactsMap& facts_;
  const LayoutPlan& plan_;
  const ir::Node* node_ = nullptr;
  const OpConverter* conv_ = nullptr;
  std::unordered_map<const ir::Value*, ir::Value*> bound_;  // in plan_.Of(value) layout
  std::unordered_map<const ir::Value*, ir::Value*> plain_cache_, nhwc_cache_;
  int interior_transposes_ = 0;
};

// Shared helpers for converters.
// TF's dtype for an ONNX dtype inside the TF graph (int64 becomes int32).
DataType TfDType(DataType onnx);
// Permutations between NCHW and NHWC.
inline const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
inline const std::vector<int64_t> kToNchw = {0, 3, 1, 2};
// The ranks the to_nhwc pass lays out channels-last: 4 (NHWC) and 5 (NDHWC).
inline bool IsChannelsLastRank(int rank) { return rank == 4 || rank == 5; }
// Channels-first -> channels-last for rank 4 or 5 (kToNhwc; {0, 2, 3, 4, 1}), and back
// (kToNchw; {0, 4, 1, 2, 3}).
std::vector<int64_t> ToNhwcPerm(int rank);
std::vector<int64_t> ToNchwPerm(int rank);
// The channels-last position of ONNX axis a (0 <= a < rank) of a rank 4 or 5 value: the
// channel axis 1 goes last, spatial axis k >= 2 to k - 1.
int64_t NhwcAxis(int64_t a, int rank);
// Whether dropping `removed` (NCHW axes) from a channels-last tensor of rank `rank` (4 or 5)
// leaves the other axes in ONNX's order, so a rank-reducing op needs no transpose (N, C
// after removing H, W).
bool KeepsNchwOrder(const std::vector<int64_t>& removed, int rank = 4);
// The rank facts give v, or -1.
inline int RankOf(const FactsMap& facts, const ir::Value* v) {
  auto it = v ? facts.find(v) : facts.end();
  return it == facts.end() ? -1 : it->second.rank();
}
// Transposes a host tensor (any dtype) by perm.
Tensor TransposeTensor(const Tensor& t, const std::vector<int64_t>& perm);

}  // namespace ferry::convert::onnx_to_tf
