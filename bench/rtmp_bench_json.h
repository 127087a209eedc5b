// A small JSON writer for the one result object rtmp-bench prints, and the
// summary statistics that go into it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtmp::bench {

class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  // Non-finite numbers and nullopt are written as null.
  JsonWriter& number(std::optional<double> value);
  JsonWriter& integer(int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  JsonWriter& string(std::string_view text);
  const std::string& text() const { return out_; }

 private:
  void separator();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool afterKey_ = false;
};

// Nearest-rank percentile (p in 0..100) of the values; nullopt when empty.
// Sorts `values` in place.
std::optional<double> percentile(std::vector<double>& values, double p);

}  // namespace rtmp::bench
