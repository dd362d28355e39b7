// A SliceRequest and its SliceResult as JSON: how the harness hands a slice to
// the Clang tool process (smmu-clang) and reads back what it cut. Clang stays
// in that process, so every other command starts without loading it.
#pragma once

#include <llvm/Support/JSON.h>

#include "slicer.h"

namespace smmu::harness {

llvm::json::Value to_json(const SliceRequest &r);
bool fromJSON(const llvm::json::Value &v, SliceRequest &r, llvm::json::Path p);
llvm::json::Value to_json(const SliceResult &r);
bool fromJSON(const llvm::json::Value &v, SliceResult &r, llvm::json::Path p);

}  // namespace smmu::harness
