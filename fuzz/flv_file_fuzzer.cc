// Fuzzes FlvFileReader with arbitrary files: every tag body must lie inside
// the file, and errors must stay sticky.
#include <cstddef>
#include <cstdint>

#include "media/flv_file_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtmp;
  base::Bytes file = base::Bytes::copyOf(std::span<const uint8_t>(data, size));
  auto reader = media::FlvFileReader::open(file, media::FlvFileLimits{.maxTagSize = 1 << 16});
  if (!reader.ok()) return 0;
  for (int i = 0; i < 100000; ++i) {
    auto tag = reader->next();
    if (!tag.ok()) {
      if (reader->next().ok()) __builtin_trap();
      return 0;
    }
    if (!tag->has_value()) return 0;
    const media::FlvFileTag& t = **tag;
    if (t.body.size() > 0 && (t.body.data() < file.data() ||
                              t.body.data() + t.body.size() > file.data() + file.size())) {
      __builtin_trap();
    }
    if (t.offset + media::kFlvTagHeaderSize + t.body.size() > file.size()) __builtin_trap();
  }
  return 0;
}
