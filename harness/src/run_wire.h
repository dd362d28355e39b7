// A RunResult as bytes and back: how a run made in a child process
// (child_run.h) reaches the parent. Both ends are the same binary, so the
// format is private to it: no versioning, host byte order.
#pragma once

#include <stdexcept>
#include <string>

#include "kernel_runner.h"

namespace smmu::harness {

std::string encode_run(const RunResult &r);
// Throws std::runtime_error if the bytes are not a whole encode_run() output.
RunResult decode_run(const std::string &bytes);

}  // namespace smmu::harness
