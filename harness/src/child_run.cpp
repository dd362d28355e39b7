#include "child_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <stdexcept>
#include <thread>

#include "recorder.h"
#include "run_wire.h"
#include "trace_print.h"

namespace smmu::harness {
namespace {

// What the child publishes as it records; MAP_SHARED, so the parent can read
// it after the child died.
struct Progress {
  int current = 0;         // the run (index into runs) the child is at
  int events = 0;          // recorded so far
  int source_event = 0;    // 1-based index of the last event at a line of the source; 0: none
  int source_line = 0;
  int located_event = 0;   // the last event with any file:line
  int located_line = 0;
  char located_file[256] = {};
  int described = 0;       // the event `what` describes, 0: none
  char what[512] = {};
};

// The child's side; set only in the child.
Progress *g_progress = nullptr;
const Trace *g_trace = nullptr;  // the trace being recorded, for the fatal-signal handler
const char *g_source = "";

void copy(char *to, size_t size, const std::string &from) {
  std::strncpy(to, from.c_str(), size - 1);
  to[size - 1] = '\0';
}

void observe(const Trace &t, const Event &e) {
  g_trace = &t;
  Progress &p = *g_progress;
  p.events = static_cast<int>(t.events.size());
  if (e.loc.line <= 0) return;
  p.located_event = p.events;
  p.located_line = e.loc.line;
  copy(p.located_file, sizeof p.located_file, e.loc.file);
  if (e.loc.file == g_source) {
    p.source_event = p.events;
    p.source_line = e.loc.line;
  }
}

// Describes the last event, then dies of the same signal. describe() is not
// async-signal-safe, but the process ends here anyway: if it fails (a crash
// inside malloc), the second signal kills the child at once (SA_RESETHAND)
// and the parent still has the event's index and file:line.
void on_fatal(int sig) {
  if (g_progress && g_trace && !g_trace->events.empty()) {
    const Event &e = g_trace->events.back();
    std::string d = describe(*g_trace, e);
    if (e.loc.line > 0 && e.loc.file != g_source) d += ", at " + e.loc.file + ":" + std::to_string(e.loc.line);
    copy(g_progress->what, sizeof g_progress->what, d);
    g_progress->described = static_cast<int>(g_trace->events.size());
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_fatal_handlers() {
  // Its own stack, so that a stack overflow (endless recursion) is reported too.
  static char stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = stack;
  ss.ss_size = sizeof stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_fatal;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGTERM}) sigaction(sig, &sa, nullptr);
}

void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) _exit(3);
    p += k;
    n -= static_cast<size_t>(k);
  }
}

// The child: each run in turn, each sent as a record: a tag ('R' result,
// 'U' UserError, 'E' other), the length of its bytes, the bytes. It stops
// at the first exception.
[[noreturn]] void child(int fd, const std::vector<ChildRun> &runs, Progress *progress) {
  g_progress = progress;
  install_fatal_handlers();
  set_event_observer(observe);
  for (size_t i = 0; i < runs.size(); ++i) {
    g_source = runs[i].source.c_str();
    *progress = Progress{};
    progress->current = static_cast<int>(i);
    char tag = 'R';
    std::string bytes;
    try {
      RunResult r = runs[i].run();
      g_trace = nullptr;  // r's trace is about to be gone
      bytes = encode_run(r);
    } catch (const UserError &e) {
      tag = 'U';
      bytes = e.what();
    } catch (const std::exception &e) {
      tag = 'E';
      bytes = e.what();
    }
    const uint64_t n = bytes.size();
    write_all(fd, &tag, 1);
    write_all(fd, reinterpret_cast<const char *>(&n), sizeof n);
    write_all(fd, bytes.data(), bytes.size());
    if (tag != 'R') break;
  }
  _exit(0);  // no destructors, no flushing the parent's buffered output twice
}

std::string signal_name(int sig) {
  const char *abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// "FILE:LINE: case X" (or less, with no located event) and "after event N (...)".
std::string where(const Progress &p, const ChildRun &limits) {
  std::string at = limits.source;
  if (p.source_event)
    at += ":" + std::to_string(p.source_line);
  else if (p.located_event)
    at = std::string(p.located_file) + ":" + std::to_string(p.located_line);
  return (at.empty() ? "" : at + ": ") + limits.what;
}

std::string after(const Progress &p) {
  if (!p.events) return " before recording any event";
  std::string s = " after event " + std::to_string(p.events);
  if (p.described == p.events) s += std::string(" (") + p.what + ")";
  return s;
}

bool wait_until(pid_t pid, int &status, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) return true;
    if (w < 0 && errno != EINTR) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

ChildOutcome run_children(const std::vector<ChildRun> &runs, int timeout_seconds) {
  if (runs.empty()) return {};
  void *shared = mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
  Progress *progress = new (shared) Progress;
  struct Unmap {
    void *p;
    ~Unmap() { munmap(p, sizeof(Progress)); }
  } unmap{shared};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], runs, progress);
  }
  close(fds[1]);

  // Read until the child closes the pipe (it exited) or a run's time is up;
  // each run's time starts when the child reaches it.
  const auto limit = std::chrono::seconds(timeout_seconds);
  auto deadline = std::chrono::steady_clock::now() + limit;
  int current = 0;
  std::string data;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    if (progress->current != current) {
      current = progress->current;
      deadline = std::chrono::steady_clock::now() + limit;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n <= 0) continue;  // EINTR or no data yet: check the time again
    ssize_t k = read(fds[0], buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    data.append(buf, static_cast<size_t>(k));
  }
  close(fds[0]);
  const ChildRun &limits = runs.at(std::min<size_t>(progress->current, runs.size() - 1));
  int status = 0;
  if (timed_out) {
    kill(pid, SIGTERM);  // its handler notes the last event first
    if (!wait_until(pid, status, std::chrono::seconds(2))) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  } else {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // The records the child finished, in order; a run it did not finish died with it.
  ChildOutcome outcome;
  std::vector<RunResult> &out = outcome.results;
  size_t at = 0;
  while (out.size() < runs.size() && data.size() - at >= 1 + sizeof(uint64_t)) {
    const char tag = data[at];
    uint64_t n;
    std::memcpy(&n, data.data() + at + 1, sizeof n);
    if (n > data.size() - at - 1 - sizeof n) break;  // cut short by a crash
    const std::string bytes = data.substr(at + 1 + sizeof n, n);
    at += 1 + sizeof n + n;
    if (tag == 'U') throw UserError(bytes);
    if (tag == 'E') throw std::runtime_error(bytes);
    out.push_back(decode_run(bytes));
  }
  if (out.size() == runs.size()) return outcome;
  if (timed_out)
    outcome.died = where(*progress, limits) + " did not finish within " + std::to_string(timeout_seconds) + " s" +
                   after(*progress) + " (--timeout SECONDS sets the limit)";
  else if (WIFSIGNALED(status))
    outcome.died = where(*progress, limits) + " crashed with " + signal_name(WTERMSIG(status)) + after(*progress);
  else
    outcome.died = where(*progress, limits) + " exited with status " +
                   std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + after(*progress) +
                   " instead of returning";
  return outcome;
}

std::vector<RunResult> run_in_child(const std::vector<ChildRun> &runs, int timeout_seconds) {
  ChildOutcome outcome = run_children(runs, timeout_seconds);
  if (!outcome.died.empty()) throw UserError(outcome.died);
  return outcome.results;
}

}  // namespace smmu::harness
