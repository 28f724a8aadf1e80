// A device-only player in C++ on the installed SDK (find_package(ssokit), ssokit::native): the
// libcurl transport, an encrypted session file, the device sign-in with a QR code. Used by the
// consumer test (tests/idp/consumer.test.mjs) and the footprint measurement (bench/c_footprint.sh).
//
//   player_cpp ISSUER CLIENT_ID STORE_FILE     (key: SSOKIT_STORE_KEY, 64 hex digits)
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "ssokit/client.hpp"
#include "ssokit/native/curl_transport.hpp"
#include "ssokit/native/encrypted_file_store.hpp"
#include "ssokit/native/qr.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: player_cpp ISSUER CLIENT_ID STORE_FILE\n";
    return 2;
  }
  ssokit::SsoClientOptions options;
  options.config.issuer = argv[1];
  options.config.client_id = argv[2];
  options.config.redirect_uri = "http://127.0.0.1/callback";
  options.config.scope = "openid profile email offline_access";
  ssokit::native::CurlTransport transport;
  ssokit::native::EncryptedFileStore store(argv[3], std::make_unique<ssokit::native::EnvKeyProvider>("SSOKIT_STORE_KEY"));
  ssokit::SsoClient client(std::move(options), transport, store, ssokit::system_random(), [] {
    return static_cast<std::int64_t>(std::time(nullptr));
  });
  auto session = client.device_sign_in([](const ssokit::DeviceAuthorization& d) {
    std::cout << "Code: " << d.user_code << "\nVisit: " << d.display_uri() << std::endl;
    if (auto qr = ssokit::native::qr_encode(d.display_uri()); qr.ok()) std::cout << ssokit::native::qr_terminal(qr.value());
  });
  if (!session.ok()) {
    std::cout << "status: error " << session.error().code_name() << std::endl;
    return 1;
  }
  std::cout << "Viewer: " << session->profile.value("email", std::string("-")) << "\nstatus: signed-in" << std::endl;
  return 0;
}
