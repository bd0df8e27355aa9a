// ferry convert model.onnx -o OUT [--tfjs DIR] [--frozen-pb FILE]: ONNX -> TensorFlow.
#include <chrono>
#include <cstdio>

#include "cli/command.h"
#include "cli/io_flags.h"
#include "cli/pipeline.h"

namespace ferry::cli {

void AddConvertCommand(CLI::App& app, Action* action) {
  auto f = std::make_shared<ConvertRequest>();
  CLI::App* c = app.add_subcommand(
      "convert", "Convert an ONNX model to a TensorFlow SavedModel (and frozen .pb, TF.js)");
  c->add_option("MODEL", f->onnx_path, "the .onnx file")->required();
  c->add_option("-o,--output", f->saved_model_dir, "SavedModel folder to write");
  c->add_option("--frozen-pb", f->frozen_pb, "also write the frozen GraphDef here");
  c->add_option("--tfjs", f->tfjs_dir, "also write a TF.js graph model into this folder");
  c->add_flag("--force", f->force, "replace existing outputs");
  c->add_flag("--keep-nchw", f->keep_nchw,
              "no layout change: activations stay NCHW, each Conv/pool/BatchNormalization/"
              "Resize runs NHWC between two Transposes (TF's CPU kernels are NHWC-only)");
  c->add_option("--input-layout", f->input_layout,
                "NHWC: the signature takes 4-D inputs NHWC, 5-D ones NDHWC (no Transpose in a "
                "convnet)")
      ->check(CLI::IsMember({"NCHW", "NHWC"}))
      ->capture_default_str();
  c->add_option("--overwrite-input-shape", f->overwrite_input_shapes,
                "NAME:D0,D1,... fixes an input's shape, named dims included (repeatable)")
      ->allow_extra_args(false);
  c->callback([f, action] {
    *action = [f]() -> int {
      if (f->saved_model_dir.empty() && f->frozen_pb.empty() && f->tfjs_dir.empty())
        return Fail(InvalidArgument("nothing to write: give -o, --frozen-pb or --tfjs"));
      auto r = Convert(*f);
      if (!r.ok()) return Fail(r.status());
      std::fputs(r->ToText().c_str(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
