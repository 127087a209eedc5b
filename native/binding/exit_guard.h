// ExitGuard: stops engines still running when the process calls exit().
//
// Node's process.exit() on the main thread calls exit() without running the
// environment's cleanup hooks (those run for workers and at a natural end of
// the event loop). Loop threads left running while exit() destroys static
// objects can crash. The SDK stops its servers from a process 'exit' listener;
// this is the native safety net for anything that bypassed it: an atexit
// handler that stops every engine still registered.
#pragma once

namespace rtmp::server {
class Engine;
}

namespace rtmp::binding::exit_guard {

// Any thread. The engine must stay alive until remove() (EngineWrap owns it).
void add(server::Engine* engine);
void remove(server::Engine* engine);

}  // namespace rtmp::binding::exit_guard
