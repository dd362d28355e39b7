// smmu-clang: the one process of smmu-check that loads libclang-cpp. The
// harness asks it to slice a kernel file, lint to check kernel files; each
// request is a JSON file in, a JSON file out (harness/src/clang_tool.h), so
// every other command starts without mapping and relocating Clang.
//
//   smmu-clang slice IN.json OUT.json         a SliceRequest -> its SliceResult
//   smmu-clang lint IN.json OUT.json          a LintJob -> its LintResult
//   smmu-clang lint-checks IN.json OUT.json   the registered lint checks (IN unread)
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "kernel_tree.h"
#include "lint_ast.h"
#include "slice_wire.h"

namespace json = llvm::json;
using namespace smmu;

namespace {

json::Value read_request(const char *path) {
  auto text = llvm::MemoryBuffer::getFile(path);
  if (!text) throw harness::UserError(std::string(path) + ": " + text.getError().message());
  auto v = json::parse((*text)->getBuffer());
  if (!v) throw harness::UserError(std::string(path) + ": " + llvm::toString(v.takeError()));
  return std::move(*v);
}

template <typename T>
T decode(const json::Value &v, const char *path) {
  T out;
  json::Path::Root root(path);
  if (!fromJSON(v, out, root))
    throw harness::UserError(std::string(path) + ": malformed request: " +
                             llvm::toString(root.getError()));
  return out;
}

json::Value answer(const std::string &mode, const char *in) {
  if (mode == "slice")
    return harness::to_json(harness::slice_file(decode<harness::SliceRequest>(read_request(in), in)));
  if (mode == "lint") return lint::to_json(lint::run_lint_job(decode<lint::LintJob>(read_request(in), in)));
  if (mode == "lint-checks") return lint::to_json(lint::registered_checks());
  throw harness::UserError("unknown mode '" + mode + "' (slice, lint, lint-checks)");
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: smmu-clang slice|lint|lint-checks IN.json OUT.json\n"
                 "(run by smmu-check; not a command of its own)\n";
    return 2;
  }
  try {
    json::Value out = answer(argv[1], argv[2]);
    std::error_code ec;
    llvm::raw_fd_ostream os(argv[3], ec);
    if (ec) throw harness::UserError(std::string(argv[3]) + ": " + ec.message());
    os << out;
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "smmu-clang " << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
}
