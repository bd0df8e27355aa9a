// ONNX Einsum (12)(inputs...) with equation -> TF Einsum (linalg_ops.cc) with the same
// equation. TF needs the output written out: an implicit ONNX equation ("ij,jk") gets
// "->" + "..." (when used) + the letters that occur once, in alphabetical order (ONNX's
// implicit mode, as NumPy's).
#include <algorithm>
#include <cctype>
#include <map>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class EinsumToTf final : public OpConverter {
 public:
  EinsumToTf() : OpConverter("Einsum", 12) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"equation"}; }

  // The equation with spaces removed and the output spelled out.
  static std::string Explicit(const std::string& eq) {
    std::string e;
    for (char c : eq)
      if (c != ' ') e += c;
    if (e.find("->") != std::string::npos) return e;
    std::map<char, int> count;
    for (char c : e)
      if (std::isalpha(static_cast<unsigned char>(c))) ++count[c];
    std::string out = e.find("...") != std::string::npos ? "..." : "";
    for (const auto& [c, k] : count)
      if (k == 1) out += c;
    return e + "->" + out;
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    std::vector<ir::Value*> ins;
    for (int i = 0; i < n.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
      ins.push_back(v);
    }
    b.SetOutput(0, b.Emit("Einsum", ins,
                          {{"T", TypeAttr(t)},
                           {"N", ir::Attribute::Int(n.num_inputs())},
                           {"equation", ir::Attribute::String(Explicit(n.GetString("equation", "")))}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterEinsum(ConverterTable& t) { t.Add(std::make_unique<EinsumToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
