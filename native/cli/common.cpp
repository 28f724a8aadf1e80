// What several commands share: the transport, provider discovery, the session file.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "transport/curl_transport.hpp"

namespace ssokit::cli {

HttpTransport& transport() {
  static native::CurlTransport curl;
  return curl;
}

Result<ProviderMetadata> provider_for(const Args& args) {
  const std::string issuer = *args.get("issuer");
  auto authorization = args.get("authorization-endpoint");
  auto end_session = args.get("end-session-endpoint");
  if (authorization || end_session) {
    ProviderMetadata offline;
    offline.issuer = issuer;
    if (authorization) offline.authorization_endpoint = *authorization;
    if (end_session) offline.end_session_endpoint = *end_session;
    return offline;
  }
  SSOKIT_TRY(HttpRequest request, discovery_request(issuer));
  SSOKIT_TRY(HttpResponse response, transport().send(request));
  return process_discovery_response(issuer, response);
}

Result<Json> FileTokenStore::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Json::object();  // no file yet: an empty store
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parse_json_object(text.str(), ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the store file " + path_ + " is not a ssokit store; remove it or pick another path");
  return doc;
}

Status FileTokenStore::write(const Json& doc) const {
  const std::string tmp = path_ + ".tmp";
  const std::string text = dump_json(doc);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::storage_error, "cannot write the store file " + path_);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(ErrorCode::storage_error, "cannot write the store file " + path_);
  }
  return {};
}

Result<std::optional<std::string>> FileTokenStore::get(std::string_view key) {
  SSOKIT_TRY(Json doc, load());
  if (auto v = json_string(doc, key)) return std::optional<std::string>(*v);
  return std::optional<std::string>();
}

Status FileTokenStore::put(std::string_view key, std::string_view value) {
  SSOKIT_TRY(Json doc, load());
  doc[std::string(key)] = std::string(value);
  return write(doc);
}

Status FileTokenStore::remove(std::string_view key) {
  SSOKIT_TRY(Json doc, load());
  if (!doc.contains(std::string(key))) return {};
  doc.erase(std::string(key));
  return write(doc);
}

Result<std::optional<Session>> load_session(const std::string& store_path) {
  FileTokenStore store(store_path);
  SSOKIT_TRY(std::optional<std::string> text, store.get(std::string(kStorageKey) + ".session"));
  if (!text) return std::optional<Session>();
  auto doc = parse_json_object(*text, ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the stored session is unreadable; sign in again");
  SSOKIT_TRY(Session session, Session::from_json(doc.value()));
  return std::optional<Session>(std::move(session));
}

}  // namespace ssokit::cli
