// TF Einsum(inputs...) with equation (linalg_ops.cc): an explicit "in1,in2->out" equation over
// letters, with "..." for broadcast leading dims; a letter repeated in one input takes the
// diagonal, letters missing from the output are summed. Computed directly over every
// combination of label values (the graphs that use it here are small); numeric dtypes.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

constexpr int kEllipsisBase = 1000;  // label ids of "..." dims, right-aligned

// One term's labels: letters as their char code, "..." as one kEllipsis marker.
constexpr int kEllipsis = -1;
std::vector<int> ParseTerm(const std::string& s, bool* ok) {
  std::vector<int> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "...") == 0) {
      out.push_back(kEllipsis);
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(s[i]))) {
      out.push_back(s[i]);
    } else if (s[i] != ' ') {
      *ok = false;
    }
  }
  return out;
}

// Copies src (dims) into a new buffer with axis i of the result = axis perm[i] of src.
std::vector<float> PermuteCopy(const float* src, const std::vector<int64_t>& dims,
                               const std::vector<int>& perm) {
  const int r = static_cast<int>(dims.size());
  std::vector<int64_t> stride(r, 1);
  for (int i = r - 2; i >= 0; --i) stride[i] = stride[i + 1] * dims[i + 1];
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> out(n);
  std::vector<int64_t> od(r), os(r), idx(r, 0);
  for (int i = 0; i < r; ++i) {
    od[i] = dims[perm[i]];
    os[i] = stride[perm[i]];
  }
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = src[off];
    for (int d = r - 1; d >= 0; --d) {
      off += os[d];
      if (++idx[d] < od[d]) break;
      off -= os[d] * od[d];
      idx[d] = 0;
    }
  }
  return out;
}

class Einsum final : public runtime::Op {
 public:
  explicit Einsum(const runtime::NodeInfo& info) {
    auto eq = StringAttr(info, "equation", true);
    if (!eq.ok()) {
      init_status_ = eq.status();
      return;
    }
    const size_t arrow = eq->find("->");
    if (arrow == std::string::npos) {
      init_status_ = info.Error("equation '" + *eq + "' has no '->' (TF needs it explicit)");
      return;
    }
    bool ok = true;
    std::string lhs = eq->substr(0, arrow);
    size_t start = 0;
    while (true) {
      const size_t comma = lhs.find(',', start);
      inputs_.push_back(ParseTerm(lhs.substr(start, comma - start), &ok));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    output_ = ParseTerm(eq->substr(arrow + 2), &ok);
    if (!ok) init_status_ = info.Error("equation '" + *eq + "' has characters other than letters");
    if (static_cast<int>(inputs_.size()) != info.num_inputs())
      init_status_ = info.Error("equation '" + *eq + "' does not match the input count");
  }

  Status Run(runtime::OpContext& ctx) const override {
    if (inputs_.size() == 2) {
      bool done = false;
      FERRY_RETURN_IF_ERROR(RunAsMatMul(ctx, &done));
      if (done) return Status::Ok();
    }
    const int n_in = static_cast<int>(inputs_.size());
    std::vector<const Tensor*> x(n_in);
    int max_ell = 0;
    std::vector<std::vector<int>> labels(n_in);  // resolved label id per dim
    for (int i = 0; i < n_in; ++i) {
      x[i] = ctx.input(i);
      if (!x[i]) return ctx.Error("missing input " + std::to_string(i));
      if (x[i]->dtype() != x[0]->dtype()) return ctx.Error("inputs differ in dtype");
      int letters = 0;
      for (int l : inputs_[i]) letters += l != kEllipsis;
      const int ell = x[i]->rank() - letters;
      const bool has_ell = std::count(inputs_[i].begin(), inputs_[i].end(), kEllipsis) > 0;
      if (ell < 0 || (ell > 0 && !has_ell))
        return ctx.Error("input " + std::to_string(i) + " rank " + std::to_string(x[i]->rank()) +
                         " does not match the equation");
      max_ell = std::max(max_ell, ell);
    }
    std::map<int, int64_t> size;
    for (int i = 0; i < n_in; ++i) {
      int letters = 0;
      for (int l : inputs_[i]) letters += l != kEllipsis;
      const int ell = x[i]->rank() - letters;
      for (int l : inputs_[i]) {
        if (l != kEllipsis) {
          labels[i].push_back(l);
          continue;
        }
        for (int e = 0; e < ell; ++e) labels[i].push_back(kEllipsisBase + max_ell - ell + e);
      }
      for (int d = 0; d < x[i]->rank(); ++d) {
        const int l = labels[i][d];
        const int64_t s = x[i]->dim(d);
        auto it = size.find(l);
        if (it == size.end() || it->second == 1) {
          size[l] = s;
        } else if (s != 1 && s != it->second) {
          return ctx.Error("label sizes disagree: " + std::to_string(s) + " vs " +
                           std::to_string(it->second));
        }
      }
    }
    std::vector<int> out_labels;
    for (int l : output_) {
      if (l != kEllipsis) {
        out_labels.push_back(l);
        continue;
      }
      for (int e = 0; e < max_ell; ++e) out_labels.push_back(kEllipsisBase + e);
    }
    std::vector<int64_t> out_dims;
    for (int l : out_labels) {
      if (!size.count(l)) return ctx.Error("output label is not in any input");
      out_dims.push_back(size[l]);
    }
    // Every label, output labels first: the loop runs the summed ones innermost.
    std::vector<int> all = out_labels;
    for (const auto& [l, s] : size)
      if (std::find(all.begin(), all.end(), l) == all.end()) all.push_back(l);
    std::map<int, int> pos;
    for (size_t k = 0; k < all.size(); ++k) pos[all[k]] = static_cast<int>(k);
    // Per input: the stride of each label (0 on broadcast dims); a repeated label adds up.
    std::vector<std::vector<int64_t>> stride(n_in, std::vector<int64_t>(all.size(), 0));
    for (int i = 0; i < n_in; ++i) {
      int64_t st = 1;
      for (int d = x[i]->rank() - 1; d >= 0; --d) {
        if (x[i]->dim(d) != 1) stride[i][pos[labels[i][d]]] += st;
        st *= x[i]->dim(d);
      }
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x[0]->dtype(), Shape(out_dims)));
    std::vector<int64_t> dims(all.size());
    for (size_t k = 0; k < all.size(); ++k) dims[k] = size[all[k]];
    int64_t total = 1;
    for (int64_t d : dims) total *= d;
    int64_t inner = 1;
    for (size_t k = out_labels.size(); k < all.size(); ++k) inner *= dims[k];
    const bool ok = VisitNumeric(x[0]->dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* out = y->data<T>();
      for (int64_t o = 0; o < y->NumElements(); ++o) out[o] = T(0);
      std::vector<int64_t> idx(all.size(), 0), off(n_in, 0);
      for (int64_t it = 0; it < total; ++it) {
        T prod = T(1);
        for (int i = 0; i < n_in; ++i) prod = static_cast<T>(prod * x[i]->data<T>()[off[i]]);
        out[it / inner] = static_cast<T>(out[it / inner] + prod);
        for (int k = static_cast<int>(all.size()) - 1; k >= 0; --k) {
          ++idx[k];
          for (int i = 0; i < n_in; ++i) off[i] += stride[i][k];
          if (idx[k] < dims[k]) break;
          for (int i = 0; i < n_in; ++i) off[i] -= stride[i][k] * dims[k];
          idx[k] = 0;
        }
      }
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(x[0]->dtype()) + " is not supported");
    return Status::Ok();
  }

 private:
  // Two float32 operands, no "...", no label twice in one term, every shared label of one
  // size, every label of an operand either in the other or in the output: the operands are
  // permuted to [batch, m, k] and [batch, k, n], multiplied, and the product permuted to
  // the output order. *done stays false when the equation is not of that kind.
  Status RunAsMatMul(runtime::OpContext& ctx, bool* done) const {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b || a->dtype() != DataType::kFloat32 || b->dtype() != DataType::kFloat32)
      return Status::Ok();
    const std::vector<int>&la = inputs_[0], &lb = inputs_[1];
    if (static_cast<int>(la.size()) != a->rank() || static_cast<int>(lb.size()) != b->rank())
      return Status::Ok();
    auto pos = [](const std::vector<int>& v, int l) {
      auto it = std::find(v.begin(), v.end(), l);
      return it == v.end() ? -1 : static_cast<int>(it - v.begin());
    };
    for (const auto* t : {&la, &lb, &output_})
      for (size_t i = 0; i < t->size(); ++i)
        if ((*t)[i] == kEllipsis || pos(*t, (*t)[i]) != static_cast<int>(i)) return Status::Ok();
    std::vector<int> batch, ms, ns, ks;
    for (int l : la) {
      const bool in_b = pos(lb, l) >= 0, in_o = pos(output_, l) >= 0;
      if (in_b && a->dim(pos(la, l)) != b->dim(pos(lb, l))) return Status::Ok();
      if (in_b && in_o) batch.push_back(l);
      else if (in_b) ks.push_back(l);
      else if (in_o) ms.push_back(l);
      else return Status::Ok();
    }
    for (int l : lb) {
      if (pos(la, l) >= 0) continue;
      if (pos(output_, l) < 0) return Status::Ok();
      ns.push_back(l);
    }
    for (int l : output_)
      if (pos(la, l) < 0 && pos(lb, l) < 0) return Status::Ok();
    auto size_of = [&](int l) {
      const int i = pos(la, l);
      return i >= 0 ? a->dim(i) : b->dim(pos(lb, l));
    };
    auto product = [&](const std::vector<int>& ls) {
      int64_t p = 1;
      for (int l : ls) p *= size_of(l);
      return p;
    };
    const int64_t nb = product(batch), nm = product(ms), nn = product(ns), nk = product(ks);
    std::vector<int> pa, pb;
    for (const auto* g : {&batch, &ms, &ks})
      for (int l : *g) pa.push_back(pos(la, l));
    for (const auto* g : {&batch, &ks, &ns})
      for (int l : *g) pb.push_back(pos(lb, l));
    // Operands already in [batch, m, k] / [batch, k, n] order are read in place (a layer's
    // weights, typically).
    auto identity = [](const std::vector<int>& p) {
      for (size_t i = 0; i < p.size(); ++i)
        if (p[i] != static_cast<int>(i)) return false;
      return true;
    };
    const bool a_in_order = identity(pa), b_in_order = identity(pb);
    std::vector<float> xs, ys;
    if (!a_in_order) xs = PermuteCopy(a->data<float>(), a->shape().dims(), pa);
    if (!b_in_order) ys = PermuteCopy(b->data<float>(), b->shape().dims(), pb);
    const float* x = a_in_order ? a->data<float>() : xs.data();
    const float* y = b_in_order ? b->data<float>() : ys.data();
    std::vector<float> c(nb * nm * nn, 0.f);
    // oneDNN's sgemm (the plain triple loop took 77 us a call on the TransformerEncoder's
    // projections).
    FERRY_RETURN_IF_ERROR(kernels::MatMul<float>(x, {nb, nm, nk}, y, {nb, nk, nn}, c.data(),
                                                 ctx.num_threads()));
    // c has labels batch, ms, ns in that order; the output wants output_'s order.
    std::vector<int> cl = batch;
    cl.insert(cl.end(), ms.begin(), ms.end());
    cl.insert(cl.end(), ns.begin(), ns.end());
    std::vector<int64_t> cdims, odims;
    for (int l : cl) cdims.push_back(size_of(l));
    std::vector<int> po;
    for (int l : output_) {
      po.push_back(pos(cl, l));
      odims.push_back(size_of(l));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * z, ctx.Output(0, DataType::kFloat32, Shape(odims)));
    const std::vector<float> o = cl.empty() ? c : PermuteCopy(c.data(), cdims, po);
    std::copy(o.begin(), o.end(), z->data<float>());
    *done = true;
    return Status::Ok();
  }

  std::vector<std::vector<int>> inputs_;
  std::vector<int> output_;
};

}  // namespace

void RegisterEinsum(runtime::OpSet& s) { s.Add<Einsum>("Einsum", 1, "tf"); }

}  // namespace ferry::tf::ops
