#include "field_map.h"

#include <algorithm>

#include "hex.h"

namespace smmu::checker {

namespace {

int low_bit(uint64_t mask) { return mask ? __builtin_ctzll(mask) : 0; }
int high_bit(uint64_t mask) { return mask ? 63 - __builtin_clzll(mask) : 0; }

}  // namespace

const std::vector<FieldSpec> &FieldMap::of(harness::DescKind kind) const {
  static const std::vector<FieldSpec> none;
  switch (kind) {
    case harness::DescKind::Ste: return ste;
    case harness::DescKind::Cd: return cd;
    case harness::DescKind::PgTable: return pte;
    default: return none;
  }
}

std::vector<const FieldSpec *> FieldMap::touching(harness::DescKind kind, unsigned qword, uint64_t mask) const {
  std::vector<const FieldSpec *> out;
  for (const FieldSpec &f : of(kind))
    if (f.qword == qword && (f.mask & mask)) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(),
                   [](const FieldSpec *a, const FieldSpec *b) { return low_bit(a->mask) < low_bit(b->mask); });
  return out;
}

std::string bit_range(uint64_t mask) {
  int hi = high_bit(mask), lo = low_bit(mask);
  return hi == lo ? std::to_string(lo) : std::to_string(hi) + ":" + std::to_string(lo);
}

uint64_t field_value(const FieldSpec &f, uint64_t q) {
  const int width = high_bit(f.mask) - low_bit(f.mask) + 1;
  return width <= 16 ? (q & f.mask) >> low_bit(f.mask) : q & f.mask;
}

std::string fields_phrase(const FieldMap &fields, harness::DescKind kind, unsigned qword, uint64_t mask,
                          uint64_t changed) {
  std::vector<const FieldSpec *> touched = fields.touching(kind, qword, mask);
  if (touched.empty()) return "";
  if (touched.size() == 1) {
    const FieldSpec &f = *touched[0];
    const bool one = (f.mask & (f.mask - 1)) == 0;
    return f.name + " (" + f.macro + (one ? ", bit " : ", bits ") + bit_range(f.mask) + ")";
  }
  const bool some_changed = std::any_of(touched.begin(), touched.end(),
                                        [&](const FieldSpec *f) { return f->mask & mask & changed; });
  std::string s;
  size_t unchanged = 0;
  for (const FieldSpec *f : touched) {
    if (some_changed && !(f->mask & mask & changed)) {
      ++unchanged;
      continue;
    }
    s += (s.empty() ? "" : " ") + f->name + "[" + bit_range(f->mask) + "]";
  }
  if (unchanged) s += " +" + std::to_string(unchanged) + " unchanged";
  return s;
}

std::string changed_fields(const std::vector<FieldSpec> &fields, uint64_t before, uint64_t after) {
  std::string s;
  for (const FieldSpec &f : fields)
    if ((before ^ after) & f.mask)
      s += (s.empty() ? "" : ", ") + f.name + " " + hex(field_value(f, before)) + " -> " +
           hex(field_value(f, after));
  return s;
}

std::string field_values(const std::vector<FieldSpec> &fields, uint64_t q) {
  std::string s;
  for (const FieldSpec &f : fields)
    if (q & f.mask) s += (s.empty() ? "" : " ") + f.name + "=" + hex(field_value(f, q));
  return s;
}

}  // namespace smmu::checker
