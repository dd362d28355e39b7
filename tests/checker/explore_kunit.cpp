// Scratch: prints verdicts for every KUnit case x fault (not a test).
#include <iostream>
#include "kernel_fixture.h"
#include "check_update.h"
#include "explicit_engine.h"
#include "fault_injection.h"
#include "witness_report.h"
using namespace smmu;
int main(int argc, char **argv) {
  const auto &k = testing::kernel("6.12");
  checker::EntrySemantics sem;
  sem.ste_used = k.slice().function<void(const uint64_t *, uint64_t *)>("arm_smmu_get_ste_used");
  sem.cd_used = k.slice().function<void(const uint64_t *, uint64_t *)>("arm_smmu_get_cd_used");
  std::vector<models::Model> ms(5);
  ms[1].coherency = models::Coherency::NonCacheable; ms[1].name="nc";
  ms[0].name = "coherent";
  ms[2].coherency = models::Coherency::Cacheable; ms[2].writeback_atomicity_bits = 64; ms[2].name="cacheable-64";
  ms[3].coherency = models::Coherency::Cacheable; ms[3].writeback_atomicity_bits = 8; ms[3].name="cacheable-byte";
  ms[4].plain_store = models::PlainStore::Tear32; ms[4].name="coherent+plain-tear32";
  for (auto &c : k.kunit_cases()) {
    auto r = k.run(c);
    for (int f = -1; f < 4; ++f) for (int kk = 1; kk <= (f < 0 ? 1 : 3); ++kk) {
      harness::Trace t = r.trace;
      if (f >= 0 && !harness::inject(t, static_cast<harness::Fault>(f), kk)) continue;
      std::cout << c.name.substr(20) << " " << (f < 0 ? "ok" : std::string(harness::to_string(static_cast<harness::Fault>(f))) + std::to_string(kk)) << ":";
      for (auto &m : ms) {
        checker::ExplicitEngine e(sem);
        checker::CheckOptions o; o.clean_at_sync = getenv("CAS") != nullptr;
        auto v = checker::check_trace(t, m, e, sem, o);
        std::cout << " " << m.name << "=" << checker::to_string(v.outcome) << (v.outcome == checker::Outcome::Violation ? std::string("/") + checker::to_string(v.kind) : "") << "(" << v.explored << ")";
        if (argc > 1 && v.outcome == checker::Outcome::Violation && c.name.find(argv[1]) != std::string::npos) { std::cout << "\n" << v.reason << "\n"; checker::print_witness(std::cout, t, v); }
      }
      std::cout << "\n";
    }
  }
}
