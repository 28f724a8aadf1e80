// `ssokit device`: the Device Authorization Grant (RFC 8628) for boxes without a browser. Shows
// the user code, the verification URL and a QR code on stderr, polls until the person confirms
// on another device, and prints the session like `ssokit login`. Ctrl-C cancels.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "ssokit/native/qr.hpp"
#include "ssokit/native/file_io.hpp"
#include "ssokit/client.hpp"

namespace ssokit::cli {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

// Restores the previous SIGINT disposition when the command ends.
class InterruptGuard {
 public:
  InterruptGuard() : previous_(std::signal(SIGINT, on_interrupt)) { g_interrupted.store(false); }
  ~InterruptGuard() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_)(int);
};

void show_code(const DeviceAuthorization& device, const Args& args) {
  // The first two lines are a contract (tests and scripts parse them). What the provider wrote is
  // shown with its control characters escaped (ssokit/display.hpp), so it cannot add lines.
  std::cerr << "Code: " << printable_text(device.user_code) << "\n"
            << "Visit: " << printable_text(device.display_uri()) << std::endl;
  if (!args.flag("no-qr")) {
    auto qr = native::qr_encode(device.display_uri());
    if (qr.ok()) {
      std::cerr << "\n" << native::qr_terminal(qr.value()) << "\n";
    } else {
      std::cerr << "(no QR code: " << qr.error().message << ")\n";
    }
    if (auto svg_path = args.get("qr-svg"); svg_path && qr.ok()) {
      auto written = native::replace_file(*svg_path, native::qr_svg(qr.value()), "the QR code file");
      if (!written.ok()) std::cerr << "(could not write the QR code to " << printable_text(*svg_path) << ")\n";
    }
  }
  if (!device.verification_uri_complete.empty()) {
    std::cerr << "Or open " << printable_text(device.verification_uri) << " and enter the code.\n";
  }
  std::cerr << "Waiting for the sign-in to be confirmed (the code expires in " << device.expires_in
            << " s; Ctrl-C cancels)..." << std::endl;
}

Result<Json> run_device(const Args& args) {
  // --timeout: the whole sign-in (waiting for the confirmation included) ends with timeout after
  // this many seconds, and no request to the provider takes longer.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (auto t = args.get("timeout")) {
    SSOKIT_TRY(std::int64_t seconds, parse_seconds("timeout", *t));
    limit_request_time(seconds);
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  }
  SSOKIT_TRY(SsoClientOptions options, client_options(args, "http://127.0.0.1/callback"));

  std::unique_ptr<TokenStore> store = args.get("store") ? open_store(*args.get("store")) : std::make_unique<MemoryTokenStore>();
  SsoClient client(std::move(options), transport(), *store, system_random(), now_seconds);

  InterruptGuard guard;
  bool timed_out = false;
  auto session = client.device_sign_in([&](const DeviceAuthorization& d) { show_code(d, args); }, [&] {
    if (g_interrupted.load()) return true;
    timed_out = deadline && std::chrono::steady_clock::now() >= *deadline;
    return timed_out;
  });
  if (!session.ok() && timed_out && session.error().code == ErrorCode::cancelled) {
    return make_error(ErrorCode::timeout, "the sign-in was not confirmed within --timeout " + *args.get("timeout") +
                                              " seconds; run ssokit device again for a new code");
  }
  if (!session.ok()) return session.take_error();
  return session_output(session.value());
}

}  // namespace

std::vector<Command> device_commands() {
  return {
      {"device",
       "--issuer URL --client-id ID [--scope S] [--store FILE] [--timeout SECONDS] [--no-qr] [--qr-svg FILE] "
       "[--profile-mapping PRESET|FILE] [--no-userinfo] [--trusted-audience AUD]... [--alg NAME ...] [--dpop] " CLIENT_AUTH_USAGE,
       "Signs in with the device authorization grant (RFC 8628): shows a code, the verification URL and a QR "
       "code on stderr (first lines \"Code: ...\" and \"Visit: ...\"), polls until the sign-in is confirmed on "
       "another device, and prints tokens, claims and profile as login does. --qr-svg also writes the QR code "
       "as SVG. --timeout: the sign-in ends with the error timeout when it is not confirmed within this many "
       "seconds (default: until the code expires), and no request to the provider takes longer. "
       "A confidential client's secret comes from SSOKIT_CLIENT_SECRET, client authentication as for login; "
       "--store, --no-userinfo, --trusted-audience and --alg as for login. " DPOP_HELP,
       {{"issuer", true, true},
        {"client-id", true, true},
        {"scope"},
        {"store"},
        {"timeout"},
        {"no-qr", false},
        {"qr-svg"},
        {"profile-mapping"},
        {"no-userinfo", false},
        {"trusted-audience", true, false, true},
        {"alg", true, false, true},
        {"dpop", false},
        {"auth-method"},
        {"private-key"},
        {"private-key-id"},
        {"private-key-alg"}},
       0,
       0,
       run_device},
  };
}

}  // namespace ssokit::cli
