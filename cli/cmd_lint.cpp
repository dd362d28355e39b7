// smmu-check lint: the static check for plain stores into live descriptor memory.
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_os_ostream.h>

#include <iostream>

#include "commands.h"
#include "lint.h"
#include "options.h"

namespace smmu::cli {

namespace {

const char *kHelp =
    "usage: smmu-check lint (--debian SERIES | --src DIR) [--format text|json] [--checks LIST]\n"
    "                       [--allow-parse-errors]\n\n"
    "Lists every store into live SMMUv3 descriptor memory (STE, CD, page-table\n"
    "entry) in the tree's arm-smmu-v3.c and io-pgtable-arm.c that is not single-copy\n"
    "atomic by construction: plain or compound assignment of a 64-bit descriptor\n"
    "word, memset/memcpy over a descriptor, struct copies onto one. Stores into a\n"
    "descriptor being built (a local, fresh allocation, an arm_smmu_make_* target)\n"
    "are not findings. Output is clang-tidy's format, paths relative to the tree\n"
    "root; docs/lint.md explains the rules. A file that does not parse (a fatal\n"
    "error, such as an #include the shim cannot satisfy) is reported as not\n"
    "checked, with its first error, and never counted as checked.\n\n"
    "Kernel source (one of):\n"
    "  --debian SERIES   Debian's linux-source-SERIES package, e.g. 6.12 or 6.1\n"
    "  --src DIR         any kernel tree\n"
    "Options:\n"
    "  --cache DIR       where Debian trees are extracted (default $SMMU_CHECK_CACHE)\n"
    "  --format FORMAT   text (default, clang-tidy style) or json\n"
    "  --checks LIST     clang-tidy globs, e.g. '-*,smmu-descriptor-plain-store'\n"
    "                    (default smmu-*)\n"
    "  --list-checks     print the checks and whether LIST enables them\n"
    "  --parse-errors    print the parse errors against the shim on stderr\n"
    "  --allow-parse-errors\n"
    "                    a file that did not parse does not make the exit status 1\n"
    "                    (it is still reported as not checked)\n"
    "  --quiet           nothing on stderr but errors\n\n"
    "Exit status: 0 no findings and every file checked, 1 findings or a file not\n"
    "checked (parse errors; see --allow-parse-errors), 2 bad input.\n";

void print_json(std::ostream &out, const harness::KernelTree &tree, const lint::CheckFilter &filter,
                const lint::LintResult &r) {
  llvm::raw_os_ostream os(out);
  llvm::json::OStream j(os);
  auto point = [&](const lint::SourcePoint &p) {
    j.attribute("file", p.file);
    j.attribute("line", static_cast<int64_t>(p.line));
    j.attribute("column", static_cast<int64_t>(p.column));
  };
  j.objectBegin();
  j.attribute("tree", tree.origin);
  j.attribute("version", tree.version);
  j.attribute("root", tree.root.string());
  j.attribute("checks", filter.spec());
  j.attribute("files", llvm::json::Array(r.files));
  j.attributeArray("not_checked", [&] {
    for (const auto &u : r.not_checked)
      j.object([&] {
        j.attribute("file", u.file);
        j.attribute("first_error", u.first_error);
      });
  });
  j.attributeArray("findings", [&] {
    for (const auto &f : r.findings)
      j.object([&] {
        j.attribute("check", f.check);
        point(f.where);
        j.attribute("function", f.function);
        j.attribute("message", f.message);
        if (f.fixit)  // absent when no automatic fix exists
          j.attributeObject("fixit", [&] {
            point(f.fixit->begin);
            j.attribute("end_line", static_cast<int64_t>(f.fixit->end.line));
            j.attribute("end_column", static_cast<int64_t>(f.fixit->end.column));
            j.attribute("replacement", f.fixit->replacement);
          });
        j.attributeArray("notes", [&] {
          for (const auto &n : f.notes)
            j.object([&] {
              point(n.where);
              j.attribute("message", n.message);
            });
        });
      });
  });
  j.attribute("warnings", static_cast<int64_t>(r.findings.size()));
  j.attribute("parse_errors", static_cast<int64_t>(r.parse_errors.size()));
  j.attribute("summary", lint::summary_line(r));
  j.objectEnd();
  os << "\n";
}

}  // namespace

int cmd_lint(const std::vector<std::string> &argv) {
  OptionSpec spec;
  spec.with_value = {"debian", "src", "cache", "format", "checks"};
  spec.flags = {"quiet", "help", "list-checks", "parse-errors", "allow-parse-errors"};
  Args a = parse(argv, spec, "lint");
  if (a.has("help")) {
    std::cout << kHelp;
    return 0;
  }
  lint::CheckFilter filter(a.get("checks", "smmu-*"));
  if (a.has("list-checks")) {
    for (const auto &c : lint::available_checks())
      std::cout << (filter.enabled(c.name) ? "  " : "- ") << c.name << "\n      " << c.summary
                << "\n";
    return 0;
  }
  if (!a.positional.empty())
    throw harness::UserError("lint: unexpected argument '" + a.positional[0] +
                             "' (see smmu-check lint --help)");
  std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw harness::UserError("lint: --format must be text or json, not '" + format + "'");
  bool any = false;
  for (const auto &c : lint::available_checks()) any |= filter.enabled(c.name);
  if (!any)
    throw harness::UserError("lint: --checks '" + filter.spec() +
                             "' enables no check (see --list-checks)");
  if (a.has("debian") == a.has("src"))
    throw harness::UserError(
        "name the kernel source with exactly one of --debian SERIES or --src DIR");

  bool quiet = a.has("quiet");
  std::filesystem::path cache = a.has("debian") ? cache_dir(a) : std::filesystem::path();  // --src: none
  auto progress = [quiet](const std::string &s) {
    if (!quiet) std::cerr << "smmu-check: " << s << "\n";
  };
  harness::KernelTree tree = a.has("debian") ? harness::debian_tree(a.get("debian"), cache, progress)
                                             : harness::source_tree(a.get("src"));
  if (!quiet) std::cerr << "smmu-check: linting " << tree.origin << " (" << tree.version << ")\n";
  lint::LintResult r = lint::lint_tree(tree, filter);
  if (a.has("parse-errors"))
    for (const auto &e : r.parse_errors) std::cerr << e << "\n";
  else if (!quiet && !r.parse_errors.empty())
    std::cerr << "smmu-check: " << r.parse_errors.size()
              << " parse errors against the shim, which covers the descriptor code and not "
                 "all of the driver (--parse-errors lists them)\n";
  for (const auto &[at, name] : r.unparsed)
    if (!quiet)
      std::cerr << "smmu-check: " << at.file << ":" << at.line << ": the body of " << name
                << "() did not parse against the shim; it was not checked\n";
  if (format == "json")
    print_json(std::cout, tree, filter, r);
  else
    lint::print_text(std::cout, r);
  // A file not checked is not a clean result, unless the caller accepts that.
  bool unchecked = !r.not_checked.empty() && !a.has("allow-parse-errors");
  return r.findings.empty() && !unchecked ? 0 : 1;
}

}  // namespace smmu::cli
