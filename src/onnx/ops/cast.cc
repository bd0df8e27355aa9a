// ONNX Cast (1, 6, 9, 13) and CastLike (15: the target type is input 1's): converts between numeric types, bool and float16/bfloat16
// (C++ conversion semantics: float to int truncates, non-zero to bool is true).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "onnx/ops/op_util.h"
#include "onnx/tensor_proto.h"

namespace ferry::onnx::ops {
namespace {

// A float as numpy's str() writes it (the backend test data of Cast to STRING): the shortest
// digits that read back to the same value, positional for 1e-4 <= |v| < 1e16 (with ".0" when
// integral), scientific otherwise ("1e-05", "1.5e+20"); "nan", "inf", "-inf".
template <typename T>
std::string NumpyFloatString(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // "-1.2345e-05"
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const size_t e_pos = sci.find('e');
  const int exp = std::atoi(sci.c_str() + e_pos + 1);
  std::string digits = sci.substr(0, e_pos);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const T mag = std::fabs(v);
  if (mag == T(0) || (mag >= T(1e-4) && mag < T(1e16))) {
    std::string out;
    if (exp >= 0) {
      if (static_cast<int>(digits.size()) <= exp) digits.append(exp + 1 - digits.size(), '0');
      out = digits.substr(0, exp + 1) + "." +
            (static_cast<int>(digits.size()) > exp + 1 ? digits.substr(exp + 1) : "0");
    } else {
      out = "0." + std::string(-exp - 1, '0') + digits;
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) mantissa += "." + digits.substr(1);
  const std::string e = std::to_string(std::abs(exp));
  return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.size() < 2 ? "0" : "") + e;
}

// ONNX Cast-13 to bfloat16 keeps the upper 16 bits (the reference implementation and the
// backend test data of onnx 1.12 truncate rather than round).
uint16_t TruncateToBFloat16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return static_cast<uint16_t>(bits >> 16);
}

template <bool kLike>
class Cast final : public Op {
 public:
  explicit Cast(const NodeInfo& info) {
    const ir::Attribute* to = info.node().attr("to");
    if (kLike) {
      // Target type known at run time from input 1.
    } else if (!to) {
      init_status_ = info.Error("attribute to is required");
    } else if (to->kind() == ir::AttrKind::kType) {
      to_ = to->type();
    } else if (to->kind() == ir::AttrKind::kInt) {  // ONNX TensorProto.DataType code
      auto dt = DataTypeFromOnnx(static_cast<int32_t>(to->i()));
      if (dt.ok())
        to_ = *dt;
      else
        init_status_ = info.Error("attribute to: " + dt.status().message());
    } else if (to->kind() == ir::AttrKind::kString) {  // Cast-1 names the type: "FLOAT"
      static const std::pair<const char*, DataType> kNames[] = {
          {"FLOAT", DataType::kFloat32},   {"DOUBLE", DataType::kFloat64},
          {"FLOAT16", DataType::kFloat16}, {"INT8", DataType::kInt8},
          {"INT16", DataType::kInt16},     {"INT32", DataType::kInt32},
          {"INT64", DataType::kInt64},     {"UINT8", DataType::kUInt8},
          {"UINT16", DataType::kUInt16},   {"UINT32", DataType::kUInt32},
          {"UINT64", DataType::kUInt64},   {"BOOL", DataType::kBool}};
      for (const auto& [name, dt] : kNames)
        if (to->s() == name) to_ = dt;
      if (to_ == DataType::kUndefined)
        init_status_ = info.Error("attribute to names unknown type '" + to->s() + "'");
    } else {
      init_status_ = info.Error("attribute to must be a data type");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    DataType to_ = this->to_;
    if constexpr (kLike) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* like, RequiredInput(ctx, 1));
      to_ = like->dtype();
    }
    if (x->dtype() == to_) {
      ctx.SetOutput(0, *x);
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, to_, x->shape()));
    const int64_t n = x->NumElements();
    if (to_ == DataType::kString) return ToStrings(ctx, *x, y);
    // Half types go through float.
    if (x->dtype() == DataType::kString) {
      // Cast-13 from string: numbers as strtod reads them ("1e-5", "NaN", "-INF").
      if (IsHalf(to_)) return Unimplemented(ctx.node().Describe() + ": string to float16");
      const std::vector<std::string>& in = x->strings();
      return Dispatch<Types::kAll>(ctx, to_, [&](auto dtag) -> Status {
        using D = decltype(dtag);
        for (int64_t i = 0; i < n; ++i) {
          char* end = nullptr;
          const double v = std::strtod(in[i].c_str(), &end);
          if (end == in[i].c_str())
            return ctx.Error("input 0 element " + std::to_string(i) + " '" + in[i] +
                             "' is not a number");
          y->data<D>()[i] = static_cast<D>(v);
        }
        return Status::Ok();
      });
    }
    if (IsHalf(x->dtype()) || IsHalf(to_)) {
      std::vector<float> tmp(n);
      for (int64_t i = 0; i < n; ++i) tmp[i] = static_cast<float>(x->GetAsDouble(i));
      if (IsHalf(to_)) {
        auto* out = static_cast<uint16_t*>(y->raw_data());
        for (int64_t i = 0; i < n; ++i)
          out[i] = to_ == DataType::kFloat16 ? FloatToHalf(tmp[i]) : TruncateToBFloat16(tmp[i]);
        return Status::Ok();
      }
      return Dispatch<Types::kAll>(ctx, to_, [&](auto dtag) -> Status {
        using D = decltype(dtag);
        for (int64_t i = 0; i < n; ++i) y->data<D>()[i] = static_cast<D>(tmp[i]);
        return Status::Ok();
      });
    }
    return Dispatch<Types::kAll>(ctx, x->dtype(), [&](auto stag) -> Status {
      using S = decltype(stag);
      return Dispatch<Types::kAll>(ctx, to_, [&](auto dtag) -> Status {
        using D = decltype(dtag);
        const S* xp = x->data<S>();
        D* yp = y->data<D>();
        for (int64_t i = 0; i < n; ++i) yp[i] = static_cast<D>(xp[i]);
        return Status::Ok();
      });
    });
  }

 private:
  // Cast-13 to string: numbers as numpy's str() writes them, bools as "True"/"False".
  static Status ToStrings(const OpContext& ctx, const Tensor& x, Tensor* y) {
    std::vector<std::string>& out = y->strings();
    const int64_t n = x.NumElements();
    if (x.dtype() == DataType::kFloat32) {
      for (int64_t i = 0; i < n; ++i) out[i] = NumpyFloatString(x.data<float>()[i]);
    } else if (x.dtype() == DataType::kFloat64) {
      for (int64_t i = 0; i < n; ++i) out[i] = NumpyFloatString(x.data<double>()[i]);
    } else if (IsHalf(x.dtype())) {
      for (int64_t i = 0; i < n; ++i)
        out[i] = NumpyFloatString(static_cast<float>(x.GetAsDouble(i)));
    } else if (x.dtype() == DataType::kBool) {
      for (int64_t i = 0; i < n; ++i) out[i] = x.data<bool>()[i] ? "True" : "False";
    } else if (x.dtype() == DataType::kUInt64) {
      for (int64_t i = 0; i < n; ++i) out[i] = std::to_string(x.data<uint64_t>()[i]);
    } else if (IsInteger(x.dtype())) {
      for (int64_t i = 0; i < n; ++i) out[i] = std::to_string(x.GetAsInt64(i));
    } else {
      return Unimplemented(ctx.node().Describe() + ": cast from " + DataTypeName(x.dtype()) +
                           " to string");
    }
    return Status::Ok();
  }

  DataType to_ = DataType::kUndefined;
};

}  // namespace

void RegisterCast(OpSet& s) {
  for (int v : {1, 6, 9, 13}) s.Add<Cast<false>>("Cast", v);
}
void RegisterCastLike(OpSet& s) { s.Add<Cast<true>>("CastLike", 15); }

}  // namespace ferry::onnx::ops
