#include "serve/config.h"

#include <gtest/gtest.h>

#include "serve/text_format.h"

namespace ferry::serve {
namespace {

TEST(TextFormat, ParsesNestedMessagesListsStringsAndComments) {
  auto m = ParseTextFormat(R"(# a comment
      a: 1  b: "x\"y" 'z'
      nested { c: [1, 2, 3] d < e: true > }
      nested: { c: 4 };)",
                           "t.txt");
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->fields.size(), 4u);
  EXPECT_EQ(*m->Find("a")->AsInt(), 1);
  EXPECT_EQ(*m->Find("b")->AsString(), "x\"yz");  // adjacent literals concatenate
  auto nested = m->All("nested");
  ASSERT_EQ(nested.size(), 2u);
  EXPECT_EQ(nested[0]->message->All("c").size(), 3u);
  EXPECT_EQ(*nested[0]->message->All("c")[2]->AsInt(), 3);
  EXPECT_TRUE(*nested[0]->message->Find("d")->message->Find("e")->AsBool());
  EXPECT_EQ(*nested[1]->message->Find("c")->AsInt(), 4);
}

TEST(TextFormat, ErrorsNameTheFileAndLine) {
  auto m = ParseTextFormat("a: 1\nb {\n c: 2\n", "cfg.txt");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("cfg.txt:4"), std::string::npos) << m.status().message();
  m = ParseTextFormat("a 1", "cfg.txt");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("expected ':'"), std::string::npos);
  m = ParseTextFormat("a: \"open\n", "cfg.txt");
  EXPECT_FALSE(m.ok());
  auto i = ParseTextFormat("a: 12x", "c");
  ASSERT_TRUE(i.ok());
  EXPECT_FALSE(i->Find("a")->AsInt().ok());
}

TEST(ModelConfig, ParsesTfServingConfig) {
  const char* text = R"(
model_config_list {
  config {
    name: 'mnist'
    base_path: '/models/mnist'
    model_platform: 'tensorflow'
    model_version_policy { specific { versions: 1 versions: 2 } }
    version_labels { key: 'stable' value: 1 }
    version_labels { key: 'canary' value: 2 }
  }
  config { name: "cnn" base_path: "/models/cnn" model_version_policy: { all: {} } }
  config { name: "last2" base_path: "/m/l" model_version_policy { latest { num_versions: 2 } } }
  config { name: "plain" base_path: "/m/p" }
})";
  auto c = ParseModelConfig(text, "models.config");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->size(), 4u);
  const ModelConfig& m = (*c)[0];
  EXPECT_EQ(m.name, "mnist");
  EXPECT_EQ(m.base_path, "/models/mnist");
  EXPECT_EQ(m.model_platform, "tensorflow");
  EXPECT_EQ(m.version_policy.kind, VersionPolicy::Kind::kSpecific);
  EXPECT_EQ(m.version_policy.versions, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(m.version_labels.at("stable"), 1);
  EXPECT_EQ(m.version_labels.at("canary"), 2);
  EXPECT_EQ((*c)[1].version_policy.kind, VersionPolicy::Kind::kAll);
  EXPECT_EQ((*c)[2].version_policy.kind, VersionPolicy::Kind::kLatest);
  EXPECT_EQ((*c)[2].version_policy.num_versions, 2);
  EXPECT_EQ((*c)[3].version_policy.kind, VersionPolicy::Kind::kLatest);
  EXPECT_EQ((*c)[3].version_policy.num_versions, 1);
}

TEST(ModelConfig, RejectsBadConfigs) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"model_config_list { config { base_path: '/a' } }", "has no name"},
      {"model_config_list { config { name: 'a' } }", "has no base_path"},
      {"model_config_list { config { name: 'a' base_path: '/a' } config { name: 'a' "
       "base_path: '/b' } }",
       "configured twice"},
      {"model_config_list { config { name: 'a' base_path: '/a' colour: 'red' } }",
       "unknown field 'colour'"},
      {"model_config_list { config { name: 'a' base_path: '/a' model_platform: 'caffe' } }",
       "model_platform 'caffe'"},
      {"model_config_list { config { name: 'a' base_path: '/a' model_version_policy { "
       "specific { } } } }",
       "lists no versions"},
      {"model_config_list { config { name: 'a' base_path: '/a' model_version_policy { "
       "latest { num_versions: 0 } } } }",
       "at least 1"},
      {"model_config_list { }", "has no config"},
      {"models { }", "expected model_config_list"},
  };
  for (const Case& c : cases) {
    auto r = ParseModelConfig(c.text, "x.config");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << r.status().message();
  }
}

TEST(BatchingParameters, ParsesWrappedAndBareValues) {
  auto p = ParseBatchingParameters(
      "max_batch_size { value: 16 }\nbatch_timeout_micros { value: 250 }\n"
      "num_batch_threads: 3\nmax_enqueued_batches { value: 7 }\nallowed_batch_sizes: 8\n",
      "b.txt");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->max_batch_size, 16);
  EXPECT_EQ(p->batch_timeout_micros, 250);
  EXPECT_EQ(p->num_batch_threads, 3);
  EXPECT_EQ(p->max_enqueued_batches, 7);
  EXPECT_FALSE(ParseBatchingParameters("max_batch_size { value: 0 }", "b").ok());
  EXPECT_FALSE(ParseBatchingParameters("max_batch_size { }", "b").ok());
  EXPECT_FALSE(ParseBatchingParameters("speed: 3", "b").ok());
  EXPECT_FALSE(ReadBatchingParametersFile("/nonexistent/batching.txt").ok());
}

}  // namespace
}  // namespace ferry::serve
