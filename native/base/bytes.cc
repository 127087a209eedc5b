#include "base/bytes.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace rtmp::base {

namespace {

detail::BytesBlock* allocateBlock(size_t capacity) {
  void* raw = std::malloc(sizeof(detail::BytesBlock) + capacity);
  if (raw == nullptr) throw std::bad_alloc();
  auto* block = new (raw) detail::BytesBlock;
  block->refs.store(1, std::memory_order_relaxed);
  block->capacity = capacity;
  return block;
}

void freeBlock(detail::BytesBlock* block) {
  block->~BytesBlock();
  std::free(block);
}

}  // namespace

Bytes::Bytes(const Bytes& other) noexcept
    : block_(other.block_), offset_(other.offset_), size_(other.size_) {
  if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

Bytes::Bytes(Bytes&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)),
      offset_(std::exchange(other.offset_, 0)),
      size_(std::exchange(other.size_, 0)) {}

Bytes& Bytes::operator=(const Bytes& other) noexcept {
  if (this != &other) {
    if (other.block_) other.block_->refs.fetch_add(1, std::memory_order_relaxed);
    release();
    block_ = other.block_;
    offset_ = other.offset_;
    size_ = other.size_;
  }
  return *this;
}

Bytes& Bytes::operator=(Bytes&& other) noexcept {
  if (this != &other) {
    release();
    block_ = std::exchange(other.block_, nullptr);
    offset_ = std::exchange(other.offset_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Bytes::~Bytes() {
  release();
}

void Bytes::release() noexcept {
  // acq_rel: the last owner must see every write made before other owners let go.
  if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) freeBlock(block_);
  block_ = nullptr;
}

Bytes Bytes::copyOf(std::span<const uint8_t> data) {
  BytesBuilder builder(data.size());
  builder.append(data);
  return builder.freeze();
}

Bytes Bytes::copyOf(std::string_view text) {
  return copyOf(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Bytes Bytes::slice(size_t offset, size_t length) const {
  if (offset > size_) offset = size_;
  if (length > size_ - offset) length = size_ - offset;
  if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  return Bytes(block_, offset_ + offset, length);
}

bool Bytes::operator==(const Bytes& other) const {
  return size_ == other.size_ && (size_ == 0 || std::memcmp(data(), other.data(), size_) == 0);
}

BytesBuilder::BytesBuilder(size_t reserveBytes) {
  reserve(reserveBytes);
}

BytesBuilder::BytesBuilder(BytesBuilder&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)), size_(std::exchange(other.size_, 0)) {}

BytesBuilder& BytesBuilder::operator=(BytesBuilder&& other) noexcept {
  if (this != &other) {
    if (block_) freeBlock(block_);
    block_ = std::exchange(other.block_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

BytesBuilder::~BytesBuilder() {
  if (block_) freeBlock(block_);
}

void BytesBuilder::reserve(size_t capacity) {
  if (block_ && block_->capacity >= capacity) return;
  size_t grown = block_ ? block_->capacity * 2 : 0;
  if (grown < capacity) grown = capacity;
  if (grown < 64) grown = 64;
  detail::BytesBlock* fresh = allocateBlock(grown);
  if (block_) {
    if (size_ > 0) std::memcpy(fresh->data(), block_->data(), size_);
    freeBlock(block_);
  }
  block_ = fresh;
}

uint8_t* BytesBuilder::extend(size_t n) {
  reserve(size_ + n);
  uint8_t* out = block_->data() + size_;
  size_ += n;
  return out;
}

void BytesBuilder::append(std::span<const uint8_t> data) {
  if (data.empty()) return;
  std::memcpy(extend(data.size()), data.data(), data.size());
}

void BytesBuilder::push(uint8_t byte) {
  *extend(1) = byte;
}

Bytes BytesBuilder::freeze() {
  if (!block_) return Bytes();
  Bytes out(std::exchange(block_, nullptr), 0, std::exchange(size_, 0));
  return out;
}

}  // namespace rtmp::base
