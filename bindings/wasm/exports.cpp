// C exports of the JSON call interface for JavaScript. Strings cross as NUL-terminated UTF-8;
// the returned buffer belongs to the caller, who releases it with ssokit_free.
#include <cstdlib>
#include <cstring>

#include "api.hpp"

extern "C" {

__attribute__((used)) char* ssokit_call(const char* method, const char* params_json) {
  std::string out = ssokit::api::call_text(method ? method : "", params_json ? params_json : "");
  char* buffer = static_cast<char*>(std::malloc(out.size() + 1));
  if (buffer == nullptr) return nullptr;
  std::memcpy(buffer, out.c_str(), out.size() + 1);
  return buffer;
}

__attribute__((used)) void ssokit_free(char* buffer) { std::free(buffer); }

}  // extern "C"
