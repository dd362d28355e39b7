#include "sequence.h"

#include <charconv>
#include <set>
#include <sstream>
#include <stdexcept>

#include "hex.h"

namespace smmu::explore {
namespace {

std::string granule_text(uint64_t g) { return std::to_string(g / 1024) + "K"; }

// One statement's words, and where they came from, for errors.
struct Line {
  std::string origin;
  int number;
  std::vector<std::string> words;

  [[noreturn]] void fail(const std::string &expected, const std::string &got) const {
    throw std::invalid_argument(origin + ":" + std::to_string(number) + ": expected " + expected +
                                ", got '" + got + "'");
  }
  const std::string &word(size_t i, const std::string &expected) const {
    if (i >= words.size()) fail(expected, "end of line");
    return words[i];
  }
  uint64_t number_at(size_t i, const std::string &expected) const {
    const std::string &w = word(i, expected);
    uint64_t v = 0;
    const bool is_hex = w.rfind("0x", 0) == 0;
    const char *b = w.data() + (is_hex ? 2 : 0), *e = w.data() + w.size();
    auto [p, ec] = std::from_chars(b, e, v, is_hex ? 16 : 10);
    if (ec != std::errc() || p != e || b == e) fail(expected, w);
    return v;
  }
  // key=VALUE at word i.
  std::string keyed(size_t i, const std::string &key, const std::string &expected) const {
    const std::string &w = word(i, key + "=" + expected);
    if (w.rfind(key + "=", 0) != 0) fail(key + "=" + expected, w);
    return w.substr(key.size() + 1);
  }
  uint64_t keyed_number(size_t i, const std::string &key) const {
    Line one{origin, number, {keyed(i, key, "a number")}};
    return one.number_at(0, key + "=NUMBER");
  }
  void end(size_t i) const {
    if (words.size() > i) fail("end of line", words[i]);
  }
};

kshim_explore_config parse_config(const Line &l) {
  kshim_explore_config c{};
  const std::string g = l.keyed(1, "granule", "4K|16K|64K");
  if (g == "4K") c.granule = 4096;
  else if (g == "16K") c.granule = 16384;
  else if (g == "64K") c.granule = 65536;
  else l.fail("granule=4K|16K|64K", l.words[1]);
  const std::string st = l.keyed(2, "stage", "1|2");
  if (st != "1" && st != "2") l.fail("stage=1|2", l.words[2]);
  c.stage = st == "1" ? 1 : 2;
  const std::string w = l.keyed(3, "walk", "coherent|non-coherent");
  if (w != "coherent" && w != "non-coherent") l.fail("walk=coherent|non-coherent", l.words[3]);
  c.coherent_walk = w == "coherent";
  const std::string r = l.keyed(4, "range-inv", "on|off");
  if (r != "on" && r != "off") l.fail("range-inv=on|off", l.words[4]);
  c.range_inv = r == "on";
  const uint64_t ias = l.keyed_number(5, "ias");
  if (ias != 40 && ias != 48) l.fail("ias=40|48", l.words[5]);
  c.ias_bits = static_cast<int>(ias);
  // Optional settings after these, each once, in any order.
  std::set<std::string> seen;
  for (size_t i = 6; i < l.words.size(); ++i) {
    const std::string &w = l.words[i];
    const std::string key = w.substr(0, w.find('='));
    if (!seen.insert(key).second) l.fail("each setting once", w);
    if (key == "domain") {
      const std::string d = l.keyed(i, "domain", "paging|sva");
      if (d != "paging" && d != "sva") l.fail("domain=paging|sva", w);
      c.sva = d == "sva";
    } else if (key == "ats") {  // came later: a sequence without it has no ATS
      const std::string a = l.keyed(i, "ats", "on|off");
      if (a != "on" && a != "off") l.fail("ats=on|off", w);
      c.ats = a == "on";
    } else if (key == "cd-table") {  // a master with STEs: attach ops run
      const std::string t = l.keyed(i, "cd-table", "linear|2lvl");
      if (t != "linear" && t != "2lvl") l.fail("cd-table=linear|2lvl", w);
      c.attach = 1;
      c.cd_2lvl = t == "2lvl";
    } else if (key == "stall") {
      const std::string t = l.keyed(i, "stall", "on|off");
      if (t != "on" && t != "off") l.fail("stall=on|off", w);
      c.stall = t == "on";
    } else {
      l.fail("ats=on|off, domain=paging|sva, cd-table=linear|2lvl, stall=on|off or end of line", w);
    }
  }
  if (c.stall && !c.attach) l.fail("cd-table=linear|2lvl with stall=on (the master's features need its STEs)", "stall=on");
  // ATS with attach would need attach_prepare/commit's ATS sequencing, which is not driven.
  if (c.attach && (c.ats || c.sva))
    l.fail("ats=off and a paging domain with cd-table=... (attach is generated without ATS or SVA)",
           c.sva ? "domain=sva" : "ats=on");
  // An SVA domain walks the CPU's page table: 4K pages, 48-bit VAs, stage 1,
  // and a coherent SMMU (arm_smmu_sva_supported).
  if (c.sva && c.ats) l.fail("ats=off with domain=sva (ATS is generated on paging domains only)", "ats=on");
  if (c.sva && (c.granule != 4096 || c.stage != 1 || !c.coherent_walk || c.ias_bits != 48))
    l.fail("granule=4K stage=1 walk=coherent ias=48 with domain=sva", l.words[1] + " " + l.words[2] + " " +
                                                                       l.words[3] + " " + l.words[5]);
  return c;
}

const char *const kDomains[KSHIM_XDOM_COUNT] = {"blocked", "identity", "A", "B", "X"};

kshim_explore_op parse_op(const Line &l, const kshim_explore_config &c) {
  kshim_explore_op op{};
  const bool sva = c.sva;
  const std::string &verb = l.words[0];
  // An SVA domain has no iotlb_sync or flush_iotlb_all: the mm's notifier is its invalidation.
  if (sva && (verb == "iotlb_sync" || verb == "flush_all"))
    l.fail("map, unmap, notify or expect with domain=sva", verb);
  if (!sva && verb == "notify") l.fail("map, unmap, iotlb_sync, flush_all or expect without domain=sva", verb);
  if (verb == "map") {
    op.kind = KSHIM_XOP_MAP;
    op.iova = l.number_at(1, "an IOVA");
    if (l.word(2, "'->'") != "->") l.fail("'->'", l.words[2]);
    op.pa = l.number_at(3, "a physical address");
    op.pgsize = l.keyed_number(4, "pgsize");
    op.count = l.keyed_number(5, "count");
    l.end(6);
  } else if (verb == "unmap") {
    op.kind = KSHIM_XOP_UNMAP;
    op.iova = l.number_at(1, "an IOVA");
    op.pgsize = l.keyed_number(2, "pgsize");
    op.count = l.keyed_number(3, "count");
    l.end(4);
  } else if (verb == "iotlb_sync") {
    op.kind = KSHIM_XOP_IOTLB_SYNC;
    l.end(1);
  } else if (verb == "flush_all") {
    op.kind = KSHIM_XOP_FLUSH_ALL;
    l.end(1);
  } else if (verb == "notify") {
    op.kind = KSHIM_XOP_NOTIFY;
    op.iova = l.number_at(1, "the start address");
    op.pa = l.number_at(2, "the end address");
    if (op.pa <= op.iova) l.fail("an end address above the start", l.words[2]);
    l.end(3);
  } else if (verb == "attach") {
    if (!c.attach) l.fail("cd-table=linear|2lvl in the config before an attach (the master needs its STEs)", verb);
    op.kind = KSHIM_XOP_ATTACH;
    const std::string &d = l.word(1, "blocked, identity, A, B or X");
    op.iova = KSHIM_XDOM_COUNT;
    for (int i = 0; i < KSHIM_XDOM_COUNT; ++i)
      if (d == kDomains[i]) op.iova = i;
    if (op.iova == KSHIM_XDOM_COUNT) l.fail("blocked, identity, A, B or X", d);
    l.end(2);
  } else if (verb == "expect") {
    op.kind = KSHIM_XOP_EXPECT_PHYS;
    op.iova = l.number_at(1, "an IOVA");
    if (l.word(2, "'->'") != "->") l.fail("'->'", l.words[2]);
    op.pa = l.word(3, "a physical address or 'none'") == "none" ? 0 : l.number_at(3, "a physical address or 'none'");
    l.end(4);
  } else {
    l.fail("config, map, unmap, iotlb_sync, flush_all, notify, attach or expect", verb);
  }
  if ((op.kind == KSHIM_XOP_MAP || op.kind == KSHIM_XOP_UNMAP) &&
      (op.count == 0 || op.pgsize == 0 || (op.pgsize & (op.pgsize - 1))))
    l.fail("a power-of-two pgsize and a count of at least 1", l.words[0] + " ...");
  return op;
}

}  // namespace

std::string describe_config(const kshim_explore_config &c) {
  return granule_text(c.granule) + " S" + std::to_string(c.stage) + ", " +
         (c.coherent_walk ? "coherent" : "non-coherent") + " walk, range invalidation " +
         (c.range_inv ? "on" : "off") + ", " + std::to_string(c.ias_bits) + "-bit addresses" +
         (c.sva ? ", SVA domain (the mm's page table)" : "") + (c.ats ? ", ATS" : "") +
         (c.attach ? std::string(", master with a ") + (c.cd_2lvl ? "2-level" : "linear") + " CD table" : "") +
         (c.stall ? ", stall" : "");
}

std::string to_text(const kshim_explore_op &op) {
  switch (op.kind) {
    case KSHIM_XOP_MAP:
      return "map " + hex(op.iova) + " -> " + hex(op.pa) + " pgsize=" + hex(op.pgsize) +
             " count=" + std::to_string(op.count);
    case KSHIM_XOP_UNMAP:
      return "unmap " + hex(op.iova) + " pgsize=" + hex(op.pgsize) + " count=" + std::to_string(op.count);
    case KSHIM_XOP_IOTLB_SYNC: return "iotlb_sync";
    case KSHIM_XOP_FLUSH_ALL: return "flush_all";
    case KSHIM_XOP_EXPECT_PHYS: return "expect " + hex(op.iova) + " -> " + (op.pa ? hex(op.pa) : "none");
    case KSHIM_XOP_NOTIFY: return "notify " + hex(op.iova) + " " + hex(op.pa);
    case KSHIM_XOP_ATTACH: return std::string("attach ") + (op.iova < KSHIM_XDOM_COUNT ? kDomains[op.iova] : "?");
  }
  return "?";
}

std::string to_text(const Sequence &s) {
  const auto &c = s.config;
  std::string out = "config granule=" + granule_text(c.granule) + " stage=" + std::to_string(c.stage) +
                    " walk=" + (c.coherent_walk ? "coherent" : "non-coherent") +
                    " range-inv=" + (c.range_inv ? "on" : "off") + " ias=" + std::to_string(c.ias_bits) +
                    (c.sva ? " domain=sva" : c.ats ? " ats=on" : " ats=off") +  // no ATS on SVA domains
                    (c.attach ? std::string(" cd-table=") + (c.cd_2lvl ? "2lvl" : "linear") : "") +
                    (c.stall ? " stall=on" : "") + "\n";
  for (const auto &op : s.ops) out += to_text(op) + "\n";
  return out;
}

Sequence parse_sequence(const std::string &text, const std::string &origin) {
  Sequence s;
  bool have_config = false;
  std::istringstream in(text);
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    if (auto hash = raw.find('#'); hash != std::string::npos) raw.resize(hash);
    Line l{origin, number, {}};
    std::istringstream words(raw);
    for (std::string w; words >> w;) l.words.push_back(w);
    if (l.words.empty()) continue;
    if (l.words[0] == "config") {
      if (have_config) l.fail("one config line", "a second one");
      s.config = parse_config(l);
      have_config = true;
    } else {
      if (!have_config)
        l.fail("'config granule=... stage=... walk=... range-inv=... ias=... [ats=...] [domain=...]' first",
               l.words[0]);
      s.ops.push_back(parse_op(l, s.config));
    }
  }
  if (!have_config) throw std::invalid_argument(origin + ": expected a 'config ...' line, got none");
  return s;
}

}  // namespace smmu::explore
