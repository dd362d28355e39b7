// The one error type of models/: malformed model files and model specs.
// The message is complete and says what was expected, prefixed by where:
// "FILE:LINE:COL: expected ..." for a file, "model 'SPEC': expected ..." for a spec.
#pragma once

#include <stdexcept>

namespace smmu::models {

struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace smmu::models
