#include "parameters.h"

namespace smmu::models {

namespace {

template <typename E>
struct Names {
  E value;
  const char *text;
};

// One mapping per enum, used both ways, so reading and printing cannot disagree.
constexpr Names<Coherency> kCoherency[] = {
    {Coherency::Coherent, "coherent"}, {Coherency::NonCacheable, "nc"}, {Coherency::Cacheable, "cacheable"}};
constexpr Names<FetchOrder> kFetchOrder[] = {{FetchOrder::Any, "any"}, {FetchOrder::Ascending, "ascending"}};
constexpr Names<PlainStore> kPlainStore[] = {
    {PlainStore::Atomic, "atomic"}, {PlainStore::Tear32, "tear32"}, {PlainStore::Tear8, "tear8"}};
constexpr Names<Eviction> kEviction[] = {{Eviction::Anytime, "anytime"}, {Eviction::CmoOnly, "cmo-only"}};
constexpr Names<Doorbell> kDoorbell[] = {{Doorbell::Dmb, "dmb"}, {Doorbell::Dsb, "dsb"}};
constexpr Names<int> kFetchSca[] = {{64, "64"}, {128, "128"}};
constexpr Names<int> kWriteback[] = {{0, "line"}, {64, "64"}, {32, "32"}, {8, "8"}};

template <typename E, size_t N>
std::vector<const char *> texts(const Names<E> (&t)[N]) {
  std::vector<const char *> v;
  for (const auto &n : t) v.push_back(n.text);
  return v;
}

template <typename E, size_t N>
E from_text(const Names<E> (&t)[N], std::string_view s) {
  for (const auto &n : t)
    if (s == n.text) return n.value;
  return t[0].value;  // unreachable: the parser checks is_valid_value first
}

template <typename E, size_t N>
std::string to_text(const Names<E> (&t)[N], E v) {
  for (const auto &n : t)
    if (v == n.value) return n.text;
  return "?";
}

}  // namespace

const std::vector<Parameter> &parameters() {
  static const std::vector<Parameter> table = {
      {"coherency", texts(kCoherency), [](Model &m, std::string_view v) { m.coherency = from_text(kCoherency, v); },
       [](const Model &m) { return to_text(kCoherency, m.coherency); }},
      {"fetch_sca", texts(kFetchSca), [](Model &m, std::string_view v) { m.fetch_sca_bits = from_text(kFetchSca, v); },
       [](const Model &m) { return to_text(kFetchSca, m.fetch_sca_bits); }},
      {"fetch_order", texts(kFetchOrder),
       [](Model &m, std::string_view v) { m.fetch_order = from_text(kFetchOrder, v); },
       [](const Model &m) { return to_text(kFetchOrder, m.fetch_order); }},
      {"plain_store", texts(kPlainStore),
       [](Model &m, std::string_view v) { m.plain_store = from_text(kPlainStore, v); },
       [](const Model &m) { return to_text(kPlainStore, m.plain_store); }},
      {"writeback_atomicity", texts(kWriteback),
       [](Model &m, std::string_view v) { m.writeback_atomicity_bits = from_text(kWriteback, v); },
       [](const Model &m) { return to_text(kWriteback, m.writeback_atomicity_bits); }},
      {"eviction", texts(kEviction), [](Model &m, std::string_view v) { m.eviction = from_text(kEviction, v); },
       [](const Model &m) { return to_text(kEviction, m.eviction); }},
      {"doorbell", texts(kDoorbell), [](Model &m, std::string_view v) { m.doorbell = from_text(kDoorbell, v); },
       [](const Model &m) { return to_text(kDoorbell, m.doorbell); }},
  };
  return table;
}

const Parameter *find_parameter(std::string_view name) {
  for (const auto &p : parameters())
    if (name == p.name) return &p;
  return nullptr;
}

bool is_valid_value(const Parameter &p, std::string_view value) {
  for (const char *v : p.values)
    if (value == v) return true;
  return false;
}

std::string parameter_names() {
  std::string s;
  for (const auto &p : parameters()) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

std::string value_list(const Parameter &p) {
  std::string s;
  for (const char *v : p.values) s += (s.empty() ? "" : ", ") + std::string(v);
  return s;
}

}  // namespace smmu::models
