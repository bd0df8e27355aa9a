// Gemm and MatMul on oneDNN's row-major sgemm (float); other element types use plain loops.
#include "kernels/gemm.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>

#include "kernels/onednn/context.h"
#include "kernels/reference/gemm.h"
#include "kernels/reference/indexing.h"

namespace ferry::kernels {
namespace {

std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

Status Sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
             int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return Status::Ok();
  if (k == 0) {  // sgemm would read nothing; the product is zero
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return Status::Ok();
  }
  dnnl::status st =
      dnnl::sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl::status::success)
    return Internal("sgemm failed with status " + std::to_string(static_cast<int>(st)));
  return Status::Ok();
}

// Products of fewer multiply-adds than this run on one thread: waking a second OpenMP thread
// for a few microseconds of work costs more than it saves, most of all on a loaded machine
// (MLAS, onnxruntime's GEMM, keeps small problems on one thread too). 2^20 multiply-adds
// take about 10 us on one AVX-512 core.
constexpr int64_t kParallelMacs = int64_t{1} << 20;
constexpr int64_t kParallelWeightBytes = int64_t{1} << 20;
int ThreadsFor(int64_t m, int64_t n, int64_t k, int num_threads) {
  return m * n * k < kParallelMacs ? 1 : num_threads;
}

}  // namespace

Status Gemm(const GemmParams& p, const float* a, const float* b, const float* c, float* y,
            int num_threads) {
  if (p.m < 0 || p.n < 0 || p.k < 0) return InvalidArgument("Gemm: negative size");
  float beta = 0.0f;
  if (c && p.beta != 0.0f) {
    if (p.c_shape.size() > 2) return InvalidArgument("Gemm: C has rank > 2");
    // Unidirectional broadcast of C to [m, n], then sgemm accumulates onto it.
    std::vector<int64_t> cs = p.c_shape;
    while (cs.size() < 2) cs.insert(cs.begin(), 1);
    if ((cs[0] != 1 && cs[0] != p.m) || (cs[1] != 1 && cs[1] != p.n))
      return InvalidArgument("Gemm: C of shape " + ShapeStr(p.c_shape) +
                             " does not broadcast to [" + std::to_string(p.m) + "," +
                             std::to_string(p.n) + "]");
    for (int64_t i = 0; i < p.m; ++i) {
      const float* row = c + (cs[0] == 1 ? 0 : i) * cs[1];
      float* out = y + i * p.n;
      if (cs[1] == 1)
        std::fill(out, out + p.n, row[0]);
      else
        std::copy(row, row + p.n, out);
    }
    beta = p.beta;
  }
  onednn::Context::SetNumThreads(ThreadsFor(p.m, p.n, p.k, num_threads));
  FERRY_RETURN_IF_ERROR(Sgemm(p.trans_a, p.trans_b, p.m, p.n, p.k, p.alpha, a,
                              p.trans_a ? p.m : p.k, b, p.trans_b ? p.k : p.n, beta, y, p.n));
  if (p.activation.kind != Activation::kNone)
    for (int64_t i = 0; i < p.m * p.n; ++i) y[i] = p.activation.Apply(y[i]);
  return Status::Ok();
}

StatusOr<std::vector<int64_t>> MatMulShape(const std::vector<int64_t>& a,
                                           const std::vector<int64_t>& b) {
  if (a.empty() || b.empty())
    return InvalidArgument("MatMul: operands must have rank >= 1, got " + ShapeStr(a) + " and " +
                           ShapeStr(b));
  std::vector<int64_t> as = a, bs = b;
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  if (as.back() != bs[bs.size() - 2])
    return InvalidArgument("MatMul: inner dims differ: " + ShapeStr(a) + " @ " + ShapeStr(b));
  const size_t ra = as.size() - 2, rb = bs.size() - 2, r = std::max(ra, rb);
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i + ra >= r ? as[i + ra - r] : 1;
    const int64_t db = i + rb >= r ? bs[i + rb - r] : 1;
    if (da != db && da != 1 && db != 1)
      return InvalidArgument("MatMul: batch dims do not broadcast: " + ShapeStr(a) + " @ " +
                             ShapeStr(b));
    out[i] = da == 1 ? db : da;
  }
  if (a.size() > 1) out.push_back(as[as.size() - 2]);
  if (b.size() > 1) out.push_back(bs.back());
  return out;
}

template <typename T>
Status MatMul(const T* a, const std::vector<int64_t>& a_shape, const T* b,
              const std::vector<int64_t>& b_shape, T* y, int num_threads) {
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> y_shape, MatMulShape(a_shape, b_shape));
  if constexpr (!std::is_same_v<T, float>) {
    reference::MatMul(a, a_shape, b, b_shape, y);
    return Status::Ok();
  } else {
    std::vector<int64_t> as = a_shape, bs = b_shape;
    if (as.size() == 1) as.insert(as.begin(), 1);
    if (bs.size() == 1) bs.push_back(1);
    const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    std::vector<int64_t> a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
    // b shared by every batch (x @ W): one sgemm over all rows of a.
    if (reference::NumElements(b_batch) == 1) {
      const int64_t rows = reference::NumElements(a_batch) * m;
      onednn::Context::SetNumThreads(ThreadsFor(rows, n, k, num_threads));
      return Sgemm(false, false, rows, n, k, 1.0f, a, k, b, n, 0.0f, y, n);
    }
    std::vector<int64_t> batch(y_shape.begin(),
                               y_shape.begin() + std::max(a_batch.size(), b_batch.size()));
    const int64_t nb = reference::NumElements(batch);
    onednn::Context::SetNumThreads(ThreadsFor(m, n, k, num_threads));  // per sgemm call
    for (int64_t bi = 0; bi < nb; ++bi) {
      const std::vector<int64_t> idx = reference::Unravel(bi, batch);
      const float* ap = a + reference::BroadcastIndex(idx, a_batch) * m * k;
      const float* bp = b + reference::BroadcastIndex(idx, b_batch) * k * n;
      FERRY_RETURN_IF_ERROR(
          Sgemm(false, false, m, n, k, 1.0f, ap, k, bp, n, 0.0f, y + bi * m * n, n));
    }
    return Status::Ok();
  }
}

struct ConstantWeightMatMul::Impl {
  struct Entry {
    dnnl::inner_product_forward::primitive_desc pd;
    dnnl::inner_product_forward prim;
    dnnl::memory weights;  // packed once
  };
  std::mutex mu;
  // By (threads, m, n, k, trans_b, bias, activation): a primitive runs with the thread
  // count it was created with; n, k and trans_b only change if the caller does.
  std::map<std::tuple<int, int64_t, int64_t, int64_t, bool, bool, int, float, float, float>,
           std::shared_ptr<Entry>>
      entries;
};

ConstantWeightMatMul::ConstantWeightMatMul() : impl_(std::make_unique<Impl>()) {}
ConstantWeightMatMul::~ConstantWeightMatMul() = default;

Status ConstantWeightMatMul::Run(int64_t m, int64_t n, int64_t k, bool trans_b, const float* a,
                                 const float* b, const float* bias,
                                 const FusedActivation& activation, float* y, int num_threads) {
  if (m < 0 || n < 0 || k < 0) return InvalidArgument("MatMul: negative size");
  if (m == 0 || n == 0) return Status::Ok();
  // Packed weights of a MiB or more come from memory, not cache, in a network (ResNet-18's
  // 2 MB classifier): a product that streams them is bound by bandwidth, which a second core
  // adds to, however few rows it has.
  const int threads = n * k * int64_t{sizeof(float)} >= kParallelWeightBytes
                          ? num_threads
                          : ThreadsFor(m, n, k, num_threads);
  onednn::Context::SetNumThreads(threads);  // also for primitive creation
  if (k == 0) {  // an empty product: oneDNN wants k > 0
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) y[i * n + j] = activation.Apply(bias ? bias[j] : 0.0f);
    return Status::Ok();
  }
  using dnnl::memory;
  using Tag = memory::format_tag;
  const auto key = std::make_tuple(threads, m, n, k, trans_b, bias != nullptr,
                                   static_cast<int>(activation.kind), activation.min,
                                   activation.max, activation.alpha);
  std::shared_ptr<Impl::Entry> entry;
  const std::string what = "MatMul [" + std::to_string(m) + "," + std::to_string(k) + "] x [" +
                           std::to_string(k) + "," + std::to_string(n) + "]";
  try {
    const auto& eng = onednn::Context::Engine();
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      auto it = impl_->entries.find(key);
      if (it == impl_->entries.end()) {
        const auto f32 = memory::data_type::f32;
        memory::desc src({m, k}, f32, Tag::nc), dst({m, n}, f32, Tag::nc);
        memory::desc w_any({n, k}, f32, Tag::any), bias_md({n}, f32, Tag::x);
        // oneDNN's weights are [n, k] (oi): b^T as given, or b [k, n] read as io.
        memory::desc user_w({n, k}, f32, trans_b ? Tag::oi : Tag::io);
        const auto kind = dnnl::prop_kind::forward_inference;
        auto desc = bias ? dnnl::inner_product_forward::desc(kind, src, w_any, bias_md, dst)
                         : dnnl::inner_product_forward::desc(kind, src, w_any, dst);
        dnnl::primitive_attr attr;
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        if (activation.kind != Activation::kNone)
          attr.set_post_ops(onednn::ActivationPostOps(activation, false));
        auto e = std::make_shared<Impl::Entry>();
        e->pd = dnnl::inner_product_forward::primitive_desc(desc, attr, eng);
        e->prim = dnnl::inner_product_forward(e->pd);
        memory user(user_w, eng, const_cast<float*>(b));
        if (e->pd.weights_desc() == user_w) {
          // Plain weights: keep a private copy, so the entry never reads the caller's buffer.
          e->weights = memory(user_w, eng);
          std::copy(b, b + n * k, static_cast<float*>(e->weights.get_data_handle()));
        } else {
          e->weights = memory(e->pd.weights_desc(), eng);
          auto& stream = onednn::Context::Stream();
          dnnl::reorder(user, e->weights).execute(stream, user, e->weights);
          stream.wait();
        }
        if (impl_->entries.size() > 64) impl_->entries.clear();
        it = impl_->entries.emplace(key, std::move(e)).first;
      }
      entry = it->second;
    }
    memory src_m(entry->pd.src_desc(), eng, const_cast<float*>(a));
    memory dst_m(entry->pd.dst_desc(), eng, y);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, src_m}, {DNNL_ARG_WEIGHTS, entry->weights}, {DNNL_ARG_DST, dst_m}};
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(entry->pd.bias_desc(), eng, const_cast<float*>(bias)));
    args.emplace(DNNL_ARG_SCRATCHPAD, onednn::Context::Scratchpad(entry->pd.scratchpad_desc()));
    auto& stream = onednn::Context::Stream();
    entry->prim.execute(stream, args);
    stream.wait();
    return Status::Ok();
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, what);
  }
}

#define FERRY_INSTANTIATE_MATMUL(T)                                          \
  template Status MatMul<T>(const T*, const std::vector<int64_t>&, const T*, \
                            const std::vector<int64_t>&, T*, int);
FERRY_INSTANTIATE_MATMUL(float)
FERRY_INSTANTIATE_MATMUL(double)
FERRY_INSTANTIATE_MATMUL(int8_t)
FERRY_INSTANTIATE_MATMUL(int16_t)
FERRY_INSTANTIATE_MATMUL(int32_t)
FERRY_INSTANTIATE_MATMUL(int64_t)
FERRY_INSTANTIATE_MATMUL(uint8_t)
FERRY_INSTANTIATE_MATMUL(uint16_t)
FERRY_INSTANTIATE_MATMUL(uint32_t)
FERRY_INSTANTIATE_MATMUL(uint64_t)

}  // namespace ferry::kernels
