// LoopServices: what a session needs from the loop it lives on — the loop as
// an Executor (to be posted to) and the loop's stream fan-outs (to attach its
// player). The engine's LoopContext implements it; tests use FakeLoop. A
// session reaches it through its transport (SessionTransport::loopServices).
#pragma once

#include "server/executor.h"
#include "server/stream.h"

namespace rtmp::server {

class LoopServices {
 public:
  virtual Executor& executor() = 0;
  virtual LoopFanouts& fanouts() = 0;

 protected:
  ~LoopServices() = default;
};

}  // namespace rtmp::server
