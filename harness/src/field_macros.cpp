#include "field_macros.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

// Bumped when what is extracted changes, so an older list is not reused.
constexpr const char *kCacheFile = "field-macros-1.txt";
// The units whose macros name entry bits: the driver (its header arm-smmu-v3.h
// is in its prelude) and the LPAE page-table code, which defines its PTE
// macros in the .c file itself.
const char *const kUnits[] = {"arm-smmu-v3", "io-pgtable-arm"};
const char *const kPrefixes[] = {"STRTAB_STE_", "CTXDESC_CD_", "ARM_LPAE_PTE_"};

std::vector<std::string> unit_command(const SliceBuild &build, std::vector<std::string> head) {
  // As module_ir() compiles a unit: the shim's hooks compiled out.
  head.insert(head.end(), {"-w", "-DKSHIM_IR_ONLY"});
  std::vector<std::string> flags = slice_unit_flags(build);
  head.insert(head.end(), flags.begin(), flags.end());
  return head;
}

void log_run(const fs::path &log, const std::vector<std::string> &cmd, const ProcessResult &r) {
  std::ofstream out(log, std::ios::app);
  out << "$";
  for (const auto &a : cmd) out << " " << a;
  out << "\n" << r.output << "\n";
}

// The unit's macros with a field prefix and no parameters, as defined at its
// end (clang -dM -E), in the order the preprocessor lists them.
std::vector<FieldMacro> defined_in(const SliceBuild &build, const std::string &unit, const fs::path &log) {
  fs::path c_file = build.dir / (unit + ".c");
  std::vector<std::string> cmd = unit_command(build, {slice_compiler(), "-dM", "-E"});
  cmd.push_back(c_file.string());
  ProcessResult r = run_process(cmd);
  log_run(log, cmd, r);
  if (r.status != 0)
    throw UserError("preprocessing " + c_file.string() + " for its field macros failed: " +
                    r.output.substr(0, r.output.find('\n')) + "\n  compiler log: " + log.string());
  std::vector<FieldMacro> out;
  std::istringstream lines(r.output);
  std::string line;
  const std::string define = "#define ";
  while (std::getline(lines, line)) {
    if (line.rfind(define, 0) != 0) continue;
    size_t end = line.find_first_of(" (", define.size());
    std::string name = line.substr(define.size(), end - define.size());
    if (end == std::string::npos || line[end] == '(' || !is_field_macro_name(name)) continue;
    out.push_back({unit, name, line.substr(end + 1), 0});
  }
  return out;
}

// The compiler's value of each macro in its unit: a probe that includes the
// unit and initialises one constant per macro, compiled to IR. A macro whose
// line does not compile (not a constant integer there) is dropped and the
// probe compiled again.
std::vector<FieldMacro> evaluate(const SliceBuild &build, const std::string &unit, std::vector<FieldMacro> macros,
                                 const fs::path &log) {
  const std::string stem = "field-macros-" + unit + "." + std::to_string(getpid());
  const fs::path probe = build.dir / (stem + ".c"), ll = build.dir / (stem + ".ll");
  for (int round = 0; round < 4 && !macros.empty(); ++round) {
    {
      std::ofstream c(probe);
      c << "#include \"" << (build.dir / (unit + ".c")).string() << "\"\n";  // line 1
      for (size_t i = 0; i < macros.size(); ++i)  // line i + 2
        c << "const unsigned long long kshim_field_macro_" << i << " = (unsigned long long)(" << macros[i].name
          << ");\n";
    }
    std::vector<std::string> cmd =
        unit_command(build, {slice_compiler(), "-S", "-emit-llvm", "-O0", "-ferror-limit=0", "-fno-color-diagnostics"});
    cmd.insert(cmd.end(), {probe.string(), "-o", ll.string()});
    ProcessResult r = run_process(cmd);
    log_run(log, cmd, r);
    if (r.status == 0) {
      std::ifstream in(ll);
      std::stringstream text;
      text << in.rdbuf();
      std::error_code ec;
      fs::remove(probe, ec);
      fs::remove(ll, ec);
      static const std::regex global(R"(@kshim_field_macro_(\d+) = [^\n]*\bi64 (-?\d+))");
      std::vector<FieldMacro> out;
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), global), e; it != e; ++it) {
        size_t i = std::stoul((*it)[1]);
        if (i >= macros.size()) continue;
        macros[i].value = static_cast<uint64_t>(std::stoll((*it)[2]));
        out.push_back(macros[i]);
      }
      return out;
    }
    // Drop the lines the compiler rejected; none named: nothing to retry.
    std::set<size_t> bad;
    const std::regex at(std::regex_replace(probe.filename().string(), std::regex(R"([.])"), R"(\.)") +
                        R"(:(\d+):\d+: error)");
    for (std::sregex_iterator it(r.output.begin(), r.output.end(), at), e; it != e; ++it)
      if (size_t line = std::stoul((*it)[1]); line >= 2) bad.insert(line - 2);
    if (bad.empty()) break;
    std::vector<FieldMacro> kept;
    for (size_t i = 0; i < macros.size(); ++i)
      if (!bad.count(i)) kept.push_back(macros[i]);
    macros = std::move(kept);
  }
  std::error_code ec;
  fs::remove(probe, ec);
  fs::remove(ll, ec);
  if (macros.empty()) return {};
  throw UserError("evaluating the field macros of " + unit + " failed\n  compiler log: " + log.string());
}

std::vector<FieldMacro> read_cache(const fs::path &file) {
  std::vector<FieldMacro> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    FieldMacro m;
    std::string value;
    if (std::getline(f, m.unit, '\t') && std::getline(f, m.name, '\t') && std::getline(f, value, '\t') &&
        std::getline(f, m.definition)) {
      char *end = nullptr;
      m.value = std::strtoull(value.c_str(), &end, 16);
      if (end && *end == '\0' && !value.empty()) out.push_back(std::move(m));  // a damaged line names nothing
    }
  }
  return out;
}

}  // namespace

bool is_field_macro_name(const std::string &name) {
  for (const char *p : kPrefixes) {
    const std::string prefix = p;
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    if (prefix == "ARM_LPAE_PTE_") return true;
    // STE/CD: the qword number, then the field: STRTAB_STE_0_V.
    size_t i = prefix.size();
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
    return i > prefix.size() && i + 1 < name.size() && name[i] == '_';
  }
  return false;
}

std::vector<FieldMacro> field_macros(const SliceBuild &build) {
  const fs::path cache = build.dir / kCacheFile;
  if (fs::exists(cache)) return read_cache(cache);
  const fs::path log = build.dir / "field-macros.log";
  std::vector<FieldMacro> all;
  for (const char *unit : kUnits) {
    if (!fs::exists(build.dir / (std::string(unit) + ".c"))) continue;
    std::vector<FieldMacro> macros = evaluate(build, unit, defined_in(build, unit, log), log);
    all.insert(all.end(), macros.begin(), macros.end());
  }
  // Unique temporary, then rename: concurrent processes may extract the same list.
  fs::path tmp = cache;
  tmp += ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    for (const auto &m : all) {
      std::string def = m.definition;
      for (char &c : def)
        if (c == '\t' || c == '\n') c = ' ';
      char value[17];
      std::snprintf(value, sizeof value, "%llx", static_cast<unsigned long long>(m.value));
      out << m.unit << "\t" << m.name << "\t" << value << "\t" << def << "\n";
    }
  }
  std::error_code ec;
  fs::rename(tmp, cache, ec);
  if (ec) fs::remove(tmp, ec);
  return all;
}

}  // namespace smmu::harness
