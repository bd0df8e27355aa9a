#include "serve/tensor_json.h"

#include <gtest/gtest.h>

#include "serve/batcher.h"

namespace ferry::serve {
namespace {

using check::TensorSpec;
using json = nlohmann::json;

const std::vector<TensorSpec> kOneInput = {{"x", DataType::kFloat32, {-1, 2}}};
const std::vector<TensorSpec> kTwoInputs = {{"x", DataType::kFloat32, {-1, 2}},
                                            {"k", DataType::kInt64, {-1}}};

std::vector<float> Floats(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.NumElements());
}

TEST(PredictRequest, RowFormatSingleInput) {
  auto r = ParsePredictRequest(json::parse(R"({"instances": [[1, 2], [3.5, -4]]})"), kOneInput);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->row_format);
  ASSERT_EQ(r->inputs.size(), 1u);
  EXPECT_EQ(r->inputs[0].shape(), Shape({2, 2}));
  EXPECT_EQ(Floats(r->inputs[0]), (std::vector<float>{1, 2, 3.5f, -4}));
}

TEST(PredictRequest, RowFormatNamedInputsInSpecOrder) {
  auto r = ParsePredictRequest(
      json::parse(R"({"instances": [{"k": 7, "x": [1, 2]}, {"x": [3, 4], "k": -1}]})"),
      kTwoInputs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->inputs.size(), 2u);
  EXPECT_EQ(Floats(r->inputs[0]), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(r->inputs[1].shape(), Shape({2}));
  EXPECT_EQ(r->inputs[1].data<int64_t>()[0], 7);
  EXPECT_EQ(r->inputs[1].data<int64_t>()[1], -1);
}

TEST(PredictRequest, ColumnarFormat) {
  auto r = ParsePredictRequest(json::parse(R"({"inputs": {"x": [[1, 2]], "k": [5]},
                                               "signature_name": "serving_default"})"),
                               kTwoInputs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->row_format);
  EXPECT_EQ(r->signature_name, "serving_default");
  EXPECT_EQ(r->inputs[1].data<int64_t>()[0], 5);
  auto single = ParsePredictRequest(json::parse(R"({"inputs": [[9, 8], [7, 6]]})"), kOneInput);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(Floats(single->inputs[0]), (std::vector<float>{9, 8, 7, 6}));
}

TEST(PredictRequest, B64StringsDecode) {
  const std::vector<TensorSpec> specs = {{"s", DataType::kString, {-1}}};
  auto r = ParsePredictRequest(
      json::parse(R"({"instances": [{"b64": "aGVsbG8="}, "plain", {"b64": "AP8="}]})"), specs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->inputs[0].strings()[0], "hello");
  EXPECT_EQ(r->inputs[0].strings()[1], "plain");
  EXPECT_EQ(r->inputs[0].strings()[2], std::string("\x00\xff", 2));
}

TEST(PredictRequest, BadRequestsNameTheProblem) {
  struct Case {
    const char* body;
    const std::vector<TensorSpec>* specs;
    const char* message;
  };
  const Case cases[] = {
      {R"({"instances": [[1, 2], [3]]})", &kOneInput, "ragged"},
      {R"({"instances": [[1, 2, 3]]})", &kOneInput, "shape [1,3]"},
      {R"({"instances": [["a", "b"]]})", &kOneInput, "expected a number"},
      {R"({"instances": [[1, 2]]})", &kTwoInputs, "must be an object"},
      {R"({"instances": [{"x": [1, 2]}]})", &kTwoInputs, "missing input 'k'"},
      {R"({"instances": [{"x": [1, 2], "k": 1.5}]})", &kTwoInputs, "expected an integer"},
      {R"({"instances": [{"x": [1, 2], "k": 1, "z": 0}]})", &kTwoInputs, "input 'z'"},
      {R"({"inputs": {"x": [[1, 2]]}})", &kTwoInputs, "missing input 'k'"},
      {R"({"instances": []})", &kOneInput, "empty"},
      {R"({"instances": [[1, 2]], "inputs": [[1, 2]]})", &kOneInput, "exactly one"},
      {R"({"instance": [[1, 2]]})", &kOneInput, "unknown field 'instance'"},
      {R"([1, 2])", &kOneInput, "JSON object"},
      {R"({"instances": [{"b64": "AAAA"}]})", &kOneInput, "string inputs"},
      {R"({"signature_name": 3, "instances": [[1, 2]]})", &kOneInput, "signature_name"},
  };
  for (const Case& c : cases) {
    auto r = ParsePredictRequest(json::parse(c.body), *c.specs);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.body << " -> " << r.status().message();
  }
}

TEST(PredictResponse, RowAndColumnarForms) {
  Tensor y = Tensor::FromVector<float>({0.5f, 1, -2, 3e-8f}, Shape{2, 2});
  Tensor k = Tensor::FromVector<int64_t>({4, 5}, Shape{2});
  const std::vector<TensorSpec> one = {{"y", DataType::kFloat32, {-1, 2}}};
  const std::vector<TensorSpec> two = {{"y", DataType::kFloat32, {-1, 2}},
                                       {"k", DataType::kInt64, {-1}}};
  EXPECT_EQ(*WritePredictResponse({y}, one, true), R"({"predictions":[[0.5,1],[-2,3e-08]]})");
  EXPECT_EQ(*WritePredictResponse({y}, one, false), R"({"outputs":[[0.5,1],[-2,3e-08]]})");
  EXPECT_EQ(*WritePredictResponse({y, k}, two, true),
            R"({"predictions":[{"y":[0.5,1],"k":4},{"y":[-2,3e-08],"k":5}]})");
  EXPECT_EQ(*WritePredictResponse({y, k}, two, false),
            R"({"outputs":{"y":[[0.5,1],[-2,3e-08]],"k":[4,5]}})");
  // Row form needs a shared first dim.
  Tensor k3 = Tensor::FromVector<int64_t>({4, 5, 6}, Shape{3});
  EXPECT_FALSE(WritePredictResponse({y, k3}, two, true).ok());
}

TEST(PredictResponse, StringsAsTextOrB64ByOutputName) {
  Tensor s(DataType::kString, Shape{2});
  s.strings() = {"hi", std::string("\x01\xfe", 2)};
  const std::vector<TensorSpec> text = {{"word", DataType::kString, {-1}}};
  const std::vector<TensorSpec> bytes = {{"word_bytes", DataType::kString, {-1}}};
  // Not UTF-8: base64 whatever the name says.
  EXPECT_EQ(*WritePredictResponse({s}, text, false), R"({"outputs":["hi",{"b64":"Af4="}]})");
  EXPECT_EQ(*WritePredictResponse({s}, bytes, false),
            R"({"outputs":[{"b64":"aGk="},{"b64":"Af4="}]})");
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    auto back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes) << "length " << n;
    bytes += static_cast<char>(n * 37 + 11);
  }
  EXPECT_EQ(Base64Encode("Man"), "TWFu");
  EXPECT_FALSE(Base64Decode("a$bc").ok());
  EXPECT_FALSE(Base64Decode("ab=c").ok());
}

TEST(InferRequest, ParsesKServeV2AndChecksDatatypes) {
  const std::vector<TensorSpec> specs = {{"x", DataType::kFloat32, {-1, 2}},
                                         {"flag", DataType::kBool, {-1}}};
  auto r = ParseInferRequest(json::parse(R"({"id": "q1", "inputs": [
      {"name": "flag", "shape": [2], "datatype": "BOOL", "data": [true, false]},
      {"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3, 4]]}],
      "outputs": [{"name": "y"}]})"),
                             specs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, "q1");
  EXPECT_EQ(Floats(r->inputs[0]), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_TRUE(r->inputs[1].data<bool>()[0]);
  EXPECT_FALSE(r->inputs[1].data<bool>()[1]);
  EXPECT_EQ(r->output_names, std::vector<std::string>{"y"});

  struct Case {
    const char* body;
    const char* message;
  };
  const Case bad[] = {
      {R"({"inputs": [{"name": "x", "shape": [1, 2], "datatype": "INT64", "data": [1, 2]},
                      {"name": "flag", "shape": [1], "datatype": "BOOL", "data": [true]}]})",
       "datatype INT64, the model expects FP32"},
      {R"({"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP32", "data": [1, 2, 3]},
                      {"name": "flag", "shape": [1], "datatype": "BOOL", "data": [true]}]})",
       "has 3 values"},
      {R"({"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]})",
       "missing input 'flag'"},
      {R"({"inputs": [{"name": "q", "shape": [1], "datatype": "FP32", "data": [1]}]})",
       "no such input"},
      {R"({"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]},
                      {"name": "flag", "shape": [1], "datatype": "BOOL", "data": [true]}]})",
       "shape [1,3]"},
      {R"({"inputs": [{"name": "x", "shape": [-1, 2], "datatype": "FP32", "data": []}]})",
       "non-negative"},
      {R"({"inputs": {}})", "must be a list"},
  };
  for (const Case& c : bad) {
    auto e = ParseInferRequest(json::parse(c.body), specs);
    ASSERT_FALSE(e.ok()) << c.body;
    EXPECT_NE(e.status().message().find(c.message), std::string::npos)
        << c.body << " -> " << e.status().message();
  }
}

TEST(InferResponse, FlatDataWithShapeAndDatatype) {
  InferRequest req;
  req.id = "7";
  req.has_id = true;
  const std::vector<TensorSpec> specs = {{"y", DataType::kFloat32, {-1, 2}},
                                         {"n", DataType::kInt32, {-1}}};
  Tensor y = Tensor::FromVector<float>({1, 2.5f}, Shape{1, 2});
  Tensor n = Tensor::FromVector<int32_t>({-3}, Shape{1});
  EXPECT_EQ(*WriteInferResponse(req, {y, n}, specs, "m", 4),
            R"({"model_name":"m","model_version":"4","id":"7","outputs":[)"
            R"({"name":"y","datatype":"FP32","shape":[1,2],"data":[1,2.5]},)"
            R"({"name":"n","datatype":"INT32","shape":[1],"data":[-3]}]})");
  req.output_names = {"n"};
  req.has_id = false;
  EXPECT_EQ(*WriteInferResponse(req, {y, n}, specs, "m", 4),
            R"({"model_name":"m","model_version":"4","outputs":[)"
            R"({"name":"n","datatype":"INT32","shape":[1],"data":[-3]}]})");
  req.output_names = {"zz"};
  EXPECT_FALSE(WriteInferResponse(req, {y, n}, specs, "m", 4).ok());
}

TEST(Rows, ConcatAndSliceRoundTrip) {
  Tensor a = Tensor::FromVector<float>({1, 2, 3, 4}, Shape{2, 2});
  Tensor b = Tensor::FromVector<float>({5, 6}, Shape{1, 2});
  auto ab = ConcatRows({&a, &b});
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->shape(), Shape({3, 2}));
  EXPECT_EQ(Floats(*ab), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Floats(SliceRows(*ab, 2, 1)), (std::vector<float>{5, 6}));
  EXPECT_EQ(Floats(SliceRows(*ab, 0, 2)), Floats(a));
  Tensor c = Tensor::FromVector<float>({1, 2, 3}, Shape{1, 3});
  EXPECT_FALSE(ConcatRows({&a, &c}).ok());
  Tensor s1(DataType::kString, Shape{1}), s2(DataType::kString, Shape{2});
  s1.strings() = {"a"};
  s2.strings() = {"b", "c"};
  auto s = ConcatRows({&s1, &s2});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->strings(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SliceRows(*s, 1, 2).strings(), (std::vector<std::string>{"b", "c"}));
}

}  // namespace
}  // namespace ferry::serve
