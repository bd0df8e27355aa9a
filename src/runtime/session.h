// Session: executes an IR graph against one op set. Built once (every node gets its Op,
// every unsupported op is reported together), run many times with concrete inputs.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/buffer_pool.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"
#include "runtime/op.h"
#include "runtime/opset.h"
#include "runtime/profile.h"
#include "runtime/value.h"

namespace ferry::runtime {

struct SessionOptions {
  // 0: FERRY_NUM_THREADS from the environment, else the number of cores.
  int num_threads = 0;
  // Run the load-time graph optimizer (runtime/optimize/optimize.h) on a private copy of the
  // graph: constant folding, Conv+BatchNorm folding, fused activations, blocked layouts.
  bool optimize = true;
  // With optimize, a graph with unknown input dims and shape computations is prepared once
  // per distinct set of input shapes (runtime/prepare.h): a copy with those shapes fixed and
  // every Shape -> Gather -> Concat -> Reshape chain folded. At most this many are kept (least
  // recently used goes first); 0, or FERRY_NO_PREPARE=1 in the environment, turns it off.
  int max_prepared_shapes = 8;
  // Tensors of a run come from a free list shared by the session's runs (core/buffer_pool.h)
  // instead of malloc each time. FERRY_NO_BUFFER_POOL=1 in the environment turns it off.
  bool reuse_buffers = true;
  // With optimize, the session also keeps the graph as given (for RunAndKeepAll's per-node
  // values and for preparing per input shapes). Off: it is released once the optimized copy
  // is built, unless the session prepares per input shape (then it is kept, as preparing
  // starts from it); RunAndKeepAll then fails. For run-only callers (`ferry run`, `bench`,
  // `serve`): the caller should hold no other reference to the graph either.
  bool keep_original_graph = true;
  // When set, every step's wall time goes here (runtime/profile.h; `ferry bench --profile`).
  // Sessions prepared per input shape and subgraph sessions record into the same profile.
  std::shared_ptr<StepProfile> profile;
};

// Resolves SessionOptions::num_threads.
int ResolveNumThreads(int requested);

// One running graph: its session and slots, and the frame of the graph whose node runs it
// (nullptr for the main graph). A subgraph's outer-scope values are found by name here.
struct Frame {
  const Session* session = nullptr;
  const std::vector<Value>* slots = nullptr;
  const Frame* parent = nullptr;
  // The value named `name` in this frame or an enclosing one; nullptr if none holds it.
  const Value* Lookup(const std::string& name) const;
};

class Session {
 public:
  // The graph is shared: a session keeps it alive. Fails with one message listing every
  // op type the op set lacks (each with one node name), or the first bad attribute.
  static StatusOr<std::unique_ptr<Session>> Create(std::shared_ptr<const ir::Graph> graph,
                                                    const OpSet& ops, SessionOptions options = {});

  const ir::Graph& graph() const { return *graph_; }
  const std::vector<ir::Value*>& inputs() const { return graph_->inputs(); }
  const std::vector<ir::Value*>& outputs() const { return graph_->outputs(); }
  int num_threads() const { return num_threads_; }

  // Runs with inputs in graph-input order; checks dtype, rank and known dims of each.
  // Every input and output must be a tensor (RunValues takes sequences and optionals).
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const;
  // Same, by name; every graph input must be given.
  StatusOr<std::vector<Tensor>> Run(const std::map<std::string, Tensor>& inputs) const;
  // Runs with values of any kind (tensors, sequences, optionals), in graph-input order.
  StatusOr<std::vector<Value>> RunValues(const std::vector<Value>& inputs) const;
  // Same, by name; every graph input must be given.
  StatusOr<std::vector<Value>> RunValues(const std::map<std::string, Value>& inputs) const;
  // Runs and keeps every intermediate tensor, by value name (for per-node checks).
  StatusOr<std::map<std::string, Tensor>> RunAndKeepAll(const std::vector<Tensor>& inputs) const;

  // Runs a subgraph of one of this graph's nodes (If/Loop/Scan bodies) with the given
  // inputs; outer-scope values are looked up by name in `outer` and the frames above it.
  StatusOr<std::vector<Value>> RunSubgraph(const ir::Graph& g, const std::vector<Value>& inputs,
                                           const Frame& outer) const;

  // Steps (nodes) this session runs.
  int num_steps() const { return static_cast<int>(steps_.size()); }
  // How many sets of input shapes have a prepared session cached now.
  int num_prepared_shapes() const;
  // The prepared session that runs inputs of these shapes and dtypes; nullptr when none is
  // cached (not run yet, preparation failed, or this session runs every shape itself).
  std::shared_ptr<const Session> PreparedFor(const std::vector<Tensor>& inputs) const;
  // The pool the session's runs allocate tensors from (nullptr: reuse_buffers is off).
  BufferPool* buffer_pool() const { return pool_.get(); }
  // Constants whose data the session dropped because their only op packed them
  // (Op::ReleasableConstantInputs; only with keep_original_graph off).
  int num_released_constants() const { return released_constants_; }

 private:
  friend struct Frame;
  Session() = default;
  struct Step {
    const ir::Node* node;
    std::unique_ptr<Op> op;
    std::vector<int> inputs;   // slot per input, -1 when omitted
    std::vector<int> outputs;  // slot per output, -1 when unnamed/unused
    std::vector<int> release;  // slots whose last use is this step
    uint64_t dying_inputs = 0;  // bit j: input j's slot is released here (OpContext)
  };
  Status CheckInput(const ir::Value& v, const Value& value) const;
  // With the graph as given released: drops the data of the constants only `op` reads and
  // has packed into its own form, right after building it (so one layer at most is held
  // twice).
  void ReleasePackedConstants(const ir::Node& n, const Op& op);
  // shape_values, when given, receives what every Shape and Size node computed, by output
  // name (the probe run of Prepare).
  Status Execute(const std::vector<Value>& inputs, const Frame* outer, std::vector<Value>* slots,
                 bool keep_all, std::map<std::string, Tensor>* shape_values = nullptr) const;
  StatusOr<std::vector<Value>> RunGeneric(const std::vector<Value>& inputs) const;
  // The prepared session for these inputs, built on first use; nullptr: run generically.
  std::shared_ptr<const Session> Prepare(const std::vector<Value>& inputs) const;
  std::shared_ptr<const Session> BuildPrepared(const std::vector<Value>& inputs,
                                               const std::vector<Shape>& shapes) const;
  StatusOr<std::vector<Value>> OrderByName(const std::map<std::string, Value>& inputs) const;

  std::shared_ptr<const ir::Graph> graph_;
  std::shared_ptr<const ir::Graph> original_;  // as given, when graph_ is an optimized copy
  bool original_released_ = false;  // keep_original_graph off released it
  int released_constants_ = 0;
  const OpSet* ops_ = nullptr;
  int num_threads_ = 1;
  std::unordered_map<const ir::Value*, int> slot_of_;
  std::unordered_map<std::string, int> slot_by_name_;  // for Frame::Lookup
  std::vector<const ir::Value*> slot_values_;
  std::vector<Step> steps_;
  std::vector<int> outer_slots_;  // slots filled by name from the enclosing scopes
  // Sessions of the subgraphs in node attributes, built eagerly so Run stays const and
  // thread-safe.
  std::map<const ir::Graph*, std::unique_ptr<Session>> subsessions_;

  SessionOptions options_;  // as resolved, for the prepared sessions
  bool prepare_per_shape_ = false;
  std::shared_ptr<BufferPool> pool_;  // shared with the prepared sessions
  struct Prepared {
    std::vector<Shape> shapes;
    std::vector<DataType> dtypes;
    std::shared_ptr<const Session> session;  // nullptr: preparing failed, run generically
  };
  mutable std::mutex prepared_mu_;
  mutable std::list<Prepared> prepared_;  // most recently used first
};

}  // namespace ferry::runtime
