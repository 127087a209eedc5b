#include "server/stream_name.h"

namespace rtmp::server {

NameAndQuery splitQuery(std::string_view raw) {
  NameAndQuery out;
  size_t q = raw.find('?');
  if (q == std::string_view::npos) {
    out.name = std::string(raw);
  } else {
    out.name = std::string(raw.substr(0, q));
    out.query = std::string(raw.substr(q + 1));
  }
  // Some encoders leave a trailing slash on app names ("live/").
  while (!out.name.empty() && out.name.back() == '/') out.name.pop_back();
  return out;
}

std::string tcUrlQuery(std::string_view tcUrl) {
  size_t q = tcUrl.find('?');
  return q == std::string_view::npos ? std::string() : std::string(tcUrl.substr(q + 1));
}

std::string joinQueries(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += '&';
  out += b;
  return out;
}

namespace {

constexpr size_t kMaxNameBytes = 256;

// Length of the UTF-8 sequence at the front of `s`, or 0 if it is not a
// well-formed one (Unicode 15, Table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF). Sets *c1 for U+0080..U+009F (C1 controls).
size_t utf8SequenceLength(std::string_view s, bool* c1) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto inRange = [&](size_t i, unsigned char lo, unsigned char hi) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  const unsigned char b0 = byte(0);
  *c1 = false;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!inRange(1, 0x80, 0xBF)) return 0;
    *c1 = b0 == 0xC2 && byte(1) <= 0x9F;
    return 2;
  }
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  size_t length = 0;
  if (b0 == 0xE0) {
    lo = 0xA0, length = 3;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    length = 3;
  } else if (b0 == 0xED) {
    hi = 0x9F, length = 3;  // U+D800..U+DFFF are surrogates
  } else if (b0 == 0xF0) {
    lo = 0x90, length = 4;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    length = 4;
  } else if (b0 == 0xF4) {
    hi = 0x8F, length = 4;  // nothing above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (!inRange(1, lo, hi)) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!inRange(i, 0x80, 0xBF)) return 0;
  }
  return length;
}

}  // namespace

const char* streamNameProblem(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.size() > kMaxNameBytes) return "the name is longer than 256 bytes";
  bool segmentStart = true;
  for (size_t i = 0; i < name.size();) {
    const char c = name[i];
    if (c == '/') {
      if (segmentStart) return "the name has an empty path segment ('/' at an end or '//')";
      segmentStart = true;
      ++i;
      continue;
    }
    if (segmentStart && c == '.') return "a path segment of the name starts with '.'";
    segmentStart = false;
    bool c1 = false;
    const size_t length = utf8SequenceLength(name.substr(i), &c1);
    if (length == 0) return "the name is not valid UTF-8";
    if (c1 || (length == 1 && (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)))
      return "the name contains a control character";
    if (c == '%') return "the name contains '%' (names are never percent-decoded)";
    if (length == 1 && std::string_view("\\#\"*:<>|").find(c) != std::string_view::npos)
      return "the name contains one of \\ # \" * : < > |";
    if (c == '.' && i + 1 < name.size() && name[i + 1] == '.') return "the name contains '..'";
    i += length;
  }
  if (segmentStart) return "the name has an empty path segment ('/' at an end or '//')";
  return nullptr;
}

}  // namespace rtmp::server
