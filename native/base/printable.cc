#include "base/printable.h"

namespace rtmp::base {

std::string printable(std::string_view text, size_t maxBytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t shown = text.size() < maxBytes ? text.size() : maxBytes;
  std::string out;
  out.reserve(shown + 16);
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (shown < text.size())
    out += "\xE2\x80\xA6(+" + std::to_string(text.size() - shown) + " bytes)";
  return out;
}

}  // namespace rtmp::base
