// A long check's sign of life: the check beats often and cheaply; the caller's
// `say` runs only once the check has taken a second, then at most once a
// second, so short checks print nothing and long ones are never silent.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace smmu::checker {

class Heartbeat {
 public:
  using Clock = std::chrono::steady_clock;
  // `after`: how long a check runs before it is heard (a second for people).
  explicit Heartbeat(std::function<void(const std::string &)> say = {},
                     std::chrono::milliseconds after = std::chrono::seconds(1))
      : say_(std::move(say)), after_(after) {}

  // For a tight loop: the clock is read every 16th beat. `describe` is
  // called only when a line is due.
  template <class Describe>
  void beat(Describe &&describe) {
    if (say_ && (++beats_ & 15) == 0) step(describe);
  }

  // For a loop whose steps take milliseconds or more: the clock is read each time.
  template <class Describe>
  void step(Describe &&describe) {
    if (!say_) return;
    const Clock::time_point now = Clock::now();
    if (now - start_ < after_ || (last_ != start_ && now - last_ < std::chrono::seconds(1))) return;
    last_ = now;
    say_(describe());
  }

 private:
  std::function<void(const std::string &)> say_;
  std::chrono::milliseconds after_;
  unsigned long beats_ = 0;
  Clock::time_point start_ = Clock::now(), last_ = start_;
};

}  // namespace smmu::checker
