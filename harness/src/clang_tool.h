// The Clang tool process, smmu-clang: the slicer and lint parse kernel files
// with libclang-cpp there, so that no other process loads it. A cached run of
// any command then starts without the dynamic loader mapping and relocating
// Clang (see bench/startup).
#pragma once

#include <llvm/Support/JSON.h>

#include <filesystem>
#include <string>

#include "slicer.h"

namespace smmu::harness {

// SMMU_CHECK_CLANG_TOOL if set, else the one built with this library, else
// smmu-clang next to the running executable.
std::filesystem::path clang_tool_path();

// Runs `smmu-clang MODE IN OUT` with `input` in IN and returns the JSON it
// wrote to OUT. Throws UserError naming the tool and quoting its output when it
// cannot run, fails, or answers what is not JSON.
llvm::json::Value run_clang_tool(const std::string &mode, const llvm::json::Value &input);

// slice_file(), in the Clang tool process.
SliceResult slice_in_clang_tool(const SliceRequest &request);

}  // namespace smmu::harness
