#include "function_ir.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Pass.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/IPO.h>

#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

std::string read_text(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fnv_hex(const std::vector<std::string> &parts) {
  uint64_t h = 1469598103934665603ull;
  for (const auto &s : parts) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// Keeps `text` at `path` by a unique temporary and a rename: concurrent
// processes may produce the same file. A cache that cannot be written is
// only slower next time.
void keep_atomically(const fs::path &path, const std::string &text) {
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(getpid());
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!(out << text)) return fs::remove(tmp, ec), void();
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

// The unit's whole module as IR, compiled once per (command, source) and
// cached next to the slice: the cached file's path.
fs::path module_ir(const SliceBuild &build, const std::string &unit, const std::vector<std::string> &extra_flags) {
  fs::path c_file = build.dir / (unit + ".c");
  if (!fs::exists(c_file))
    throw UserError(c_file.string() + ": the slice has no unit named '" + unit + "'");
  // -fno-*vectorize: the SLP vectoriser would otherwise merge qword operations into <2 x i64>.
  std::vector<std::string> cmd = {slice_compiler(), "-O2", "-S", "-emit-llvm",
                                  "-fno-slp-vectorize", "-fno-vectorize", "-w", "-DKSHIM_IR_ONLY"};
  std::vector<std::string> flags = slice_unit_flags(build);
  cmd.insert(cmd.end(), flags.begin(), flags.end());
  cmd.insert(cmd.end(), extra_flags.begin(), extra_flags.end());
  cmd.push_back(c_file.string());
  std::vector<std::string> key = cmd;
  key.push_back(read_text(c_file));
  fs::path ll = build.dir / (unit + ".ir-" + fnv_hex(key) + ".ll");
  if (fs::exists(ll)) return ll;

  // Unique temporary, then rename: concurrent processes may compile the same unit.
  fs::path tmp = ll;
  tmp += ".tmp." + std::to_string(getpid());
  cmd.insert(cmd.end(), {"-o", tmp.string()});
  ProcessResult r = run_process(cmd);
  fs::path log_path = build.dir / (unit + ".ir.log");
  {
    std::ofstream log(log_path);
    log << "$";
    for (auto &a : cmd) log << " " << a;
    log << "\n" << r.output << "\n";
  }
  if (r.status != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    std::string first = r.output.substr(0, r.output.find('\n'));
    throw UserError("compiling " + unit + " to LLVM IR failed: " + first +
                    "\n  compiler log: " + log_path.string());
  }
  fs::rename(tmp, ll);
  return ll;
}

std::string function_ir(const SliceBuild &build, const std::string &unit,
                        const std::vector<std::string> &functions) {
  fs::path ll = module_ir(build, unit);
  if (functions.empty()) return read_text(ll);
  // The extraction is cached too: parsing the whole module is most of a
  // cached run's start-up.
  fs::path extracted = ll;
  extracted.replace_extension(".fn-" + fnv_hex(functions) + ".ll");
  if (fs::exists(extracted)) return read_text(extracted);
  std::string text = read_text(ll);

  llvm::LLVMContext ctx;
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> m = llvm::parseAssemblyString(text, err, ctx);
  if (!m) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print(unit.c_str(), os);
    throw UserError("parsing the IR of " + unit + " failed: " + os.str());
  }
  // The named definitions plus, transitively, the module functions they call.
  std::vector<llvm::GlobalValue *> keep;
  std::set<llvm::Function *> seen;
  std::vector<llvm::Function *> work;
  for (const auto &name : functions) {
    llvm::Function *f = m->getFunction(name);
    if (!f || f->isDeclaration())
      throw UserError("function " + name + " is not defined in the slice unit " + unit + " (" +
                      (build.dir / (unit + ".c")).string() + ")");
    if (seen.insert(f).second) work.push_back(f);
  }
  while (!work.empty()) {
    llvm::Function *f = work.back();
    work.pop_back();
    keep.push_back(f);
    for (llvm::Instruction &i : llvm::instructions(*f))
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&i))
        if (llvm::Function *callee = call->getCalledFunction())
          if (!callee->isDeclaration() && seen.insert(callee).second) work.push_back(callee);
  }
  // What llvm-extract does: keep these, drop every other body, then clean up.
  llvm::legacy::PassManager pm;
  pm.add(llvm::createGVExtractionPass(keep));
  pm.add(llvm::createGlobalDCEPass());
  pm.add(llvm::createStripDeadDebugInfoPass());
  pm.add(llvm::createStripDeadPrototypesPass());
  pm.run(*m);

  std::string out;
  llvm::raw_string_ostream os(out);
  m->print(os, nullptr);
  keep_atomically(extracted, os.str());
  return os.str();
}

}  // namespace smmu::harness
