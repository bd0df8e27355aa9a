// The one graph IR that every format reads and writes and every converter rewrites.
// A Graph owns Nodes and Values. A Value is produced by at most one Node (or is a graph
// input or an initializer) and knows its users. Op types are plain strings with a
// domain: "" for ONNX's default domain, "tf" for TensorFlow ops, "aten" for TorchScript.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ir/attribute.h"

namespace ferry::ir {

class Node;

// One dimension of a symbolic shape: a number, a name ("batch_size"), or unknown.
struct Dim {
  int64_t value = -1;  // >= 0 when known
  std::string param;   // non-empty when named
  static Dim Known(int64_t v) { return Dim{v, {}}; }
  static Dim Named(std::string p) { return Dim{-1, std::move(p)}; }
  static Dim Unknown() { return Dim{}; }
  bool known() const { return value >= 0; }
  bool operator==(const Dim& o) const { return value == o.value && param == o.param; }
};

// Type information of a value, possibly partial.
struct ValueInfo {
  DataType dtype = DataType::kUndefined;
  std::optional<std::vector<Dim>> shape;  // nullopt: rank unknown
  std::string ShapeString() const;        // "[batch_size,1,28,28]"
};

class Value {
 public:
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  ValueInfo& info() { return info_; }
  const ValueInfo& info() const { return info_; }
  DataType dtype() const { return info_.dtype; }

  Node* producer() const { return producer_; }
  int producer_output() const { return producer_output_; }
  const std::vector<Node*>& users() const { return users_; }

  // Initializers and constants folded at load carry their data here.
  bool is_constant() const { return constant_.has_value(); }
  const Tensor& constant() const { return *constant_; }
  void set_constant(Tensor t);
  void clear_constant() { constant_.reset(); }

 private:
  friend class Graph;
  friend class Node;
  std::string name_;
  ValueInfo info_;
  Node* producer_ = nullptr;
  int producer_output_ = -1;
  std::vector<Node*> users_;
  std::optional<Tensor> constant_;
};

class Node {
 public:
  const std::string& op_type() const { return op_type_; }
  const std::string& domain() const { return domain_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

  // An input may be nullptr: an omitted optional input (ONNX's empty name).
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(int i) const { return i < static_cast<int>(inputs_.size()) ? inputs_[i] : nullptr; }
  Value* output(int i) const { return outputs_[i]; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  void ReplaceInput(int i, Value* v);
  void AddInput(Value* v);

  const std::map<std::string, Attribute>& attrs() const { return attrs_; }
  bool has_attr(const std::string& k) const { return attrs_.count(k) != 0; }
  const Attribute* attr(const std::string& k) const;
  void set_attr(const std::string& k, Attribute a) { attrs_[k] = std::move(a); }
  void remove_attr(const std::string& k) { attrs_.erase(k); }
  // Typed getters with defaults.
  int64_t GetInt(const std::string& k, int64_t def) const;
  float GetFloat(const std::string& k, float def) const;
  std::string GetString(const std::string& k, const std::string& def) const;
  std::vector<int64_t> GetInts(const std::string& k, std::vector<int64_t> def = {}) const;
  std::vector<float> GetFloats(const std::string& k, std::vector<float> def = {}) const;

  // "Conv 'conv_3'" — the prefix of every error message about this node.
  std::string Describe() const;

 private:
  friend class Graph;
  std::string op_type_;
  std::string domain_;
  std::string name_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::map<std::string, Attribute> attrs_;
  std::list<std::unique_ptr<Node>>::iterator self_;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

  // Values.
  Value* AddValue(std::string name, ValueInfo info = {});
  Value* AddConstant(std::string name, Tensor t);  // an initializer
  Value* FindValue(const std::string& name) const;
  // A name not yet used in the graph, derived from base.
  std::string UniqueName(const std::string& base);

  // Nodes. Outputs are created here, named after `output_names`.
  Node* AddNode(std::string op_type, std::string domain, std::string name,
                std::vector<Value*> inputs, const std::vector<std::string>& output_names);
  // Same, with outputs that already exist and have no producer.
  Node* AddNodeWithOutputs(std::string op_type, std::string domain, std::string name,
                           std::vector<Value*> inputs, std::vector<Value*> outputs);
  void RemoveNode(Node* n);  // detaches inputs; its outputs keep existing without producer
  // Replaces every use of `from` (node inputs and graph outputs) with `to`.
  void ReplaceAllUses(Value* from, Value* to);

  const std::list<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  std::vector<Value*> values() const;  // every value, in creation order

  std::vector<Value*>& inputs() { return inputs_; }
  const std::vector<Value*>& inputs() const { return inputs_; }
  std::vector<Value*>& outputs() { return outputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  bool IsGraphOutput(const Value* v) const;

  // Nodes in an order where every producer comes before its users; error on a cycle or
  // on an input that has neither producer, graph-input, constant nor outer-scope binding.
  StatusOr<std::vector<Node*>> TopologicalOrder() const;
  // Removes nodes none of whose outputs reach a graph output; drops unused constants.
  int EliminateDeadCode();

  // Opset imports: domain -> version ("" is ONNX's default domain).
  std::map<std::string, int64_t>& opset_imports() { return opsets_; }
  const std::map<std::string, int64_t>& opset_imports() const { return opsets_; }
  int64_t opset(const std::string& domain = "") const;

  // Free-form metadata (producer name, doc string, TF signature names, ...).
  std::map<std::string, std::string>& metadata() { return metadata_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // Subgraphs (ONNX If/Loop bodies) may read values of the enclosing graph.
  Graph* parent() const { return parent_; }
  void set_parent(Graph* p) { parent_ = p; }

 private:
  std::string name_;
  std::list<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Value>> values_;
  std::map<std::string, Value*> by_name_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::map<std::string, int64_t> opsets_;
  std::map<std::string, std::string> metadata_;
  Graph* parent_ = nullptr;
  int64_t next_id_ = 0;
};

}  // namespace ferry::ir
