// JSON in and out through llvm::json: the little the reports' documents share
// beyond it (64-bit values as hex, times with six digits, a value kept as
// text), and input errors that say where: line and column for bad syntax, the
// member's path ($.results[3].check) and what it should be for a bad member.
#pragma once

#include <llvm/Support/JSON.h>

#include <cstdint>
#include <string>

#include "hex.h"

namespace smmu::report {

namespace json = llvm::json;

// "0x" and 16 digits: JSON readers lose integers beyond 2^53.
inline json::Value hex64(uint64_t v) { return smmu::hex(v, 16); }

// A member with a number printed with six significant digits, as the reports
// print times ("0.0123", not 17 digits); null when not finite.
void number6(json::OStream &j, llvm::StringRef key, double d);

// A member whose value is JSON text written earlier (a witness), as is.
void raw_member(json::OStream &j, llvm::StringRef key, const std::string &text);

// The JSON text of `v`. An object written as a json::Value has its members in
// key order: the writers use OStream's attribute calls to keep their own order.
std::string json_text(const json::Value &v);

// What write(json::OStream &) writes, as text (a witness kept in a report item).
template <typename F>
std::string json_string(F write) {
  std::string s;
  llvm::raw_string_ostream os(s);
  json::OStream j(os);
  write(j);
  return os.str();
}

// Throws harness::UserError "NAME: invalid JSON at line L, column C: WHAT".
json::Value parse_json(const std::string &text, const std::string &name);

// Throws harness::UserError "NAME: expected string at $.results[3].check".
[[noreturn]] void throw_json_error(const json::Path::Root &root, const std::string &name);

// An object's members read with fromJSON, as json::ObjectMapper reads them,
// except that a null member counts as absent: the reports write null for
// what does not apply.
class Members {
 public:
  Members(const json::Value &v, json::Path p) : o_(v.getAsObject()), p_(p) {
    if (!o_) p.report("expected object");
  }
  explicit operator bool() const { return o_ != nullptr; }
  // The member, or nullptr when absent or null.
  const json::Value *get(llvm::StringRef key) const {
    const json::Value *v = o_->get(key);
    return v && v->kind() != json::Value::Null ? v : nullptr;
  }
  json::Path path(llvm::StringLiteral key) const { return p_.field(key); }
  template <typename T>
  bool need(llvm::StringLiteral key, T &out) const {
    if (const json::Value *v = get(key)) return fromJSON(*v, out, p_.field(key));
    p_.field(key).report("missing value");
    return false;
  }
  // Absent or null: `out` keeps its value.
  template <typename T>
  bool may(llvm::StringLiteral key, T &out) const {
    const json::Value *v = get(key);
    return !v || fromJSON(*v, out, p_.field(key));
  }
  // read(element, its path) for each element of an array member (absent or null: none).
  template <typename F>
  bool each(llvm::StringLiteral key, F read) const {
    const json::Value *v = get(key);
    if (!v) return true;
    const json::Array *a = v->getAsArray();
    if (!a) p_.field(key).report("expected array");
    for (size_t i = 0; a && i < a->size(); ++i)
      if (!read((*a)[i], p_.field(key).index(i))) return false;
    return a != nullptr;
  }

 private:
  const json::Object *o_;
  json::Path p_;
};

// `v` read by fromJSON into a T, or a UserError naming the bad member.
template <typename T>
T read_json(const json::Value &v, const std::string &name) {
  json::Path::Root root("$");
  T out;
  if (!fromJSON(v, out, root)) throw_json_error(root, name);
  return out;
}

}  // namespace smmu::report
