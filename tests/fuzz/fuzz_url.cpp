// URL, query, percent and form encoding (ssokit/url.hpp). Invariants: a parsed URL recomposes
// (to_string, build_url) and parses back to the same components; percent and form encoding
// round-trip.
#include "fuzz_common.hpp"
#include "ssokit/url.hpp"

using namespace ssokit;

static bool same_components(const Url& a, const Url& b) {
  return a.scheme == b.scheme && a.userinfo == b.userinfo && a.host == b.host && a.port == b.port &&
         a.path == b.path && a.query == b.query && a.fragment == b.fragment;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);

  if (auto url = parse_url(text)) {
    std::string again = url->to_string();
    auto reparsed = parse_url(again);
    FUZZ_CHECK(reparsed.ok());
    FUZZ_CHECK(same_components(*url, *reparsed));
    FUZZ_CHECK(reparsed->to_string() == again);
    auto built = build_url(*url);
    FUZZ_CHECK(built.ok() && *built == again);
    (void)url->origin();
    (void)url->effective_port();
    (void)query_params(*url);
    (void)fragment_params(*url);
    (void)add_query_params(text, {{"a", "b c"}, {"", "&="}});
    (void)same_origin(text, "https://example.com:443/x");
  }

  {
    auto round = percent_decode(percent_encode(text));
    FUZZ_CHECK(round.ok() && *round == text);
  }
  (void)percent_decode(text);

  if (auto params = form_decode(text)) {
    auto round = form_decode(form_encode(*params));
    FUZZ_CHECK(round.ok());
    // Pieces with an empty name and value come back as "=": form_decode keeps them, so the
    // round trip is exact.
    FUZZ_CHECK(*round == *params);
  }
  return 0;
}
