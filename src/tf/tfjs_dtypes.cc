#include "tf/tfjs_dtypes.h"

#include <map>
#include <set>
#include <utility>

namespace ferry::tf {

DataType TfjsComputeType(DataType t) {
  switch (t) {
    case DataType::kFloat16:
    case DataType::kBFloat16:
    case DataType::kFloat64:
      return DataType::kFloat32;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt64:
    case DataType::kUInt8:
    case DataType::kUInt16:
    case DataType::kUInt32:
    case DataType::kUInt64:
      return DataType::kInt32;
    default:
      return t;
  }
}

std::vector<std::string> TfjsDtypeNotes(const ir::Graph& g) {
  std::vector<std::string> notes;
  auto describe = [](DataType t) {
    return std::string(DataTypeName(t)) + ": TF.js computes it as " +
           DataTypeName(TfjsComputeType(t));
  };
  for (const ir::Value* v : g.inputs())
    if (TfjsComputeType(v->dtype()) != v->dtype())
      notes.push_back("input '" + v->name() + "' is " + describe(v->dtype()));
  for (const ir::Value* v : g.outputs())
    if (TfjsComputeType(v->dtype()) != v->dtype())
      notes.push_back("output '" + v->name() + "' is " + describe(v->dtype()));
  // Interior op outputs, grouped by dtype: how many, and of which op types.
  std::map<DataType, std::pair<int, std::set<std::string>>> interior;
  for (const auto& n : g.nodes()) {
    for (const ir::Value* o : n->outputs()) {
      if (!o || g.IsGraphOutput(o) || TfjsComputeType(o->dtype()) == o->dtype()) continue;
      auto& [count, ops] = interior[o->dtype()];
      ++count;
      ops.insert(n->op_type());
    }
  }
  for (const auto& [t, entry] : interior) {
    std::string ops;
    for (const std::string& op : entry.second) ops += (ops.empty() ? "" : ", ") + op;
    notes.push_back(std::to_string(entry.first) + " op output(s) of " + ops + " are " +
                    describe(t));
  }
  return notes;
}

}  // namespace ferry::tf
