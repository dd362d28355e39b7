#include "clang_tool.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <fstream>

#include "kernel_tree.h"
#include "slice_wire.h"
#include "subprocess.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
namespace json = llvm::json;

namespace smmu::harness {

fs::path clang_tool_path() {
  if (const char *t = std::getenv("SMMU_CHECK_CLANG_TOOL"); t && *t) return t;
  std::error_code ec;
  if (fs::is_regular_file(SMMU_CLANG_TOOL, ec)) return SMMU_CLANG_TOOL;
  return fs::read_symlink("/proc/self/exe", ec).parent_path() / "smmu-clang";
}

json::Value run_clang_tool(const std::string &mode, const json::Value &input) {
  fs::path tool = clang_tool_path();
  TempDir dir("smmu-clang");
  fs::path in = dir.path() / "in.json", out = dir.path() / "out.json";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(in.string(), ec);
    if (ec) throw UserError("cannot write " + in.string() + ": " + ec.message());
    os << input;
  }
  ProcessResult r = run_process({tool.string(), mode, in.string(), out.string()});
  std::string said = r.output.size() > 4000 ? r.output.substr(0, 4000) + "..." : r.output;
  if (r.status != 0)
    throw UserError(tool.string() + " " + mode + " failed" +
                    (r.status < 0 ? " (it could not run or was killed)" : "") +
                    (said.empty() ? "" : ":\n" + said) +
                    (fs::exists(tool) ? "" : "\n(build it: scripts/build; or set SMMU_CHECK_CLANG_TOOL)"));
  auto text = llvm::MemoryBuffer::getFile(out.string());
  if (!text) throw UserError(tool.string() + " " + mode + " wrote no answer to " + out.string());
  auto v = json::parse((*text)->getBuffer());
  if (!v) throw UserError(tool.string() + " " + mode + " answered what is not JSON: " +
                          llvm::toString(v.takeError()));
  return std::move(*v);
}

SliceResult slice_in_clang_tool(const SliceRequest &request) {
  json::Value answer = run_clang_tool("slice", to_json(request));
  SliceResult result;
  json::Path::Root root("slice");
  if (!fromJSON(answer, result, root))
    throw UserError(clang_tool_path().string() + " slice answered a malformed result");
  return result;
}

}  // namespace smmu::harness
