#include "net/mailbox.h"

namespace rtmp::net {

Mailbox::~Mailbox() {
  Task* node = head_;
  while (node != nullptr) {
    Task* next = node->next_;
    delete node;
    node = next;
  }
}

bool Mailbox::push(std::unique_ptr<Task> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) {
    return false;  // `task` is destroyed on return, on this thread
  }
  Task* node = task.release();
  node->next_ = nullptr;
  const bool wasEmpty = head_ == nullptr;
  if (wasEmpty) {
    head_ = node;
  } else {
    tail_->next_ = node;
  }
  tail_ = node;
  // Only the push that makes the queue non-empty needs to wake the consumer:
  // any later push finds that wake-up still pending (the consumer empties the
  // queue only after being woken). The wake runs under the lock so that it
  // can never race with the owner tearing the wake-up handle down after
  // close().
  if (wasEmpty) {
    wake_(wakeArg_);
  }
  return true;
}

size_t Mailbox::drain() {
  Task* node;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    node = head_;
    head_ = nullptr;
    tail_ = nullptr;
  }
  size_t count = 0;
  while (node != nullptr) {
    std::unique_ptr<Task> owned(node);
    node = node->next_;
    owned->run();
    ++count;
  }
  return count;
}

void Mailbox::open() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!opened_) {
    opened_ = true;
    closed_ = false;
  }
}

void Mailbox::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  opened_ = true;  // a closed mailbox never reopens
  if (closed_) {
    return;
  }
  closed_ = true;
  wake_(wakeArg_);
}

bool Mailbox::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

}  // namespace rtmp::net
