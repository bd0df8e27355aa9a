// The runtime's op interface. An Op is built once per node at session creation: its
// constructor reads and validates attributes (recording any error in init_status_), and
// Run() only computes. Pattern from onnxruntime's OpKernel and TF Lite's Prepare/Eval.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"
#include "runtime/value.h"

namespace ferry::runtime {

class Session;
struct Frame;

// What an op sees of its node when it is built.
class NodeInfo {
 public:
  NodeInfo(const ir::Node& node, int64_t opset, int num_threads)
      : node_(node), opset_(opset), num_threads_(num_threads) {}
  const ir::Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  int num_threads() const { return num_threads_; }
  int num_inputs() const { return node_.num_inputs(); }
  int num_outputs() const { return node_.num_outputs(); }
  bool has_input(int i) const { return node_.input(i) != nullptr; }
  // Input i when its value is known before running (initializer or folded), else nullptr.
  const Tensor* constant_input(int i) const {
    const ir::Value* v = node_.input(i);
    return v && v->is_constant() ? &v->constant() : nullptr;
  }
  // "Conv 'conv_3'" for messages.
  std::string Describe() const { return node_.Describe(); }
  // Builds "Conv 'conv_3': <msg>" as kInvalidArgument.
  Status Error(const std::string& msg) const { return InvalidArgument(Describe() + ": " + msg); }

 private:
  const ir::Node& node_;
  int64_t opset_;
  int num_threads_;
};

// Inputs and outputs of one execution of one node. Tensor ops use input()/Output()/
// SetOutput(); ops on sequences and optionals (and If/Loop/Scan, whose values may be any kind)
// use input_value()/SetOutputValue().
class OpContext {
 public:
  // Bit i of `dying_inputs`: this step is input i's last use in the run (the session frees
  // it after the step) and the node reads it through no other input.
  OpContext(const ir::Node& node, std::vector<const Value*> inputs, std::vector<Value>* outputs,
            int num_threads, const Session* session, const Frame* frame,
            uint64_t dying_inputs = 0)
      : node_(node), inputs_(std::move(inputs)), outputs_(outputs),
        num_threads_(num_threads), session_(session), frame_(frame),
        dying_inputs_(dying_inputs) {}

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  // The tensor of input i; nullptr when the optional input is omitted, i is past the end, or
  // the input is not a tensor (a sequence or an empty optional).
  const Tensor* input(int i) const {
    const Value* v = input_value(i);
    return v && v->is_tensor() ? &v->tensor() : nullptr;
  }
  bool has_input(int i) const { return input(i) != nullptr; }
  // Input i of any kind; nullptr when omitted (or i is past the end).
  const Value* input_value(int i) const {
    const Value* v = i < static_cast<int>(inputs_.size()) ? inputs_[i] : nullptr;
    return v && v->defined() ? v : nullptr;
  }
  int num_outputs() const { return static_cast<int>(outputs_->size()); }
  // Allocates output i; checks the shape against the memory cap before allocating.
  StatusOr<Tensor*> Output(int i, DataType dtype, Shape shape);
  // Output `out` in the buffer of input `in`, when the op may overwrite it: the input dies
  // here (see the constructor), no other value or caller holds its buffer, and it already has
  // `dtype` and `shape`. Otherwise a new tensor, as Output gives. For an op that reads each
  // element of input `in` before writing it (a convolution accumulating onto its fused
  // residual: ResNet's skip connections then need no copy into the output).
  StatusOr<Tensor*> OutputInPlace(int out, int in, DataType dtype, Shape shape);
  // Sets output i to an existing tensor (Identity, Reshape and friends share buffers).
  void SetOutput(int i, Tensor t) { (*outputs_)[i] = Value(std::move(t)); }
  // Sets output i to a value of any kind.
  void SetOutputValue(int i, Value v) { (*outputs_)[i] = std::move(v); }
  void SetOutputSequence(int i, DataType elem, std::vector<Tensor> items) {
    (*outputs_)[i] = Value::Sequence(elem, std::move(items));
  }
  // Runs subgraph `g` (an attribute of this node) with `inputs` bound to its graph inputs;
  // the values it reads from enclosing scopes are looked up by name in the running graphs.
  StatusOr<std::vector<Value>> RunSubgraph(const ir::Graph& g,
                                           const std::vector<Value>& inputs) const;
  int num_threads() const { return num_threads_; }
  const ir::Node& node() const { return node_; }
  const Session* session() const { return session_; }
  Status Error(const std::string& msg) const {
    return InvalidArgument(node_.Describe() + ": " + msg);
  }

 private:
  const ir::Node& node_;
  std::vector<const Value*> inputs_;
  std::vector<Value>* outputs_;
  int num_threads_;
  const Session* session_;
  const Frame* frame_;
  uint64_t dying_inputs_ = 0;
};

class Op {
 public:
  virtual ~Op() = default;
  virtual Status Run(OpContext& ctx) const = 0;
  // Constant inputs (by index) this op copied into its own form when it was built and will
  // not read again: a session that owns its graph alone may drop them (the op then sees
  // the input as omitted), so that weights are not held twice.
  virtual std::vector<int> ReleasableConstantInputs() const { return {}; }
  // Set by a constructor that found a bad attribute; checked once by the session.
  const Status& init_status() const { return init_status_; }

 protected:
  Status init_status_;
};

}  // namespace ferry::runtime
