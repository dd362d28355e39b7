// Decides an epoch symbolically: one bit-vector per granule, constrained to
// its candidates, and the kernel's get_used executed from its LLVM IR. Exact
// where enumeration is hopeless (byte tearing: up to 2^64 entries an epoch).
#pragma once

#include <z3++.h>

#include <map>
#include <memory>

#include "engine.h"

namespace smmu::checker {

class IrModule;

class Z3Engine : public Engine {
 public:
  explicit Z3Engine(const EntrySemantics &semantics, unsigned timeout_ms = 20000);
  ~Z3Engine() override;
  const char *name() const override { return "z3"; }
  EpochAnswer decide(const EpochQuery &q) override;

 private:
  // used(x) over fresh qword variables x0..x7, built once per descriptor kind.
  const std::vector<z3::expr> *symbolic_used(harness::DescKind kind, std::string &error);

  z3::context &context();  // made on first use: a context costs tens of milliseconds to create

  const EntrySemantics &semantics_;
  unsigned timeout_ms_;
  std::unique_ptr<z3::context> context_;  // before every expression: destroyed last
  std::unique_ptr<IrModule> module_;
  std::string module_error_;
  std::vector<z3::expr> inputs_;
  std::map<harness::DescKind, std::vector<z3::expr>> used_;
};

}  // namespace smmu::checker
