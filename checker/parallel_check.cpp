#include "parallel_check.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace smmu::checker {

std::vector<QueryAnswer> check_queries(const std::vector<std::string> &smt2, unsigned jobs, unsigned timeout_ms,
                                       const std::function<void(size_t, const QueryAnswer &)> &done) {
  std::vector<QueryAnswer> out(smt2.size());
  std::atomic<size_t> next{0}, first_sat{smt2.size()};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      size_t i = next++;
      if (i >= smt2.size() || i > first_sat.load()) return;
      QueryAnswer a;
      a.checked = true;
      auto t0 = std::chrono::steady_clock::now();
      try {
        z3::context ctx;
        z3::solver s(ctx);
        z3::params p(ctx);
        p.set("timeout", timeout_ms);
        s.set(p);
        s.from_string(smt2[i].c_str());
        a.result = s.check();
        if (a.result == z3::unknown) a.reason = s.reason_unknown();
      } catch (const z3::exception &e) {
        a.result = z3::unknown;
        a.reason = e.msg();
      }
      a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (a.result == z3::sat) {
        size_t seen = first_sat.load();
        while (i < seen && !first_sat.compare_exchange_weak(seen, i)) {
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      out[i] = a;
      if (done) done(i, a);
    }
  };
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(smt2.size(), 1)));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto &t : threads) t.join();
  return out;
}

}  // namespace smmu::checker
