// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 section 3), as the TwentyThree API requires.
// Every step is a separate function so the RFC's own examples can check each one.
#include <algorithm>

#include "ssokit/crypto.hpp"
#include "ssokit/platforms/twentythree.hpp"

namespace ssokit::twentythree {

namespace {

constexpr std::string_view kSignatureMethod = "HMAC-SHA1";

bool is_protocol_name(std::string_view name) { return name.substr(0, 6) == "oauth_"; }

Error bad_request(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

Status check_credentials(const OAuth1Credentials& c) {
  // Names only: a message never carries a credential's value.
  if (c.consumer_key.empty()) return bad_request("the OAuth consumer key is empty");
  if (c.consumer_secret.empty()) return bad_request("the OAuth consumer secret is empty");
  if (c.token.empty()) return bad_request("the OAuth access token is empty");
  if (c.token_secret.empty()) return bad_request("the OAuth access token secret is empty");
  return {};
}

Status check_request(const OAuth1Request& r) {
  if (r.method != "GET" && r.method != "POST") return bad_request("the request method must be GET or POST");
  if (r.method == "POST" && r.placement == OAuth1Placement::query) {
    return bad_request("on POST the OAuth parameters cannot go in the query string (TwentyThree does not read it): "
                       "use the Authorization header or the body");
  }
  if (r.method == "GET" && r.placement == OAuth1Placement::body) {
    return bad_request("a GET request has no body for the OAuth parameters: use the header or the query");
  }
  for (const auto& [name, value] : r.params) {
    if (is_protocol_name(name)) return bad_request("request parameters must not start with \"oauth_\"");
  }
  SSOKIT_TRY(Url url, parse_url(r.url));
  if (r.method == "POST" && url.query.has_value()) {
    return bad_request("a POST URL must not have a query string: TwentyThree ignores it; pass the parameters instead");
  }
  if (url.fragment.has_value()) return bad_request("the request URL must not have a fragment");
  return {};
}

// Parameters as sent on the wire: RFC 5849 encoding, which a form decoder reads back exactly.
std::string encode_pairs(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += oauth1_encode(name);
    out += '=';
    out += oauth1_encode(value);
  }
  return out;
}

}  // namespace

std::string oauth1_encode(std::string_view text) { return percent_encode(text); }

Result<std::string> oauth1_base_string_uri(std::string_view url) {
  SSOKIT_TRY(Url u, parse_url(url));
  if (u.host.empty()) return make_error(ErrorCode::invalid_url, "the request URL has no host");
  // parse_url lower-cases scheme and host (section 3.4.1.2 items 1 and 2).
  std::string out = u.scheme + "://";
  out += u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  const bool default_port = (u.scheme == "http" && u.port == 80) || (u.scheme == "https" && u.port == 443);
  if (u.port && !default_port) out += ":" + std::to_string(*u.port);
  out += u.path.empty() ? "/" : u.path;
  return out;
}

Result<Params> oauth1_collect_parameters(std::string_view url, std::string_view form_body, const Params& protocol) {
  SSOKIT_TRY(Url u, parse_url(url));
  Params all;
  if (u.query) {
    SSOKIT_TRY(all, form_decode(*u.query));
  }
  SSOKIT_TRY(Params body, form_decode(form_body));
  all.insert(all.end(), body.begin(), body.end());
  for (const auto& p : protocol) {
    if (p.first != "oauth_signature" && p.first != "realm") all.push_back(p);
  }
  return all;
}

std::string oauth1_normalize_parameters(const Params& decoded) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(decoded.size());
  for (const auto& [name, value] : decoded) encoded.emplace_back(oauth1_encode(name), oauth1_encode(value));
  // Byte order of the encoded names, then of the encoded values (section 3.4.1.3.2 item 2).
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

Result<std::string> oauth1_signature_base_string(std::string_view method, std::string_view url,
                                                 const Params& decoded) {
  SSOKIT_TRY(std::string uri, oauth1_base_string_uri(url));
  std::string upper(method);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  return oauth1_encode(upper) + "&" + oauth1_encode(uri) + "&" + oauth1_encode(oauth1_normalize_parameters(decoded));
}

std::string oauth1_hmac_sha1(std::string_view base_string, std::string_view consumer_secret,
                             std::string_view token_secret) {
  const std::string key = oauth1_encode(consumer_secret) + "&" + oauth1_encode(token_secret);
  const Bytes mac = hmac(HashAlg::sha1, key, base_string);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

std::string oauth1_authorization_header(const Params& protocol) {
  std::string out = "OAuth ";
  bool first = true;
  for (const auto& [name, value] : protocol) {
    if (!first) out += ", ";
    first = false;
    out += oauth1_encode(name) + "=\"" + oauth1_encode(value) + "\"";
  }
  return out;
}

Result<HttpRequest> oauth1_sign(const OAuth1Request& request, const OAuth1Credentials& credentials,
                                std::string_view nonce, std::int64_t timestamp) {
  SSOKIT_CHECK(check_credentials(credentials));
  SSOKIT_CHECK(check_request(request));
  if (nonce.empty()) return bad_request("the OAuth nonce is empty");
  if (timestamp <= 0) return bad_request("the OAuth timestamp must be a positive number of seconds");

  Params protocol = {
      {"oauth_consumer_key", credentials.consumer_key},
      {"oauth_nonce", std::string(nonce)},
      {"oauth_signature_method", std::string(kSignatureMethod)},
      {"oauth_timestamp", std::to_string(timestamp)},
      {"oauth_token", credentials.token},
      {"oauth_version", "1.0"},
  };
  // What is signed: the URL's own query (GET), the request parameters and the protocol ones.
  SSOKIT_TRY(Params signed_params, oauth1_collect_parameters(request.url, "", protocol));
  signed_params.insert(signed_params.end(), request.params.begin(), request.params.end());
  SSOKIT_TRY(std::string base, oauth1_signature_base_string(request.method, request.url, signed_params));
  protocol.emplace_back("oauth_signature", oauth1_hmac_sha1(base, credentials.consumer_secret, credentials.token_secret));

  HttpRequest out;
  out.method = request.method;
  out.idempotent = false;  // TwentyThree calls issue tokens: never retried blindly
  Params on_wire = request.params;
  switch (request.placement) {
    case OAuth1Placement::header:
      out.headers.emplace_back("Authorization", oauth1_authorization_header(protocol));
      break;
    case OAuth1Placement::body:
    case OAuth1Placement::query:
      on_wire.insert(on_wire.end(), protocol.begin(), protocol.end());
      break;
  }
  if (request.method == "POST") {
    out.url = request.url;
    out.body = encode_pairs(on_wire);
    out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    SSOKIT_TRY(Url url, parse_url(request.url));
    if (!on_wire.empty()) {
      const std::string extra = encode_pairs(on_wire);
      url.query = url.query && !url.query->empty() ? *url.query + "&" + extra : extra;
    }
    SSOKIT_TRY(out.url, build_url(url));
  }
  return out;
}

Result<HttpRequest> oauth1_sign(const OAuth1Request& request, const OAuth1Credentials& credentials,
                                RandomSource& random, std::int64_t now) {
  SSOKIT_TRY(std::string nonce, random_token(random, 16));
  return oauth1_sign(request, credentials, nonce, now);
}

}  // namespace ssokit::twentythree
