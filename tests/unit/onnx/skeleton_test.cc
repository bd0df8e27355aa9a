// The skeleton load (onnx/skeleton.h): big initializer raw_data read straight into tensors
// must give exactly what protobuf's full parse gives, and refuse exactly what it refuses.
#include "onnx/skeleton.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "onnx/model_io.h"
#include "onnx/tensor_proto.h"
#include "temp_dir.h"

namespace ferry::onnx {
namespace {

namespace fs = std::filesystem;
using ::onnx::TensorProto;

using testing::TempDir;

void WriteAll(const std::string& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TensorProto* AddInit(::onnx::GraphProto* g, const std::string& name, int dtype,
                     std::vector<int64_t> dims) {
  TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(dtype);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

// Initializers in every storage form, `scale` elements in the big ones (bytes past
// kMinDetachedBytes for scale >= 1100), and, when `external_file` is set, one in that file of
// the model's folder (1024 floats, written by the caller). One Identity reads "big".
::onnx::ModelProto Model(int scale, const std::string& external_file = "") {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("skeleton-test");
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("g");
  std::vector<float> big(scale);
  for (int i = 0; i < scale; ++i) big[i] = 0.5f * i - 7.f;
  AddInit(g, "big", TensorProto::FLOAT, {scale})->set_raw_data(Bytes(big));
  AddInit(g, "small", TensorProto::FLOAT, {3})->set_raw_data(Bytes(std::vector<float>{1, 2, 3}));
  auto* typed = AddInit(g, "typed", TensorProto::FLOAT, {2, 2});
  for (float f : {4.f, -5.f, 6.f, 0.25f}) typed->add_float_data(f);
  std::vector<uint8_t> flags(scale);
  for (int i = 0; i < scale; ++i) flags[i] = static_cast<uint8_t>(i % 3);  // 2: not 0/1
  AddInit(g, "flags", TensorProto::BOOL, {scale})->set_raw_data(Bytes(flags));
  std::vector<int64_t> ints(scale);
  for (int i = 0; i < scale; ++i) ints[i] = int64_t{1} << (i % 62);
  AddInit(g, "ints", TensorProto::INT64, {scale})->set_raw_data(Bytes(ints));
  if (!external_file.empty()) {
    auto* ext = AddInit(g, "ext", TensorProto::FLOAT, {1024});
    ext->set_data_location(TensorProto::EXTERNAL);
    auto* kv = ext->add_external_data();
    kv->set_key("location");
    kv->set_value(external_file);
  }
  auto* c = g->add_node();  // a Constant's tensor attribute is never detached
  c->set_op_type("Constant");
  c->add_output("c");
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(::onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(TensorProto::FLOAT);
  a->mutable_t()->add_dims(scale);
  a->mutable_t()->set_raw_data(Bytes(big));
  auto* n = g->add_node();
  n->set_op_type("Identity");
  n->add_input("big");
  n->add_output("o");
  auto* out = g->add_output();
  out->set_name("o");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(TensorProto::FLOAT);
  out->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(scale);
  return m;
}

void ExpectSameTensor(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.dtype(), b.dtype()) << what;
  ASSERT_EQ(a.shape().dims(), b.shape().dims()) << what;
  ASSERT_EQ(a.NumBytes(), b.NumBytes()) << what;
  EXPECT_EQ(std::memcmp(a.raw_data(), b.raw_data(), a.NumBytes()), 0) << what;
}

// Same constants (by name, byte for byte) and the same Constant-node tensors.
void ExpectSameConstants(const ir::Graph& a, const ir::Graph& b) {
  int constants = 0;
  for (const ir::Value* v : a.values()) {
    if (!v->is_constant()) continue;
    ++constants;
    const ir::Value* w = b.FindValue(v->name());
    ASSERT_TRUE(w && w->is_constant()) << v->name();
    ExpectSameTensor(v->constant(), w->constant(), v->name());
  }
  int b_constants = 0;
  for (const ir::Value* v : b.values()) b_constants += v->is_constant();
  EXPECT_EQ(constants, b_constants);
  ASSERT_EQ(a.num_nodes(), b.num_nodes());
  auto it = b.nodes().begin();
  for (const auto& n : a.nodes()) {
    const ir::Attribute* x = n->attr("value");
    const ir::Attribute* y = (*it++)->attr("value");
    ASSERT_EQ(x == nullptr, y == nullptr);
    if (!x) continue;
    ASSERT_EQ(x->kind(), y->kind());
    if (x->kind() == ir::AttrKind::kTensor) ExpectSameTensor(x->t(), y->t(), n->name() + " value");
  }
}

// protobuf's full parse and the plain import: what the skeleton path must reproduce.
StatusOr<std::shared_ptr<ir::Graph>> FullParse(const std::string& bytes, const std::string& dir) {
  ::onnx::ModelProto m;
  if (!m.ParseFromString(bytes)) return InvalidArgument("protobuf parse failed");
  return GraphFromModelProto(m, dir);
}

// The skeleton path without the checker: scan, parse the skeleton, import.
StatusOr<std::shared_ptr<ir::Graph>> SkeletonParse(const std::string& bytes,
                                                   uint64_t min_detached) {
  BytesModelSource source(bytes);
  FERRY_ASSIGN_OR_RETURN(ModelSkeleton sk, ScanModelSkeleton(source, min_detached));
  ::onnx::ModelProto m;
  if (!m.ParseFromString(sk.bytes)) return InvalidArgument("skeleton parse failed");
  return TakeGraphFromSkeleton(&m, "", sk, source);
}

TEST(SkeletonTest, FileLoadGivesTheTensorsOfTheFullParse) {
  TempDir dir;
  std::vector<float> ext(1024);
  for (int i = 0; i < 1024; ++i) ext[i] = -0.125f * i;
  WriteAll(dir.file("w.bin"), Bytes(ext));
  const std::string bytes = Model(3000, "w.bin").SerializeAsString();
  WriteAll(dir.file("m.onnx"), bytes);

  // big (12,000 bytes), flags (3,000: under the threshold), ints (24,000) are detached.
  BytesModelSource source(bytes);
  auto sk = ScanModelSkeleton(source);
  ASSERT_TRUE(sk.ok()) << sk.status().ToString();
  EXPECT_EQ(sk->detached.size(), 2u);
  EXPECT_LT(sk->bytes.size() + 36000, bytes.size());

  auto loaded = LoadModel(dir.file("m.onnx"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto full = FullParse(bytes, dir.path());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ExpectSameConstants(**full, **loaded);
  const Tensor& flags = (*loaded)->FindValue("flags")->constant();
  EXPECT_EQ(flags.data<uint8_t>()[2], 1);  // normalised
  EXPECT_EQ((*loaded)->FindValue("ext")->constant().data<float>()[1023], -0.125f * 1023);
}

TEST(SkeletonTest, EveryThresholdGivesTheSameTensors) {
  const std::string bytes = Model(5000).SerializeAsString();
  auto full = FullParse(bytes, "");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  for (uint64_t min : {uint64_t{0}, uint64_t{1}, uint64_t{12}, uint64_t{5000}, kMinDetachedBytes,
                       uint64_t{1} << 40}) {
    SCOPED_TRACE(min);
    auto g = SkeletonParse(bytes, min);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    ExpectSameConstants(**full, **g);
    // bool bytes read straight into the tensor are normalised as when copied.
    EXPECT_EQ((*g)->FindValue("flags")->constant().data<uint8_t>()[5], 1);
  }
  auto from_bytes = LoadModelFromBytes(bytes);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
  ExpectSameConstants(**full, **from_bytes);
}

TEST(SkeletonTest, TruncationAtEveryByteFailsExactlyWhenProtobufFails) {
  const std::string bytes = Model(40).SerializeAsString();
  int failures = 0;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    const std::string part = bytes.substr(0, cut);
    ::onnx::ModelProto m;
    const bool protobuf_ok = m.ParseFromString(part);
    auto g = SkeletonParse(part, 8);
    // A cut between two top-level fields is a valid (smaller) ModelProto for protobuf too.
    if (!protobuf_ok) {
      ++failures;
      EXPECT_FALSE(g.ok()) << "cut at " << cut;
    } else {
      auto full = GraphFromModelProto(m, "");
      ASSERT_EQ(g.ok(), full.ok()) << "cut at " << cut;
      if (g.ok()) ExpectSameConstants(**full, **g);
    }
  }
  EXPECT_GT(failures, static_cast<int>(bytes.size()) * 9 / 10);
}

TEST(SkeletonTest, TruncatedFileIsAOneLineErrorNamingIt) {
  TempDir dir;
  const std::string bytes = Model(3000).SerializeAsString();
  const std::string path = dir.file("cut.onnx");
  // Cuts inside the graph: in the node list, in an initializer's header and in its payload.
  for (size_t cut : {size_t{3}, size_t{40}, bytes.size() / 4, bytes.size() / 2,
                     bytes.size() * 3 / 4, bytes.size() - 200, bytes.size() - 60}) {
    WriteAll(path, bytes.substr(0, cut));
    auto g = LoadModel(path);
    ASSERT_FALSE(g.ok()) << "cut at " << cut;
    EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(g.status().message().find(path), std::string::npos) << g.status().message();
    EXPECT_EQ(g.status().message().find('\n'), std::string::npos) << g.status().message();
    EXPECT_FALSE(LoadModelFromBytes(bytes.substr(0, cut)).ok()) << "cut at " << cut;
  }
}

TEST(SkeletonTest, CorruptBytesFailExactlyWhenProtobufFails) {
  const std::string bytes = Model(40).SerializeAsString();
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  int accepted = 0, refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string corrupt = bytes;
    const int flips = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < flips; ++k)
      corrupt[next() % corrupt.size()] = static_cast<char>(next() >> 24);
    ::onnx::ModelProto m;
    const bool protobuf_ok = m.ParseFromString(corrupt);
    BytesModelSource source(corrupt);
    auto sk = ScanModelSkeleton(source, 8);
    ::onnx::ModelProto skm;
    const bool skeleton_ok = sk.ok() && skm.ParseFromString(sk->bytes);
    ASSERT_EQ(skeleton_ok, protobuf_ok)
        << "trial " << trial << ": " << (sk.ok() ? "skeleton parse" : sk.status().message());
    if (!protobuf_ok) {
      ++refused;
      continue;
    }
    ++accepted;
    auto full = GraphFromModelProto(m, "");
    auto g = TakeGraphFromSkeleton(&skm, "", *sk, source);
    ASSERT_EQ(g.ok(), full.ok()) << "trial " << trial << ": "
                                 << (g.ok() ? full.status() : g.status()).message();
    if (g.ok()) ExpectSameConstants(**full, **g);
  }
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
}

// Hand-made wire format: a field tag and a length-delimited field.
std::string Tag(int field, int wire) {
  std::string s;
  uint64_t v = (static_cast<uint64_t>(field) << 3) | wire;
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s;
}
std::string Len(int field, const std::string& body) {
  std::string s = Tag(field, 2);
  uint64_t v = body.size();
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s + body;
}

TEST(SkeletonTest, LastRawDataWinsAndRepeatedGraphsMerge) {
  // ModelProto.graph twice (protobuf merges them: initializers append), the first initializer
  // with two raw_data fields (the last one counts), a group in an unknown field, a big
  // detached payload in the second graph.
  auto tensor = [](const std::string& name, int n, const std::vector<std::string>& raws) {
    TensorProto t;
    t.set_name(name);
    t.set_data_type(TensorProto::FLOAT);
    t.add_dims(n);
    std::string s = t.SerializeAsString();
    for (const std::string& r : raws) s += Len(9, r);
    return s;
  };
  std::vector<float> a(4, 1.f), b(4, 2.f), big(2000);
  for (int i = 0; i < 2000; ++i) big[i] = static_cast<float>(i);
  const std::string group = Tag(99, 3) + Tag(1, 0) + std::string(1, '\x05') + Tag(99, 4);
  ::onnx::ModelProto head;
  head.set_ir_version(8);
  head.add_opset_import()->set_version(13);
  const std::string g1 = Len(5, tensor("a", 4, {Bytes(big).substr(0, 16 * 4 + 1), Bytes(a)})) +
                         Len(5, tensor("b", 4, {Bytes(b), Bytes(big).substr(0, 16)})) + group;
  const std::string g2 = Len(5, tensor("big", 2000, {Bytes(big)}));
  const std::string bytes = head.SerializeAsString() + Len(7, g1) + Len(7, g2);
  auto full = FullParse(bytes, "");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ((*full)->FindValue("a")->constant().data<float>()[3], 1.f);
  for (uint64_t min : {uint64_t{0}, uint64_t{16}, uint64_t{17}, kMinDetachedBytes}) {
    SCOPED_TRACE(min);
    auto g = SkeletonParse(bytes, min);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    ExpectSameConstants(**full, **g);
  }
  // "b"'s last raw_data has 16 bytes for a [4] float tensor: an error either way.
  const std::string bad =
      head.SerializeAsString() + Len(7, Len(5, tensor("b", 5, {Bytes(big).substr(0, 5000)})));
  auto bad_full = FullParse(bad, "");
  auto bad_skeleton = SkeletonParse(bad, 16);
  ASSERT_FALSE(bad_full.ok());
  ASSERT_FALSE(bad_skeleton.ok());
  EXPECT_EQ(bad_full.status().message(), bad_skeleton.status().message());
}

TEST(SkeletonTest, FileSourceRefusesReadsPastTheEnd) {
  TempDir dir;
  WriteAll(dir.file("x"), "abcdef");
  FILE* f = std::fopen(dir.file("x").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  FileModelSource source(std::make_shared<const OpenFile>(::dup(::fileno(f)), 6, "'x'"));
  char buf[8] = {};
  EXPECT_TRUE(source.ReadAt(2, 4, buf).ok());
  EXPECT_EQ(std::string(buf, 4), "cdef");
  EXPECT_FALSE(source.ReadAt(3, 4, buf).ok());
  EXPECT_FALSE(source.ReadAt(7, 0, buf).ok());
  // A file that shrank since its size was taken.
  FileModelSource stale(std::make_shared<const OpenFile>(::dup(::fileno(f)), 10, "'x'"));
  Status s = stale.ReadAt(4, 6, buf);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'x'"), std::string::npos) << s.message();
  std::fclose(f);
}

}  // namespace
}  // namespace ferry::onnx
