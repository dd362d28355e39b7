#include "kernel_fields.h"

#include <algorithm>
#include <map>

namespace smmu::checks {

namespace {

struct Macro {
  std::string suffix;  // the name after its prefix and qword: S1CTXPTR_MASK, SH_IS
  const harness::FieldMacro *m;
};

bool ends_with(const std::string &s, const std::string &tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool contiguous(uint64_t m) {
  if (!m) return false;
  uint64_t run = m >> __builtin_ctzll(m);
  return (run & (run + 1)) == 0;
}

bool mask_like(const std::string &definition) {
  return definition.find("GENMASK") != std::string::npos || definition.find("BIT") != std::string::npos ||
         definition.find("<<") != std::string::npos;
}

// One kind's macros on one qword, `prefix` (STRTAB_STE_0_) stripped.
void classify(const std::vector<Macro> &group, const std::string &prefix, unsigned qword, bool pte,
              std::vector<checker::FieldSpec> &out) {
  std::map<std::string, const harness::FieldMacro *> by;
  for (const Macro &x : group) by[x.suffix] = x.m;
  std::vector<checker::FieldSpec> fields;
  std::vector<bool> spans;  // an X_MASK: may be a grouping of other fields
  auto add = [&](const std::string &name, uint64_t mask, const std::string &macro, bool is_mask) {
    if (!contiguous(mask)) return;
    for (const auto &f : fields)
      if (f.mask == mask && f.name == name) return;
    fields.push_back({qword, mask, name, macro});
    spans.push_back(is_mask);
  };
  std::map<std::string, std::vector<const Macro *>> families;
  for (const Macro &x : group) {
    const std::string &s = x.suffix;
    if (ends_with(s, "_SHIFT") || ends_with(s, "_BIT")) continue;
    if (!pte && !mask_like(x.m->definition)) continue;
    if (ends_with(s, "_MASK")) {
      const std::string base = s.substr(0, s.size() - 5);
      uint64_t mask = x.m->value;
      if (auto shift = by.find(base + "_SHIFT"); shift != by.end() && shift->second->value < 64)
        mask <<= shift->second->value;
      add(base, mask, x.m->name, true);
      continue;
    }
    const size_t cut = s.rfind('_');
    if (cut == std::string::npos || cut == 0) {
      add(s, x.m->value, x.m->name, false);
      continue;
    }
    const std::string family = s.substr(0, cut);
    if (by.count(family) || by.count(family + "_MASK")) continue;  // a value of a field the tree names
    families[family].push_back(&x);
  }
  for (const auto &[family, members] : families) {
    uint64_t all = 0;
    bool enumeration = false;
    for (const Macro *x : members) {
      enumeration |= x->m->value == 0 || (all & x->m->value);
      all |= x->m->value;
    }
    if (members.size() > 1 && enumeration) {
      add(family, all, prefix + family + "_*", false);
      continue;
    }
    for (const Macro *x : members) add(x->suffix, x->m->value, x->m->name, false);
  }
  // An X_MASK holding two or more other fields groups them (ATTR_LO_MASK): not a field.
  for (size_t i = 0; i < fields.size(); ++i) {
    int inside = 0;
    for (size_t k = 0; k < fields.size(); ++k)
      inside += k != i && (fields[k].mask & ~fields[i].mask) == 0 && fields[k].mask != fields[i].mask;
    if (!(spans[i] && inside >= 2)) out.push_back(fields[i]);
  }
}

}  // namespace

checker::FieldMap field_map(const std::vector<harness::FieldMacro> &macros) {
  checker::FieldMap map;
  struct Kind {
    std::string prefix;
    std::vector<checker::FieldSpec> *out;
    bool pte;
  };
  const Kind kinds[] = {{"STRTAB_STE_", &map.ste, false}, {"CTXDESC_CD_", &map.cd, false},
                        {"ARM_LPAE_PTE_", &map.pte, true}};
  for (const Kind &k : kinds) {
    std::map<unsigned, std::vector<Macro>> by_qword;
    for (const auto &m : macros) {
      if (m.name.compare(0, k.prefix.size(), k.prefix) != 0) continue;
      std::string rest = m.name.substr(k.prefix.size());
      unsigned qword = 0;
      if (!k.pte) {  // STRTAB_STE_<q>_<field>: harness::is_field_macro_name checked the form
        size_t digits = rest.find('_');
        if (digits == std::string::npos || digits == 0) continue;
        qword = static_cast<unsigned>(std::stoul(rest.substr(0, digits)));
        rest = rest.substr(digits + 1);
      }
      by_qword[qword].push_back({rest, &m});
    }
    for (const auto &[qword, group] : by_qword)
      classify(group, k.pte ? k.prefix : k.prefix + std::to_string(qword) + "_", qword, k.pte, *k.out);
    // Low bits first, as a qword reads from the right.
    std::stable_sort(k.out->begin(), k.out->end(), [](const checker::FieldSpec &a, const checker::FieldSpec &b) {
      return a.qword != b.qword ? a.qword < b.qword : __builtin_ctzll(a.mask) < __builtin_ctzll(b.mask);
    });
  }
  return map;
}

checker::FieldMapPtr kernel_fields(const harness::KernelRunner &kernel) {
  try {
    return std::make_shared<const checker::FieldMap>(field_map(harness::field_macros(kernel.build())));
  } catch (const harness::UserError &) {
    return std::make_shared<const checker::FieldMap>();  // raw bits, as before
  }
}

}  // namespace smmu::checks
