// streamone: browser-safe calls (no secret). Reading an API v3 envelope needs no key, so a page (or
// a tool) can classify an answer it was handed; everything that signs is in api_streamone_server.cpp.
#include <iterator>

#include "api_internal.hpp"
#include "ssokit/platforms/streamone.hpp"

namespace ssokit::api {

namespace {

// {response, sent_timestamp?} -> {status, statusmessage, header, body}, or the mapped error.
Result<Json> m_parse_envelope(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  std::optional<std::int64_t> sent;
  if (json_member(p, "sent_timestamp") != nullptr) {
    sent = json_int(p, "sent_timestamp");
    if (!sent) return bad_param("sent_timestamp", "must be unix seconds");
  }
  SSOKIT_TRY(streamone::Envelope envelope, streamone::parse_envelope(response, sent));
  Json out = Json::object();
  out.set("status", envelope.status);
  out.set("statusmessage", envelope.statusmessage);
  out.set("header", envelope.header);
  out.set("body", envelope.body);
  return out;
}

// {status} -> "SSO_TOKEN_UNKNOWN": the API's name for a status code.
Result<Json> m_status_name(const Json& p) {
  auto status = json_int(p, "status");
  if (!status || *status < 0 || *status > 99999) return bad_param("status", "must be a status code (integer)");
  return Json(streamone::status_name(static_cast<int>(*status)));
}

const Method kMethods[] = {
    {"streamone.parse_envelope", m_parse_envelope},
    {"streamone.status_name", m_status_name},
};

}  // namespace

MethodTable streamone_methods() { return {kMethods, std::size(kMethods)}; }

}  // namespace ssokit::api
