// ONNX StringNormalizer (10): removes stopwords (compared case-insensitively unless
// is_case_sensitive) from a [C] or [1, C] string tensor, then applies case_change_action
// (NONE, LOWER, UPPER; ASCII case mapping). An input left empty gives one empty string,
// keeping the rank, as the spec's reference does.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

class StringNormalizer final : public Op {
 public:
  explicit StringNormalizer(const NodeInfo& info)
      : action_(info.node().GetString("case_change_action", "NONE")),
        case_sensitive_(info.node().GetInt("is_case_sensitive", 0) != 0) {
    if (action_ != "NONE" && action_ != "LOWER" && action_ != "UPPER")
      init_status_ = info.Error("case_change_action '" + action_ + "' is not NONE/LOWER/UPPER");
    if (const ir::Attribute* a = info.node().attr("stopwords"))
      for (const std::string& w : a->strings()) stopwords_.insert(case_sensitive_ ? w : Lower(w));
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kString}));
    const bool two_d = x->rank() == 2;
    if (!(x->rank() == 1 || (two_d && x->dim(0) == 1)))
      return ctx.Error("input 0 has shape " + x->shape().ToString() + ", expected [C] or [1, C]");
    std::vector<std::string> kept;
    for (const std::string& s : x->strings()) {
      if (stopwords_.count(case_sensitive_ ? s : Lower(s))) continue;
      kept.push_back(action_ == "LOWER" ? Lower(s) : action_ == "UPPER" ? Upper(s) : s);
    }
    if (kept.empty()) kept.push_back("");
    const int64_t n = static_cast<int64_t>(kept.size());
    FERRY_ASSIGN_OR_RETURN(Tensor * y,
                           ctx.Output(0, DataType::kString, two_d ? Shape{1, n} : Shape{n}));
    y->strings() = std::move(kept);
    return Status::Ok();
  }

 private:
  std::string action_;
  bool case_sensitive_;
  std::set<std::string> stopwords_;
};

}  // namespace

void RegisterStringNormalizer(OpSet& s) { s.Add<StringNormalizer>("StringNormalizer", 10); }

}  // namespace ferry::onnx::ops
