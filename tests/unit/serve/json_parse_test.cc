#include "serve/json_parse.h"

#include <gtest/gtest.h>

#include <random>

namespace ferry::serve {
namespace {

using json = nlohmann::json;

// Every valid document reads as nlohmann reads it (numbers keep their kind).
TEST(ParseJson, AgreesWithNlohmannOnValidDocuments) {
  const char* docs[] = {
      "0", "-0", "1", "-1", "18446744073709551615", "-9223372036854775808", "9223372036854775808",
      "1.5", "-2.25e-3", "1E+2", "1e400000000000000000000", "123456789012345678901234567890",
      "true", "false", "null", "\"\"", R"("a\"b\\c\/d\b\f\n\r\t")", R"("\u00e9\u4e2d\ud83d\ude00")",
      "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"", "[]", "{}", " [ 1 , [2, [3]], {\"a\": []} ] ",
      R"({"instances": [[1, 2.5, -3e-2], [4, 5, 6]], "signature_name": "x"})",
      R"({"a": 1, "a": 2})", "\t\r\n 7 \n",
  };
  for (const char* d : docs) {
    json want;
    try {
      want = json::parse(d);
    } catch (const json::exception&) {
      // nlohmann refuses 1e400000...; so must we.
      EXPECT_FALSE(ParseJson(d).ok()) << d;
      continue;
    }
    auto got = ParseJson(d);
    ASSERT_TRUE(got.ok()) << d << ": " << got.status().message();
    EXPECT_EQ(*got, want) << d;
    EXPECT_EQ(got->dump(), want.dump()) << d;
    if (want.is_number()) {
      EXPECT_EQ(got->is_number_unsigned(), want.is_number_unsigned()) << d;
      EXPECT_EQ(got->is_number_float(), want.is_number_float()) << d;
    }
  }
}

TEST(ParseJson, RandomNumbersRoundTrip) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> real(-1e6, 1e6);
  json a = json::array();
  for (int i = 0; i < 2000; ++i) a.push_back(i % 3 ? json(real(rng)) : json(int64_t(rng()) >> 3));
  const std::string text = a.dump();
  auto got = ParseJson(text);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, json::parse(text)) << "seed 7";
}

TEST(ParseJson, RejectsWhatJsonForbids) {
  const char* bad[] = {
      "", " ", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\": 1,}", "{a: 1}", "[01]", "1.", ".5", "+1",
      "1e", "-", "NaN", "Infinity", "tru", "[1]]", "[1] x", "\"abc", "\"a\\x\"", "\"\\u12\"",
      "\"\\ud800\"", "\"\\udc00x\"", "\"a\nb\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
      "[", "{", "{\"a\":", "'a'",
  };
  for (const char* b : bad) {
    auto r = ParseJson(b);
    EXPECT_FALSE(r.ok()) << "accepted: " << b;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("JSON Parse error at byte"), std::string::npos);
    }
  }
}

TEST(ParseJson, BoundsNesting) {
  EXPECT_TRUE(ParseJson(std::string(64, '[') + std::string(64, ']')).ok());
  auto deep = ParseJson(std::string(65, '[') + std::string(65, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nested deeper than 64"), std::string::npos);
  // A million brackets: refused, not a stack overflow.
  EXPECT_FALSE(ParseJson(std::string(1000000, '[')).ok());
}

}  // namespace
}  // namespace ferry::serve
