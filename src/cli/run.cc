// ferry run MODEL --input NAME=FILE.npy ...: execute a model, write each output as NAME.npy.
#include <cstdio>
#include <filesystem>

#include "check/check.h"
#include "cli/command.h"
#include "cli/io_flags.h"
#include "cli/models.h"
#include "core/npy.h"

namespace ferry::cli {

void AddRunCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string model, out_dir = ".";
    std::vector<std::string> inputs;
    int threads = 0;
    int64_t batch = 1;
    uint64_t seed = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("run", "Run a model on .npy inputs; write outputs as .npy");
  c->add_option("MODEL", f->model, ".onnx, SavedModel, .pb, TF.js or checkpoint")->required();
  c->add_option("--input", f->inputs, "NAME=FILE.npy (default: seeded noise)");
  c->add_option("--output-dir", f->out_dir, "where NAME.npy files go")->capture_default_str();
  c->add_option("--batch", f->batch, "dynamic dims of generated inputs")->capture_default_str();
  c->add_option("--seed", f->seed, "seed of generated inputs")->capture_default_str();
  c->add_option("--threads", f->threads, "threads (default: FERRY_NUM_THREADS or all cores)");
  c->callback([f, action] {
    *action = [f]() -> int {
      auto given = ReadInputFlags(f->inputs);
      if (!given.ok()) return Fail(given.status());
      OpenOptions oo;
      oo.num_threads = f->threads;
      oo.keep_original_graph = false;  // runs only: no per-node values
      auto model = OpenModel(f->model, oo);
      if (!model.ok()) return Fail(model.status());
      const auto& specs = (*model)->inputs();
      std::vector<Tensor> inputs;
      if (given->empty()) {
        auto made = check::MakeInputs(specs, f->batch, f->seed);
        if (!made.ok()) return Fail(made.status());
        inputs = std::move(made).value();
      } else {
        for (const auto& s : specs) {
          auto it = given->find(s.name);
          if (it == given->end()) return Fail(InvalidArgument("missing --input " + s.name));
          Status st = check::CheckInputMatchesSpec(s, it->second);
          if (!st.ok()) return Fail(st);
          inputs.push_back(it->second);
        }
        if (given->size() != specs.size())
          return Fail(InvalidArgument("--input names an input the model does not have"));
      }
      auto outputs = (*model)->Run(inputs);
      if (!outputs.ok()) return Fail(outputs.status());
      std::error_code ec;
      std::filesystem::create_directories(f->out_dir, ec);
      for (size_t i = 0; i < outputs->size(); ++i) {
        std::string name = (*model)->outputs()[i].name;
        for (char& ch : name)
          if (ch == '/' || ch == ':' || ch == '\\') ch = '_';
        std::string path = (std::filesystem::path(f->out_dir) / (name + ".npy")).string();
        Status st = WriteNpy(path, (*outputs)[i]);
        if (!st.ok()) return Fail(st);
        std::printf("%s %s -> %s\n", (*model)->outputs()[i].name.c_str(),
                    (*outputs)[i].DebugString().c_str(), path.c_str());
      }
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
