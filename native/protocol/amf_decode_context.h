// What one message's AMF decode shares between the AMF0 and AMF3 readers
// (amf0.h, amf3.h): printf-style errors, the per-message budget of values
// and bytes (AmfLimits), and the table of complex values that references
// point back to.
//
// References are resolved by replay: a table entry keeps only the offset of
// the referenced value's marker in the payload, and resolving re-reads the
// value from there. Replayed values count against the budget like any other
// (and against maxReferencedValues/maxReferencedBytes), so a few bytes of
// references cannot expand into a large tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/error.h"
#include "protocol/amf_value.h"

namespace rtmp::protocol::detail {

// Builds an Error with a printf-style message.
base::Error errorf(base::ErrorCode code, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

// Adds "what" as context to a failed read (typically kTruncated from
// ByteReader), so the error says which field ran out.
template <typename T>
base::Result<T> field(base::Result<T> result, const char* what) {
  if (!result.ok()) return std::move(result).error().withContext(what);
  return result;
}

struct AmfDecodeContext {
  std::span<const uint8_t> data;  // the whole payload; references replay from it
  AmfLimits limits;
  uint32_t values = 0;            // values materialized so far
  uint64_t outputBytes = 0;       // string/XML/byte-array bytes materialized so far
  uint32_t referencedValues = 0;  // of which copies made for references
  uint64_t referencedBytes = 0;
  uint32_t replaying = 0;  // > 0 while re-reading a referenced value: tables frozen

  base::Status countValue();
  // Counts n materialized bytes; `copy` marks a reference resolution (also
  // implied while replaying).
  base::Status countBytes(size_t n, bool copy = false);
  // Fails unless a container at depth+1 is allowed.
  base::Status enterContainer(uint32_t depth) const;
  // Reads `length` bytes of text (string, long string, XML), bounded by
  // maxStringLength and counted toward the per-message output budget.
  base::Result<std::string> readText(base::ByteReader& in, uint32_t length, const char* what);
  // Fails if `count` elements of at least `minBytesEach` bytes each cannot
  // be there: over maxElements (kLimitExceeded) or more than the remaining
  // input could hold (kTruncated). Call before reserving anything.
  base::Status checkCount(const base::ByteReader& in, uint64_t count, size_t minBytesEach,
                          const char* what) const;
};

// The complex values of one message that a reference can name by index:
// AMF0 objects, typed objects, ECMA and strict arrays (AMF0 §2.9); AMF3
// everything with a U29 reference header (AMF3 §2.2, the object table).
// An entry is added when such a value starts and marked complete when it
// ends; a reference to an incomplete entry would be a cycle, which an
// AmfValue tree cannot hold (kAmfReference).
class AmfReferenceTable {
 public:
  static constexpr size_t kNoSlot = SIZE_MAX;

  // `name` starts error messages, e.g. "amf3 object reference".
  explicit AmfReferenceTable(const char* name) : name_(name) {}

  // A complex value whose marker is at `offset` begins; returns its slot.
  // While replaying, the entry was added the first time round: kNoSlot.
  size_t add(size_t offset, const AmfDecodeContext& ctx) {
    if (ctx.replaying > 0) return kNoSlot;
    slots_.push_back(Slot{offset, false});
    return slots_.size() - 1;
  }
  void complete(size_t slot) {
    if (slot != kNoSlot) slots_[slot].complete = true;
  }
  size_t size() const { return slots_.size(); }

  // Resolves reference `index` by calling read(reader) on a reader placed at
  // the value's marker, with ctx.replaying raised for the duration.
  template <typename Read>
  base::Result<AmfValue> replay(uint32_t index, AmfDecodeContext& ctx, Read&& read) const {
    RTMP_ASSIGN(size_t offset, offsetOf(index));
    base::ByteReader again(ctx.data);
    RTMP_TRY(again.skip(offset));
    ++ctx.replaying;
    base::Result<AmfValue> value = read(again);
    --ctx.replaying;
    return value;
  }

 private:
  struct Slot {
    size_t offset;  // marker position of the value, for replay
    bool complete;
  };

  // kAmfReference when index is past the table or names an incomplete value.
  base::Result<size_t> offsetOf(uint32_t index) const;

  const char* name_;
  std::vector<Slot> slots_;
};

}  // namespace rtmp::protocol::detail
