// Bytes: an immutable, reference-counted byte buffer with cheap slices.
// One allocation holds the count and the payload. Copying a Bytes bumps an
// atomic count; the payload itself is never copied. Safe to share across
// threads once built (the payload is never written after freeze()).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rtmp::base {

namespace detail {
struct BytesBlock {
  std::atomic<uint32_t> refs;
  size_t capacity;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
};
}  // namespace detail

class Bytes {
 public:
  Bytes() = default;
  Bytes(const Bytes& other) noexcept;
  Bytes(Bytes&& other) noexcept;
  Bytes& operator=(const Bytes& other) noexcept;
  Bytes& operator=(Bytes&& other) noexcept;
  ~Bytes();

  static Bytes copyOf(std::span<const uint8_t> data);
  static Bytes copyOf(std::string_view text);

  const uint8_t* data() const { return block_ ? block_->data() + offset_ : nullptr; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data(), size_}; }
  uint8_t operator[](size_t i) const { return data()[i]; }

  // A view of [offset, offset+length) sharing the same storage. Out-of-range
  // requests are clamped to the available bytes.
  Bytes slice(size_t offset, size_t length) const;
  Bytes slice(size_t offset) const { return slice(offset, size_ > offset ? size_ - offset : 0); }

  // Number of Bytes objects sharing the storage (for tests and stats).
  uint32_t useCount() const { return block_ ? block_->refs.load(std::memory_order_relaxed) : 0; }

  bool operator==(const Bytes& other) const;

 private:
  friend class BytesBuilder;
  Bytes(detail::BytesBlock* block, size_t offset, size_t size) noexcept
      : block_(block), offset_(offset), size_(size) {}
  void release() noexcept;

  detail::BytesBlock* block_ = nullptr;
  size_t offset_ = 0;
  size_t size_ = 0;
};

// BytesBuilder: a growable, writable buffer that becomes an immutable Bytes
// with freeze(), without copying when it fits its block.
class BytesBuilder {
 public:
  explicit BytesBuilder(size_t reserve = 256);
  BytesBuilder(const BytesBuilder&) = delete;
  BytesBuilder& operator=(const BytesBuilder&) = delete;
  BytesBuilder(BytesBuilder&& other) noexcept;
  BytesBuilder& operator=(BytesBuilder&& other) noexcept;
  ~BytesBuilder();

  void append(std::span<const uint8_t> data);
  void append(const uint8_t* data, size_t n) { append(std::span<const uint8_t>(data, n)); }
  void push(uint8_t byte);
  // Grows by n bytes and returns a pointer to them for the caller to fill.
  uint8_t* extend(size_t n);
  uint8_t* data() { return block_ ? block_->data() : nullptr; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

  // Hands the bytes over as an immutable Bytes; the builder is empty afterwards.
  Bytes freeze();

 private:
  void reserve(size_t capacity);
  detail::BytesBlock* block_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rtmp::base
