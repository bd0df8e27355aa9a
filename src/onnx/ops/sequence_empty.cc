// ONNX SequenceEmpty (11): an empty sequence of the `dtype` attribute's type (default float).
#include "onnx/ops/op_util.h"
#include "onnx/tensor_proto.h"

namespace ferry::onnx::ops {
namespace {

class SequenceEmpty final : public Op {
 public:
  explicit SequenceEmpty(const NodeInfo& info) {
    auto dt = DataTypeFromOnnx(static_cast<int32_t>(info.node().GetInt("dtype", 1)));
    if (!dt.ok()) {
      init_status_ = info.Error("attribute dtype: " + dt.status().message());
    } else {
      dtype_ = *dt;
    }
  }

  Status Run(OpContext& ctx) const override {
    ctx.SetOutputSequence(0, dtype_, {});
    return Status::Ok();
  }

 private:
  DataType dtype_ = DataType::kFloat32;
};

}  // namespace

void RegisterSequenceEmpty(OpSet& s) { s.Add<SequenceEmpty>("SequenceEmpty", 11); }

}  // namespace ferry::onnx::ops
