// ONNX Einsum (12): explicit ("ij,jk->ik") and implicit ("ij,jk": the letters used once, in
// alphabetical order) equations, repeated letters within a term (diagonals) and "..." for
// leading broadcast dims. Evaluated directly: one pass over every combination of letter
// values, accumulating products in double. Fine for the small contractions Einsum usually
// expresses; MatMul-sized ones should be exported as MatMul.
#include <algorithm>
#include <map>
#include <string>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

std::string Strip(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

std::vector<std::string> SplitTerms(const std::string& s) {
  std::vector<std::string> terms(1);
  for (char c : s) {
    if (c == ',')
      terms.emplace_back();
    else
      terms.back() += c;
  }
  return terms;
}

class Einsum final : public Op {
 public:
  explicit Einsum(const NodeInfo& info) {
    const std::string eq = Strip(info.node().GetString("equation", ""));
    const size_t arrow = eq.find("->");
    inputs_ = SplitTerms(arrow == std::string::npos ? eq : eq.substr(0, arrow));
    explicit_ = arrow != std::string::npos;
    if (explicit_) output_ = eq.substr(arrow + 2);
    if (static_cast<int>(inputs_.size()) != info.num_inputs())
      init_status_ = info.Error("equation '" + eq + "' has " + std::to_string(inputs_.size()) +
                                " terms for " + std::to_string(info.num_inputs()) + " inputs");
  }

  Status Run(OpContext& ctx) const override {
    const int k = ctx.num_inputs();
    int ell_rank = 0;
    // Each term's letters with "..." expanded into placeholder chars '0'.. (right-aligned).
    std::vector<std::string> terms(k);
    for (int t = 0; t < k; ++t) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, t));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, t));
      const std::string& term = inputs_[t];
      const size_t e = term.find("...");
      const int letters = static_cast<int>(term.size()) - (e == std::string::npos ? 0 : 3);
      const int ell = x->rank() - letters;
      if (ell < 0 || (ell > 0 && e == std::string::npos))
        return ctx.Error("term '" + term + "' does not match input " + std::to_string(t) +
                         " of shape " + x->shape().ToString());
      ell_rank = std::max(ell_rank, ell);
    }
    auto expand = [&](const std::string& term, int ell) {
      const size_t e = term.find("...");
      if (e == std::string::npos) return term;
      std::string mid;
      for (int i = ell_rank - ell; i < ell_rank; ++i) mid += static_cast<char>('0' + i);
      return term.substr(0, e) + mid + term.substr(e + 3);
    };
    std::map<char, int64_t> size;
    std::map<char, int> uses;
    for (int t = 0; t < k; ++t) {
      const Tensor* x = ctx.input(t);
      const size_t e = inputs_[t].find("...");
      const int ell = x->rank() - static_cast<int>(inputs_[t].size()) +
                      (e == std::string::npos ? 0 : 3);
      terms[t] = expand(inputs_[t], ell);
      for (int d = 0; d < x->rank(); ++d) {
        const char c = terms[t][d];
        ++uses[c];
        auto it = size.find(c);
        if (it == size.end() || it->second == 1)
          size[c] = x->dim(d);
        else if (x->dim(d) != 1 && x->dim(d) != it->second)
          return ctx.Error("letter '" + std::string(1, c) + "' has sizes " +
                           std::to_string(it->second) + " and " + std::to_string(x->dim(d)));
      }
    }
    std::string out;
    if (explicit_) {
      out = expand(output_, ell_rank);
    } else {
      for (int i = 0; i < ell_rank; ++i) out += static_cast<char>('0' + i);
      for (const auto& [c, n] : uses)
        if (n == 1 && !(c >= '0' && c <= '9')) out += c;
    }
    std::vector<int64_t> out_dims;
    for (char c : out) {
      if (!size.count(c)) return ctx.Error("output letter '" + std::string(1, c) + "' unused");
      out_dims.push_back(size[c]);
    }
    // All letters: output ones first, then the summed ones.
    std::string all = out;
    for (const auto& [c, n] : size)
      if (all.find(c) == std::string::npos) all += c;
    std::vector<int64_t> dims;
    for (char c : all) dims.push_back(size[c]);
    // Per input, the stride of each letter (0 for broadcast dims).
    std::vector<std::vector<int64_t>> strides(k, std::vector<int64_t>(all.size(), 0));
    for (int t = 0; t < k; ++t) {
      const Tensor* x = ctx.input(t);
      int64_t s = 1;
      for (int d = x->rank() - 1; d >= 0; --d) {
        if (x->dim(d) != 1) strides[t][all.find(terms[t][d])] += s;
        s *= x->dim(d);
      }
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, ctx.input(0)->dtype(), Shape(out_dims)));
    return Dispatch<Types::kNumeric>(ctx, y->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const int64_t ny = y->NumElements();
      std::vector<double> acc(ny, 0.0);
      int64_t total = 1;
      for (int64_t d : dims) total *= d;
      std::vector<int64_t> idx(all.size(), 0), off(k, 0);
      const size_t no = out.size();
      for (int64_t i = 0; i < total; ++i) {
        int64_t yo = 0;
        for (size_t d = 0; d < no; ++d) yo = yo * dims[d] + idx[d];
        double p = 1.0;
        for (int t = 0; t < k; ++t) p *= static_cast<double>(ctx.input(t)->data<T>()[off[t]]);
        acc[yo] += p;
        for (int d = static_cast<int>(all.size()) - 1; d >= 0; --d) {
          for (int t = 0; t < k; ++t) off[t] += strides[t][d];
          if (++idx[d] < dims[d]) break;
          for (int t = 0; t < k; ++t) off[t] -= strides[t][d] * dims[d];
          idx[d] = 0;
        }
      }
      for (int64_t i = 0; i < ny; ++i) y->data<T>()[i] = static_cast<T>(acc[i]);
      return Status::Ok();
    });
  }

 private:
  std::vector<std::string> inputs_;
  std::string output_;
  bool explicit_ = false;
};

}  // namespace

void RegisterEinsum(OpSet& s) { s.Add<Einsum>("Einsum", 12); }

}  // namespace ferry::onnx::ops
