// ONNX TfIdfVectorizer (9): counts the n-grams of each row of X (int32/int64/string, [C] or
// [N, C]) that appear in the pool, with n in [min_gram_length, max_gram_length] and gaps of up
// to max_skip_count between their items, into output slots ngram_indexes; mode TF (counts),
// IDF (weight where the count is non-zero) or TFIDF (count * weight). Unigrams are counted
// once, not once per skip distance (onnx Operators.md; onnxruntime's tfidfvectorizer.cc).
#include <algorithm>
#include <map>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class TfIdfVectorizer final : public Op {
 public:
  explicit TfIdfVectorizer(const NodeInfo& info) {
    const ir::Node& n = info.node();
    min_gram_ = n.GetInt("min_gram_length", 1);
    max_gram_ = n.GetInt("max_gram_length", 1);
    max_skip_ = n.GetInt("max_skip_count", 0);
    const std::string mode = n.GetString("mode", "TF");
    mode_ = mode == "TF" ? Mode::kTf : mode == "IDF" ? Mode::kIdf : Mode::kTfIdf;
    if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
      init_status_ = info.Error("mode is '" + mode + "', expected TF, IDF or TFIDF");
    counts_ = n.GetInts("ngram_counts");
    indexes_ = n.GetInts("ngram_indexes");
    weights_ = n.GetFloats("weights");
    ints_ = n.GetInts("pool_int64s");
    if (const ir::Attribute* s = n.attr("pool_strings")) strings_ = s->strings();
    const size_t pool = strings_.empty() ? ints_.size() : strings_.size();
    if (min_gram_ < 1 || max_gram_ < min_gram_ || max_skip_ < 0 ||
        static_cast<int64_t>(counts_.size()) < max_gram_)
      init_status_ = info.Error("gram lengths, max_skip_count and ngram_counts do not agree");
    // Pool entries per n-gram length: ngram_counts[n-1] is where the n-grams start.
    size_t grams = 0;
    for (size_t i = 0; init_status_.ok() && i < counts_.size(); ++i) {
      const size_t end = i + 1 < counts_.size() ? counts_[i + 1] : pool;
      if (counts_[i] < 0 || end < static_cast<size_t>(counts_[i]) || (end - counts_[i]) % (i + 1))
        init_status_ = info.Error("ngram_counts does not split the pool into n-grams");
      else
        grams += (end - counts_[i]) / (i + 1);
    }
    if (init_status_.ok() && indexes_.size() != grams)
      init_status_ = info.Error("ngram_indexes has " + std::to_string(indexes_.size()) +
                                " entries for " + std::to_string(grams) + " n-grams");
    if (init_status_.ok() && !weights_.empty() && weights_.size() != indexes_.size())
      init_status_ = info.Error("weights and ngram_indexes differ in length");
    for (int64_t i : indexes_) out_size_ = std::max(out_size_, i + 1);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() != 1 && x->rank() != 2) return ctx.Error("input 0 must have rank 1 or 2");
    const int64_t rows = x->rank() == 2 ? x->dim(0) : 1;
    const int64_t cols = x->dim(x->rank() - 1);
    Shape shape = x->rank() == 2 ? Shape{rows, out_size_} : Shape{out_size_};
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, std::move(shape)));
    std::vector<double> counts(rows * out_size_, 0.0);
    if (x->dtype() == DataType::kString) {
      if (strings_.empty()) return ctx.Error("string input needs pool_strings");
      Count<std::string>(strings_, [&](int64_t i) { return x->strings()[i]; }, rows, cols, &counts);
    } else {
      FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kInt32, DataType::kInt64}));
      if (ints_.empty()) return ctx.Error("integer input needs pool_int64s");
      Count<int64_t>(ints_, [&](int64_t i) { return x->GetAsInt64(i); }, rows, cols, &counts);
    }
    // The weight of each output slot (ngram_indexes maps pool n-gram k to slot indexes_[k]).
    std::vector<double> weight(out_size_, 1.0);
    for (size_t k = 0; k < weights_.size(); ++k) weight[indexes_[k]] = weights_[k];
    float* out = y->data<float>();
    for (int64_t i = 0; i < rows * out_size_; ++i) {
      const double w = weight[i % out_size_];
      const double c = counts[i];
      out[i] = static_cast<float>(mode_ == Mode::kTf    ? c
                                  : mode_ == Mode::kIdf ? (c > 0 ? w : 0.0)
                                                        : c * w);
    }
    return Status::Ok();
  }

 private:
  enum class Mode { kTf, kIdf, kTfIdf };

  template <typename T, typename Get>
  void Count(const std::vector<T>& pool, Get get, int64_t rows, int64_t cols,
             std::vector<double>* counts) const {
    // Every pool n-gram, keyed by its items, to its output slot.
    std::map<std::vector<T>, int64_t> slot;
    size_t k = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      const size_t end = i + 1 < counts_.size() ? counts_[i + 1] : pool.size();
      for (size_t p = counts_[i]; p + i < end; p += i + 1, ++k)
        slot[std::vector<T>(pool.begin() + p, pool.begin() + p + i + 1)] = indexes_[k];
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t skip = 0; skip <= max_skip_; ++skip) {
        for (int64_t n = min_gram_; n <= max_gram_; ++n) {
          if (n == 1 && skip > 0) continue;  // a unigram has no gaps: counted at skip 0
          const int64_t span = (n - 1) * (skip + 1) + 1;
          for (int64_t start = 0; start + span <= cols; ++start) {
            std::vector<T> gram;
            for (int64_t j = 0; j < n; ++j) gram.push_back(get(r * cols + start + j * (skip + 1)));
            auto it = slot.find(gram);
            if (it != slot.end()) (*counts)[r * out_size_ + it->second] += 1;
          }
        }
      }
    }
  }

  int64_t min_gram_ = 1, max_gram_ = 1, max_skip_ = 0, out_size_ = 0;
  Mode mode_ = Mode::kTf;
  std::vector<int64_t> counts_, indexes_, ints_;
  std::vector<float> weights_;
  std::vector<std::string> strings_;
};

}  // namespace

void RegisterTfIdfVectorizer(OpSet& s) { s.Add<TfIdfVectorizer>("TfIdfVectorizer", 9); }

}  // namespace ferry::onnx::ops
