#include "net/loop_thread.h"

#include <pthread.h>
#include <signal.h>
#include <uv.h>

#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include "base/log.h"
#include "net/uv_util.h"

namespace rtmp::net {

struct LoopThread::Uv {
  uv_loop_t loop;
  uv_async_t async;  // the mailbox's wake-up handle
};

namespace {

thread_local LoopThread* tCurrentLoop = nullptr;

void countHandle(uv_handle_t*, void* arg) {
  ++*static_cast<size_t*>(arg);
}

void closeLeftover(uv_handle_t* handle, void*) {
  if (!uv_is_closing(handle)) {
    uv_close(handle, nullptr);
  }
}

}  // namespace

LoopThread::LoopThread(std::string name, size_t index)
    : name_(std::move(name)),
      index_(index),
      uv_(std::make_unique<Uv>()),
      mailbox_(&LoopThread::wakeFromMailbox, this),
      readBuffer_(new uint8_t[kReadBufferSize]) {}

LoopThread::~LoopThread() {
  stop();
  if (thread_.joinable()) {
    // Only reachable when destroyed on its own thread, which is a caller bug;
    // detaching beats std::terminate from ~thread.
    base::log(base::LogLevel::kError, "net", name_ + ": LoopThread destroyed on its own thread");
    thread_.detach();
  }
}

base::Status LoopThread::start() {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (state_ != State::kIdle) {
      return base::Error(base::ErrorCode::kInvalidArgument,
                         name_ + ": a LoopThread can be started only once");
    }
  }
  std::promise<base::Status> ready;
  std::future<base::Status> result = ready.get_future();
  thread_ = std::thread(&LoopThread::threadMain, this, &ready);
  base::Status status = result.get();
  if (!status.ok()) {
    thread_.join();
  }
  return status;
}

void LoopThread::threadMain(std::promise<base::Status>* ready) {
  threadId_.store(std::this_thread::get_id());
  tCurrentLoop = this;
  // libuv writes to sockets with write(2), which raises SIGPIPE when the peer
  // has reset the connection; by default that kills the process. Node ignores
  // SIGPIPE process-wide, a standalone engine might not. Blocking it in this
  // thread only (no process-wide change) makes such a write fail with EPIPE,
  // which closes that one connection.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
#ifdef __linux__
  std::string threadName = name_ + "-" + std::to_string(index_);
  threadName.resize(std::min<size_t>(threadName.size(), 15));  // kernel limit
  pthread_setname_np(pthread_self(), threadName.c_str());
#endif

  int rc = uv_loop_init(&uv_->loop);
  if (rc == 0) {
    uv_->loop.data = this;
    // Idle-time accounting (a clock read around each poll) for the loop's
    // utilisation in stats; must be set before the loop runs.
    uv_loop_configure(&uv_->loop, UV_METRICS_IDLE_TIME);
    rc = uv_async_init(&uv_->loop, &uv_->async,
                       [](uv_async_t* async) { static_cast<LoopThread*>(async->data)->onWake(); });
    if (rc == 0) {
      uv_->async.data = this;
    } else {
      uv_loop_close(&uv_->loop);
    }
  }
  if (rc != 0) {
    {
      std::lock_guard<std::mutex> lock(stateMutex_);
      state_ = State::kStopped;
    }
    tCurrentLoop = nullptr;
    ready->set_value(detail::uvError(base::ErrorCode::kInternal, name_ + ": loop init", rc));
    return;
  }
  // Open the mailbox before publishing kRunning: requestStop() closes it only
  // after seeing kRunning, and that close must find it open to wake the loop.
  mailbox_.open();
  bool stoppedEarly = false;
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (state_ == State::kIdle) {
      state_ = State::kRunning;
    } else {  // requestStop() raced with start(): shut down at once
      state_ = State::kStopping;
      stoppedEarly = true;
    }
  }
  if (stoppedEarly) {
    mailbox_.close();
  }
  ready->set_value(base::okStatus());  // `ready` dangles from here on

  // Runs until the wake-up handle and every resource handle are closed.
  uv_run(&uv_->loop, UV_RUN_DEFAULT);

  // uv_run(DEFAULT) returns only once no handle is active or closing, so any
  // handle still listed here is open but idle: a resource that was never
  // attached. Count it for the tests, then close it so the loop can close.
  size_t leftover = 0;
  uv_walk(&uv_->loop, countHandle, &leftover);
  handlesLeftAtStop_ = leftover;
  if (leftover != 0) {
    base::log(base::LogLevel::kError, "net",
              name_ + ": " + std::to_string(leftover) + " handle(s) left open at loop stop");
    uv_walk(&uv_->loop, closeLeftover, nullptr);
    uv_run(&uv_->loop, UV_RUN_DEFAULT);
  }
  rc = uv_loop_close(&uv_->loop);
  if (rc != 0) {
    base::log(base::LogLevel::kError, "net", name_ + ": uv_loop_close: " + detail::uvErrorText(rc));
  }
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    state_ = State::kStopped;
  }
  tCurrentLoop = nullptr;
}

void LoopThread::wakeFromMailbox(void* self) {
  // Called with the mailbox lock held, and only while the mailbox is open or
  // closing for the first time: the async handle is alive in both cases.
  uv_async_send(&static_cast<LoopThread*>(self)->uv_->async);
}

void LoopThread::onWake() {
  mailbox_.drain();
  if (!closing_ && mailbox_.closed()) {
    beginShutdown();
  }
}

void LoopThread::beginShutdown() {
  // A post may have slipped in between the drain above and the close; it was
  // accepted, so it runs (and anything it creates is closed below).
  mailbox_.drain();
  closing_ = true;
  base::Error reason(base::ErrorCode::kClosed);
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    reason = stopReason_;
  }
  // Snapshot first: shutdown() only starts closing, but keep the walk
  // independent of whatever a resource does to the list.
  std::vector<LoopResource*> resources;
  for (LoopResource* r = resources_; r != nullptr; r = r->next_) {
    resources.push_back(r);
  }
  for (LoopResource* r : resources) {
    r->shutdown(reason);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&uv_->async), nullptr);
}

void LoopThread::requestStop(base::Error reason) {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (state_ == State::kIdle) {
      state_ = State::kStopped;
      return;
    }
    if (state_ != State::kRunning) {
      return;
    }
    state_ = State::kStopping;
    stopReason_ = std::move(reason);
  }
  mailbox_.close();  // refuses further posts and wakes the loop to shut down
}

void LoopThread::stop(base::Error reason) {
  requestStop(std::move(reason));
  join();
}

void LoopThread::join() {
  if (thread_.joinable() && !isCurrentThread()) {
    thread_.join();
  }
}

bool LoopThread::post(std::unique_ptr<Task> task) {
  return mailbox_.push(std::move(task));
}

bool LoopThread::isCurrentThread() const {
  return threadId_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

LoopThread* LoopThread::current() {
  return tCurrentLoop;
}

bool LoopThread::running() const {
  std::lock_guard<std::mutex> lock(stateMutex_);
  return state_ == State::kRunning;
}

size_t LoopThread::handleCount() const {
  size_t count = 0;
  uv_walk(&uv_->loop, countHandle, &count);
  return count;
}

uint64_t LoopThread::idleTimeNs() const {
  return uv_metrics_idle_time(&uv_->loop);
}

uv_loop_s* LoopThread::uvLoop() {
  return &uv_->loop;
}

void LoopThread::attach(LoopResource* resource) {
  if (resource->attached_) {
    return;
  }
  resource->attached_ = true;
  resource->prev_ = nullptr;
  resource->next_ = resources_;
  if (resources_ != nullptr) {
    resources_->prev_ = resource;
  }
  resources_ = resource;
}

void LoopThread::detach(LoopResource* resource) {
  if (!resource->attached_) {
    return;
  }
  if (resource->prev_ != nullptr) {
    resource->prev_->next_ = resource->next_;
  } else {
    resources_ = resource->next_;
  }
  if (resource->next_ != nullptr) {
    resource->next_->prev_ = resource->prev_;
  }
  resource->prev_ = nullptr;
  resource->next_ = nullptr;
  resource->attached_ = false;
}

}  // namespace rtmp::net
