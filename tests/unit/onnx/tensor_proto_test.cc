#include "onnx/tensor_proto.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace ferry::onnx {
namespace {

namespace fs = std::filesystem;
using ::onnx::TensorProto;

using testing::TempDir;

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

// A tensor of `dtype` with 6 distinct, type-appropriate values (including the extremes the
// dtype allows, to catch narrowing in the typed-field path).
Tensor Sample(DataType dtype) {
  Tensor t(dtype, Shape{2, 3});
  auto fill = [&](auto* p, std::initializer_list<double> vals) {
    int i = 0;
    for (double v : vals) p[i++] = static_cast<std::remove_reference_t<decltype(*p)>>(v);
  };
  switch (dtype) {
    case DataType::kFloat32: fill(t.data<float>(), {1.5, -2.25, 0, 1e30, -1e-30, 3}); break;
    case DataType::kFloat64: fill(t.data<double>(), {1.5, -2.25, 0, 1e300, -1e-300, 3}); break;
    case DataType::kInt8: fill(t.data<int8_t>(), {-128, 127, 0, 1, -1, 5}); break;
    case DataType::kInt16: fill(t.data<int16_t>(), {-32768, 32767, 0, 1, -1, 5}); break;
    case DataType::kInt32: fill(t.data<int32_t>(), {-2147483648.0, 2147483647, 0, 1, -1, 5}); break;
    case DataType::kInt64: {
      int64_t v[6] = {INT64_MIN, INT64_MAX, 0, 1, -1, 5};
      std::memcpy(t.raw_data(), v, sizeof(v));
      break;
    }
    case DataType::kUInt8: fill(t.data<uint8_t>(), {0, 255, 1, 2, 128, 7}); break;
    case DataType::kUInt16: fill(t.data<uint16_t>(), {0, 65535, 1, 2, 32768, 7}); break;
    case DataType::kUInt32:
      fill(t.data<uint32_t>(), {0, 4294967295.0, 1, 2, 2147483648.0, 7});
      break;
    case DataType::kUInt64: {
      uint64_t v[6] = {0, UINT64_MAX, 1, 2, uint64_t{1} << 63, 7};
      std::memcpy(t.raw_data(), v, sizeof(v));
      break;
    }
    case DataType::kFloat16:
      for (int i = 0; i < 6; ++i) t.data<uint16_t>()[i] = FloatToHalf(0.5f * i - 1.0f);
      t.data<uint16_t>()[5] = 0xfc00;  // -inf
      break;
    case DataType::kBFloat16:
      for (int i = 0; i < 6; ++i) t.data<uint16_t>()[i] = FloatToBFloat16(100.0f * i - 3.0f);
      break;
    case DataType::kBool: fill(t.data<bool>(), {1, 0, 0, 1, 1, 0}); break;
    case DataType::kString: t.strings() = {"a", "", "hello", "\xce\xbb", "x y", "z"}; break;
    default: break;
  }
  return t;
}

void ExpectSameTensor(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.dtype(), b.dtype()) << what;
  ASSERT_EQ(a.shape(), b.shape()) << what;
  if (a.dtype() == DataType::kString) {
    EXPECT_EQ(a.strings(), b.strings()) << what;
  } else {
    EXPECT_EQ(0, std::memcmp(a.raw_data(), b.raw_data(), a.NumBytes())) << what;
  }
}

const DataType kAllTypes[] = {DataType::kFloat32,  DataType::kFloat64, DataType::kFloat16,
                              DataType::kBFloat16, DataType::kInt8,    DataType::kInt16,
                              DataType::kInt32,    DataType::kInt64,   DataType::kUInt8,
                              DataType::kUInt16,   DataType::kUInt32,  DataType::kUInt64,
                              DataType::kBool,     DataType::kString};

TEST(TensorProtoTest, DataTypeMappingRoundTrips) {
  for (DataType t : kAllTypes) {
    auto back = DataTypeFromOnnx(DataTypeToOnnx(t));
    ASSERT_TRUE(back.ok()) << DataTypeName(t);
    EXPECT_EQ(*back, t) << DataTypeName(t);
  }
  EXPECT_EQ(DataTypeToOnnx(DataType::kFloat32), TensorProto::FLOAT);
  EXPECT_EQ(DataTypeToOnnx(DataType::kBFloat16), TensorProto::BFLOAT16);
  EXPECT_EQ(DataTypeFromOnnx(TensorProto::COMPLEX64).status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(DataTypeFromOnnx(99).status().code(), StatusCode::kInvalidArgument);
}

TEST(TensorProtoTest, EveryDtypeThroughRawData) {
  for (DataType dtype : kAllTypes) {
    Tensor t = Sample(dtype);
    TensorProto p;
    ASSERT_TRUE(TensorToProto(t, "w", &p).ok()) << DataTypeName(dtype);
    EXPECT_EQ(p.has_raw_data(), dtype != DataType::kString) << DataTypeName(dtype);
    auto back = TensorFromProto(p);
    ASSERT_TRUE(back.ok()) << DataTypeName(dtype) << ": " << back.status().ToString();
    ExpectSameTensor(t, *back, DataTypeName(dtype));
  }
}

TEST(TensorProtoTest, EveryDtypeThroughTypedFields) {
  for (DataType dtype : kAllTypes) {
    Tensor t = Sample(dtype);
    TensorProto p;
    ASSERT_TRUE(TensorToProto(t, "w", &p, TensorStorage::kTypedFields).ok()) << DataTypeName(dtype);
    EXPECT_FALSE(p.has_raw_data()) << DataTypeName(dtype);
    auto back = TensorFromProto(p);
    ASSERT_TRUE(back.ok()) << DataTypeName(dtype) << ": " << back.status().ToString();
    ExpectSameTensor(t, *back, DataTypeName(dtype));
  }
}

TEST(TensorProtoTest, TypedFieldsFollowTheSpec) {
  // onnx.proto: FLOAT16 is stored as its bit pattern in int32_data, UINT32 in uint64_data.
  TensorProto p;
  p.set_data_type(TensorProto::FLOAT16);
  p.add_dims(1);
  p.add_int32_data(0x3c00);  // 1.0 in binary16
  auto t = TensorFromProto(p);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(HalfToFloat(t->data<uint16_t>()[0]), 1.0f);

  TensorProto u;
  u.set_data_type(TensorProto::UINT32);
  u.add_dims(2);
  u.add_uint64_data(4000000000u);
  u.add_uint64_data(3);
  auto tu = TensorFromProto(u);
  ASSERT_TRUE(tu.ok()) << tu.status().ToString();
  EXPECT_EQ(tu->data<uint32_t>()[0], 4000000000u);
  EXPECT_EQ(tu->data<uint32_t>()[1], 3u);
}

TEST(TensorProtoTest, BoolRawBytesAreNormalised) {
  TensorProto p;
  p.set_data_type(TensorProto::BOOL);
  p.add_dims(3);
  p.set_raw_data(std::string("\x00\x02\x01", 3));
  auto t = TensorFromProto(p);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->GetAsInt64(0), 0);
  EXPECT_EQ(t->GetAsInt64(1), 1);
  EXPECT_EQ(t->GetAsInt64(2), 1);
}

TEST(TensorProtoTest, ScalarAndEmptyTensors) {
  Tensor s = Tensor::Scalar<float>(4.5f);
  TensorProto p;
  ASSERT_TRUE(TensorToProto(s, "s", &p).ok());
  auto back = TensorFromProto(p);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->rank(), 0);
  EXPECT_EQ(back->data<float>()[0], 4.5f);

  TensorProto e;
  e.set_data_type(TensorProto::INT64);
  e.add_dims(0);
  e.add_dims(3);
  auto te = TensorFromProto(e);
  ASSERT_TRUE(te.ok()) << te.status().ToString();
  EXPECT_EQ(te->NumElements(), 0);
}

TEST(TensorProtoTest, SizeMismatchesAreErrorsNamingTheTensor) {
  TensorProto p;
  p.set_name("weights");
  p.set_data_type(TensorProto::FLOAT);
  p.add_dims(2);
  p.add_dims(2);
  p.set_raw_data(std::string(12, '\0'));  // needs 16
  auto t = TensorFromProto(p);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("weights"), std::string::npos) << t.status().message();
  EXPECT_NE(t.status().message().find("16"), std::string::npos) << t.status().message();

  p.clear_raw_data();
  p.add_float_data(1);  // needs 4
  EXPECT_FALSE(TensorFromProto(p).ok());
}

TEST(TensorProtoTest, BadDimsAreRefusedBeforeAllocating) {
  TensorProto neg;
  neg.set_data_type(TensorProto::FLOAT);
  neg.add_dims(-3);
  EXPECT_FALSE(TensorFromProto(neg).ok());

  // 2^62 elements: must be refused by the size check, not by a failed allocation.
  TensorProto huge;
  huge.set_data_type(TensorProto::FLOAT);
  huge.add_dims(int64_t{1} << 31);
  huge.add_dims(int64_t{1} << 31);
  auto t = TensorFromProto(huge);
  EXPECT_FALSE(t.ok());
}

TensorProto ExternalProto(const std::string& location, int64_t offset, int64_t length, int64_t n) {
  TensorProto p;
  p.set_name("ext");
  p.set_data_type(TensorProto::FLOAT);
  p.add_dims(n);
  p.set_data_location(TensorProto::EXTERNAL);
  auto add = [&](const std::string& k, const std::string& v) {
    auto* e = p.add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  add("location", location);
  if (offset >= 0) add("offset", std::to_string(offset));
  if (length >= 0) add("length", std::to_string(length));
  return p;
}

TEST(TensorProtoTest, ExternalDataReadsFromTheModelFolder) {
  TempDir dir;
  fs::create_directories(dir.path() / "weights");
  float vals[3] = {1.0f, -2.0f, 3.5f};
  std::string bytes = "PAD!" + std::string(reinterpret_cast<const char*>(vals), sizeof(vals));
  WriteFile(dir.path() / "weights" / "w.bin", bytes);
  TensorReadOptions opts{dir.path().string()};

  auto t = TensorFromProto(ExternalProto("weights/w.bin", 4, 12, 3), opts);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->data<float>()[0], 1.0f);
  EXPECT_EQ(t->data<float>()[2], 3.5f);
  // No length: the data runs to the end of the file.
  auto t2 = TensorFromProto(ExternalProto("weights/w.bin", 4, -1, 3), opts);
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  EXPECT_EQ(t2->data<float>()[1], -2.0f);
}

TEST(TensorProtoTest, ExternalDataSizesAreChecked) {
  TempDir dir;
  WriteFile(dir.path() / "w.bin", std::string(8, '\0'));
  TensorReadOptions opts{dir.path().string()};
  // Past the end of the file.
  EXPECT_FALSE(TensorFromProto(ExternalProto("w.bin", 4, 8, 2), opts).ok());
  EXPECT_FALSE(TensorFromProto(ExternalProto("w.bin", 100, -1, 2), opts).ok());
  // Length does not match the shape.
  EXPECT_FALSE(TensorFromProto(ExternalProto("w.bin", 0, 8, 3), opts).ok());
  // A missing file.
  auto missing = TensorFromProto(ExternalProto("nope.bin", 0, 8, 2), opts);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  // No folder to read from (a model given as bytes).
  EXPECT_FALSE(TensorFromProto(ExternalProto("w.bin", 0, 8, 2)).ok());
}

TEST(TensorProtoTest, ExternalDataPathTraversalIsRefused) {
  TempDir dir;
  fs::create_directories(dir.path() / "model");
  WriteFile(dir.path() / "secret.bin", std::string(8, 'x'));
  TensorReadOptions opts{(dir.path() / "model").string()};
  for (const std::string loc : {"../secret.bin", "/etc/passwd", "a/../../secret.bin",
                                "..\\secret.bin", "./../secret.bin"}) {
    auto t = TensorFromProto(ExternalProto(loc, 0, 8, 2), opts);
    ASSERT_FALSE(t.ok()) << loc;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << loc;
    EXPECT_NE(t.status().message().find(loc), std::string::npos) << t.status().message();
  }
  // A symlink inside the folder that leads out of it.
  fs::create_symlink(dir.path() / "secret.bin", dir.path() / "model" / "link.bin");
  auto t = TensorFromProto(ExternalProto("link.bin", 0, 8, 2), opts);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("outside"), std::string::npos) << t.status().message();
}

TEST(TensorProtoTest, ReadsACorpusTensorFile) {
  const std::string path =
      "/usr/share/libonnx-testdata/data/node/test_abs/test_data_set_0/input_0.pb";
  if (!fs::exists(path)) GTEST_SKIP() << "libonnx-testdata not installed";
  auto t = ReadTensorProtoFile(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->dtype(), DataType::kFloat32);
  EXPECT_EQ(t->shape(), (Shape{3, 4, 5}));
}

TEST(TensorProtoTest, ReadTensorProtoFileErrorsNameTheFile) {
  TempDir dir;
  const fs::path p = dir.path() / "bad.pb";
  WriteFile(p, std::string("\xff\xff\xff\xff\xff", 5));
  auto t = ReadTensorProtoFile(p.string());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find(p.string()), std::string::npos) << t.status().message();
  EXPECT_EQ(ReadTensorProtoFile((dir.path() / "none.pb").string()).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace ferry::onnx
