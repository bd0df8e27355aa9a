#include "serve/model_repository.h"

#include <gtest/gtest.h>

#include <fstream>

#include "fake_models.h"

namespace ferry::serve {
namespace {

using testing::FakeLoader;
using testing::RunLog;
using testing::TempDir;
using testing::WriteVersion;

class RepositoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<ModelRepository> Make(VersionPolicy policy) {
    ModelConfig c{"m", dir_.path().string()};
    c.version_policy = policy;
    RepositoryOptions o;
    o.loader = FakeLoader(log_);
    o.poll_wait_seconds = 0;  // the tests poll by hand
    auto r = std::make_unique<ModelRepository>(std::vector<ModelConfig>{c}, o);
    r->Start();
    return r;
  }
  float RunOnOne(const ServableVersion& v) {
    auto out = v.Run({Tensor::FromVector<float>({1, 1, 1}, Shape{1, 3})}, nullptr);
    EXPECT_TRUE(out.ok());
    return out.ok() ? (*out)[0].data<float>()[0] : -1;
  }

  TempDir dir_;
  std::shared_ptr<RunLog> log_ = std::make_shared<RunLog>();
};

TEST_F(RepositoryTest, VersionPolicies) {
  for (int v = 1; v <= 3; ++v) WriteVersion(dir_.path(), v, "factor " + std::to_string(v));
  std::filesystem::create_directories(dir_.path() / "notes");  // not a version
  std::filesystem::create_directories(dir_.path() / "4x");
  EXPECT_EQ(Make(VersionPolicy{})->AvailableVersions("m"), (std::vector<int64_t>{3}));
  VersionPolicy latest2;
  latest2.num_versions = 2;
  EXPECT_EQ(Make(latest2)->AvailableVersions("m"), (std::vector<int64_t>{3, 2}));
  VersionPolicy specific{VersionPolicy::Kind::kSpecific, 1, {1, 3, 9}};
  EXPECT_EQ(Make(specific)->AvailableVersions("m"), (std::vector<int64_t>{3, 1}));
  VersionPolicy all{VersionPolicy::Kind::kAll};
  auto r = Make(all);
  EXPECT_EQ(r->AvailableVersions("m"), (std::vector<int64_t>{3, 2, 1}));
  // A removed folder is unloaded at the next poll.
  std::filesystem::remove_all(dir_.path() / "2");
  r->PollOnce();
  EXPECT_EQ(r->AvailableVersions("m"), (std::vector<int64_t>{3, 1}));
  auto st = r->GetStatus("m", 2);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)[0].state, VersionState::kEnd);
  EXPECT_TRUE((*st)[0].status.ok());
}

TEST_F(RepositoryTest, FindByVersionLabelOrLatest) {
  WriteVersion(dir_.path(), 1, "factor 1");
  WriteVersion(dir_.path(), 7, "factor 7");
  ModelConfig c{"m", dir_.path().string()};
  c.version_policy.kind = VersionPolicy::Kind::kAll;
  c.version_labels = {{"old", 1}, {"gone", 5}};
  RepositoryOptions o;
  o.loader = FakeLoader();
  o.poll_wait_seconds = 0;
  ModelRepository r({c}, o);
  r.Start();
  EXPECT_EQ((*r.Find("m", std::nullopt, ""))->version(), 7);
  EXPECT_EQ((*r.Find("m", 1, ""))->version(), 1);
  EXPECT_EQ((*r.Find("m", std::nullopt, "old"))->version(), 1);
  EXPECT_EQ(r.Find("m", std::nullopt, "gone").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Find("m", std::nullopt, "nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Find("m", 3, "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Find("x", std::nullopt, "").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(r.AllReady());
}

// A failed version is skipped (the previous one keeps serving) until its folder changes.
TEST_F(RepositoryTest, FailedVersionRetriedOnlyWhenItChanges) {
  WriteVersion(dir_.path(), 1, "factor 1");
  WriteVersion(dir_.path(), 2, "fail");
  auto r = Make(VersionPolicy{});
  EXPECT_EQ(r->AvailableVersions("m"), (std::vector<int64_t>{1}));
  auto st = r->GetStatus("m", 2);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)[0].state, VersionState::kEnd);
  EXPECT_EQ((*st)[0].status.code(), StatusCode::kInvalidArgument);
  const int loads = log_->loads;
  r->PollOnce();
  EXPECT_EQ(log_->loads, loads);  // not retried: nothing changed
  std::ofstream(dir_.path() / "2" / "model.txt") << "factor 2\n";
  std::ofstream(dir_.path() / "2" / "extra") << "changed";
  r->PollOnce();
  EXPECT_EQ(r->AvailableVersions("m"), (std::vector<int64_t>{2}));
}

// A request holding the old version finishes on it after the swap.
TEST_F(RepositoryTest, InFlightRequestKeepsItsVersion) {
  WriteVersion(dir_.path(), 1, "factor 1");
  auto r = Make(VersionPolicy{});
  auto held = r->Find("m", std::nullopt, "");
  ASSERT_TRUE(held.ok());
  WriteVersion(dir_.path(), 2, "factor 2");
  r->PollOnce();
  EXPECT_EQ(r->AvailableVersions("m"), (std::vector<int64_t>{2}));
  EXPECT_EQ(RunOnOne(**held), 1.0f);  // unloaded, still alive for its holder
  EXPECT_EQ(RunOnOne(**r->Find("m", std::nullopt, "")), 2.0f);
}

TEST_F(RepositoryTest, LoaderExceptionsBecomeErrors) {
  WriteVersion(dir_.path(), 1, "factor 1");
  ModelConfig c{"m", dir_.path().string()};
  RepositoryOptions o;
  o.loader = [](const std::string&) -> StatusOr<std::unique_ptr<check::ModelRunner>> {
    throw std::runtime_error("boom");
  };
  o.poll_wait_seconds = 0;
  ModelRepository r({c}, o);
  r.Start();
  EXPECT_FALSE(r.AllReady());
  auto st = r.GetStatus("m", 1);
  ASSERT_TRUE(st.ok());
  EXPECT_NE((*st)[0].status.message().find("boom"), std::string::npos);
}

}  // namespace
}  // namespace ferry::serve
