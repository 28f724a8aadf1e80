// Showing text that a provider or platform wrote (a user code, a verification URL, an error
// message, a profile value) on a terminal or a page. Such text may carry control characters:
// a line break that adds a line of the provider's choosing under ours ("Visit: http://evil..."),
// a carriage return or escape sequence that overwrites or hides what we printed, a bidi override
// that reorders it. Used by the CLI, the loopback listener's page and, through ssokit_printable,
// the set-top sample.
#pragma once

#include <string>
#include <string_view>

namespace ssokit {

// `text` with every control character made visible and inert: C0 controls, DEL, C1 controls and
// bytes that are not UTF-8 become "\xNN"; the bidi controls (U+200E, U+200F, U+202A..U+202E,
// U+2066..U+2069) become "\u{NNNN}"; a backslash becomes "\\" so an escape cannot be forged.
// Everything else (printable ASCII, other UTF-8) is unchanged.
std::string printable_text(std::string_view text);

}  // namespace ssokit
