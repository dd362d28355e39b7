#include "sequence.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

namespace smmu::explore {
namespace {

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

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
  // ats= came later: a sequence without it has no ATS.
  if (l.words.size() > 6) {
    const std::string a = l.keyed(6, "ats", "on|off");
    if (a != "on" && a != "off") l.fail("ats=on|off", l.words[6]);
    c.ats = a == "on";
  }
  l.end(7);
  return c;
}

kshim_explore_op parse_op(const Line &l) {
  kshim_explore_op op{};
  const std::string &verb = l.words[0];
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
  } else if (verb == "expect") {
    op.kind = KSHIM_XOP_EXPECT_PHYS;
    op.iova = l.number_at(1, "an IOVA");
    if (l.word(2, "'->'") != "->") l.fail("'->'", l.words[2]);
    op.pa = l.word(3, "a physical address or 'none'") == "none" ? 0 : l.number_at(3, "a physical address or 'none'");
    l.end(4);
  } else {
    l.fail("config, map, unmap, iotlb_sync, flush_all or expect", verb);
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
         (c.ats ? ", ATS" : "");
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
  }
  return "?";
}

std::string to_text(const Sequence &s) {
  const auto &c = s.config;
  std::string out = "config granule=" + granule_text(c.granule) + " stage=" + std::to_string(c.stage) +
                    " walk=" + (c.coherent_walk ? "coherent" : "non-coherent") +
                    " range-inv=" + (c.range_inv ? "on" : "off") + " ias=" + std::to_string(c.ias_bits) +
                    " ats=" + (c.ats ? "on" : "off") + "\n";
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
        l.fail("'config granule=... stage=... walk=... range-inv=... ias=... [ats=...]' first", l.words[0]);
      s.ops.push_back(parse_op(l));
    }
  }
  if (!have_config) throw std::invalid_argument(origin + ": expected a 'config ...' line, got none");
  return s;
}

}  // namespace smmu::explore
