// TF ResizeBilinear and ResizeNearestNeighbor(images NHWC, size [2]) with align_corners and
// half_pixel_centers (image_ops.cc), on the ONNX Resize kernel with the equivalent coordinate
// transformation (tensorflow/core/util/image_resizer_state.h):
//   bilinear: half_pixel_centers -> half_pixel; align_corners -> align_corners; else asymmetric
//   nearest:  half_pixel_centers -> tf_half_pixel_for_nn, floor; align_corners -> align_corners,
//             round half up; else asymmetric, floor.
#include <vector>

#include "kernels/resize.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kBilinear>
class Resize final : public runtime::Op {
 public:
  explicit Resize(const runtime::NodeInfo& info)
      : align_corners_(BoolAttr(info, "align_corners", false)),
        half_pixel_(BoolAttr(info, "half_pixel_centers", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
    if (align_corners_ && half_pixel_)
      init_status_ = info.Error("align_corners and half_pixel_centers are exclusive");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* size = ctx.input(1);
    if (!x || !size) return ctx.Error("missing input");
    if (x->rank() != 4 || x->dtype() != DataType::kFloat32)
      return ctx.Error("images must be 4-D float32, got " + x->DebugString());
    const std::vector<int64_t> hw = size->ToInt64Vector();
    if (hw.size() != 2 || hw[0] <= 0 || hw[1] <= 0) return ctx.Error("size must be 2 positive ints");
    const std::vector<int64_t> out = {x->dim(0), hw[0], hw[1], x->dim(3)};
    kernels::ResizeParams p;
    p.mode = kBilinear ? kernels::ResizeMode::kLinear : kernels::ResizeMode::kNearest;
    p.nearest = kernels::NearestMode::kFloor;
    if (align_corners_) {
      p.coord = kernels::ResizeCoord::kAlignCorners;
      p.nearest = kernels::NearestMode::kRoundPreferCeil;
    } else if (half_pixel_) {
      p.coord = kBilinear ? kernels::ResizeCoord::kHalfPixel : kernels::ResizeCoord::kTfHalfPixelForNn;
    } else {
      p.coord = kernels::ResizeCoord::kAsymmetric;
    }
    for (int d = 0; d < 4; ++d)
      p.scales.push_back(static_cast<double>(out[d]) / static_cast<double>(x->dim(d)));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(out)));
    kernels::Resize<float>(p, x->data<float>(), x->shape().dims(), out, y->data<float>());
    return Status::Ok();
  }

 private:
  bool align_corners_, half_pixel_;
};

}  // namespace

void RegisterResize(runtime::OpSet& s) {
  s.Add<Resize<true>>("ResizeBilinear", 1, "tf");
  s.Add<Resize<false>>("ResizeNearestNeighbor", 1, "tf");
}

}  // namespace ferry::tf::ops
