#include "core/npy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ferry {
namespace {

namespace fs = std::filesystem;

// The dtypes numpy and ferry share, with numpy's names for the Python side of the tests.
struct DtypeCase {
  DataType dtype;
  const char* numpy_name;
};
constexpr DtypeCase kCases[] = {
    {DataType::kFloat32, "float32"}, {DataType::kFloat64, "float64"},
    {DataType::kFloat16, "float16"}, {DataType::kInt8, "int8"},
    {DataType::kInt16, "int16"},     {DataType::kInt32, "int32"},
    {DataType::kInt64, "int64"},     {DataType::kUInt8, "uint8"},
    {DataType::kUInt16, "uint16"},   {DataType::kUInt32, "uint32"},
    {DataType::kUInt64, "uint64"},   {DataType::kBool, "bool"},
};

// The test pattern, element i of a tensor of `dtype`; the Python snippets compute the same.
double Pattern(DataType dtype, int64_t i) {
  if (dtype == DataType::kBool) return i % 3 == 0 ? 1 : 0;
  double v = static_cast<double>(i % 11);
  if (IsFloating(dtype)) return v * 0.25 - 1.0;
  bool is_unsigned = dtype == DataType::kUInt8 || dtype == DataType::kUInt16 ||
                     dtype == DataType::kUInt32 || dtype == DataType::kUInt64;
  return is_unsigned ? v : v - 3;
}
// numpy's expression for the same pattern over np.arange(n).
std::string PythonPattern(const char* numpy_name, int64_t n) {
  std::string a = "np.arange(" + std::to_string(n) + ")";
  std::string name = numpy_name;
  if (name == "bool") return "(" + a + " % 3 == 0)";
  if (name.rfind("float", 0) == 0) return "((" + a + " % 11) * 0.25 - 1.0).astype(np." + name + ")";
  if (name.rfind("uint", 0) == 0) return "(" + a + " % 11).astype(np." + name + ")";
  return "(" + a + " % 11 - 3).astype(np." + name + ")";
}

Tensor MakePattern(DataType dtype, Shape shape) {
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    double v = Pattern(dtype, i);
    switch (dtype) {
      case DataType::kFloat32:
        t.data<float>()[i] = static_cast<float>(v);
        break;
      case DataType::kFloat64:
        t.data<double>()[i] = v;
        break;
      case DataType::kFloat16:
        t.data<uint16_t>()[i] = FloatToHalf(static_cast<float>(v));
        break;
      case DataType::kInt8:
        t.data<int8_t>()[i] = static_cast<int8_t>(v);
        break;
      case DataType::kInt16:
        t.data<int16_t>()[i] = static_cast<int16_t>(v);
        break;
      case DataType::kInt32:
        t.data<int32_t>()[i] = static_cast<int32_t>(v);
        break;
      case DataType::kInt64:
        t.data<int64_t>()[i] = static_cast<int64_t>(v);
        break;
      case DataType::kUInt8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
        break;
      case DataType::kUInt16:
        t.data<uint16_t>()[i] = static_cast<uint16_t>(v);
        break;
      case DataType::kUInt32:
        t.data<uint32_t>()[i] = static_cast<uint32_t>(v);
        break;
      case DataType::kUInt64:
        t.data<uint64_t>()[i] = static_cast<uint64_t>(v);
        break;
      case DataType::kBool:
        t.data<bool>()[i] = v != 0;
        break;
      default:
        ADD_FAILURE() << "no pattern for " << DataTypeName(dtype);
    }
  }
  return t;
}

void ExpectPattern(const Tensor& t, DataType dtype, const Shape& shape, const std::string& what) {
  ASSERT_EQ(t.dtype(), dtype) << what;
  ASSERT_EQ(t.shape(), shape) << what << ": got " << t.shape().ToString();
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    ASSERT_EQ(t.GetAsDouble(i), Pattern(dtype, i)) << what << " element " << i;
  }
}

// A fresh directory per test, removed afterwards.
class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("ferry_npy_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs a Python script with /usr/bin/python3 (Debian's, the one with numpy); returns its
  // exit status.
  int RunPython(const std::string& script) {
    std::string file = Path("script.py");
    std::ofstream(file) << "import numpy as np\nimport sys\n" << script;
    std::string cmd = "/usr/bin/python3 " + file + " > " + Path("py.log") + " 2>&1";
    int rc = std::system(cmd.c_str());
    if (rc != 0) {
      std::ifstream log(Path("py.log"));
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      ADD_FAILURE() << "python failed (" << rc << "):\n" << text;
    }
    return rc;
  }

  fs::path dir_;
};

std::string NpyHeaderBytes(const std::string& dict, int major = 1) {
  std::string s = "\x93NUMPY";
  s.push_back(static_cast<char>(major));
  s.push_back(0);
  size_t n = dict.size();
  s.push_back(static_cast<char>(n & 0xff));
  s.push_back(static_cast<char>(n >> 8));
  if (major > 1) s.append(2, '\0');
  return s + dict;
}

TEST_F(NpyTest, RoundTripsEveryDtypeInMemory) {
  for (const DtypeCase& c : kCases) {
    for (const Shape& shape : {Shape{}, Shape{5}, Shape{2, 3, 4}, Shape{0, 3}}) {
      std::string what = std::string(c.numpy_name) + shape.ToString();
      Tensor t = MakePattern(c.dtype, shape);
      auto bytes = SerializeNpy(t);
      ASSERT_TRUE(bytes.ok()) << what << ": " << bytes.status().ToString();
      // Data starts on a 64-byte boundary, as numpy >= 1.9 writes it.
      EXPECT_EQ((bytes->size() - t.NumBytes()) % 64, 0u) << what;
      auto back = ParseNpy(*bytes);
      ASSERT_TRUE(back.ok()) << what << ": " << back.status().ToString();
      ExpectPattern(*back, c.dtype, shape, what);
    }
  }
}

TEST_F(NpyTest, HeaderIsNumpysDictLiteral) {
  auto bytes = SerializeNpy(MakePattern(DataType::kFloat32, Shape{3}));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_NE(bytes->find("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"),
            std::string::npos);
  auto u8 = SerializeNpy(MakePattern(DataType::kUInt8, Shape{2, 2}));
  ASSERT_TRUE(u8.ok());
  EXPECT_NE(u8->find("'descr': '|u1'"), std::string::npos);
  EXPECT_NE(u8->find("'shape': (2, 2)"), std::string::npos);
}

TEST_F(NpyTest, SerializeRejectsDtypesNumpyLacks) {
  Tensor bf(DataType::kBFloat16, Shape{2});
  auto s = SerializeNpy(bf);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(s.status().message().find("bfloat16"), std::string::npos) << s.status().message();
  Status w = WriteNpy(Path("bf.npy"), bf);
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.message().find("bf.npy"), std::string::npos) << w.message();
  EXPECT_FALSE(fs::exists(Path("bf.npy")));
}

// Each malformed input must give an error naming the source and the problem.
TEST_F(NpyTest, MalformedInputsGiveOneLineErrors) {
  StatusOr<std::string> serialized = SerializeNpy(MakePattern(DataType::kFloat32, Shape{2, 3}));
  ASSERT_TRUE(serialized.ok());
  const std::string& good = *serialized;
  struct Bad {
    std::string name;
    std::string bytes;
    std::string expect;
  };
  std::vector<Bad> bad = {
      {"empty", "", "truncated"},
      {"short preamble", good.substr(0, 9), "truncated"},
      {"bad magic", "\x93NUMPZ" + good.substr(6), "bad magic"},
      {"version 4", std::string("\x93NUMPY\x04\x00", 8) + good.substr(8), "version 4.0"},
      {"header cut", good.substr(0, 40), "truncated"},
      {"data short", good.substr(0, good.size() - 1), "data shorter than the shape needs"},
      {"data long", good + "x", "trailing"},
      {"not a dict", NpyHeaderBytes("[1, 2]\n"), "bad header"},
      {"no shape", NpyHeaderBytes("{'descr': '<f4', 'fortran_order': False}\n"), "'shape'"},
      {"unknown key",
       NpyHeaderBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), "
                      "'x': 1}\n"),
       "bad header"},
      {"negative dim",
       NpyHeaderBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(-1,), }\n"),
       "bad header"},
      {"fortran",
       NpyHeaderBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n") +
           std::string(16, '\0'),
       "fortran_order"},
      {"big-endian",
       NpyHeaderBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n") +
           std::string(4, '\0'),
       "big-endian"},
      {"complex", NpyHeaderBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n"),
       "unsupported dtype '<c8'"},
      {"unicode", NpyHeaderBytes("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }\n"),
       "unsupported dtype '<U3'"},
      // 2^62 float32 elements: rejected from the header alone, nothing allocated.
      {"huge shape",
       NpyHeaderBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(4611686018427387904,), }\n"),
       "bad shape"},
      {"huge data claim",
       NpyHeaderBytes("{'descr': '<f8', 'fortran_order': False, 'shape': "
                      "(1000, 1000, 100), }\n"),
       "needs 800000000 bytes, file has 0"},
  };
  for (const Bad& b : bad) {
    auto r = ParseNpy(b.bytes, "x.npy");
    ASSERT_FALSE(r.ok()) << b.name;
    const std::string m = r.status().message();
    EXPECT_EQ(m.rfind("x.npy: ", 0), 0u) << b.name << ": " << m;
    EXPECT_NE(m.find(b.expect), std::string::npos) << b.name << ": " << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << b.name << ": " << m;
  }
}

TEST_F(NpyTest, ReadsVersion2And3Headers) {
  std::string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n";
  std::string data("\x01\x00\x00\x00\xfe\xff\xff\xff", 8);
  for (int major : {2, 3}) {
    auto t = ParseNpy(NpyHeaderBytes(dict, major) + data);
    ASSERT_TRUE(t.ok()) << "version " << major << ": " << t.status().ToString();
    EXPECT_EQ(t->data<int32_t>()[0], 1);
    EXPECT_EQ(t->data<int32_t>()[1], -2);
  }
}

TEST_F(NpyTest, ReadMissingFileNamesIt) {
  auto r = ReadNpy(Path("absent.npy"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("absent.npy"), std::string::npos);
}

TEST_F(NpyTest, WriteIsAtomicAndLeavesNoTemporaries) {
  std::string path = Path("t.npy");
  ASSERT_TRUE(WriteNpy(path, MakePattern(DataType::kInt64, Shape{4})).ok());
  // Overwriting replaces the file whole.
  ASSERT_TRUE(WriteNpy(path, MakePattern(DataType::kFloat64, Shape{2, 2})).ok());
  auto back = ReadNpy(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectPattern(*back, DataType::kFloat64, Shape{2, 2}, "overwritten");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "t.npy");
  }
  EXPECT_EQ(entries, 1);
  Status s = WriteNpy(Path("no/such/dir/t.npy"), MakePattern(DataType::kInt8, Shape{1}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir/t.npy"), std::string::npos) << s.message();
}

// Files numpy writes, read by ferry: every dtype, plus scalars, empty arrays, 2.0/3.0 headers.
TEST_F(NpyTest, ReadsFilesWrittenByNumpy) {
  const Shape shape{2, 3, 5};
  std::string script;
  for (const DtypeCase& c : kCases) {
    script += "np.save(r'" + Path(std::string(c.numpy_name) + ".npy") + "', " +
              PythonPattern(c.numpy_name, shape.NumElements()) + ".reshape(2, 3, 5))\n";
  }
  script += "np.save(r'" + Path("scalar.npy") + "', np.float32(-1.0))\n";
  script += "np.save(r'" + Path("empty.npy") + "', np.zeros((0, 4), np.int32))\n";
  script += "np.save(r'" + Path("fortran.npy") +
            "', np.asfortranarray(np.ones((2, 3), "
            "np.float32)))\n";
  script += "np.save(r'" + Path("big.npy") + "', np.ones(3, '>f4'))\n";
  for (int major : {2, 3}) {
    script += "with open(r'" + Path("v" + std::to_string(major) + ".npy") +
              "', 'wb') as f: np.lib.format.write_array(f, " + PythonPattern("float64", 7) +
              ", version=(" + std::to_string(major) + ", 0))\n";
  }
  ASSERT_EQ(RunPython(script), 0);

  for (const DtypeCase& c : kCases) {
    auto t = ReadNpy(Path(std::string(c.numpy_name) + ".npy"));
    ASSERT_TRUE(t.ok()) << c.numpy_name << ": " << t.status().ToString();
    ExpectPattern(*t, c.dtype, shape, c.numpy_name);
  }
  auto scalar = ReadNpy(Path("scalar.npy"));
  ASSERT_TRUE(scalar.ok()) << scalar.status().ToString();
  EXPECT_EQ(scalar->rank(), 0);
  EXPECT_EQ(scalar->data<float>()[0], -1.0f);
  auto empty = ReadNpy(Path("empty.npy"));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->shape(), (Shape{0, 4}));
  EXPECT_EQ(empty->dtype(), DataType::kInt32);
  for (int major : {2, 3}) {
    auto t = ReadNpy(Path("v" + std::to_string(major) + ".npy"));
    ASSERT_TRUE(t.ok()) << major << ": " << t.status().ToString();
    ExpectPattern(*t, DataType::kFloat64, Shape{7}, "version " + std::to_string(major));
  }
  auto fortran = ReadNpy(Path("fortran.npy"));
  ASSERT_FALSE(fortran.ok());
  EXPECT_NE(fortran.status().message().find("fortran_order"), std::string::npos);
  EXPECT_NE(fortran.status().message().find("fortran.npy"), std::string::npos);
  auto big = ReadNpy(Path("big.npy"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("big-endian dtype '>f4'"), std::string::npos)
      << big.status().message();
}

// Files ferry writes, loaded by numpy: dtype, shape and values must all match.
TEST_F(NpyTest, NumpyLoadsFilesWeWrite) {
  const Shape shape{3, 1, 4};
  std::string script = "ok = True\n";
  for (const DtypeCase& c : kCases) {
    std::string path = Path(std::string(c.numpy_name) + ".npy");
    ASSERT_TRUE(WriteNpy(path, MakePattern(c.dtype, shape)).ok()) << c.numpy_name;
    script += "a = np.load(r'" + path + "')\n";
    script += "e = " + PythonPattern(c.numpy_name, shape.NumElements()) + ".reshape(3, 1, 4)\n";
    script +=
        "assert a.dtype == e.dtype and a.shape == e.shape and (a == e).all(), "
        "('" +
        std::string(c.numpy_name) + "', a.dtype, a.shape, a)\n";
  }
  ASSERT_TRUE(WriteNpy(Path("scalar.npy"), Tensor::Scalar<int64_t>(-7)).ok());
  script += "s = np.load(r'" + Path("scalar.npy") + "')\n";
  script += "assert s.shape == () and s.dtype == np.int64 and s == -7, s\n";
  ASSERT_TRUE(WriteNpy(Path("empty.npy"), Tensor(DataType::kFloat32, Shape{2, 0})).ok());
  script += "z = np.load(r'" + Path("empty.npy") + "')\n";
  script += "assert z.shape == (2, 0) and z.dtype == np.float32, z\n";
  EXPECT_EQ(RunPython(script), 0);
}

}  // namespace
}  // namespace ferry
