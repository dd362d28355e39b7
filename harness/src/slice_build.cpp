#include "slice_build.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "cache_manifest.h"
#include "clang_tool.h"
#include "file_lock.h"
#include "kshim_hooks.h"
#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

// Bumped when the slicer's output format changes, so old cache entries are not reused.
constexpr const char *kSlicerVersion = "slicer-2";
// The same for proposed-sequence cases' build (flags, runtime, layout).
constexpr const char *kCaseVersion = "case-1";
// In a slice's build dir: the KSHIM_HAVE_<root> macros, and the families the tree cannot run.
constexpr const char *kHaveHeader = "kshim_have.h";
constexpr const char *kUnsupportedFile = "unsupported.txt";

// Coverage slices: the compile flags, and the profile runtime's entry points
// under names dlsym finds (the runtime's own are hidden). Linked against
// libclang_rt.profile as an ordinary archive, without the runtime's
// registration object (defining __llvm_profile_runtime keeps it out): nothing
// writes a default.profraw at exit; SliceCoverage reads the counters instead.
// Written into the slice's dir rather than kept under harness/, whose files
// are part of every slice's key.
// KSHIM_COVERAGE: kshim.h's compile-time assertions without their noreturn
// call, which Clang 14's coverage mapping would take for the end of the line
// after every FIELD_PREP (that line reads as never executed).
const std::vector<std::string> kCoverageFlags = {"-fprofile-instr-generate", "-fcoverage-mapping",
                                                 "-DKSHIM_COVERAGE=1"};
constexpr const char *kCoverageExportsFile = "kshim_coverage.c";
constexpr const char *kCoverageExports = R"(/* Coverage slices only: the profile runtime's buffer API, exported. */
unsigned long long __llvm_profile_get_size_for_buffer(void);
int __llvm_profile_write_buffer(char *buffer);
void __llvm_profile_reset_counters(void);
__attribute__((visibility("hidden"))) int __llvm_profile_runtime;
unsigned long long kshim_coverage_size(void) { return __llvm_profile_get_size_for_buffer(); }
int kshim_coverage_write(char *buffer) { return __llvm_profile_write_buffer(buffer); }
void kshim_coverage_reset(void) { __llvm_profile_reset_counters(); }
)";

std::string join(const std::vector<std::string> &names) {
  std::string s;
  for (const auto &n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// One line per family: "family name name ...".
void write_unsupported(const fs::path &file, const std::map<std::string, std::vector<std::string>> &u) {
  std::ofstream out(file);
  for (const auto &[family, names] : u) {
    out << family;
    for (const auto &n : names) out << " " << n;
    out << "\n";
  }
}

std::map<std::string, std::vector<std::string>> read_unsupported(const fs::path &file) {
  std::map<std::string, std::vector<std::string>> u;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string family, name;
    if (!(words >> family)) continue;
    auto &names = u[family];
    while (words >> name) names.push_back(name);
  }
  return u;
}

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Hasher {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  void add(const std::string &s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  void add_tree(const fs::path &dir) {
    std::vector<fs::path> files;
    for (auto &e : fs::recursive_directory_iterator(dir)) {
      auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".c" || ext == ".h")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (auto &f : files) {
      add(fs::relative(f, dir).string());
      add(read_file(f));
    }
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

std::string compiler() {
  if (const char *cc = std::getenv("SMMU_CHECK_CC"); cc && *cc) return cc;
  return SMMU_SLICE_CC;
}

std::vector<std::string> common_flags(const fs::path &realinc, const Profile &p) {
  fs::path data = harness_data_dir();
  std::vector<std::string> f = {
      "-std=gnu11", "-nostdinc", "-isystem", std::string(SMMU_CLANG_RESOURCE_DIR) + "/include",
      "-I" + realinc.string(), "-I" + (data / "shim" / "include").string(),
      "-I" + (data / "include").string(), "-I" + (data / "kdrivers").string(),
      "-D__KERNEL__", "-D__KSHIM__", "-fno-strict-aliasing", "-fno-common",
  };
  f.insert(f.end(), p.defines.begin(), p.defines.end());
  return f;
}

void say(const BuildOptions &o, const std::string &s) {
  if (o.progress) o.progress(s);
}

// The compiler's libclang_rt.profile archive; throws UserError naming the package if absent.
fs::path profile_runtime() {
  ProcessResult r = run_process({compiler(), "--print-runtime-dir"});
  std::string dir = r.output.substr(0, r.output.find('\n'));
  fs::path lib = fs::path(dir) / "libclang_rt.profile-x86_64.a";
  std::error_code ec;
  if (r.status != 0 || !fs::is_regular_file(lib, ec)) {
    lib = fs::path(SMMU_CLANG_RESOURCE_DIR) / "lib" / "linux" / "libclang_rt.profile-x86_64.a";
    if (!fs::is_regular_file(lib, ec))
      throw UserError("--coverage needs Clang's profile runtime (" + lib.string() +
                      "): install libclang-rt-14-dev (scripts/setup does)");
  }
  return lib;
}

// Runs a compile and appends the command and its output to the build log.
ProcessResult run_logged(const std::vector<std::string> &cmd, std::ofstream &log) {
  ProcessResult r = run_process(cmd);
  log << "$";
  for (auto &a : cmd) log << " " << a;
  log << "\n" << r.output << "\n";
  log.flush();
  return r;
}

// Links objects into a shared object against libsmmu_hooks (which defines the
// kshim_* hooks) with -z defs, so a symbol nothing provides fails here, by name.
// `archives` are linked after the objects (the profile runtime of a coverage slice).
ProcessResult link_shared(const std::vector<fs::path> &objects, const fs::path &out,
                          const std::vector<fs::path> &archives = {}) {
  Dl_info self{};
  dladdr(reinterpret_cast<void *>(&kshim_store), &self);
  std::vector<std::string> link = {compiler(), "-shared", "-Wl,-z,defs", "-o", out.string()};
  for (auto &o : objects) link.push_back(o.string());
  for (auto &a : archives) link.push_back(a.string());
  if (self.dli_fname) link.push_back(fs::canonical(self.dli_fname).string());
  return run_process(link);
}

}  // namespace

fs::path harness_data_dir() {
  if (const char *d = std::getenv("SMMU_CHECK_DATA_DIR"); d && *d) return d;
  return fs::path(SMMU_CHECK_SOURCE_DIR) / "harness";
}

std::string slice_compiler() { return compiler(); }

std::vector<std::string> slice_unit_flags(const SliceBuild &build) {
  return common_flags(build.dir / "realinc", build.profile);
}

HeaderClosure slice_header_closure(const KernelTree &tree, const Profile &p) {
  fs::path data = harness_data_dir();
  return real_header_closure(tree, p.real_headers,
                             {data / "shim" / "include", data / "include", data / "kdrivers"});
}

void stage_headers(const KernelTree &tree, const HeaderClosure &closure, const fs::path &realinc) {
  fs::create_directories(realinc);
  for (const auto &h : closure.staged) {
    fs::path dst = realinc / h.include_name;
    fs::create_directories(dst.parent_path());
    fs::copy_file(tree.root / h.tree_path, dst, fs::copy_options::overwrite_existing);
  }
}

HeaderClosure stage_real_headers(const KernelTree &tree, const Profile &p, const fs::path &realinc) {
  HeaderClosure closure = slice_header_closure(tree, p);
  stage_headers(tree, closure, realinc);
  return closure;
}

SliceRequest unit_slice_request(const KernelTree &tree, const Profile &p, const UnitSpec &u,
                                const fs::path &realinc) {
  SliceRequest req;
  req.tree_root = tree.root;
  req.file = u.file;
  req.roots = u.roots;
  req.whole_file = u.roots.empty();  // family roots below only probe a whole-file unit
  req.wraps = u.wraps;
  req.replaces = u.replaces;
  req.resource_dir = SMMU_CLANG_RESOURCE_DIR;
  req.prelude = {"#include <kshim.h>"};
  for (const auto &g : u.prelude_headers) req.prelude.push_back("#include <" + g + ">");
  for (const auto &t : u.tree_headers) req.prelude.push_back("#include \"" + (tree.root / t).string() + "\"");
  // kshim_have.h is written next to the unit's C file once every unit is sliced.
  if (!u.glue.empty()) req.epilogue.push_back(std::string("#include \"") + kHaveHeader + "\"");
  for (const auto &g : u.glue) req.epilogue.push_back("#include \"" + g + "\"");
  for (const auto &f : u.families) req.roots.insert(req.roots.end(), f.roots.begin(), f.roots.end());
  // The slicer parses without the glue: the glue defines what is being sliced away.
  req.clang_args = common_flags(realinc, p);
  return req;
}

SliceBuild build_slice(const KernelTree &tree, const BuildOptions &options) {
  SliceBuild b;
  b.profile = profile_for(tree);
  b.coverage = options.coverage;
  const Profile &p = b.profile;
  fs::path cache = options.cache.empty() ? default_cache_dir() : options.cache;

  Hasher h;
  h.add(kSlicerVersion);
  h.add(compiler());
  if (options.coverage) {  // another slice: a normal slice's key is unchanged
    for (const auto &f : kCoverageFlags) h.add(f);
    h.add(kCoverageExports);
  }
  h.add(p.name);
  // The slice's C files include the tree's headers by absolute path (the IR of
  // get_used is compiled from them later): a copy elsewhere is another slice.
  h.add(fs::absolute(tree.root).string());
  for (const auto &u : p.units) {
    h.add(u.file);
    h.add(read_file(tree.root / u.file));
    for (const auto &r : u.roots) h.add(r);
    for (const auto &f : u.families) {
      h.add(f.family);
      for (const auto &r : f.roots) h.add(r);
    }
    for (const auto &t : u.tree_headers) h.add(read_file(tree.root / t));
    for (const auto &g : u.glue) h.add(g);  // which glue files, not only their contents
    for (const auto &g : u.prelude_headers) h.add(g);
  }
  const HeaderClosure headers = slice_header_closure(tree, p);
  for (const auto &r : headers.staged) {
    h.add(r.include_name);
    h.add(read_file(tree.root / r.tree_path));
  }
  for (const auto &d : p.defines) h.add(d);
  for (const auto &d : p.drivers) h.add(d);
  h.add_tree(harness_data_dir());
  b.key = h.hex();
  b.dir = cache / "slices" / b.key;
  b.shared_object = b.dir / "slice.so";
  FileLock lock(cache / "slices" / (".lock-" + b.key));
  if (!options.force && fs::exists(b.shared_object)) {
    auto problems = verify_manifest(b.dir, VerifyDepth::Quick);
    if (problems.empty()) {
      b.cached = true;
      b.unsupported = read_unsupported(b.dir / kUnsupportedFile);
      for (const auto &[family, names] : b.unsupported)
        say(options, "family " + family + " unsupported: the tree does not define " + join(names));
      return b;
    }
    say(options, "note: the cached slice " + b.dir.string() + " is damaged (" + problems[0] + "); building it again");
  }

  fs::remove_all(b.dir);
  fs::path realinc = b.dir / "realinc";
  stage_headers(tree, headers, realinc);
  std::vector<std::string> flags = slice_unit_flags(b);  // realinc is b.dir / "realinc"

  std::vector<fs::path> objects;
  std::ofstream log(b.dir / "build.log");
  auto compile = [&](const fs::path &c_file, const std::string &what, bool driver) {
    // Objects go to the slice dir, never next to a harness driver: the harness
    // dir is part of the cache key, and other processes build from it too.
    fs::path obj = b.dir / c_file.filename();
    obj.replace_extension(".o");
    std::vector<std::string> cmd = {compiler(), "-c", "-O1", "-g", "-fPIC", "-w"};
    if (b.coverage) cmd.insert(cmd.end(), kCoverageFlags.begin(), kCoverageFlags.end());
    cmd.insert(cmd.end(), flags.begin(), flags.end());
    // Sliced units include it before their glue; drivers get it forced.
    if (driver) cmd.insert(cmd.end(), {"-include", (b.dir / kHaveHeader).string()});
    cmd.insert(cmd.end(), {c_file.string(), "-o", obj.string()});
    ProcessResult r = run_logged(cmd, log);
    if (r.status != 0) {
      std::string first = r.output.substr(0, r.output.find('\n'));
      std::string header = explain_missing_header(tree, headers, r.output);
      if (!header.empty()) first = header;
      throw UserError("compiling the slice of " + what + " failed: " + first +
                      "\n  compiler log: " + (b.dir / "build.log").string());
    }
    objects.push_back(obj);
  };

  // Slice every unit first: which roots the tree defines decides the families
  // and the KSHIM_HAVE_<name> macros that the glue and drivers compile against.
  std::vector<std::pair<fs::path, std::string>> units;  // C file, kernel file
  std::set<std::string> have;
  for (const auto &u : p.units) {
    if (!fs::exists(tree.root / u.file)) {
      if (u.optional) {
        say(options, "skipping " + u.file + " (not in this tree)");
        if (!u.family.empty()) b.unsupported[u.family].push_back(u.file);
        continue;
      }
      throw UserError((tree.root / u.file).string() + ": not found in the kernel tree");
    }
    say(options, "slicing " + u.file);
    SliceRequest req = unit_slice_request(tree, p, u, realinc);
    SliceResult r = slice_in_clang_tool(req);
    std::ofstream(b.dir / (u.name + ".slice.log")) << [&] {
      std::string s;
      for (auto &d : r.diagnostics) s += d + "\n";
      for (auto &k : r.kept) s += "kept " + k + "\n";
      for (auto &n : r.unrewritten) s += "plain store inside a macro, not recorded: " + n + "\n";
      return s;
    }();
    std::set<std::string> missing(r.missing.begin(), r.missing.end());
    std::string required;
    for (const auto &m : r.missing) {
      bool optional = std::any_of(u.families.begin(), u.families.end(), [&](const RootFamily &f) {
        return std::find(f.roots.begin(), f.roots.end(), m) != f.roots.end();
      });
      if (!optional) required += (required.empty() ? "" : ", ") + m;
    }
    if (!required.empty())
      throw UserError(u.file + ": the tree does not define " + required +
                      ", which every check of profile " + p.name + " needs");
    // Entries of one family are alternatives (generations of the driver): the
    // family runs when one of them is whole, else it names the nearest one's gaps.
    std::map<std::string, std::vector<std::string>> gaps;
    std::set<std::string> whole;
    for (const auto &f : u.families) {
      std::vector<std::string> lacks;
      for (const auto &root : f.roots)
        if (missing.count(root)) lacks.push_back(root);
      if (lacks.empty()) whole.insert(f.family);
      auto it = gaps.find(f.family);
      if (it == gaps.end() || lacks.size() < it->second.size()) gaps[f.family] = lacks;
    }
    for (const auto &[family, lacks] : gaps)
      if (!whole.count(family))
        b.unsupported[family].insert(b.unsupported[family].end(), lacks.begin(), lacks.end());
    std::vector<std::string> present = u.roots;
    for (const auto &f : u.families) present.insert(present.end(), f.roots.begin(), f.roots.end());
    for (const auto &root : present)
      if (!missing.count(root)) have.insert(root);
    fs::path c_file = b.dir / (u.name + ".c");
    std::ofstream(c_file) << r.text;
    say(options, "sliced " + u.file + " (" + std::to_string(r.kept.size()) + " declarations, " +
                     std::to_string(r.plain_stores_rewritten) + " plain stores instrumented)");
    units.emplace_back(c_file, u.file);
  }
  {
    std::ofstream hdr(b.dir / kHaveHeader);
    hdr << "/* The roots this tree defines: glue and drivers compile against these. */\n";
    for (const auto &name : have) hdr << "#define KSHIM_HAVE_" << name << " 1\n";
    std::set<std::string> families;
    for (const auto &u : p.units) {
      for (const auto &f : u.families) families.insert(f.family);
      if (!u.family.empty()) families.insert(u.family);
    }
    for (std::string f : families) {
      if (b.unsupported.count(f)) continue;
      std::replace(f.begin(), f.end(), '-', '_');
      hdr << "#define KSHIM_FAMILY_" << f << " 1\n";
    }
  }
  for (auto &[family, names] : b.unsupported) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    say(options, "family " + family + " unsupported: the tree does not define " + join(names));
  }
  write_unsupported(b.dir / kUnsupportedFile, b.unsupported);
  for (const auto &[c_file, file] : units) {
    say(options, "compiling " + file);
    compile(c_file, file, false);
  }
  for (const auto &d : p.drivers) compile(harness_data_dir() / "kdrivers" / d, "harness driver " + d, true);
  std::vector<fs::path> archives;
  if (b.coverage) {
    fs::path exports = b.dir / kCoverageExportsFile;
    std::ofstream(exports) << kCoverageExports;
    fs::path obj = b.dir / "kshim_coverage.o";
    ProcessResult r = run_process({compiler(), "-c", "-O1", "-fPIC", exports.string(), "-o", obj.string()});
    log << "$ compile " << exports.string() << "\n" << r.output << "\n";
    if (r.status != 0)
      throw UserError("compiling the coverage exports failed: " + r.output.substr(0, r.output.find('\n')) +
                      "\n  compiler log: " + (b.dir / "build.log").string());
    objects.push_back(obj);
    archives.push_back(profile_runtime());
  }

  // A symbol neither the slice nor the shim provides fails the link, by name.
  ProcessResult r = link_shared(objects, b.dir / "slice.so.tmp", archives);
  log << "$ link\n" << r.output << "\n";
  if (r.status != 0)
    throw UserError("linking the slice failed (a function the kernel code calls is neither in "
                    "the slice nor in the shim):\n" + r.output.substr(0, 2000) +
                    "  compiler log: " + (b.dir / "build.log").string());
  fs::rename(b.dir / "slice.so.tmp", b.shared_object);
  log.close();  // the manifest records the log's final size
  write_manifest(b.dir);
  return b;
}

SliceBuild build_case(const fs::path &source, const BuildOptions &options) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec))
    throw UserError(source.string() + ": no such case file (a C file using kshim_case.h)");
  SliceBuild b;
  fs::path cache = options.cache.empty() ? default_cache_dir() : options.cache;
  fs::path data = harness_data_dir();
  fs::path runtime = data / "kdrivers" / "case_runtime.c";
  std::vector<std::string> flags = {
      "-std=gnu11", "-nostdinc", "-isystem", std::string(SMMU_CLANG_RESOURCE_DIR) + "/include",
      "-I" + (data / "include").string(), "-D__KSHIM__", "-D__KSHIM_CASE__",
      "-fno-strict-aliasing", "-fno-common",
      // A call to an undeclared function (a kernel API the case cannot have) is
      // an error at its line, not a link failure without one.
      "-Werror=implicit-function-declaration", "-Werror=int-conversion",
      "-fno-color-diagnostics",
  };
  Hasher h;
  h.add(kCaseVersion);
  h.add(compiler());
  for (const auto &f : flags) h.add(f);
  h.add(source.string());  // it is __FILE__ in every event
  h.add(read_file(source));
  h.add_tree(data / "include");
  h.add(read_file(runtime));
  b.key = h.hex();
  b.dir = cache / "cases" / b.key;
  b.shared_object = b.dir / "case.so";
  fs::create_directories(cache / "cases");
  FileLock lock(cache / "cases" / (".lock-" + b.key));
  if (!options.force && fs::exists(b.shared_object)) {
    b.cached = true;
    return b;
  }
  say(options, "compiling case " + source.string());
  fs::remove_all(b.dir);
  fs::create_directories(b.dir);
  std::ofstream log(b.dir / "build.log");
  std::vector<fs::path> objects;
  const std::vector<std::pair<fs::path, fs::path>> units = {{source, b.dir / "case.o"},
                                                             {runtime, b.dir / "runtime.o"}};
  for (const auto &[c_file, obj] : units) {
    std::vector<std::string> cmd = {compiler(), "-c", "-O1", "-g", "-fPIC"};
    cmd.insert(cmd.end(), flags.begin(), flags.end());
    cmd.insert(cmd.end(), {c_file.string(), "-o", obj.string()});
    ProcessResult r = run_logged(cmd, log);
    if (r.status != 0)
      throw UserError("compiling " + c_file.string() + " failed:\n" + r.output.substr(0, 4000) +
                      (r.output.size() > 4000 ? "...\n" : "") +
                      "  (a case sees only kshim_hooks.h and kshim_case.h; see docs/walker.md)");
    objects.push_back(obj);
  }
  ProcessResult r = link_shared(objects, b.dir / "case.so.tmp");
  log << "$ link\n" << r.output << "\n";
  if (r.status != 0)
    throw UserError("linking " + source.string() + " failed (it calls a function that is not a " +
                    "kshim_* hook):\n" + r.output.substr(0, 2000) +
                    "  compiler log: " + (b.dir / "build.log").string());
  fs::rename(b.dir / "case.so.tmp", b.shared_object);
  return b;
}

LoadedSlice::LoadedSlice(const fs::path &so) {
  handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw UserError(std::string("loading the slice failed: ") + dlerror());
}

LoadedSlice::~LoadedSlice() {
  if (handle_) dlclose(handle_);
}

void *LoadedSlice::symbol(const std::string &name) const { return dlsym(handle_, name.c_str()); }

}  // namespace smmu::harness
