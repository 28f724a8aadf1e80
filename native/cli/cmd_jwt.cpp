// JWT commands: decode (unverified, and says so) and verify (full ID-token validation).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/url.hpp"

namespace ssokit::cli {
namespace {

// "-" reads the token from stdin, which keeps it out of the process list.
std::string token_argument(const Args& args) {
  std::string jwt = args.positional().at(0);
  if (jwt == "-") {
    std::getline(std::cin, jwt);
  }
  while (!jwt.empty() && (jwt.back() == '\n' || jwt.back() == '\r' || jwt.back() == ' ')) jwt.pop_back();
  return jwt;
}

Result<Json> run_decode(const Args& args) {
  SSOKIT_TRY(Jws jws, decode_jwt(token_argument(args)));
  return Json{{"verified", false},
              {"warning", "decoded without verifying the signature or any claim; use `ssokit verify` to validate"},
              {"header", jws.header},
              {"payload", jws.payload}};
}

Result<Json> jwks_document(const std::string& source) {
  std::string text;
  if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0) {
    // Keys fetched in clear would let anyone on the path make any token "verified".
    auto url = parse_url(source);
    if (!url.ok() || !is_https_or_loopback(url.value())) {
      return make_error(ErrorCode::invalid_url, "--jwks must be an https URL (plain http only on a loopback host) or a file");
    }
    HttpRequest request;
    request.url = source;
    request.headers = {{"Accept", "application/json"}};
    SSOKIT_TRY(HttpResponse response, transport().send(request));
    if (response.status != 200) {
      return make_error(ErrorCode::http_error, "the JWKS URL answered HTTP " + std::to_string(response.status),
                        {{"status", response.status}});
    }
    text = std::move(response.body);
  } else {
    std::ifstream in(source, std::ios::binary);
    if (!in) return make_error(ErrorCode::invalid_argument, "cannot read the JWKS file " + source);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  return parse_json_object(text, ErrorCode::invalid_response);
}

Result<Json> run_verify(const Args& args) {
  SSOKIT_TRY(Json document, jwks_document(*args.get("jwks")));
  SSOKIT_TRY(Jwks jwks, Jwks::parse(document));
  IdTokenExpectations expect;
  expect.issuer = *args.get("issuer");
  expect.client_id = *args.get("audience");
  if (auto n = args.get("nonce")) expect.nonce = *n;
  if (auto m = args.get("max-age")) {
    SSOKIT_TRY(expect.max_age, parse_seconds("max-age", *m));
  }
  if (auto s = args.get("clock-skew")) {
    SSOKIT_TRY(expect.clock_skew, parse_seconds("clock-skew", *s));
  }
  expect.trusted_audiences = args.get_all("trusted-audience");
  expect.client_secret = client_secret_from_env();
  expect.now = now_seconds();
  SSOKIT_TRY(ValidatedIdToken token, validate_id_token(token_argument(args), jwks, expect, verify_signature));
  return Json{{"verified", true}, {"header", token.header}, {"claims", token.claims}};
}

}  // namespace

std::vector<Command> jwt_commands() {
  return {
      {"decode", "JWT|-", "Decodes a JWT WITHOUT verifying it (prints header and payload; says so).", {}, 1, 1,
       run_decode},
      {"verify",
       "JWT|- --jwks FILE_OR_URL --issuer I --audience A [--nonce N] [--max-age S] [--clock-skew S] "
       "[--trusted-audience AUD]...",
       "Validates an ID token as a relying party would (OIDC Core 3.1.3.7): signature through the JWKS, iss, "
       "aud/azp, exp, iat, nbf, nonce. An audience besides A must be given with --trusted-audience "
       "(repeatable), else id_token_aud_mismatch. HS256 uses SSOKIT_CLIENT_SECRET.",
       {{"jwks", true, true}, {"issuer", true, true}, {"audience", true, true}, {"nonce"}, {"max-age"}, {"clock-skew"},
        {"trusted-audience", true, false, true}},
       1, 1, run_verify},
  };
}

}  // namespace ssokit::cli
