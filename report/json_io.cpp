#include "json_io.h"

#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

#include <cmath>
#include <cstdio>

#include "kernel_tree.h"

namespace smmu::report {

void number6(json::OStream &j, llvm::StringRef key, double d) {
  j.attributeBegin(key);
  if (std::isfinite(d)) j.rawValue([&](llvm::raw_ostream &os) { os << llvm::format("%.6g", d); });
  else j.value(nullptr);
  j.attributeEnd();
}

void raw_member(json::OStream &j, llvm::StringRef key, const std::string &text) {
  j.attributeBegin(key);
  j.rawValue(text);
  j.attributeEnd();
}

std::string json_text(const json::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << v;
  return os.str();
}

json::Value parse_json(const std::string &text, const std::string &name) {
  llvm::Expected<json::Value> v = json::parse(text);
  if (v) return std::move(*v);
  // json::ParseError says "[LINE:COLUMN, byte=OFFSET]: WHAT", where COLUMN is
  // the offset of the point after the offending character: its column from 1.
  std::string why = llvm::toString(v.takeError());
  unsigned line = 0, column = 0;
  int what = 0;
  if (std::sscanf(why.c_str(), "[%u:%u, byte=%*u]: %n", &line, &column, &what) == 2 && what > 0)
    why = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + why.substr(what);
  throw harness::UserError(name + ": invalid JSON at " + why);
}

void throw_json_error(const json::Path::Root &root, const std::string &name) {
  throw harness::UserError(name + ": " + llvm::toString(root.getError()));
}

}  // namespace smmu::report
