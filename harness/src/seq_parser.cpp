#include "seq_parser.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "command_encode.h"
#include "hex.h"
#include "seq_lexer.h"

namespace smmu::harness {

const char *seq_keyword(DescKind k) {
  switch (k) {
    case DescKind::Ste: return "ste";
    case DescKind::Cd: return "cd";
    case DescKind::PgTable: return "pte";
    default: break;
  }
  return "?";
}

using namespace seq_lexer;

namespace {

// Addresses only name memory here (nothing is dereferenced): the STE/CD sits
// at kEntryBase, the level-l page table at kTableBase + l * 4K.
constexpr uint64_t kEntryBase = 0x10000;
constexpr uint64_t kTableBase = 0x40000000;
constexpr uint64_t kTableBytes = 4096;
// io-pgtable-arm's ARM_64_LPAE_S1 with a 4K granule and a 48-bit IAS: start
// level 0, 9 index bits per level (enum io_pgtable_fmt: ARM_32_LPAE_S1,
// ARM_32_LPAE_S2, ARM_64_LPAE_S1 = 2).
constexpr int kBitsPerLevel = 9, kIas = 48, kFmtArm64LpaeS1 = 2;
constexpr uint64_t kTableDescType = 0x3;  // ARM_LPAE_PTE_TYPE_TABLE

const char *const kBarrierNames[] = {"dma_wmb", "dma_rmb", "dma_mb", "wmb", "rmb",
                                     "mb", "smp_wmb", "smp_rmb", "smp_mb"};
const BarrierKind kBarrierKinds[] = {BarrierKind::DmaWmb, BarrierKind::DmaRmb, BarrierKind::DmaMb,
                                     BarrierKind::Wmb, BarrierKind::Rmb, BarrierKind::Mb,
                                     BarrierKind::SmpWmb, BarrierKind::SmpRmb, BarrierKind::SmpMb};

class Parser {
 public:
  Parser(std::string_view text, const std::string &file) : lines_(lex(text)) { seq_.file = file; }

  Sequence parse() {
    for (li_ = 0; li_ < lines_.size(); ++li_) {
      pos_ = 0;
      last_end_ = 1;
      if (!lines_[li_].tokens.empty()) statement();
    }
    finish();
    return std::move(seq_);
  }

 private:
  // ---- tokens of the current line ----
  [[noreturn]] void fail(int line, int col, const std::string &msg) const {
    throw SeqError(seq_.file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + msg);
  }
  [[noreturn]] void fail(const Token &t, const std::string &msg) const { fail(t.line, t.col, msg); }
  const Line &line() const { return lines_[li_]; }
  const Token *peek() const { return pos_ < line().tokens.size() ? &line().tokens[pos_] : nullptr; }
  // The next token of this statement, or "expected WHAT, found end of line" just past the last one.
  Token take(const std::string &what) {
    if (!peek()) fail(line().no, last_end_, "expected " + what + ", found end of line");
    Token t = line().tokens[pos_++];
    last_end_ = t.end_col;
    return t;
  }
  void expect_end(const std::string &where) {
    if (const Token *t = peek()) fail(*t, "expected end of line " + where + ", found " + describe(*t));
  }
  uint64_t number(const Token &t, const std::string &what) {
    if (!t.is_number()) fail(t, "expected " + what + ", found " + describe(t));
    const std::string &s = t.text;
    bool is_hex = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    size_t i = is_hex ? 2 : 0;
    if (i == s.size()) fail(t, "expected " + what + " (hex digits after 0x), found " + describe(t));
    uint64_t v = 0;
    for (; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      unsigned d = std::isdigit(c) ? c - '0' : (is_hex && std::isxdigit(c)) ? std::tolower(c) - 'a' + 10 : 99;
      if (d == 99)
        fail(t, "expected " + what + " (a number: 0x... in hex, or decimal), found " + describe(t));
      unsigned base = is_hex ? 16 : 10;
      if (v > (~0ull - d) / base) fail(t, "expected " + what + " of at most 64 bits, found " + describe(t));
      v = v * base + d;
    }
    return v;
  }

  // ---- what the descriptor is ----
  bool pte() const { return seq_.kind == DescKind::PgTable; }
  std::string desc_noun() const { return pte() ? "PTE" : seq_.kind == DescKind::Cd ? "CD" : "STE"; }
  unsigned desc_bytes() const { return pte() ? 8 : 64; }
  size_t desc_qwords() const { return pte() ? 1 : 8; }

  std::string statements() const {
    std::string s = "a step (store, clean, clean_inval, command, sync, or a barrier: ";
    for (size_t i = 0; i < std::size(kBarrierNames); ++i) s += (i ? ", " : "") + std::string(kBarrierNames[i]);
    s += "), initial, target, ";
    if (pte()) s += "iova, level, ";
    return s + "or expect";
  }

  void statement() {
    Token k = take("a statement");
    if (!header_) {
      if (k.is("ste") || k.is("cd") || k.is("pte")) return header(k);
      fail(k, "expected `ste`, `cd` or `pte` first (the descriptor the sequence updates), found " + describe(k));
    }
    if (k.is_number())
      fail(k, "expected " + statements() + ", found the number " + describe(k) +
                  " (only the qwords of `initial` and `target` continue on the following lines)");
    if (k.is("ste") || k.is("cd") || k.is("pte"))
      fail(k, "expected one descriptor per file: " + header_text() + " is given on line " +
                  std::to_string(seq_.header_line));
    if (k.is("initial") || k.is("target")) return values(k);
    if (k.is("iova") || k.is("level")) return pte_parameter(k);
    if (k.is("store")) return store(k);
    if (k.is("clean") || k.is("clean_inval")) return cmo(k);
    if (k.is("command")) return command(k);
    if (k.is("sync")) return sync(k);
    if (k.is("expect")) return expect(k);
    for (size_t i = 0; i < std::size(kBarrierNames); ++i)
      if (k.is(kBarrierNames[i])) return barrier(k, kBarrierKinds[i]);
    fail(k, "expected " + statements() + ", found " + describe(k));
  }

  std::string header_text() const {
    return "`" + std::string(seq_keyword(seq_.kind)) + (seq_.name.empty() ? "" : " " + seq_.name) + "`";
  }

  void header(const Token &k) {
    header_ = true;
    seq_.header_line = k.line;
    header_col_ = k.col;
    seq_.kind = k.is("ste") ? DescKind::Ste : k.is("cd") ? DescKind::Cd : DescKind::PgTable;
    if (peek()) {
      Token n = take("a name");
      bool ok = n.type == Token::Word && n.text.size() <= 32 &&
                (std::isalpha(static_cast<unsigned char>(n.text[0])) || n.text[0] == '_');
      for (char c : n.text) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!ok)
        fail(n, "expected a name of at most 32 letters, digits and '_', not starting with a digit (e.g. " +
                    std::string(pte() ? "l3" : seq_.kind == DescKind::Cd ? "cd0" : "ste0") + "), found " + describe(n));
      seq_.name = n.text;
      name_col_ = n.col;
    }
    expect_end("after " + header_text() + " (one name at most)");
  }

  std::string qword_name(size_t i) const { return pte() ? "the PTE's value" : "qword q" + std::to_string(i); }

  void values(const Token &k) {
    const bool is_initial = k.is("initial");
    std::optional<int> &given = is_initial ? initial_line_ : target_line_;
    if (given) fail(k, "expected one `" + k.text + "` line: it is already given on line " + std::to_string(*given));
    if (started_) fail(k, "expected `" + k.text + "` before the first step (line " + std::to_string(first_step_line_) + ")");
    given = k.line;
    std::vector<uint64_t> &v = is_initial ? seq_.initial : seq_.target;
    const size_t want = desc_qwords();
    const std::string all = pte() ? "the PTE's 64-bit value" : "the 8 qwords of the " + desc_noun() + " (q0 to q7)";
    for (;;) {
      while (peek()) {
        Token t = take("a value");
        if (v.size() == want)
          fail(t, "expected " + all + " after `" + k.text + "`, found one value more: " + describe(t));
        v.push_back(number(t, qword_name(v.size())));
        if (!is_initial) target_pos_.push_back({t.line, t.col});
      }
      // A following line that starts with a number continues the list.
      size_t next = li_ + 1;
      while (next < lines_.size() && lines_[next].tokens.empty()) ++next;
      if (next >= lines_.size() || !lines_[next].tokens[0].is_number()) break;
      li_ = next;
      pos_ = 0;
    }
    if (v.empty()) fail(line().no, last_end_, "expected " + all + " after `" + k.text + "`, found end of line");
    if (v.size() < want)
      fail(line().no, last_end_,
           "expected " + all + " after `" + k.text + "` (0 for an unused qword), found only " + std::to_string(v.size()));
  }

  void pte_parameter(const Token &k) {
    if (!pte())
      fail(k, "expected " + statements() + ", found " + describe(k) + " (`" + k.text + "` places a pte in its tables)");
    std::optional<int> &given = k.is("iova") ? iova_line_ : level_line_;
    if (given) fail(k, "expected one `" + k.text + "` line: it is already given on line " + std::to_string(*given));
    if (started_)
      fail(k, "expected `" + k.text + "` before the first step (line " + std::to_string(first_step_line_) +
                  "): it places the PTE in its tables");
    given = k.line;
    if (k.is("iova")) {
      Token t = take("an IOVA after `iova`");
      uint64_t v = number(t, "an IOVA");
      if (v >> kIas)
        fail(t, "expected an IOVA below 2^48 (the input range of a 4K stage-1 table with a 48-bit IAS), found " +
                    describe(t));
      seq_.pte.iova = v;
      expect_end("after the IOVA");
    } else {
      Token t = take("a level (1, 2 or 3) after `level`");
      uint64_t v = number(t, "a level (1, 2 or 3)");
      if (v < 1 || v > 3)
        fail(t, "expected level 1, 2 or 3 (the level of the table holding the PTE: 3 a page, 1 or 2 a block), found " +
                    describe(t));
      seq_.pte.level = static_cast<int>(v);
      expect_end("after the level");
    }
  }

  // ---- the trace ----
  Event &push(EventKind kind, int line_no) {
    Event &e = seq_.trace.events.emplace_back();
    e.kind = kind;
    e.loc = SourceLoc{seq_.file, line_no};
    last_line_ = line_no;
    return e;
  }

  // The descriptor's registration and the update's start, before the first step.
  void begin(const Token &k) {
    if (started_) return;
    if (!initial_line_) fail(k, "expected an `initial` line before the first step");
    if (!target_line_) fail(k, "expected a `target` line before the first step");
    started_ = true;
    first_step_line_ = k.line;
    mem_ = seq_.initial;
    const int at = seq_.header_line;
    if (!pte()) {
      if (seq_.name.empty()) seq_.name = seq_.kind == DescKind::Cd ? "cd0" : "ste0";
      seq_.trace.descs.push_back({seq_.name, seq_.kind, kEntryBase, 64, true});
      leaf_ = 0;
      Event &r = push(EventKind::DescRegister, at);
      r.desc = 0;
      r.addr = kEntryBase;
      r.size = 64;
      r.before = seq_.initial;
      Event &u = push(EventKind::UpdateBegin, at);
      u.desc = 0;
      u.addr = kEntryBase;
      u.size = 64;
      u.before = seq_.initial;
      u.after = seq_.target;
      u.text = seq_.kind == DescKind::Cd ? "CD" : "STE";
      return;
    }
    SeqPteLayout &p = seq_.pte;
    const int L = p.level;
    if (seq_.name.empty()) seq_.name = "l" + std::to_string(L);
    for (int l = 0; l < L; ++l)
      if (seq_.name == "l" + std::to_string(l))
        fail(seq_.header_line, name_col_,
             "expected a name other than l0 to l" + std::to_string(L - 1) + " (the tables above the PTE's), found '" +
                 seq_.name + "'");
    for (int l = 0; l <= L; ++l) {
      p.tables.push_back(kTableBase + static_cast<uint64_t>(l) * kTableBytes);
      // ARM_LPAE_LVL_IDX for this geometry; checked against the tree's own at check time.
      p.index.push_back((p.iova >> (12 + kBitsPerLevel * (3 - l))) & ((1u << kBitsPerLevel) - 1));
    }
    p.address = p.tables[L] + 8 * p.index[L];
    for (int l = 0; l <= L; ++l) {
      std::string name = l == L ? seq_.name : "l" + std::to_string(l);
      seq_.trace.descs.push_back({name, DescKind::PgTable, p.tables[l], kTableBytes, true});
      // The PTE's table holds `initial`: a report about that content points at its line.
      Event &r = push(EventKind::DescRegister, l == L ? *initial_line_ : at);
      r.desc = l;
      r.addr = p.tables[l];
      r.size = kTableBytes;
      r.before.assign(kTableBytes / 8, 0);
      r.before[p.index[l]] = l == L ? seq_.initial[0] : p.tables[l + 1] | kTableDescType;
    }
    leaf_ = L;
    boundary(at);
    Event &u = push(EventKind::UpdateBegin, at);
    u.desc = leaf_;
    u.addr = p.address;
    u.offset = 8 * p.index[L];
    u.size = 8;
    u.before = seq_.initial;
    u.after = seq_.target;
    u.text = "PTE";
  }

  // PTE: an operation boundary (a stable state): the walker's WalkContext.
  void boundary(int at) {
    const SeqPteLayout &p = seq_.pte;
    Event &w = push(EventKind::WalkContext, at);
    w.walk.root = p.tables[0];
    w.walk.start_level = 0;
    w.walk.pgd_bits = kBitsPerLevel;
    w.walk.bits_per_level = kBitsPerLevel;
    w.walk.ias = kIas;
    w.walk.oas = kIas;
    w.walk.stage = 1;
    w.walk.fmt = kFmtArm64LpaeS1;
    w.walk.coherent_walk = true;  // set at the end: false if the sequence cleans
    w.addr = p.tables[0];
    // The first and last byte the PTE maps.
    uint64_t span = 1ull << (12 + kBitsPerLevel * (3 - p.level));
    w.iovas = {p.iova & ~(span - 1), p.iova | (span - 1)};
  }

  void step_done() { ++seq_.steps; }

  void store(const Token &k) {
    begin(k);
    Token kind = take("a store kind (once, plain, rmw) after `store`");
    StoreKind sk = kind.is("once") ? StoreKind::Once : kind.is("plain") ? StoreKind::Plain : StoreKind::Rmw;
    if (!kind.is("once") && !kind.is("plain") && !kind.is("rmw"))
      fail(kind, "expected a store kind after `store`: once (WRITE_ONCE), plain (a C assignment) or rmw "
                 "(cmpxchg, an atomic), found " + describe(kind));
    Token sz = take("a store size (u8, u16, u32, u64) after `store " + kind.text + "`");
    unsigned size = sz.is("u8") ? 1 : sz.is("u16") ? 2 : sz.is("u32") ? 4 : sz.is("u64") ? 8 : 0;
    if (!size) fail(sz, "expected a store size (u8, u16, u32, u64) after `store " + kind.text + "`, found " + describe(sz));
    Token at = take("`at` and a byte offset after `" + sz.text + "`");
    if (!at.is("at")) fail(at, "expected `at` and a byte offset after `" + sz.text + "`, found " + describe(at));
    Token off = take("a byte offset after `at`");
    uint64_t o = number(off, "a byte offset into the " + desc_noun());
    const unsigned bytes = desc_bytes();
    if (o >= bytes || o + size > bytes)
      fail(off, "expected a byte offset inside the " + desc_noun() + " (0 to " + std::to_string(bytes - 1) +
                    ") with room for a " + sz.text + ", found " + off.text +
                    (o < bytes ? " (the store would end at byte " + std::to_string(o + size) + ")" : ""));
    if (o % size)
      fail(off, "expected an offset aligned to the " + sz.text + " store (a multiple of " + std::to_string(size) +
                    "), found " + off.text);
    Token eq = take("'=' and the value stored");
    if (eq.type != Token::Equals) fail(eq, "expected '=' and the value stored, found " + describe(eq));
    Token val = take("the value stored after '='");
    uint64_t v = number(val, "the value stored");
    if (size < 8 && (v >> (8 * size)))
      fail(val, "expected a value that fits in " + sz.text + " (at most " + hex((1ull << (8 * size)) - 1) +
                    "), found " + describe(val));
    expect_end("after the value stored");

    unsigned q = static_cast<unsigned>(o / 8), shift = static_cast<unsigned>(o % 8) * 8;
    uint64_t mask = size == 8 ? ~0ull : ((1ull << (8 * size)) - 1) << shift;
    Event &e = push(EventKind::Store, k.line);
    e.desc = leaf_;
    e.offset = (pte() ? 8 * seq_.pte.index[seq_.pte.level] : 0) + o;
    e.addr = seq_.trace.descs[leaf_].base + e.offset;
    e.size = size;
    e.value = v;
    e.old_value = (mem_[q] & mask) >> shift;
    e.store = sk;
    mem_[q] = (mem_[q] & ~mask) | ((v << shift) & mask);
    in_sync_op_ = false;
    step_done();
  }

  void barrier(const Token &k, BarrierKind b) {
    begin(k);
    expect_end("after `" + k.text + "`");
    push(EventKind::Barrier, k.line).barrier = b;
    step_done();
  }

  void cmo(const Token &k) {
    begin(k);
    const unsigned bytes = desc_bytes();
    uint64_t o = 0, n = bytes;
    if (peek()) {
      Token at = take("`at`");
      if (!at.is("at"))
        fail(at, "expected end of line (the whole " + desc_noun() + ") or `at OFFSET size BYTES` after `" + k.text +
                     "`, found " + describe(at));
      Token off = take("a byte offset after `at`");
      o = number(off, "a byte offset into the " + desc_noun());
      if (o >= bytes)
        fail(off, "expected a byte offset inside the " + desc_noun() + " (0 to " + std::to_string(bytes - 1) +
                      "), found " + off.text);
      Token sz = take("`size` and a length in bytes after the offset");
      if (!sz.is("size")) fail(sz, "expected `size` and a length in bytes after the offset, found " + describe(sz));
      Token len = take("a length in bytes after `size`");
      n = number(len, "a length in bytes");
      if (n == 0 || n > bytes - o)
        fail(len, "expected a length of 1 to " + std::to_string(bytes - o) + " bytes (the range stays inside the " +
                      desc_noun() + "), found " + len.text);
    }
    expect_end("after the range");
    Event &e = push(EventKind::Cmo, k.line);
    e.cmo = k.is("clean") ? CmoKind::Clean : CmoKind::CleanInval;
    e.desc = leaf_;
    e.offset = (pte() ? 8 * seq_.pte.index[seq_.pte.level] : 0) + o;
    e.addr = seq_.trace.descs[leaf_].base + e.offset;
    e.size = n;
    cleans_ = true;
    step_done();
  }

  void command(const Token &k) {
    begin(k);
    if (!in_sync_op_)
      fail(k, "expected `sync` before `command`: commands are what the sync op issues (an epoch ends at a "
              "sync whose commands include a CFGI then a CMD_SYNC)");
    std::string names;
    for (const auto &s : command_specs()) names += (names.empty() ? "" : ", ") + std::string(s.name);
    Token nt = take("a command (" + names + ") after `command`");
    const CmdSpec *spec = nt.type == Token::Word ? find_command(nt.text) : nullptr;
    if (!spec) fail(nt, "expected a command (" + names + ") after `command`, found " + describe(nt));
    std::string fields, required;
    for (const auto &f : spec->fields) {
      fields += (fields.empty() ? "" : ", ") + std::string(f.name);
      if (f.required) required += (required.empty() ? "" : ", ") + std::string(f.name) + "=...";
    }
    std::vector<std::pair<const CmdField *, uint64_t>> ops;
    std::map<std::string, int> seen;
    while (peek()) {
      Token f = take("an operand");
      const CmdField *field = f.type == Token::Word ? find_field(*spec, f.text) : nullptr;
      if (!field)
        fail(f, spec->fields.empty()
                    ? "expected end of line: " + std::string(spec->name) + " has no operands, found " + describe(f)
                    : "expected an operand of " + std::string(spec->name) + " (" + fields + "), found " + describe(f));
      if (auto it = seen.find(field->name); it != seen.end())
        fail(f, "expected each operand once: " + f.text + " is already given at column " + std::to_string(it->second));
      seen[field->name] = f.col;
      Token eq = take("'=' and a value after " + f.text);
      if (eq.type != Token::Equals) fail(eq, "expected '=' and a value after " + f.text + ", found " + describe(eq));
      Token vt = take("a value for " + f.text);
      uint64_t v = number(vt, "a value for " + f.text);
      if (!field_fits(*field, v))
        fail(vt, field->address
                     ? "expected " + f.text + " to be 4K-aligned" +
                           (field->hi < 63 ? " and below 2^" + std::to_string(field->hi + 1) : std::string()) +
                           ", found " + describe(vt)
                     : "expected " + f.text + " to fit in " + std::to_string(field->hi - field->lo + 1) +
                           " bits (at most " + hex(field_max(*field)) + "), found " + describe(vt));
      ops.push_back({field, v});
    }
    for (const auto &f : spec->fields)
      if (f.required && !seen.count(f.name))
        fail(line().no, last_end_,
             "expected " + std::string(f.name) + "=... (" + spec->name + " needs " + required + "), found end of line");
    push(EventKind::Command, k.line).cmd = encode_command(*spec, ops);
    step_done();
  }

  void sync(const Token &k) {
    begin(k);
    expect_end("after `sync`");
    if (pte())
      boundary(k.line);
    else
      push(EventKind::UpdateSync, k.line);
    in_sync_op_ = true;
    ++seq_.syncs;
    step_done();
  }

  void expect(const Token &k) {
    SeqExpectation x;
    x.line = k.line;
    x.col = k.col;
    Token o = take("pass, violation or unknown after `expect`");
    if (!o.is("pass") && !o.is("violation") && !o.is("unknown"))
      fail(o, "expected pass, violation or unknown after `expect`, found " + describe(o));
    x.outcome = o.text;
    const bool violation = o.is("violation");
    const std::string under = violation ? "a violation kind (torn, misordered, stale) or `under` after `expect violation`"
                                        : "`under` and a model after `expect " + o.text + "`";
    Token u = take(under);
    if (violation && (u.is("torn") || u.is("misordered") || u.is("stale"))) {
      x.kind = u.text;
      u = take("`under` and a model after `expect violation " + x.kind + "`");
      if (!u.is("under"))
        fail(u, "expected `under` and a model after `expect violation " + x.kind + "`, found " + describe(u));
    } else if (!u.is("under")) {
      fail(u, "expected " + under + ", found " + describe(u));
    }
    const std::string model = "a model after `under` (coherent, nc, cacheable-line, cacheable-64, "
                              "cacheable-byte, all, or a file; with +modifiers such as +plain-tear32)";
    do {
      Token m = take(model);
      if (m.type != Token::Word) fail(m, "expected " + model + ", found " + describe(m));
      if (auto it = expected_.find(m.text); it != expected_.end())
        fail(m, "expected each model in one expectation: " + m.text + " is already expected on line " +
                    std::to_string(it->second));
      expected_[m.text] = m.line;
      x.models.push_back({m.text, m.line, m.col});
    } while (peek());
    seq_.expectations.push_back(std::move(x));
  }

  void finish() {
    if (!header_) fail(1, 1, "expected `ste`, `cd` or `pte` first (the descriptor the sequence updates), found end of file");
    const std::string header = header_text();
    if (!initial_line_)
      fail(seq_.header_line, header_col_,
           "expected an `initial` line after " + header + " (the " + desc_noun() + " before the update)");
    if (!target_line_)
      fail(seq_.header_line, header_col_,
           "expected a `target` line after " + header + " (the " + desc_noun() + " the steps must reach)");
    Token at;
    at.line = seq_.header_line;
    at.col = header_col_;
    begin(at);
    const int end = last_line_;
    if (pte()) {
      if (seq_.trace.events.back().kind != EventKind::WalkContext) boundary(end);
      for (Event &e : seq_.trace.events)
        if (e.kind == EventKind::WalkContext) e.walk.coherent_walk = !cleans_;
    }
    Event &e = push(EventKind::UpdateEnd, end);
    e.desc = leaf_;
    for (size_t q = 0; q < mem_.size(); ++q)
      if (mem_[q] != seq_.target[q])
        fail(target_pos_[q].first, target_pos_[q].second,
             "expected the steps to reach the target: they leave " +
                 (pte() ? "the PTE" : "q" + std::to_string(q)) + " = " + hex(mem_[q], 16) + ", the target is " +
                 hex(seq_.target[q], 16));
  }

  std::vector<Line> lines_;
  size_t li_ = 0, pos_ = 0;
  int last_end_ = 1;
  Sequence seq_;
  bool header_ = false, started_ = false, in_sync_op_ = false, cleans_ = false;
  int header_col_ = 1, name_col_ = 1, first_step_line_ = 0, last_line_ = 0;
  std::optional<int> initial_line_, target_line_, iova_line_, level_line_;
  std::vector<std::pair<int, int>> target_pos_;  // line, col of each target value
  std::map<std::string, int> expected_;          // model spec -> the line expecting it
  std::vector<uint64_t> mem_;                    // the CPU's view of the descriptor
  int leaf_ = 0;                                 // the desc the steps write
};

}  // namespace

Sequence parse_sequence(std::string_view text, const std::string &file) { return Parser(text, file).parse(); }

Sequence read_sequence_file(const std::filesystem::path &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw SeqError(path.string() + ": expected a .seq file, but " +
                   (std::filesystem::exists(path, ec) ? "it is not a regular file" : "it does not exist"));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) throw SeqError(path.string() + ": expected a readable .seq file");
  return parse_sequence(ss.str(), path.string());
}

}  // namespace smmu::harness
