// ferry_conformance: runs ONNX's backend test corpus (Debian's libonnx-testdata) through
// LoadModel and runtime::Session with the ONNX op set, and compares every output with the
// reference outputs as onnx's own backend test runner does (see allclose.h). A second stage
// converts every test that passed to a TF graph (ferry::convert::ConvertOnnxToTf), runs it with
// ferry's TF runtime and compares again (convert_stage.h); it has its own counts and its own
// expected-failures file.
//
// Each test runs in a child process (fork), so an op that crashes or hangs fails that test
// with a reason instead of taking the runner down.
//
//   ferry_conformance [--data-dir DIR] [--expected FILE] [--filter SUBSTR] [--jobs N]
//                     [--timeout SECONDS] [--write-expected-failures FILE] [--resave DIR]
//                     [--verbose] [--no-convert] [--expected-convert FILE]
//                     [--write-expected-convert-failures FILE] [--no-tfjs] [--require-tfjs]
//                     [--expected-tfjs FILE] [--write-expected-tfjs-failures FILE]
//                     [--node PATH] [--oracles DIR]
//
// --resave DIR also checks SaveModel: each model is loaded, written to DIR/<category>/<test>.onnx
// with SaveModel, loaded again from there, and only then run.
// Exit status: 0 when every failure is listed in the expected-failures file; 1 when a test
// not listed there fails; 2 on bad usage; 77 when the corpus is not installed. A listed test
// that now passes is printed as a warning so that the list can be shrunk.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "allclose.h"
#include "test_data.h"
#include "convert_stage.h"
#include "tfjs_stage.h"
#include "onnx/model_io.h"
#include "onnx/ops/registry.h"
#include "onnx/tensor_proto.h"
#include "runtime/session.h"

namespace ferry::conformance {
namespace {

namespace fs = std::filesystem;

const char* const kCategories[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};
constexpr size_t kMaxReason = 400;

struct Options {
  std::string data_dir = "/usr/share/libonnx-testdata/data";
  std::string expected_file;
  std::string filter;
  std::string write_expected;
  std::string resave_dir;  // when set: Load -> SaveModel here -> Load again, then run
  bool convert = true;     // the convert stage
  std::string expected_convert_file;
  std::string write_expected_convert;
  int jobs = 2;
  int timeout_s = 120;
  bool verbose = false;
  // The TF.js stage (tfjs_stage.h): on unless --no-tfjs; --require-tfjs exits 77 without
  // node or @tensorflow/tfjs (the conformance_tfjs ctest).
  bool tfjs = true;
  bool require_tfjs = false;
  std::string expected_tfjs_file;
  std::string write_expected_tfjs;
  std::string node = "node";
  std::string oracles_dir;
  std::string tfjs_work_dir;  // set by the stage: case folders are <it>/<category>/<test>
};

struct TestCase {
  std::string category;
  std::string name;
  fs::path dir;
  std::string id() const { return category + "/" + name; }
};

struct Result {
  bool passed = false;
  std::string reason;  // one line, for failures
};

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > kMaxReason) s = s.substr(0, kMaxReason - 3) + "...";
  return s;
}

// "unsupported ops: Foo (node 'a'), Bar (node 'b')" -> "unsupported op Foo, Bar".
std::string UnsupportedReason(const std::string& msg) {
  size_t colon = msg.find(": ");
  if (colon == std::string::npos) return msg;
  std::string ops;
  std::istringstream in(msg.substr(colon + 2));
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    std::string op = item.substr(0, item.find(" ("));
    if (op.empty()) continue;
    ops += (ops.empty() ? "" : ", ") + op;
  }
  return "unsupported op " + ops;
}

// The kind of a non-tensor type, or "" for a tensor type.
std::string NonTensorKind(const ::onnx::TypeProto& t) {
  if (t.has_sequence_type()) return "sequence";
  if (t.has_optional_type()) return "optional";
  if (t.has_map_type()) return "map";
  if (!t.has_tensor_type()) return "untyped";
  return "";
}


// numpy has no bfloat16, so the corpus stores bfloat16 values as UINT16 tensors of the same
// bits (onnx 1.12, backend/test/case/node/cast.py); read them back as bfloat16 where the model
// uses bfloat16.
Tensor AsBFloat16IfExpected(const Tensor& t, DataType wanted) {
  if (wanted != DataType::kBFloat16 || t.dtype() != DataType::kUInt16) return t;
  Tensor b(DataType::kBFloat16, t.shape());
  std::memcpy(b.raw_data(), t.raw_data(), t.NumBytes());
  return b;
}

Result Fail(const std::string& why) { return {false, OneLine(why)}; }

// The `name` field of a backend-test data file of the kind `type` describes.
std::string DataFileName(const fs::path& path, const ::onnx::TypeProto* type) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (type && type->has_sequence_type()) {
    ::onnx::SequenceProto p;
    return p.ParseFromString(buf.str()) ? p.name() : "";
  }
  if (type && type->has_optional_type()) {
    ::onnx::OptionalProto p;
    return p.ParseFromString(buf.str()) ? p.name() : "";
  }
  ::onnx::TensorProto p;
  return p.ParseFromString(buf.str()) ? p.name() : "";
}

// Empty when `actual` matches `expected` (same kind; tensors and sequence elements as
// AllCloseMismatch), else one line.
std::string ValueMismatch(const runtime::Value& actual, const runtime::Value& expected) {
  if (actual.kind() != expected.kind())
    return std::string("got a ") + runtime::KindName(actual.kind()) + ", expected a " +
           runtime::KindName(expected.kind());
  if (actual.is_tensor()) {
    const Tensor want = AsBFloat16IfExpected(expected.tensor(), actual.tensor().dtype());
    return AllCloseMismatch(actual.tensor(), want, Tolerance{});
  }
  if (!actual.is_sequence()) return "";
  if (actual.items().size() != expected.items().size())
    return "sequence of " + std::to_string(actual.items().size()) + " elements, expected " +
           std::to_string(expected.items().size());
  for (size_t i = 0; i < actual.items().size(); ++i) {
    const std::string m = AllCloseMismatch(actual.items()[i], expected.items()[i], Tolerance{});
    if (!m.empty()) return "element " + std::to_string(i) + ": " + m;
  }
  return "";
}

// Runs one test in the current process.
Result RunTest(const TestCase& test, const Options& opt) {
  const fs::path model_path = test.dir / "model.onnx";
  // The raw proto tells which inputs and outputs are sequences or optionals, which the IR
  // does not type, and so how their data files are read.
  ::onnx::ModelProto proto;
  {
    std::ifstream in(model_path, std::ios::binary);
    if (!in || !proto.ParseFromIstream(&in)) return Fail("cannot parse model.onnx");
  }
  std::set<std::string> initializers;
  for (const auto& t : proto.graph().initializer()) initializers.insert(t.name());
  std::map<std::string, const ::onnx::TypeProto*> input_types;
  std::vector<const ::onnx::TypeProto*> positional_types;  // inputs that are not initializers
  for (const auto& vi : proto.graph().input()) {
    if (initializers.count(vi.name())) continue;
    const std::string kind = NonTensorKind(vi.type());
    if (kind == "map" || kind == "untyped")
      return Fail(kind + " input '" + vi.name() + "': only tensors, sequences and optionals "
                  "are supported");
    input_types[vi.name()] = &vi.type();
    positional_types.push_back(&vi.type());
  }
  for (const auto& vi : proto.graph().output()) {
    const std::string kind = NonTensorKind(vi.type());
    if (kind == "map" || kind == "untyped")
      return Fail(kind + " output '" + vi.name() + "': only tensors, sequences and optionals "
                  "are supported");
  }

  auto graph = onnx::LoadModel(model_path.string());
  if (!graph.ok()) return Fail("load: " + graph.status().message());
  if (!opt.resave_dir.empty()) {
    // Checks SaveModel: the re-written model must load and give the same outputs.
    const fs::path out = fs::path(opt.resave_dir) / test.category / (test.name + ".onnx");
    std::error_code mk;
    fs::create_directories(out.parent_path(), mk);
    Status saved = onnx::SaveModel(**graph, out.string());
    if (!saved.ok()) return Fail("resave: " + saved.message());
    graph = onnx::LoadModel(out.string());
    if (!graph.ok()) return Fail("resave load: " + graph.status().message());
  }
  if (DropContradictedInputShapes(test.id(), **graph) && opt.verbose)
    std::cerr << test.id() << ": declared input shape ignored (the stored data contradicts it)\n";
  runtime::SessionOptions so;
  so.num_threads = 1;
  auto session = runtime::Session::Create(*graph, onnx::OnnxOpSet(), so);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kUnimplemented &&
        session.status().message().rfind("unsupported op", 0) == 0)
      return Fail(UnsupportedReason(session.status().message()));
    return Fail("session: " + session.status().message());
  }
  const auto& graph_inputs = (*session)->inputs();
  const auto& graph_outputs = (*session)->outputs();

  std::vector<fs::path> sets;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(test.dir, ec))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
      sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return Fail("no test_data_set_N folder");

  for (const fs::path& set : sets) {
    const std::string where = set.filename().string() + ": ";
    const std::vector<fs::path> input_files = SortedTestDataFiles(set, "input_");
    // Inputs bind by name when every file names a graph input, else by position (as onnx's
    // runner does for the graph inputs that are not initializers). The kind of value a file
    // holds comes from the input it binds to.
    std::vector<std::string> names;
    for (size_t i = 0; i < input_files.size(); ++i) {
      const ::onnx::TypeProto* pos_type =
          i < positional_types.size() ? positional_types[i] : nullptr;
      names.push_back(DataFileName(input_files[i], pos_type));
    }
    bool by_name = !names.empty();
    std::map<std::string, const ir::Value*> input_by_name;
    for (const ir::Value* v : graph_inputs) input_by_name[v->name()] = v;
    for (const std::string& n : names) by_name &= input_by_name.count(n) != 0;
    std::vector<runtime::Value> inputs;
    std::map<std::string, runtime::Value> named;
    for (size_t i = 0; i < input_files.size(); ++i) {
      const ir::Value* target = by_name                   ? input_by_name[names[i]]
                                : i < graph_inputs.size() ? graph_inputs[i]
                                                          : nullptr;
      const ::onnx::TypeProto* type = nullptr;
      if (by_name && input_types.count(names[i])) type = input_types[names[i]];
      if (!by_name && i < positional_types.size()) type = positional_types[i];
      ::onnx::TypeProto tensor_type;
      auto value = onnx::ReadValueProtoFile(input_files[i].string(), type ? *type : tensor_type);
      if (!value.ok())
        return Fail(where + input_files[i].filename().string() + ": " + value.status().message());
      if (target && value->is_tensor())
        *value = runtime::Value(AsBFloat16IfExpected(value->tensor(), target->dtype()));
      inputs.push_back(*value);
      named[names[i]] = *value;
    }
    by_name &= named.size() == graph_inputs.size();
    auto outputs = by_name ? (*session)->RunValues(named) : (*session)->RunValues(inputs);
    if (!outputs.ok()) return Fail(where + "run: " + outputs.status().message());

    std::vector<fs::path> expected_files = SortedTestDataFiles(set, "output_");
    if (expected_files.size() != outputs->size())
      return Fail(where + "model produced " + std::to_string(outputs->size()) + " outputs, " +
                  std::to_string(expected_files.size()) + " expected");
    for (size_t i = 0; i < expected_files.size(); ++i) {
      ::onnx::TypeProto tensor_type;
      const ::onnx::TypeProto& type = i < static_cast<size_t>(proto.graph().output_size())
                                          ? proto.graph().output(static_cast<int>(i)).type()
                                          : tensor_type;
      auto expected = onnx::ReadValueProtoFile(expected_files[i].string(), type);
      if (!expected.ok()) return Fail(where + expected.status().message());
      const std::string mismatch = ValueMismatch((*outputs)[i], *expected);
      if (!mismatch.empty())
        return Fail(where + "output " + std::to_string(i) + " '" + graph_outputs[i]->name() +
                    "': " + mismatch);
    }
  }
  return {true, ""};
}

std::string SignalReason(int sig, int timeout_s) {
  if (sig == SIGALRM) return "timed out after " + std::to_string(timeout_s) + " s";
  return std::string("crashed with signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
}

struct Running {
  size_t index;
  int fd;
};

// The convert stage of one test (convert_stage.h).
Result RunConvertTest(const TestCase& test, const Options&) {
  const std::string reason = RunThroughConversion(test.dir);
  return reason.empty() ? Result{true, ""} : Fail(reason);
}

// The TF.js stage's preparation of one test, in a child like every test (tfjs_stage.h).
Result PrepareTfjsTest(const TestCase& test, const Options& opt) {
  const std::string reason =
      PrepareTfjsCase(test.dir, fs::path(opt.tfjs_work_dir) / test.category / test.name);
  return reason.empty() ? Result{true, ""} : Fail(reason);
}

using TestFn = Result (*)(const TestCase&, const Options&);

// Runs every test, `jobs` children at a time; each child reports "P" or "F<reason>" on a pipe.
std::vector<Result> RunAll(const std::vector<TestCase>& tests, const Options& opt,
                           TestFn run = RunTest) {
  std::vector<Result> results(tests.size());
  std::map<pid_t, Running> running;
  size_t next = 0;
  auto reap = [&](pid_t pid, int status) {
    Running r = running.at(pid);
    running.erase(pid);
    std::string msg;
    char buf[4096];
    ssize_t n;
    while ((n = read(r.fd, buf, sizeof(buf))) > 0) msg.append(buf, n);
    close(r.fd);
    if (WIFSIGNALED(status)) {
      results[r.index] = Fail(SignalReason(WTERMSIG(status), opt.timeout_s));
    } else if (msg.empty() || (msg[0] != 'P' && msg[0] != 'F')) {
      results[r.index] =
          Fail("test process exited with status " +
               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + " without a result");
    } else {
      results[r.index] = {msg[0] == 'P', msg.substr(1)};
    }
    if (opt.verbose) {
      std::cout << (results[r.index].passed ? "PASS " : "FAIL ") << tests[r.index].id()
                << (results[r.index].passed ? "" : "  " + results[r.index].reason) << "\n";
    }
  };
  while (next < tests.size() || !running.empty()) {
    while (next < tests.size() && static_cast<int>(running.size()) < opt.jobs) {
      int fds[2];
      if (pipe(fds) != 0) {
        results[next] = Fail(std::string("pipe: ") + std::strerror(errno));
        ++next;
        continue;
      }
      std::cout.flush();
      pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        alarm(static_cast<unsigned>(opt.timeout_s));
        Result r;
        try {
          r = run(tests[next], opt);
        } catch (const std::exception& e) {
          r = Fail(std::string("exception: ") + e.what());
        }
        std::string msg = (r.passed ? "P" : "F") + r.reason;
        ssize_t off = 0;
        while (off < static_cast<ssize_t>(msg.size())) {
          ssize_t w = write(fds[1], msg.data() + off, msg.size() - off);
          if (w <= 0) break;
          off += w;
        }
        _exit(0);
      }
      close(fds[1]);
      if (pid < 0) {
        close(fds[0]);
        results[next] = Fail(std::string("fork: ") + std::strerror(errno));
        ++next;
        continue;
      }
      running[pid] = {next, fds[0]};
      ++next;
    }
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid > 0 && running.count(pid)) reap(pid, status);
  }
  return results;
}

// "category/test  reason" lines; '#' starts a comment.
std::map<std::string, std::string> ReadExpected(const std::string& path, bool* ok) {
  std::map<std::string, std::string> out;
  *ok = true;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) {
    *ok = false;
    return out;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    std::string id = line.substr(0, sp);
    std::string reason = sp == std::string::npos ? "" : line.substr(sp);
    reason.erase(0, reason.find_first_not_of(" \t"));
    if (!id.empty()) out[id] = reason;
  }
  return out;
}

// Prints per-category counts, stale and unexpected entries and the "N passed, M failed" line
// (prefixed by `stage`), writes the failures to `write_path` when set. Returns 0 when every
// failure is expected (or while rewriting the list), 1 otherwise, 2 when writing fails.
int Report(const std::string& stage, const std::vector<TestCase>& tests,
           const std::vector<Result>& results, const std::map<std::string, std::string>& expected,
           const std::string& write_path, const std::string& header) {
  std::map<std::string, std::pair<int, int>> per_category;  // passed, failed
  int passed = 0, failed = 0;
  std::vector<std::string> unexpected, now_passing;
  for (size_t i = 0; i < tests.size(); ++i) {
    auto& counts = per_category[tests[i].category];
    if (results[i].passed) {
      ++passed;
      ++counts.first;
      if (expected.count(tests[i].id())) now_passing.push_back(tests[i].id());
    } else {
      ++failed;
      ++counts.second;
      if (!expected.count(tests[i].id()))
        unexpected.push_back(tests[i].id() + "  " + results[i].reason);
    }
  }

  if (!write_path.empty()) {
    const std::string tmp = write_path + ".tmp";
    {
      std::ofstream out(tmp);
      out << header;
      for (size_t i = 0; i < tests.size(); ++i)
        if (!results[i].passed) out << tests[i].id() << "  " << results[i].reason << "\n";
      if (!out) {
        std::cerr << "cannot write '" << tmp << "'\n";
        return 2;
      }
    }
    std::error_code ec;
    fs::rename(tmp, write_path, ec);
    if (ec) {
      std::cerr << "cannot write '" << write_path << "': " << ec.message() << "\n";
      return 2;
    }
    std::cout << stage << "wrote " << failed << " failures to " << write_path << "\n";
  }

  for (const auto& [cat, c] : per_category)
    std::cout << stage << cat << ": " << c.first << " passed, " << c.second << " failed\n";
  for (const auto& id : now_passing)
    std::cout << stage << "warning: " << id
              << " passes now; remove it from the expected failures\n";
  for (const auto& line : unexpected) std::cout << stage << "UNEXPECTED FAILURE " << line << "\n";
  std::cout << stage << passed << " passed, " << failed << " failed\n";
  // Without an expected-failures list (or while rewriting it) only crashes of the runner
  // itself would count; with one, every unlisted failure is an error.
  if (!write_path.empty()) return 0;
  return unexpected.empty() ? 0 : 1;
}

// TF.js stage (tfjs_stage.h): the tests that pass the convert stage, prepared in children,
// run by one node process, compared here. 77 when node or @tensorflow/tfjs is missing.
int RunTfjsStage(const std::vector<TestCase>& tests, Options opt) {
  const std::string missing = FindTfjs(opt.node, opt.oracles_dir);
  if (!missing.empty()) {
    std::cout << "tfjs stage: skipped: " << missing << "\n";
    return 77;
  }
  bool expected_ok = true;
  const auto expected = ReadExpected(opt.expected_tfjs_file, &expected_ok);
  if (!expected_ok) {
    std::cerr << "cannot read expected TF.js failures '" << opt.expected_tfjs_file << "'\n";
    return 2;
  }
  char tmpl[] = "/tmp/ferry_tfjs_XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "mkdtemp: " << std::strerror(errno) << "\n";
    return 2;
  }
  opt.tfjs_work_dir = tmpl;
  std::cout << "tfjs stage (TF.js graph model -> @tensorflow/tfjs 4.22, cpu backend), "
            << tests.size() << " tests that pass the convert stage:\n";
  std::vector<Result> results = RunAll(tests, opt, PrepareTfjsTest);
  const fs::path list = fs::path(tmpl) / "cases.txt";
  {
    std::ofstream out(list);
    for (size_t i = 0; i < tests.size(); ++i)
      if (results[i].passed)
        out << (fs::path(tmpl) / tests[i].category / tests[i].name).string() << "\n";
  }
  const std::string runner_error =
      RunTfjsRunner(opt.node, FERRY_TFJS_RUNNER, opt.oracles_dir, list, opt.timeout_s * 10);
  if (!runner_error.empty()) std::cout << "tfjs stage: " << OneLine(runner_error) << "\n";
  for (size_t i = 0; i < tests.size(); ++i) {
    if (!results[i].passed) continue;
    const std::string reason =
        CompareTfjsCase(tests[i].dir, fs::path(tmpl) / tests[i].category / tests[i].name);
    results[i] = reason.empty() ? Result{true, ""} : Fail(reason);
  }
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return Report("tfjs stage: ", tests, results, expected, opt.write_expected_tfjs,
                "# ONNX backend tests that pass the convert stage but not in TensorFlow.js 4.22\n"
                "# (the converted TF.js graph model on the cpu backend), one per line with the\n"
                "# reason. Regenerate: ferry_conformance --write-expected-tfjs-failures FILE\n");
}

int Usage(const char* argv0) {
  std::cerr << "usage: " << argv0
            << " [--data-dir DIR] [--expected FILE] [--filter SUBSTR] [--jobs N]"
               " [--timeout SECONDS] [--write-expected-failures FILE] [--resave DIR]"
               " [--verbose] [--no-convert] [--expected-convert FILE]"
               " [--write-expected-convert-failures FILE] [--no-tfjs] [--require-tfjs]"
               " [--expected-tfjs FILE] [--write-expected-tfjs-failures FILE] [--node PATH]"
               " [--oracles DIR]\n";
  return 2;
}

int Main(int argc, char** argv) {
  Options opt;
#ifdef FERRY_EXPECTED_FAILURES
  opt.expected_file = FERRY_EXPECTED_FAILURES;
#endif
#ifdef FERRY_EXPECTED_CONVERT_FAILURES
  opt.expected_convert_file = FERRY_EXPECTED_CONVERT_FAILURES;
#endif
#ifdef FERRY_EXPECTED_TFJS_FAILURES
  opt.expected_tfjs_file = FERRY_EXPECTED_TFJS_FAILURES;
#endif
#ifdef FERRY_ORACLES_DIR
  opt.oracles_dir = FERRY_ORACLES_DIR;
#endif
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--verbose" || a == "-v") {
      opt.verbose = true;
    } else if (a == "--data-dir" && (v = value())) {
      opt.data_dir = v;
    } else if (a == "--expected" && (v = value())) {
      opt.expected_file = v;
    } else if (a == "--filter" && (v = value())) {
      opt.filter = v;
    } else if (a == "--write-expected-failures" && (v = value())) {
      opt.write_expected = v;
    } else if (a == "--no-convert") {
      opt.convert = false;
    } else if (a == "--no-tfjs") {
      opt.tfjs = false;
    } else if (a == "--require-tfjs") {
      opt.require_tfjs = true;
    } else if (a == "--expected-tfjs" && (v = value())) {
      opt.expected_tfjs_file = v;
    } else if (a == "--write-expected-tfjs-failures" && (v = value())) {
      opt.write_expected_tfjs = v;
    } else if (a == "--node" && (v = value())) {
      opt.node = v;
    } else if (a == "--oracles" && (v = value())) {
      opt.oracles_dir = v;
    } else if (a == "--expected-convert" && (v = value())) {
      opt.expected_convert_file = v;
    } else if (a == "--write-expected-convert-failures" && (v = value())) {
      opt.write_expected_convert = v;
    } else if (a == "--resave" && (v = value())) {
      opt.resave_dir = v;
    } else if (a == "--jobs" && (v = value())) {
      opt.jobs = std::max(1, std::atoi(v));
    } else if (a == "--timeout" && (v = value())) {
      opt.timeout_s = std::max(1, std::atoi(v));
    } else {
      return Usage(argv[0]);
    }
  }

  std::error_code ec;
  if (!fs::is_directory(opt.data_dir, ec)) {
    std::cout << "conformance corpus not found at " << opt.data_dir
              << " (install libonnx-testdata); skipped\n";
    return 77;
  }
  std::vector<TestCase> tests;
  for (const char* cat : kCategories) {
    const fs::path root = fs::path(opt.data_dir) / cat;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root, ec))
      if (e.is_directory() && fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      TestCase t{cat, d.filename().string(), d};
      if (opt.filter.empty() || t.id().find(opt.filter) != std::string::npos) tests.push_back(t);
    }
  }
  bool expected_ok = true;
  const auto expected = ReadExpected(opt.expected_file, &expected_ok);
  if (!expected_ok) {
    std::cerr << "cannot read expected failures '" << opt.expected_file << "'\n";
    return 2;
  }

  const std::vector<Result> results = RunAll(tests, opt);

  const int runtime_status = Report("", tests, results, expected, opt.write_expected,
                                    "# ONNX backend tests ferry's runtime fails today, one per line "
                                    "with the first line\n# of the failure. Regenerate: "
                                    "ferry_conformance --write-expected-failures FILE\n");
  if (runtime_status == 2 || !opt.convert) return runtime_status;

  // Convert stage: the tests that pass in the ONNX runtime, through ONNX -> TF -> TF runtime.
  std::vector<TestCase> passing;
  for (size_t i = 0; i < tests.size(); ++i)
    if (results[i].passed) passing.push_back(tests[i]);
  const auto expected_convert = ReadExpected(opt.expected_convert_file, &expected_ok);
  if (!expected_ok) {
    std::cerr << "cannot read expected convert failures '" << opt.expected_convert_file << "'\n";
    return 2;
  }
  std::cout << "convert stage (ONNX -> TF graph -> ferry's TF runtime), " << passing.size()
            << " tests that pass in the ONNX runtime:\n";
  const std::vector<Result> converted = RunAll(passing, opt, RunConvertTest);
  const int convert_status =
      Report("convert stage: ", passing, converted, expected_convert, opt.write_expected_convert,
             "# ONNX backend tests that pass in ferry's ONNX runtime but not through conversion\n"
             "# (ConvertOnnxToTf, then ferry's TF runtime), one per line with the reason.\n"
             "# Regenerate: ferry_conformance --write-expected-convert-failures FILE\n");
  if (convert_status == 2) return 2;
  if (!opt.tfjs) return std::max(runtime_status, convert_status);
  std::vector<TestCase> converted_ok;
  for (size_t i = 0; i < passing.size(); ++i)
    if (converted[i].passed) converted_ok.push_back(passing[i]);
  const int tfjs_status = RunTfjsStage(converted_ok, opt);
  if (tfjs_status == 2 || (tfjs_status == 77 && opt.require_tfjs)) return tfjs_status;
  return std::max({runtime_status, convert_status, tfjs_status == 77 ? 0 : tfjs_status});
}

}  // namespace
}  // namespace ferry::conformance

int main(int argc, char** argv) { return ferry::conformance::Main(argc, argv); }
