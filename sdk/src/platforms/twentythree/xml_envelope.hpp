// A tiny, bounded reader for the TwentyThree API's XML answer and nothing else:
//
//   <?xml ...?>                                  (optional)
//   <response status="ok" message="..." ...>     (attributes)
//     <access_token>...</access_token>           (leaf children: name -> text)
//   </response>                                  (or <response .../> for errors)
//
// Not a general XML parser: no DTD (a DOCTYPE is refused, so no entity expansion), only the five
// predefined entities and character references, ASCII names. Children that hold elements are
// parsed and skipped. Input size, element count and depth are bounded.
#pragma once

#include <string>
#include <string_view>

#include "ssokit/result.hpp"
#include "ssokit/url.hpp"

namespace ssokit::twentythree::detail {

struct XmlEnvelope {
  std::string root;   // the root element's name
  Params attributes;  // the root's attributes, decoded
  Params children;    // the root's text-only child elements: name -> decoded text
};

inline constexpr std::size_t kMaxXmlBytes = 256 * 1024;
inline constexpr int kMaxXmlDepth = 16;
inline constexpr int kMaxXmlElements = 1024;

// invalid_response with a short reason when the text is not such a document.
Result<XmlEnvelope> parse_xml_envelope(std::string_view text);

}  // namespace ssokit::twentythree::detail
