// ssokit::Json and its parser (json.hpp): RFC 8259 strictness, UTF-8, limits, duplicates, number
// texts, the serializer's escapes and replacement, ordering, equality and the nlohmann-like API.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ssokit/json.hpp"

namespace ssokit {
namespace {

Json parsed(std::string_view text) {
  auto r = parse_json(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Json();
}

// A JSON text round-trips byte for byte (it is already compact and sorted).
void expect_round_trip(std::string_view text) {
  auto r = parse_json(text);
  ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
  EXPECT_EQ(r.value().dump(), text);
}

void expect_rejected(std::string_view text, std::string_view message_part = "malformed JSON") {
  auto r = parse_json(text);
  ASSERT_FALSE(r.ok()) << "accepted: " << text;
  EXPECT_EQ(r.error().code, ErrorCode::invalid_response);
  EXPECT_NE(r.error().message.find(message_part), std::string::npos) << text << ": " << r.error().message;
}

std::string in_quotes(std::string_view raw) { return "\"" + std::string(raw) + "\""; }

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// ---- parsing: what RFC 8259 allows ---------------------------------------------------------------

TEST(Json, ParsesEveryKindOfValueAtTheTop) {
  EXPECT_TRUE(parsed("null").is_null());
  EXPECT_EQ(parsed("true"), Json(true));
  EXPECT_EQ(parsed("false"), Json(false));
  EXPECT_EQ(parsed("\"x\""), Json("x"));
  EXPECT_EQ(parsed("7"), Json(7));
  EXPECT_TRUE(parsed("[]").is_array());
  EXPECT_TRUE(parsed("{}").is_object());
  EXPECT_EQ(parsed(" \t\r\n[ 1 , { \"a\" : [ ] } ]\n "), Json::array({1, Json{{"a", Json::array()}}}));
}

TEST(Json, SkipsAByteOrderMarkAtTheStartOnly) {
  EXPECT_EQ(parsed("\xEF\xBB\xBF{\"a\":1}"), Json({{"a", 1}}));
  expect_rejected(" \xEF\xBB\xBF{}");
  expect_rejected("[\xEF\xBB\xBF]");
}

TEST(Json, IntegersAreExact) {
  const Json zero = parsed("0");
  EXPECT_TRUE(zero.is_number_unsigned());
  const Json minus_zero = parsed("-0");
  EXPECT_TRUE(minus_zero.is_number_integer());
  EXPECT_FALSE(minus_zero.is_number_unsigned());
  EXPECT_EQ(minus_zero.dump(), "0");
  EXPECT_EQ(parsed("-9223372036854775808").get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(parsed("9223372036854775807").get<std::int64_t>(), INT64_MAX);
  const Json max = parsed("18446744073709551615");
  EXPECT_TRUE(max.is_number_unsigned());
  EXPECT_EQ(max.get<std::uint64_t>(), UINT64_MAX);
  expect_round_trip("[-9223372036854775808,0,18446744073709551615,9223372036854775808]");
}

TEST(Json, IntegersBeyond64BitsBecomeFloatsThatKeepTheirText) {
  for (const char* text : {"18446744073709551616", "-9223372036854775809", "123456789012345678901234567890"}) {
    const Json v = parsed(text);
    EXPECT_TRUE(v.is_number_float()) << text;
    EXPECT_EQ(v.dump(), text);
  }
  EXPECT_DOUBLE_EQ(parsed("18446744073709551616").get<double>(), 18446744073709551616.0);
  EXPECT_DOUBLE_EQ(parsed("123456789012345678901234567890").get<double>(), 1.2345678901234568e29);
}

TEST(Json, NonIntegralNumbersKeepTheirExactText) {
  expect_round_trip("[1.5,1.50,1e2,1E+2,1e-2,-0.0,0.1000,1.0,2.5E-7,1e-400]");
  const Json v = parsed("1.0");
  EXPECT_TRUE(v.is_number_float());
  EXPECT_FALSE(v.is_number_integer());
  EXPECT_EQ(v, Json(1));
}

TEST(Json, NumbersConvertToTheNearestDouble) {
  const std::pair<const char*, double> cases[] = {
      {"1.5", 1.5},         {"0.1", 0.1},     {"-2.25", -2.25},       {"1e2", 100.0},
      {"1E-2", 0.01},       {"1e22", 1e22},   {"1700000000.5", 1700000000.5},
      {"0.000001", 1e-6},   {"-0.0", -0.0},   {"3.141592653589793", 3.141592653589793},
      {"1e-400", 0.0},      {"123.456e3", 123456.0},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(parsed(text).get<double>(), want) << text;
  EXPECT_TRUE(std::signbit(parsed("-0.0").get<double>()));
  // Outside the exact range: within a few units in the last place.
  for (double want : {1e300, 2.2250738585072014e-308, 1.7976931348623157e308, 4.9e-324, 6.02214076e23, 1.2345678901234567e-200}) {
    const Json v(want);
    const double got = parsed(v.dump()).get<double>();
    EXPECT_LE(std::fabs(got - want), std::fabs(want) * 1e-15) << v.dump();
  }
}

TEST(Json, NumbersBeyondTheDoubleRangeAreRefused) {
  expect_rejected("1e309", "out of range");
  expect_rejected("-1e309", "out of range");
  expect_rejected("[1e99999999999999999999]", "out of range");
  expect_rejected("1" + std::string(400, '0'), "out of range");
  EXPECT_TRUE(parse_json("1e308").ok());
  EXPECT_TRUE(parse_json("1e-99999999999999999999").ok());
  EXPECT_TRUE(parse_json("0e99999").ok());
}

TEST(Json, StringEscapes) {
  EXPECT_EQ(parsed(R"("\"\\\/\b\f\n\r\t")").get<std::string>(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parsed(R"("\u0041\u00e9\u20AC")").get<std::string>(), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parsed(R"("\ud83d\ude00")").get<std::string>(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(parsed(R"("\uDBFF\uDFFF")").get<std::string>(), "\xF4\x8F\xBF\xBF");
  const std::string nul = parsed(R"("a\u0000b")").get<std::string>();
  EXPECT_EQ(nul, std::string("a\0b", 3));
}

TEST(Json, ValidUtf8OfEveryLength) {
  const char* const valid[] = {
      "\xC2\x80",          // U+0080
      "\xC3\xA9",          // é
      "\xDF\xBF",          // U+07FF
      "\xE0\xA0\x80",      // U+0800
      "\xE2\x82\xAC",      // €
      "\xED\x9F\xBF",      // U+D7FF, just below the surrogates
      "\xEE\x80\x80",      // U+E000, just above
      "\xEF\xBF\xBF",      // U+FFFF
      "\xF0\x90\x80\x80",  // U+10000
      "\xF0\x9F\x98\x80",  // 😀
      "\xF4\x8F\xBF\xBF",  // U+10FFFF
  };
  for (const char* s : valid) {
    EXPECT_EQ(parsed(in_quotes(s)).get<std::string>(), s);
    expect_round_trip(in_quotes(s));
  }
}

// ---- parsing: every rejection --------------------------------------------------------------------

TEST(Json, RejectsWhatRfc8259DoesNotAllow) {
  const char* const bad[] = {
      "", " ", "\xEF\xBB\xBF",                                 // nothing
      "01", "-01", "00", "-", "-a", "+1", "1.", ".5", "1.e2",  // numbers
      "1e", "1e+", "1E-", "0x10", "1_000", "- 1",
      "NaN", "Infinity", "-Infinity", "nan",
      "tru", "nul", "fals", "True", "NULL", "truee", "nullx",  // literals
      "[1,]", "[,1]", "[1,,2]", "[1 2]", "[", "]", "[1",        // arrays
      "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":}", "{\"a\"}",  // objects
      "{a:1}", "{'a':1}", "{1:1}", "{\"a\":1 \"b\":2}", "{", "}", "{\"a\":1",
      "'x'", "\"abc", "\"abc\\\"", "\"\\",                      // strings
      "\"\\x\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\U0041\"", "\"\\'\"", "\"\\a\"",
      "[1]x", "1 2", "{}{}", "[] ]", "\"a\" \"b\"",            // trailing data
      "/*c*/1", "// c\n1", "1 /*c*/", "#1",                    // comments
      "\xC2\xA0" "1", "\f1", "\v1",                              // not JSON whitespace
  };
  for (const char* text : bad) expect_rejected(text);
  expect_rejected(std::string("[1,\0 2]", 7));
  expect_rejected(std::string("1\0", 2));
}

TEST(Json, RejectsControlCharactersInStrings) {
  for (int c = 0; c < 0x20; ++c) expect_rejected(in_quotes(std::string(1, static_cast<char>(c))), "control character");
  EXPECT_EQ(parsed(in_quotes("\x7F")).get<std::string>(), "\x7F");  // DEL is allowed
}

TEST(Json, RejectsUnpairedSurrogateEscapes) {
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\udfff")", R"("\ud800\u0041")", R"("\ud800x")",
                           R"("\ud800\ud800")", R"("\ude00\ud83d")", R"("\ud800\")", R"("\ud800\n")"}) {
    expect_rejected(text);
  }
}

TEST(Json, RejectsInvalidUtf8) {
  const char* const invalid[] = {
      "\x80",              // a lone continuation byte
      "\xBF",
      "\xC0\x80",          // overlong NUL
      "\xC1\xBF",          // overlong
      "\xE0\x80\x80",      // overlong 3-byte
      "\xE0\x9F\xBF",
      "\xF0\x80\x80\x80",  // overlong 4-byte
      "\xF0\x8F\xBF\xBF",
      "\xED\xA0\x80",      // surrogate U+D800 encoded directly
      "\xED\xBF\xBF",      // U+DFFF
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFE", "\xFF",
      "\xC3",              // truncated before the closing quote
      "\xE2\x82",
      "\xF0\x9F\x98",
      "\xE2\x82x",         // a continuation byte replaced by ASCII
      "\xC3\xC3\xA9",
  };
  for (const char* s : invalid) {
    expect_rejected(in_quotes(s), "invalid UTF-8");
    expect_rejected("{" + in_quotes(s) + ":1}", "invalid UTF-8");  // member names too
  }
  expect_rejected("\"\xE2\x82");  // truncated at the end of the input
}

TEST(Json, RejectsDuplicateMembersAtAnyDepth) {
  expect_rejected(R"({"alg":"RS256","alg":"none"})", "duplicate member \"alg\"");
  expect_rejected(R"({"a":{"b":{"c":[{"d":1,"e":2,"d":3}]}}})", "duplicate member \"d\"");
  expect_rejected(R"([[[{"x":1}],{"y":{},"y":{}}]])", "duplicate member \"y\"");
  expect_rejected(R"({"a":1,"\u0061":2})", "duplicate member \"a\"");  // the same name once unescaped
  expect_rejected(R"({"":1,"":2})", "duplicate member");
  // The same name in sibling or nested objects is fine.
  EXPECT_TRUE(parse_json(R"([{"b":1},{"b":2},{"b":{"b":{"b":3}}}])").ok());
  EXPECT_TRUE(parse_json(R"({"a":1,"A":2,"a ":3,"\u00e9":4,"e\u0301":5})").ok());
}

TEST(Json, SortsScrambledMembersAndFindsDuplicatesFarApart) {
  // 5000 members in a scrambled order (i * 7919 mod 5000 is a permutation): sorted, all found.
  std::string members = "{";
  for (int i = 0; i < 5000; ++i) {
    const int k = (i * 7919) % 5000;
    members += (i ? ",\"k" : "\"k") + std::to_string(k) + "\":" + std::to_string(k);
  }
  const Json object = parsed(members + "}");
  ASSERT_EQ(object.size(), 5000u);
  std::string previous;
  for (auto it = object.begin(); it != object.end(); ++it) {
    EXPECT_LT(previous, it.key());
    EXPECT_EQ(it.value(), Json(std::stoi(it.key().substr(1))));
    previous = it.key();
  }
  // The first member again at the end: a duplicate 5000 members apart.
  expect_rejected(members + ",\"k0\":1}", "duplicate member \"k0\"");
}

TEST(Json, DepthLimit) {
  EXPECT_TRUE(parse_json(nested_arrays(64)).ok());
  expect_rejected(nested_arrays(65), "nested deeper than 64 levels");
  expect_rejected(nested_arrays(100000), "nested deeper than 64 levels");  // no stack overflow
  std::string objects;
  for (int i = 0; i < 64; ++i) objects += "{\"a\":";
  EXPECT_TRUE(parse_json(objects + "1" + std::string(64, '}')).ok());
  EXPECT_FALSE(parse_json(objects + "[]" + std::string(64, '}')).ok());
  // Strings and scalars do not count; custom limits apply.
  const JsonLimits two{1 << 20, 2};
  EXPECT_TRUE(parse_json(R"([{"a":"[[[["}])", ErrorCode::invalid_response, two).ok());
  EXPECT_FALSE(parse_json(R"([{"a":[]}])", ErrorCode::invalid_response, two).ok());
  const JsonLimits flat{1 << 20, 0};
  EXPECT_TRUE(parse_json("1", ErrorCode::invalid_response, flat).ok());
  EXPECT_FALSE(parse_json("[]", ErrorCode::invalid_response, flat).ok());
  const JsonLimits deep{64u << 20, 5000};
  EXPECT_TRUE(parse_json(nested_arrays(5000), ErrorCode::invalid_response, deep).ok());
}

TEST(Json, SizeLimit) {
  const std::string exact = in_quotes(std::string((1 << 20) - 2, 'a'));
  EXPECT_TRUE(parse_json(exact).ok());
  auto over = parse_json(exact + " ");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("larger than 1048576 bytes"), std::string::npos);
  EXPECT_EQ(over.error().details["size"], Json((1 << 20) + 1));
  EXPECT_FALSE(parse_json("[1,2]", ErrorCode::invalid_response, JsonLimits{4, 64}).ok());
}

TEST(Json, ErrorsUseTheCallersCodeAndSayWhere) {
  auto r = parse_json("[1,x]", ErrorCode::invalid_argument);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "malformed JSON: unexpected character at byte 3");
  EXPECT_EQ(parse_json_object("[]").error().message, "expected a JSON object");
  EXPECT_EQ(parse_json_object("{", ErrorCode::storage_error).error().code, ErrorCode::storage_error);
  EXPECT_TRUE(parse_json_object(" {} ").ok());
}

TEST(Json, BigInputs) {
  std::string numbers = "[";
  for (int i = 0; i < 100000; ++i) numbers += (i ? "," : "") + std::to_string(i * 7 - 350000);
  numbers += "]";
  const Json array = parsed(numbers);
  ASSERT_EQ(array.size(), 100000u);
  EXPECT_EQ(array[99999].get<std::int64_t>(), 99999 * 7 - 350000);
  EXPECT_EQ(array.dump(), numbers);

  // 20000 members in descending order come out sorted; every one can be found.
  std::string members = "{";
  for (int i = 19999; i >= 0; --i) members += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + (i ? "," : "}");
  const Json object = parsed(members);
  ASSERT_EQ(object.size(), 20000u);
  EXPECT_EQ(object.begin().key(), "k0");
  for (int i = 0; i < 20000; i += 997) EXPECT_EQ(object["k" + std::to_string(i)], Json(i));
  std::string previous;
  for (auto it = object.begin(); it != object.end(); ++it) {
    EXPECT_LT(previous, it.key());
    previous = it.key();
  }
  const JsonLimits big{8u << 20, 64};
  const std::string long_string = in_quotes(std::string(5u << 20, 'x'));
  EXPECT_EQ(parse_json(long_string, ErrorCode::invalid_response, big).value().get<std::string>().size(), 5u << 20);
}

// ---- serializing ---------------------------------------------------------------------------------

TEST(Json, DumpSortsMembersByTheirBytes) {
  Json j = Json::object();
  j["b"] = 1;
  j["a"] = Json{{"z", 1}, {"y", 2}};
  j["B"] = 2;
  j["\xC3\xA9"] = 3;
  j["a b"] = 4;
  j[""] = 5;
  EXPECT_EQ(j.dump(), "{\"\":5,\"B\":2,\"a\":{\"y\":2,\"z\":1},\"a b\":4,\"b\":1,\"\xC3\xA9\":3}");
  EXPECT_EQ(dump_json(j), j.dump());
  expect_round_trip(R"({"a":[1,{"b":null,"c":[true,false]}],"d":"e"})");
  EXPECT_EQ(parsed(R"({ "z" : 1 , "a" : [ 1 , 2 ] })").dump(), R"({"a":[1,2],"z":1})");
}

TEST(Json, DumpEscapesLikeNlohmann) {
  const Json s(std::string("\"\\/\b\f\n\r\t\x01\x1f\x7f\0", 12));
  EXPECT_EQ(s.dump(), "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\u0000\"");
  EXPECT_EQ(parsed(s.dump()), s);
  EXPECT_EQ(Json("caf\xC3\xA9 \xF0\x9F\x98\x80").dump(), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");  // UTF-8 as is
  EXPECT_EQ(Json({{"k\n", "v"}}).dump(), "{\"k\\n\":\"v\"}");
}

TEST(Json, DumpReplacesInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> cases[] = {
      {"a\xFF" "b", "a" + fffd + "b"},
      {"\x80\x80", fffd + fffd},
      {"\xC3", fffd},                                          // truncated at the end
      {"x\xF0\x9F\x98", "x" + fffd},                           // one U+FFFD for the whole prefix
      {"\xE2\x82x", fffd + "x"},                               // the ASCII byte survives
      {"\xE0\x80", fffd + fffd},                               // overlong: the lead, then a stray byte
      {"\xED\xA0\x80", fffd + fffd + fffd},                    // a surrogate
      {"\xF0\x9F\x98\xF0\x9F\x98\x80", fffd + "\xF0\x9F\x98\x80"},
      {"\xC0\xAF", fffd + fffd},
      {"ok \xC3\xA9", "ok \xC3\xA9"},
  };
  for (const auto& [raw, want] : cases) {
    EXPECT_EQ(Json(raw).dump(), in_quotes(want)) << raw;
    EXPECT_TRUE(parse_json(Json(raw).dump()).ok());
  }
  Json key = Json::object();
  key["\xFF"] = 1;
  EXPECT_EQ(key.dump(), "{\"" + fffd + "\":1}");
}

TEST(Json, DumpsIntegersAndDoubles) {
  EXPECT_EQ(Json(INT64_MIN).dump(), "-9223372036854775808");
  EXPECT_EQ(Json(UINT64_MAX).dump(), "18446744073709551615");
  EXPECT_EQ(Json(-1).dump(), "-1");
  EXPECT_EQ(Json(0u).dump(), "0");
  const std::pair<double, const char*> doubles[] = {
      {0.1, "0.1"},
      {1.5, "1.5"},
      {-2.25, "-2.25"},
      {100.0, "100.0"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1e14, "100000000000000.0"},
      {1e15, "1e+15"},
      {123456789012345.6, "123456789012345.6"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {1e100, "1e+100"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {9007199254740993.0, "9.007199254740992e+15"},  // 16 digits: exponent form, as nlohmann
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
      {-std::numeric_limits<double>::infinity(), "null"},
  };
  for (const auto& [d, want] : doubles) EXPECT_EQ(Json(d).dump(), want);
  // Shortest text that reads back to the same double.
  for (double d : {0.1, 1.0 / 3, 2.0 / 3, 1700000000.123, 6.02214076e23, 1e-10, 123.456, -7.5e-3}) {
    EXPECT_EQ(parsed(Json(d).dump()).get<double>(), d) << Json(d).dump();
  }
}

// ---- the value's API -----------------------------------------------------------------------------

TEST(Json, InitializerListsBuildObjectsOrArraysAsNlohmann) {
  const Json object{{"a", 1}, {"b", {{"c", true}}}, {"d", {1, 2}}};
  EXPECT_EQ(object.dump(), R"({"a":1,"b":{"c":true},"d":[1,2]})");
  EXPECT_EQ(Json({1, "x", nullptr}).dump(), R"([1,"x",null])");
  EXPECT_EQ(Json({{"a", 1}, {2, 3}}).dump(), R"([["a",1],[2,3]])");  // not all pairs: an array
  EXPECT_EQ(Json::array({{"a", 1}}).dump(), R"([["a",1]])");
  EXPECT_EQ(Json({{"k", 1}, {"k", 2}}).dump(), R"({"k":1})");  // the first wins
  EXPECT_EQ(Json::object().dump(), "{}");
  EXPECT_EQ(Json::array().dump(), "[]");
  EXPECT_EQ(Json::object({{"x", 1}}).dump(), R"({"x":1})");
  EXPECT_EQ(Json(std::vector<std::string>{"a", "b"}).dump(), R"(["a","b"])");
  EXPECT_EQ(Json(std::string_view("sv")).dump(), "\"sv\"");
  EXPECT_EQ(Json().dump(), "null");
}

TEST(Json, MemberAccess) {
  Json j = {{"s", "text"}, {"n", 5}, {"b", true}, {"o", {{"x", 1}}}};
  const Json& c = j;
  EXPECT_TRUE(c["missing"].is_null());
  EXPECT_FALSE(c.contains("missing"));  // const access never inserts
  EXPECT_EQ(c.at("n"), Json(5));
  EXPECT_EQ(c["o"]["x"], Json(1));
  EXPECT_TRUE(c["o"]["x"]["deeper"].is_null());
  EXPECT_TRUE(c[0].is_null());
  EXPECT_EQ(j.value("s", "fallback"), "text");
  EXPECT_EQ(j.value("n", "fallback"), "fallback");  // wrong type
  EXPECT_EQ(j.value("n", 0), 5);
  EXPECT_EQ(j.value("s", 7), 7);
  EXPECT_EQ(j.value("b", false), true);
  EXPECT_EQ(j.value("o", Json::object()), Json({{"x", 1}}));
  EXPECT_EQ(j.value("none", Json::array()), Json::array());
  EXPECT_EQ(j.count("s"), 1u);
  auto it = j.find("n");
  ASSERT_NE(it, j.end());
  EXPECT_EQ(it.key(), "n");
  EXPECT_EQ(it.value(), Json(5));
  EXPECT_EQ(*it, Json(5));
  EXPECT_EQ(j.find("zzz"), j.end());
  EXPECT_EQ(c.find("s")->get<std::string>(), "text");
  const Json scalar(3);
  EXPECT_EQ(scalar.find("a"), scalar.end());
  j["new"]["nested"] = 1;  // non-const access inserts and turns null into objects
  EXPECT_EQ(j["new"].dump(), R"({"nested":1})");
  EXPECT_EQ(j.erase("new"), 1u);
  EXPECT_EQ(j.erase("new"), 0u);
  j.erase(j.find("b"));
  EXPECT_EQ(j.dump(), R"({"n":5,"o":{"x":1},"s":"text"})");
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key() + "=" + item.value().dump());
  EXPECT_EQ(keys, (std::vector<std::string>{"n=5", R"(o={"x":1})", R"(s="text")"}));
  std::vector<std::string> values;
  for (const auto& v : j) values.push_back(v.dump());
  EXPECT_EQ(values, (std::vector<std::string>{"5", R"({"x":1})", R"("text")"}));
}

TEST(Json, ArrayAccess) {
  Json a;
  a.push_back(1);
  a.emplace_back("two");
  a.push_back(Json::object());
  EXPECT_TRUE(a.is_array());
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], Json(1));
  EXPECT_EQ(a[2], Json::object());
  EXPECT_EQ(a[1].get<std::string>(), "two");
  a[5] = true;  // grows with nulls, as nlohmann
  EXPECT_EQ(a.dump(), R"([1,"two",{},null,null,true])");
  a.erase(a.begin() + 1);
  EXPECT_EQ(a.dump(), R"([1,{},null,null,true])");
  int count = 0;
  for (auto& v : a) {
    v = count++;
  }
  EXPECT_EQ(a.dump(), "[0,1,2,3,4]");
  a.erase(a.begin());
  EXPECT_EQ(a.dump(), "[1,2,3,4]");
  EXPECT_EQ(Json::array().size(), 0u);
  EXPECT_TRUE(Json::array().empty());
}

TEST(Json, SizeEmptyAndTypes) {
  EXPECT_EQ(Json().size(), 0u);
  EXPECT_TRUE(Json().empty());
  EXPECT_EQ(Json(1).size(), 1u);
  EXPECT_FALSE(Json("").empty());
  EXPECT_TRUE(Json::object().empty());
  EXPECT_EQ(Json({{"a", 1}, {"b", 2}}).size(), 2u);
  EXPECT_STREQ(Json().type_name(), "null");
  EXPECT_STREQ(Json(1.5).type_name(), "number");
  EXPECT_STREQ(Json("x").type_name(), "string");
  EXPECT_STREQ(Json::array().type_name(), "array");
  EXPECT_TRUE(Json(1.5).is_number());
  EXPECT_TRUE(Json(-1).is_number_integer());
  EXPECT_FALSE(Json(-1).is_number_unsigned());
  EXPECT_TRUE(Json(std::uint64_t{1}).is_number_unsigned());
  EXPECT_TRUE(Json::object().is_structured());
  EXPECT_TRUE(Json("x").is_primitive());
}

TEST(Json, GetConvertsNumbersAndNeverAborts) {
  EXPECT_EQ(Json(5u).get<int>(), 5);
  EXPECT_EQ(Json(UINT64_MAX).get<std::int64_t>(), INT64_MAX);  // saturates
  EXPECT_EQ(Json(-1).get<std::uint64_t>(), 0u);
  EXPECT_EQ(Json(1.9).get<std::int64_t>(), 1);
  EXPECT_EQ(Json(-1.9).get<std::int64_t>(), -1);
  EXPECT_EQ(Json(1e300).get<std::int64_t>(), INT64_MAX);
  EXPECT_EQ(Json(-1e300).get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(Json(7).get<double>(), 7.0);
  // A wrong type reads as an empty value (nlohmann aborted the process).
  EXPECT_EQ(Json(7).get<std::string>(), "");
  EXPECT_EQ(Json("7").get<int>(), 0);
  EXPECT_FALSE(Json("true").get<bool>());
  EXPECT_EQ(Json(7).get_ref<const std::string&>(), "");
  EXPECT_EQ(Json("x").get_ref<const std::string&>(), "x");
  int out = 0;
  Json(42).get_to(out);
  EXPECT_EQ(out, 42);
}

TEST(Json, Equality) {
  EXPECT_EQ(Json(1), Json(1u));
  EXPECT_EQ(Json(1), Json(1.0));
  EXPECT_EQ(parsed("1.0"), parsed("1"));
  EXPECT_EQ(parsed("1e2"), Json(100));
  EXPECT_NE(Json(-1), Json(UINT64_MAX));
  EXPECT_NE(Json("1"), Json(1));
  EXPECT_NE(Json(true), Json(1));
  EXPECT_EQ(Json(), Json(nullptr));
  EXPECT_NE(Json(), Json::object());
  EXPECT_NE(Json::array(), Json::object());
  EXPECT_EQ(parsed(R"({"b":1,"a":[1,2]})"), Json({{"a", {1, 2}}, {"b", 1}}));
  EXPECT_NE(parsed("[1,2]"), parsed("[2,1]"));
  EXPECT_NE(parsed(R"({"a":1})"), parsed(R"({"a":1,"b":2})"));
  EXPECT_NE(parsed(R"({"a":1})"), parsed(R"({"b":1})"));
  const Json nan(std::numeric_limits<double>::quiet_NaN());
  EXPECT_NE(nan, nan);
  EXPECT_TRUE(Json("x") == "x");
  EXPECT_TRUE(Json(3) == 3);
  // Integers compare exactly, also beyond 2^53 where doubles would merge them.
  EXPECT_EQ(Json(std::uint64_t{5}), Json(std::int64_t{5}));
  EXPECT_NE(parsed("9007199254740993"), parsed("9007199254740992"));
}

TEST(Json, ReferencesToMembersSurviveInsertions) {
  Json j = Json::object();
  Json& first = j["m"];
  for (int i = 0; i < 1000; ++i) j["k" + std::to_string(i)] = i;
  first = "still here";
  EXPECT_EQ(j["m"], Json("still here"));
}

TEST(Json, CopiesAreDeepAndMovesLeaveNull) {
  Json a = {{"x", {{"y", 1}}}};
  Json b = a;
  b["x"]["y"] = 2;
  EXPECT_EQ(a["x"]["y"], Json(1));
  Json c = std::move(b);
  EXPECT_TRUE(b.is_null());  // NOLINT: moved-from is specified as null
  EXPECT_EQ(c["x"]["y"], Json(2));
  // Assigning a value its own child keeps the child alive until the end.
  c = c["x"];
  EXPECT_EQ(c.dump(), R"({"y":2})");
  c = std::move(c["y"]);
  EXPECT_EQ(c, Json(2));
  Json& self = c;
  c = self;
  EXPECT_EQ(c, Json(2));
}

TEST(Json, TypedMemberHelpers) {
  const Json j = parsed(R"({"s":"x","i":-5,"u":18446744073709551615,"f":1.5,"b":false,"n":null})");
  EXPECT_EQ(json_string(j, "s"), std::optional<std::string>("x"));
  EXPECT_EQ(json_string(j, "i"), std::nullopt);
  EXPECT_EQ(json_int(j, "i"), std::optional<std::int64_t>(-5));
  EXPECT_EQ(json_int(j, "u"), std::nullopt);  // above INT64_MAX
  EXPECT_EQ(json_int(j, "f"), std::nullopt);
  EXPECT_EQ(json_bool(j, "b"), std::optional<bool>(false));
  EXPECT_EQ(json_bool(j, "n"), std::nullopt);
  EXPECT_NE(json_member(j, "n"), nullptr);
  EXPECT_EQ(json_member(j, "missing"), nullptr);
  EXPECT_EQ(json_member(Json::array({1}), "0"), nullptr);
  EXPECT_EQ(json_string(Json("s"), "s"), std::nullopt);
  // exp/iat-style integers beyond 2^53 stay exact up to INT64_MAX (no detour through double).
  const Json big = parsed(R"({"exp":9007199254740993,"iat":9223372036854775807,"nbf":-9007199254740993})");
  EXPECT_EQ(json_int(big, "exp"), std::optional<std::int64_t>(9007199254740993));
  EXPECT_EQ(json_int(big, "iat"), std::optional<std::int64_t>(INT64_MAX));
  EXPECT_EQ(json_int(big, "nbf"), std::optional<std::int64_t>(-9007199254740993));
  EXPECT_EQ(big.dump(), R"({"exp":9007199254740993,"iat":9223372036854775807,"nbf":-9007199254740993})");
}

// Random documents: dump -> parse -> dump is stable and equal.
TEST(Json, RandomRoundTrips) {
  std::uint64_t seed = 0x9E3779B97F4A7C15u;
  const auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  std::function<Json(int)> make = [&](int depth) -> Json {
    switch (next() % (depth > 4 ? 6 : 8)) {
      case 0: return nullptr;
      case 1: return next() % 2 == 0;
      case 2: return static_cast<std::int64_t>(next());
      case 3: return next();
      case 4: return static_cast<double>(static_cast<std::int64_t>(next() % 2000000) - 1000000) / 64.0;
      case 5: {
        std::string s;
        for (std::uint64_t n = next() % 8; n > 0; --n) s += static_cast<char>(next() % 256);
        return s;
      }
      case 6: {
        Json a = Json::array();
        for (std::uint64_t n = next() % 5; n > 0; --n) a.push_back(make(depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (std::uint64_t n = next() % 5; n > 0; --n) o[std::string(1, static_cast<char>('a' + next() % 26))] = make(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 2000; ++i) {
    const Json v = make(0);
    const std::string text = v.dump();
    auto back = parse_json(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
    EXPECT_EQ(back.value().dump(), text);
  }
}

// set() has overloads for strings, literals and null (no temporary Json at the call site): each
// makes the member the Json constructor would, and integers keep their signedness.
TEST(Json, SetMakesTheSameMembersAsTheConstructors) {
  Json j;
  const std::string text = "lvalue";
  std::string moved = "rvalue";
  const char* pointer = "pointer";
  j.set("a", text);
  j.set("b", std::move(moved));
  j.set("c", "literal");
  j.set("d", pointer);
  j.set("e", nullptr);
  j.set("f", std::uint64_t{18446744073709551615u});
  j.set("g", -1);
  j.set("h", Json(0));
  j.set("i", true);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["a"], Json("lvalue"));
  EXPECT_EQ(j["b"], Json("rvalue"));
  EXPECT_EQ(j["c"], Json("literal"));
  EXPECT_EQ(j["d"], Json("pointer"));
  EXPECT_TRUE(j["e"].is_null());
  EXPECT_TRUE(j["f"].is_number_unsigned());
  EXPECT_EQ(j["g"].get<std::int64_t>(), -1);
  EXPECT_TRUE(j["h"].is_number_integer());
  EXPECT_TRUE(j["i"].is_boolean());
  EXPECT_EQ(text, "lvalue");  // an lvalue is copied, not moved from
  EXPECT_EQ(j.dump(), R"({"a":"lvalue","b":"rvalue","c":"literal","d":"pointer","e":null,"f":18446744073709551615,"g":-1,"h":0,"i":true})");
}

}  // namespace
}  // namespace ssokit
