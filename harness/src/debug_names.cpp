#include "debug_names.h"

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/DebugInfo.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include "function_ir.h"
#include "kernel_tree.h"

namespace smmu::harness {
namespace {

// Typedefs and qualifiers are transparent to a member's layout.
const llvm::DIType *strip(const llvm::DIType *t) {
  while (auto *d = llvm::dyn_cast_or_null<llvm::DIDerivedType>(t)) {
    auto tag = d->getTag();
    if (tag != llvm::dwarf::DW_TAG_typedef && tag != llvm::dwarf::DW_TAG_const_type &&
        tag != llvm::dwarf::DW_TAG_volatile_type)
      break;
    t = d->getBaseType();
  }
  return t;
}

bool is_record(const llvm::DIType *t) {
  auto *c = llvm::dyn_cast_or_null<llvm::DICompositeType>(t);
  return c && (c->getTag() == llvm::dwarf::DW_TAG_structure_type || c->getTag() == llvm::dwarf::DW_TAG_union_type);
}

// The members of record `name`, anonymous nested records flattened into it; a
// named member of an anonymous record type gets that type registered as
// "name.member".
void members(const llvm::DICompositeType *c, const std::string &name, int64_t base_bits, DebugNames &names) {
  std::vector<DebugMember> &out = names.structs[name];
  for (const llvm::DINode *n : c->getElements()) {
    auto *m = llvm::dyn_cast<llvm::DIDerivedType>(n);
    if (!m || m->getTag() != llvm::dwarf::DW_TAG_member) continue;
    const llvm::DIType *t = strip(m->getBaseType());
    int64_t offset = base_bits + static_cast<int64_t>(m->getOffsetInBits());
    if (m->getName().empty() && is_record(t)) {
      members(llvm::cast<llvm::DICompositeType>(t), name, offset, names);
      continue;
    }
    DebugMember d{m->getName().str(), offset, static_cast<int64_t>(m->getSizeInBits()), ""};
    if (is_record(t)) {
      d.struct_type = t->getName().empty() ? name + "." + d.name : t->getName().str();
      if (t->getName().empty()) members(llvm::cast<llvm::DICompositeType>(t), d.struct_type, 0, names);
    }
    if (auto *p = llvm::dyn_cast_or_null<llvm::DIDerivedType>(t); p && p->getTag() == llvm::dwarf::DW_TAG_pointer_type)
      if (const llvm::DIType *to = strip(p->getBaseType()); is_record(to)) d.pointee = to->getName().str();
    out.push_back(std::move(d));
  }
}

}  // namespace

std::string DebugNames::member_at(const std::string &struct_name, int64_t offset, int64_t bytes) const {
  auto it = structs.find(struct_name);
  if (it == structs.end()) return "";
  const int64_t lo = offset * 8, hi = (offset + bytes) * 8;
  std::vector<std::string> holding;  // members wholly holding the range (several: a union's)
  std::vector<const DebugMember *> overlapping;
  for (const DebugMember &m : it->second) {
    if (m.offset_bits >= hi || m.offset_bits + m.size_bits <= lo) continue;
    if (!(m.offset_bits <= lo && hi <= m.offset_bits + m.size_bits)) {
      overlapping.push_back(&m);
      continue;
    }
    // Further inside a nested struct, unless the range spans several of its members.
    std::string inner = m.struct_type.empty() ? "" : member_at(m.struct_type, offset - m.offset_bits / 8, bytes);
    holding.push_back(inner.empty() || inner[0] == '{' ? m.name : m.name + "." + inner);
  }
  // A union's alternatives, the first few: the make function says which one it means.
  std::string out;
  for (size_t k = 0; k < holding.size() && k < 3; ++k) out += (out.empty() ? "" : "|") + holding[k];
  if (holding.size() > 3) out += "|...";
  if (!out.empty() || overlapping.empty()) return out;
  out = "{";
  for (const DebugMember *m : overlapping) out += (out.size() > 1 ? "," : "") + m->name;
  return out + "}";
}

std::string DebugNames::pointee(const std::string &struct_name, int64_t offset) const {
  auto it = structs.find(struct_name);
  if (it == structs.end()) return "";
  for (const DebugMember &m : it->second)
    if (m.offset_bits == offset * 8 && !m.pointee.empty()) return m.pointee;
  return "";
}

std::pair<std::string, std::string> DebugNames::container(const std::string &member_type, int64_t offset,
                                                          int64_t bytes) const {
  std::pair<std::string, std::string> found;
  int candidates = 0;
  for (const auto &[name, members] : structs)
    for (const DebugMember &m : members) {
      if (m.struct_type != member_type) continue;
      int64_t at = m.offset_bits / 8 + offset;
      if (at < 0) continue;
      std::string path = member_at(name, at, bytes);
      if (path.empty()) continue;
      found = {name, path};
      ++candidates;
    }
  return candidates == 1 ? found : std::pair<std::string, std::string>{};
}

std::string DebugNames::parameter(const std::string &function, size_t index) const {
  auto it = parameters.find(function);
  return it != parameters.end() && index < it->second.size() ? it->second[index] : "";
}

DebugNames debug_names(const SliceBuild &build, const std::string &unit) {
  std::filesystem::path ll = module_ir(build, unit, {"-g"});
  llvm::LLVMContext ctx;
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> m = llvm::parseAssemblyFile(ll.string(), err, ctx);
  if (!m) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print(unit.c_str(), os);
    throw UserError("parsing the debug IR of " + unit + " failed: " + os.str());
  }
  DebugNames out;
  llvm::DebugInfoFinder finder;
  finder.processModule(*m);
  for (const llvm::DIType *t : finder.types()) {
    auto *c = llvm::dyn_cast<llvm::DICompositeType>(t);
    if (!is_record(c) || c->getName().empty() || c->isForwardDecl() || out.structs.count(c->getName().str()))
      continue;
    members(c, c->getName().str(), 0, out);
  }
  for (const llvm::DISubprogram *sp : finder.subprograms()) {
    std::vector<std::string> &params = out.parameters[sp->getName().str()];
    for (const llvm::DINode *n : sp->getRetainedNodes())
      if (auto *v = llvm::dyn_cast<llvm::DILocalVariable>(n); v && v->getArg() > 0) {
        if (params.size() < v->getArg()) params.resize(v->getArg());
        params[v->getArg() - 1] = v->getName().str();
      }
  }
  return out;
}

}  // namespace smmu::harness
