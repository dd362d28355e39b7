#include "coverage.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <tuple>
#include <set>

#include "llvm/ProfileData/Coverage/CoverageMapping.h"
#include "llvm/ProfileData/Coverage/CoverageMappingReader.h"
#include "llvm/ProfileData/InstrProfReader.h"
#include "llvm/ProfileData/InstrProfWriter.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

namespace fs = std::filesystem;

namespace smmu::harness {

namespace {

std::string error_text(llvm::Error e) { return llvm::toString(std::move(e)); }

// A static function's profile name is "file.c:name"; a function the slice
// wraps (SliceRequest::wraps) is the kernel's body under __kshim_real_<name>.
std::string plain_name(llvm::StringRef pgo_name) {
  size_t colon = pgo_name.rfind(':');
  llvm::StringRef name = colon == llvm::StringRef::npos ? pgo_name : pgo_name.substr(colon + 1);
  name.consume_front("__kshim_real_");
  return name.str();
}

}  // namespace

std::vector<BranchCoverage> FunctionCoverage::unexecuted_branches() const {
  std::vector<BranchCoverage> out;
  for (const auto &b : branches)
    if (b.true_count == 0 || b.false_count == 0) out.push_back(b);
  return out;
}

void accumulate(FunctionCoverage &into, const FunctionCoverage &more) {
  if (!more.present) return;
  if (!into.present) {
    into.present = true;
    into.file = more.file;
  }
  std::map<int, uint64_t> lines;
  for (size_t k = 0; k < into.executable.size(); ++k) lines[into.executable[k]] += k < into.counts.size() ? into.counts[k] : 0;
  for (size_t k = 0; k < more.executable.size(); ++k) lines[more.executable[k]] += k < more.counts.size() ? more.counts[k] : 0;
  into.executable.clear();
  into.counts.clear();
  into.executed.clear();
  into.unexecuted.clear();
  for (const auto &[line, n] : lines) {
    into.executable.push_back(line);
    into.counts.push_back(n);
    (n ? into.executed : into.unexecuted).push_back(line);
  }
  std::map<std::pair<int, int>, BranchCoverage> branches;
  auto add = [&](const BranchCoverage &b) {
    auto [it, fresh] = branches.emplace(std::make_pair(b.line, b.column), b);
    if (!fresh) {
      it->second.true_count += b.true_count;
      it->second.false_count += b.false_count;
    }
  };
  for (const auto &b : into.branches) add(b);
  for (const auto &b : more.branches) add(b);
  into.branches.clear();
  for (const auto &[at, b] : branches) into.branches.push_back(b);
}

const FunctionCoverage *CoverageReport::find(const std::string &function) const {
  for (const auto &f : functions)
    if (f.function == function) return &f;
  return nullptr;
}

size_t CoverageReport::lines_executable() const {
  size_t n = 0;
  for (const auto &f : functions) n += f.lines_executable();
  return n;
}

size_t CoverageReport::lines_executed() const {
  size_t n = 0;
  for (const auto &f : functions) n += f.lines_executed();
  return n;
}

CoverageAdded coverage_added(const CoverageReport &before, const CoverageReport &after) {
  CoverageAdded added;
  for (const auto &f : after.functions) {
    const FunctionCoverage *b = before.find(f.function);
    std::set<int> had;
    if (b) had.insert(b->executed.begin(), b->executed.end());
    CoverageAdded::Lines l{f.function, f.file, {}};
    for (int line : f.executed)
      if (!had.count(line)) l.lines.push_back(line);
    if (!l.lines.empty()) added.lines.push_back(std::move(l));
    for (const auto &br : f.branches) {
      bool t = br.true_count > 0, e = br.false_count > 0;
      if (!t && !e) continue;
      bool was_t = false, was_e = false;
      if (b)
        for (const auto &old : b->branches)
          if (old.line == br.line && old.column == br.column) {
            was_t |= old.true_count > 0;
            was_e |= old.false_count > 0;
          }
      if ((t && !was_t) || (e && !was_e)) added.branches.emplace_back(f.function, br);
    }
  }
  return added;
}

std::string line_ranges(const std::vector<int> &lines) {
  std::string s;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    s += (s.empty() ? "" : ",") + std::to_string(lines[i]);
    if (j > i) s += "-" + std::to_string(lines[j]);
    i = j + 1;
  }
  return s;
}

struct SliceCoverage::Impl {
  using SizeFn = unsigned long long();
  using WriteFn = int(char *);
  using ResetFn = void();
  SizeFn *size = nullptr;
  WriteFn *write = nullptr;
  ResetFn *reset = nullptr;
  std::unique_ptr<llvm::MemoryBuffer> object;  // the slice's shared object: its coverage mapping
  std::vector<std::string> added;              // raw profiles of other processes
  // The sliced units: name, C file (as the coverage mapping names it), line map.
  struct Unit {
    std::string name;
    fs::path file;
    LineMap map;
    std::string kernel_file;  // relative to the tree root
  };
  std::vector<Unit> units;
  fs::path tree_root;

  // Where a line of a unit's kernel file starts the definition of `name`, at
  // column 0 as kernel style has it: a function ("static int name(", or
  // "name(" after the type's line) or a variable ("... name = {"). The file
  // and whether it is a variable; "" if none.
  std::pair<std::string, bool> defined_in(const std::string &name) const {
    auto word_at = [&](const std::string &l, size_t at) {
      return (at == 0 || !(std::isalnum(static_cast<unsigned char>(l[at - 1])) || l[at - 1] == '_')) &&
             (at + name.size() >= l.size() ||
              !(std::isalnum(static_cast<unsigned char>(l[at + name.size()])) || l[at + name.size()] == '_'));
    };
    if (tree_root.empty()) return {"", false};
    for (const auto &u : units) {
      std::ifstream in(tree_root / u.kernel_file);
      for (std::string l; std::getline(in, l);) {
        if (l.empty() || !(std::isalpha(static_cast<unsigned char>(l[0])) || l[0] == '_')) continue;
        size_t at = l.find(name);
        while (at != std::string::npos && !word_at(l, at)) at = l.find(name, at + 1);
        if (at == std::string::npos) continue;
        size_t next = l.find_first_not_of(" \t[]", at + name.size());
        char after = next == std::string::npos ? '\0' : l[next];
        size_t paren = l.find('(');
        if (after == '(' && paren == next && l.find(';') == std::string::npos) return {u.kernel_file, false};
        if (after == '=' && (paren == std::string::npos || paren > at)) return {u.kernel_file, true};
      }
    }
    return {"", false};
  }

  const Unit *unit_of(llvm::StringRef filename) const {
    fs::path p(filename.str());
    for (const auto &u : units) {
      std::error_code ec;
      if (p == u.file || fs::equivalent(p, u.file, ec)) return &u;
    }
    return nullptr;
  }

  // Every function of the kernel units, by plain name, with the counters now.
  std::map<std::string, FunctionCoverage> load(const std::set<std::string> *wanted) const {
    llvm::InstrProfWriter writer;
    auto add = [&](const std::string &raw, const std::string &what) {
      auto reader = llvm::InstrProfReader::create(
          llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(raw.data(), raw.size()), what));
      if (!reader) throw UserError("coverage: reading " + what + " failed: " + error_text(reader.takeError()));
      if (llvm::Error e = writer.mergeProfileKind((*reader)->getProfileKind()))
        throw UserError("coverage: " + what + ": " + error_text(std::move(e)));
      std::string warning;
      for (auto &record : **reader)
        writer.addRecord(std::move(record), [&](llvm::Error e) { warning = error_text(std::move(e)); });
      if ((*reader)->hasError())
        throw UserError("coverage: reading " + what + " failed: " + error_text((*reader)->getError()));
      if (!warning.empty()) throw UserError("coverage: merging " + what + ": " + warning);
    };
    add(raw(), "this process's counters");
    for (size_t i = 0; i < added.size(); ++i) add(added[i], "added profile " + std::to_string(i + 1));
    auto indexed = llvm::IndexedInstrProfReader::create(writer.writeBuffer());
    if (!indexed) throw UserError("coverage: " + error_text(indexed.takeError()));

    llvm::SmallVector<std::unique_ptr<llvm::MemoryBuffer>, 4> buffers;
    auto binary = llvm::coverage::BinaryCoverageReader::create(object->getMemBufferRef(), "", buffers);
    if (!binary) throw UserError("coverage: reading the slice's coverage mapping failed: " +
                                 error_text(binary.takeError()));
    std::vector<std::unique_ptr<llvm::coverage::CoverageMappingReader>> readers;
    for (auto &r : *binary) readers.push_back(std::move(r));
    auto mapping = llvm::coverage::CoverageMapping::load(readers, **indexed);
    if (!mapping) throw UserError("coverage: " + error_text(mapping.takeError()));

    std::map<std::string, FunctionCoverage> out;
    for (const auto &record : (*mapping)->getCoveredFunctions()) {
      std::string name = plain_name(record.Name);
      if (wanted && !wanted->count(name)) continue;
      llvm::coverage::CoverageData data = (*mapping)->getCoverageForFunction(record);
      const Unit *unit = unit_of(data.getFilename());
      if (!unit) continue;  // a header's or the harness glue's function
      FunctionCoverage f;
      f.function = name;
      f.present = true;
      std::map<int, uint64_t> lines;  // kernel line -> count
      for (const auto &stats : llvm::coverage::getLineCoverageStats(data)) {
        if (!stats.isMapped()) continue;
        auto at = unit->map.kernel_line(static_cast<int>(stats.getLine()));
        if (!at) continue;
        if (f.file.empty()) f.file = at->file;
        if (at->file == f.file) lines[at->line] += stats.getExecutionCount();
      }
      for (const auto &[line, n] : lines) {
        f.executable.push_back(line);
        f.counts.push_back(n);
        (n ? f.executed : f.unexecuted).push_back(line);
      }
      for (const auto &b : data.getBranches()) {
        auto at = unit->map.kernel_line(static_cast<int>(b.LineStart));
        if (at && at->file == f.file)
          f.branches.push_back({at->line, static_cast<int>(b.ColumnStart), b.ExecutionCount, b.FalseExecutionCount});
      }
      FunctionCoverage none;
      none.function = name;
      accumulate(none, f);  // sorted, and one entry per condition
      auto [it, fresh] = out.emplace(name, std::move(none));
      if (!fresh && it->second.file == f.file) accumulate(it->second, f);  // a same-named function of another unit
    }
    return out;
  }

  std::string raw() const {
    std::string buffer(static_cast<size_t>(size()), '\0');
    if (write(buffer.data()) != 0) throw UserError("coverage: the slice's profile runtime could not write its counters");
    return buffer;
  }
};

SliceCoverage::SliceCoverage(const SliceBuild &build, const LoadedSlice &slice, const fs::path &tree_root)
    : impl_(std::make_unique<Impl>()) {
  impl_->tree_root = tree_root;
  impl_->size = slice.function<Impl::SizeFn>("kshim_coverage_size");
  impl_->write = slice.function<Impl::WriteFn>("kshim_coverage_write");
  impl_->reset = slice.function<Impl::ResetFn>("kshim_coverage_reset");
  if (!build.coverage || !impl_->size || !impl_->write || !impl_->reset)
    throw UserError("the slice " + build.dir.string() + " was not built with coverage (BuildOptions::coverage, --coverage)");
  auto object = llvm::MemoryBuffer::getFile(build.shared_object.string(), /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!object) throw UserError(build.shared_object.string() + ": cannot read: " + object.getError().message());
  impl_->object = std::move(*object);
  for (const auto &u : build.profile.units) {
    fs::path c_file = build.dir / (u.name + ".c");
    std::error_code ec;
    if (!fs::is_regular_file(c_file, ec)) continue;  // an optional unit the tree lacks
    impl_->units.push_back({u.name, fs::absolute(c_file), LineMap::read(c_file), u.file});
  }
}

SliceCoverage::SliceCoverage(const KernelRunner &runner)
    : SliceCoverage(runner.build(), runner.slice(), runner.tree().root) {}

SliceCoverage::~SliceCoverage() = default;

void SliceCoverage::reset() {
  impl_->reset();
  impl_->added.clear();
}

std::string SliceCoverage::raw_profile() const { return impl_->raw(); }

void SliceCoverage::add_raw_profile(const std::string &raw) { impl_->added.push_back(raw); }

CoverageReport SliceCoverage::report(const std::vector<std::string> &functions) const {
  std::set<std::string> wanted(functions.begin(), functions.end());
  std::map<std::string, FunctionCoverage> all = impl_->load(&wanted);
  CoverageReport r;
  for (const auto &name : functions) {
    auto it = all.find(name);
    if (it != all.end()) {
      r.functions.push_back(it->second);
    } else {
      FunctionCoverage absent;
      absent.function = name;
      std::tie(absent.file, absent.variable) = impl_->defined_in(name);
      absent.in_tree = !absent.file.empty();
      r.functions.push_back(absent);
    }
  }
  return r;
}

CoverageReport SliceCoverage::report_all() const {
  CoverageReport r;
  for (auto &[name, f] : impl_->load(nullptr)) r.functions.push_back(std::move(f));
  return r;
}

FunctionCoverage SliceCoverage::function(const std::string &name) const { return report({name}).functions[0]; }

const LineMap &SliceCoverage::line_map(const std::string &unit_name) const {
  for (const auto &u : impl_->units)
    if (u.name == unit_name) return u.map;
  throw UserError("the slice has no sliced unit named '" + unit_name + "'");
}

}  // namespace smmu::harness
