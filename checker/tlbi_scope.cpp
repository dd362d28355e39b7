#include "tlbi_scope.h"

#include <cstdio>

#include "command.h"
#include "hex.h"

namespace smmu::checker {
namespace {

uint64_t bits(uint64_t v, int hi, int lo) {
  return (v >> lo) & ((hi - lo == 63) ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}
uint64_t mask(int hi, int lo) { return bits(~0ull, hi - lo, 0) << lo; }

enum class Form : uint8_t {
  NhAll, NhAsid, NhVa, NhVaa,
  El2All, El2Asid, El2Va, El2Vaa,
  S12Vmall, S2Ipa, NsnhAll,
  SecureQueueOnly,  // EL3 and Secure (S_*) forms
};

struct Op {
  uint8_t opcode;
  const char *name;
  Form form;
  const char *section;  // IHI 0070
};

// Opcodes: IHI 0070 §4.1.1.
constexpr Op kOps[] = {
    {0x10, "TLBI_NH_ALL", Form::NhAll, "§4.4.2.1"},
    {0x11, "TLBI_NH_ASID", Form::NhAsid, "§4.4.2.2"},
    {0x12, "TLBI_NH_VA", Form::NhVa, "§4.4.2.4"},
    {0x13, "TLBI_NH_VAA", Form::NhVaa, "§4.4.2.3"},
    {0x18, "TLBI_EL3_ALL", Form::SecureQueueOnly, "§4.4.2.5"},
    {0x1a, "TLBI_EL3_VA", Form::SecureQueueOnly, "§4.4.2.6"},
    {0x20, "TLBI_EL2_ALL", Form::El2All, "§4.4.2.7"},
    {0x21, "TLBI_EL2_ASID", Form::El2Asid, "§4.4.2.10"},
    {0x22, "TLBI_EL2_VA", Form::El2Va, "§4.4.2.8"},
    {0x23, "TLBI_EL2_VAA", Form::El2Vaa, "§4.4.2.9"},
    {0x28, "TLBI_S12_VMALL", Form::S12Vmall, "§4.4.3.2"},
    {0x2a, "TLBI_S2_IPA", Form::S2Ipa, "§4.4.3.1"},
    {0x30, "TLBI_NSNH_ALL", Form::NsnhAll, "§4.4.4.1"},
    {0x50, "TLBI_S_EL2_ALL", Form::SecureQueueOnly, "§4.4.2.11"},
    {0x51, "TLBI_S_EL2_ASID", Form::SecureQueueOnly, "§4.4.2.14"},
    {0x52, "TLBI_S_EL2_VA", Form::SecureQueueOnly, "§4.4.2.12"},
    {0x53, "TLBI_S_EL2_VAA", Form::SecureQueueOnly, "§4.4.2.13"},
    {0x58, "TLBI_S_S12_VMALL", Form::SecureQueueOnly, "§4.4.3.4"},
    {0x5a, "TLBI_S_S2_IPA", Form::SecureQueueOnly, "§4.4.3.3"},
    {0x60, "TLBI_SNH_ALL", Form::SecureQueueOnly, "§4.4.4.2"},
};

const Op *find_op(uint8_t opcode) {
  for (const Op &op : kOps)
    if (op.opcode == opcode) return &op;
  return nullptr;
}

bool is_nh(Form f) {
  return f == Form::NhAll || f == Form::NhAsid || f == Form::NhVa || f == Form::NhVaa;
}
bool is_el2(Form f) {
  return f == Form::El2All || f == Form::El2Asid || f == Form::El2Va || f == Form::El2Vaa;
}
bool has_asid(Form f) {
  return f == Form::NhAsid || f == Form::NhVa || f == Form::El2Asid || f == Form::El2Va;
}
bool has_vmid(Form f) { return is_nh(f) || f == Form::S12Vmall || f == Form::S2Ipa; }
bool by_address(Form f) {
  return f == Form::NhVa || f == Form::NhVaa || f == Form::El2Va || f == Form::El2Vaa ||
         f == Form::S2Ipa;
}

// TG encoding, §4.4.1.1: 1 = 4K, 2 = 16K, 3 = 64K.
int granule_shift(uint8_t tg) { return tg == 1 ? 12 : tg == 2 ? 14 : 16; }

bool granule_implemented(uint8_t tg, const SmmuCaps &caps) {
  return tg == 1 ? caps.gran4k : tg == 2 ? caps.gran16k : caps.gran64k;
}

// Bytes mapped by one leaf at `level` of a table of granule 2^g: each level
// resolves g-3 bits (VMSAv8-64).
int leaf_size_log2(int g, int level) { return g + (3 - level) * (g - 3); }

std::string granule_name(uint64_t bytes) {
  return bytes >= 1024 ? std::to_string(bytes / 1024) + "K" : std::to_string(bytes);
}

}  // namespace

const char *to_string(TlbiStatus s) {
  switch (s) {
    case TlbiStatus::NotTlbi: return "not-tlbi";
    case TlbiStatus::Legal: return "legal";
    case TlbiStatus::Illegal: return "illegal";
    case TlbiStatus::ReservedNonZero: return "reserved-nonzero";
    case TlbiStatus::Unpredictable: return "unpredictable";
  }
  return "?";
}

TlbiScope tlbi_scope(const std::array<uint64_t, 2> &raw, const SmmuCaps &caps) {
  TlbiScope s;
  s.raw = raw;
  const uint64_t w0 = raw[0], w1 = raw[1];
  s.opcode = static_cast<uint8_t>(bits(w0, 7, 0));
  const Op *op = find_op(s.opcode);
  if (!op) {  // CFGI_*, PREFETCH_*, CMD_SYNC, ATC_INV, PRI_RESP, RESUME, reserved opcodes
    const char *n = harness::command_name(s.opcode);
    s.name = n ? n : "OP";
    s.reason = "not a TLB invalidation";
    return s;
  }
  s.name = op->name;
  const Form f = op->form;
  const std::string sec = std::string("IHI 0070 ") + op->section;

  // Field positions (§4.4.1.1, §4.4.2, §4.4.3; same as Linux CMDQ_TLBI_*):
  // qword 0: NUM [16:12], SCALE [24:20] ([25:20] with SMMU_IDR5.DS), VMID [47:32],
  // ASID [63:48]; qword 1: Leaf [0], TTL128 [7], TTL [9:8], TG [11:10],
  // Address [63:12] (VA) or [55:12] (IPA, §4.1.6).
  TlbiFields &d = s.fields;
  if (has_vmid(f)) d.vmid = static_cast<uint16_t>(bits(w0, 47, 32));
  if (has_asid(f)) d.asid = static_cast<uint16_t>(bits(w0, 63, 48));
  const int scale_hi = caps.ds ? 25 : 24;
  if (by_address(f)) {
    d.num = static_cast<uint8_t>(bits(w0, 16, 12));
    d.scale = static_cast<uint8_t>(bits(w0, scale_hi, 20));
    d.leaf = bits(w1, 0, 0);
    d.ttl128 = bits(w1, 7, 7);
    d.ttl = static_cast<uint8_t>(bits(w1, 9, 8));
    d.tg = static_cast<uint8_t>(bits(w1, 11, 10));
    d.addr = w1 & (f == Form::S2Ipa ? mask(55, 12) : mask(63, 12));
  }

  auto verdict = [&s](TlbiStatus st, std::string why) {
    s.status = st;
    s.reason = std::move(why);
    return s;
  };

  // 1. Commands the SMMU or this queue does not have: CERROR_ILL (§4.1.3, §7.1).
  if (f == Form::SecureQueueOnly)
    return verdict(TlbiStatus::Illegal,
                   "valid only on the Secure Command queue; CERROR_ILL on the Non-secure one (" +
                       sec + ")");
  if (is_nh(f) && !caps.stage1)
    return verdict(TlbiStatus::Illegal,
                   "stage 1 command on an SMMU without stage 1: CERROR_ILL (IHI 0070 §4.4.2)");
  if (is_el2(f) && !caps.hyp)
    return verdict(TlbiStatus::Illegal,
                   "EL2 command with SMMU_IDR0.Hyp == 0: CERROR_ILL (" + sec + ")");
  if ((f == Form::S12Vmall || f == Form::S2Ipa) && !caps.stage2)
    return verdict(TlbiStatus::Illegal,
                   "stage 2 command on an SMMU without stage 2: CERROR_ILL (" + sec + ")");
  // CMD_TLBI_NSNH_ALL is valid with stage 1 only, stage 2 only or both (§4.4.4.1).

  // 2. Range and level hint fields (§4.4.1.1); they exist only with SMMU_IDR3.RIL.
  const bool range_form = by_address(f) && caps.range_invalidation && d.tg != 0;
  uint8_t ttl = d.ttl;
  std::string note;
  if (range_form) {
    // 16K TTL=1 is Reserved without DS and treated as TTL=0.
    if (d.tg == 2 && d.ttl == 1 && !caps.ds) {
      ttl = 0;
      note = "TTL=1 with a 16K granule is Reserved without SMMU_IDR5.DS and treated as TTL=0 "
             "(IHI 0070 §4.4.1.1)";
    }
    // Granule information with neither a range nor a level has no purpose: Reserved.
    if (d.num == 0 && d.scale == 0 && ttl == 0)
      return verdict(TlbiStatus::Illegal,
                     "TG != 0 with NUM == 0, SCALE == 0 and TTL == 0 is Reserved: CERROR_ILL "
                     "(IHI 0070 §4.4.1.1)" + (note.empty() ? "" : "; " + note));
  }

  // 3. RES0 fields set: the SMMU either raises CERROR_ILL or ignores them, its
  //    choice (§4.1.5). Either way nothing beyond the zero-field reading is
  //    guaranteed, and that reading may not run: assume nothing is invalidated.
  const std::string res0 = ": CERROR_ILL or ignored, IMPLEMENTATION choice (IHI 0070 §4.1.5)";
  if (by_address(f) && !caps.range_invalidation && (d.tg | d.ttl | d.num | d.scale))
    return verdict(TlbiStatus::ReservedNonZero,
                   "TG, TTL, NUM and SCALE are RES0 when SMMU_IDR3.RIL == 0 (IHI 0070 §4.4.1.1)" +
                       res0);
  if (by_address(f) && d.tg == 0 && (d.ttl | d.num | d.scale))
    return verdict(TlbiStatus::ReservedNonZero,
                   "TTL, NUM and SCALE are RES0 when TG == 0 (IHI 0070 §4.4.1.1)" + res0);
  if (by_address(f) && d.ttl128)
    // assume: no VMSAv9-128 descriptors (Linux io-pgtable-arm is 64-bit); TTL128 is
    // RES0 then, and when TG == 0 or TTL == 0 in any case (§4.4.1.1).
    return verdict(TlbiStatus::ReservedNonZero,
                   "TTL128 set but the tables use 64-bit descriptors (IHI 0070 §4.4.1.1)" + res0);
  uint64_t spec0 = mask(7, 0), spec1 = 0;
  if (has_vmid(f)) spec0 |= mask(47, 32);
  if (has_asid(f)) spec0 |= mask(63, 48);
  if (by_address(f)) {
    spec0 |= mask(16, 12) | mask(scale_hi, 20);
    spec1 |= mask(0, 0) | mask(11, 8) | (f == Form::S2Ipa ? mask(55, 12) : mask(63, 12));
  }
  if ((w0 & ~spec0) || (w1 & ~spec1))
    return verdict(TlbiStatus::ReservedNonZero,
                   "RES0 bits set (qword0 " + hex(w0 & ~spec0) + ", qword1 " + hex(w1 & ~spec1) +
                       ", " + sec + ")" + res0);
  // 8-bit ASIDs/VMIDs: the upper byte is RES0 and, if set, the command is not
  // required to affect any entry (§4.4).
  if (has_asid(f) && !caps.asid16 && d.asid > 0xff)
    return verdict(TlbiStatus::ReservedNonZero,
                   "ASID[15:8] set with 8-bit ASIDs: not required to affect any entry (IHI 0070 "
                   "§4.4)" + res0);
  if (has_vmid(f) && !caps.vmid16 && d.vmid > 0xff)
    return verdict(TlbiStatus::ReservedNonZero,
                   "VMID[15:8] set with 8-bit VMIDs: not required to affect any entry (IHI 0070 "
                   "§4.4)" + res0);
  // Without stage 2 the NH VMID is RES0; non-zero: an UNKNOWN VMID or no invalidation (§4.4.2).
  if (is_nh(f) && !caps.stage2 && d.vmid != 0)
    return verdict(TlbiStatus::ReservedNonZero,
                   "VMID set on an SMMU without stage 2: may invalidate for an UNKNOWN VMID or "
                   "not at all (IHI 0070 §4.4.2)" + res0);

  // 4. Encodings that are consumed but guarantee no defined invalidation.
  uint64_t first = d.addr, last = d.addr, granule = 0;
  if (range_form) {
    if (!granule_implemented(d.tg, caps))
      // assume: IHI 0070 does not say what a TG of an unimplemented granule does;
      // no entry of that granule can exist, and a CD naming it is itself
      // CONSTRAINED UNPREDICTABLE, so no invalidation is guaranteed.
      return verdict(TlbiStatus::Unpredictable,
                     "TG names a granule the SMMU does not implement (SMMU_IDR5.GRAN*): "
                     "assume no invalidation");
    // With DS, SCALE > 39 is treated as 39 but software must not rely on it (§4.4.1.1).
    if (d.scale > 39)
      return verdict(TlbiStatus::Unpredictable,
                     "SCALE > 39: treated as 39 but not to be relied on (IHI 0070 §4.4.1.1)");
    const int g = granule_shift(d.tg);
    granule = 1ull << g;
    // The range is UNPREDICTABLE unless Address is aligned to the size of a leaf
    // at level TTL (TTL=0: the granule) (§4.4.1.1, 64-bit descriptors).
    const int align_log2 = ttl == 0 ? g : leaf_size_log2(g, ttl);
    if (d.addr & mask(align_log2 - 1, 12))
      return verdict(TlbiStatus::Unpredictable,
                     "Address[" + std::to_string(align_log2 - 1) + ":12] not zero with TG=" +
                         std::to_string(d.tg) + " TTL=" + std::to_string(ttl) +
                         ": the range invalidated is UNPREDICTABLE (IHI 0070 §4.4.1.1)");
    // Range = (NUM+1) * 2^SCALE * granule from Address; no wrap past the top (§4.4.1.1).
    const unsigned __int128 end = static_cast<unsigned __int128>(d.addr) +
                                  (static_cast<unsigned __int128>(d.num + 1) << (d.scale + g));
    last = end > (static_cast<unsigned __int128>(1) << 64) ? UINT64_MAX
                                                           : static_cast<uint64_t>(end - 1);
  }

  // 5. Legal: what it matches.
  s.status = TlbiStatus::Legal;
  s.reason = note;
  // NH VMID is matched only when stage 2 is supported (§4.4.2).
  const std::optional<uint16_t> nh_vmid =
      caps.stage2 ? std::optional<uint16_t>(d.vmid) : std::nullopt;
  switch (f) {
    case Form::NhAll:  // VMALLE1: all stage-1 EL1 entries of VMID, global included
      s.stage1 = true;
      s.vmid = nh_vmid;
      break;
    case Form::NhAsid:  // ASIDE1: non-global stage-1 entries of ASID and VMID
      s.stage1 = true;
      s.asid = d.asid;
      s.vmid = nh_vmid;
      break;
    case Form::NhVa:  // VA{L}E1: by VMID, ASID and VA, plus global entries by VMID and VA
      s.stage1 = true;
      s.asid = d.asid;
      s.global_too = true;
      s.vmid = nh_vmid;
      break;
    case Form::NhVaa:  // VAA{L}E1: by VA for all ASIDs of VMID
      s.stage1 = true;
      s.vmid = nh_vmid;
      break;
    case Form::El2All:  // ALLE2: every EL2 entry, ASID-tagged or not
      s.el2 = true;
      break;
    case Form::El2Asid:  // only ASID-tagged (EL2-E2H) non-global entries
      if (caps.e2h) {
        s.el2 = true;
        s.asid = d.asid;
      } else {
        s.reason = "with SMMU_CR2.E2H == 0 EL2 entries carry no ASID and are not required to be "
                   "invalidated (" + sec + ")";
      }
      break;
    case Form::El2Va:  // E2H: ASID (or global) and VA; otherwise the ASID is ignored
      s.el2 = true;
      if (caps.e2h) {
        s.asid = d.asid;
        s.global_too = true;
      }
      break;
    case Form::El2Vaa:
      s.el2 = true;
      break;
    case Form::S12Vmall:  // VMALLS12E1: both stages of VMID, every ASID, not EL2
      s.stage1 = s.stage2 = true;
      s.vmid = d.vmid;
      break;
    case Form::S2Ipa:  // IPAS2{L}E1: stage-2 entries by VMID and IPA, not nested stage-1 ones
      s.stage2 = true;
      s.vmid = d.vmid;
      break;
    case Form::NsnhAll:  // ALLE1: all non-EL2 entries at all stages, every VMID
      s.stage1 = s.stage2 = true;
      break;
    case Form::SecureQueueOnly:
      break;
  }
  if (by_address(f)) {
    s.by_address = true;
    s.range = range_form;
    s.first = first;
    s.last = last;
    s.leaf_only = d.leaf;
    s.ttl = range_form ? ttl : 0;
    s.granule = granule;
  }
  return s;
}

bool invalidates(const TlbiScope &s, const TlbEntry &e) {
  if (s.status != TlbiStatus::Legal) return false;
  // Translation regime and stage. EL2 forms never reach EL1 or stage-2 entries
  // and the EL1 forms never reach EL2 ones (§4.4.2.1, §4.4.2.7, §4.4.4.1).
  if (e.stage == 2 ? !s.stage2 : e.el2 ? !s.el2 : !s.stage1) return false;
  if (s.vmid && !e.el2 && e.vmid != *s.vmid) return false;
  if (s.asid && e.stage == 1) {
    // nG exists only in leaf descriptors; assume a cached table descriptor is
    // tagged with the ASID of the walk that read it (matched by ASID, never global).
    const bool global_leaf = e.leaf && e.global;
    if (global_leaf ? !s.global_too : e.asid != *s.asid) return false;
  }
  if (s.by_address) {
    // Non-range: the low address bits are ignored as the entry's size needs, i.e.
    // the entry containing the address (§4.4). Range: entries that translate any
    // address in [first, last] (§4.4.1.1).
    if (e.size == 0) return false;
    const uint64_t e_last = e.base + (e.size - 1);
    if (e_last < s.first || e.base > s.last) return false;
  }
  // TG != 0: only entries inserted with that granule are required to go (§4.4.1.1).
  if (s.granule != 0 && e.granule != s.granule) return false;
  if (e.leaf) {
    // TTL != 0: only leaf entries from that level are required to go (§4.4.1.1).
    if (s.ttl != 0 && e.level != s.ttl) return false;
  } else {
    // Leaf == 1: only last-level entries are required to go (§4.4.2.3, §4.4.2.4,
    // §4.4.3.1). Leaf == 0 with TTL: table descriptors at the levels before TTL
    // (TTL=2: levels 0 and 1 tables, not level 2 tables) (§4.4.1.1).
    if (s.leaf_only) return false;
    if (s.ttl != 0 && e.level >= s.ttl) return false;
  }
  return true;
}

std::string describe(const TlbiScope &s) {
  std::string out = s.name;
  if (s.status == TlbiStatus::NotTlbi) return out + ": not a TLB invalidation";
  if (s.status != TlbiStatus::Legal) {
    out += " raw=" + hex(s.raw[0]) + "," + hex(s.raw[1]);
    switch (s.status) {
      case TlbiStatus::Illegal: out += ": illegal, invalidates nothing: "; break;
      case TlbiStatus::ReservedNonZero:
        out += ": RES0 field set, assumed to invalidate nothing: ";
        break;
      default: out += ": no invalidation guaranteed: "; break;
    }
    return out + s.reason;
  }
  if (s.asid) out += " asid=" + std::to_string(*s.asid);
  if (s.vmid) out += " vmid=" + std::to_string(*s.vmid);
  if (s.asid && !s.global_too) out += " non-global";
  if (s.by_address) {
    if (s.range)
      out += " [" + hex(s.first) + ", " + (s.last == UINT64_MAX ? "2^64" : hex(s.last + 1)) + ")";
    else
      out += std::string(s.stage2 ? " ipa=" : " va=") + hex(s.first);
    out += s.leaf_only ? " leaf" : " leaf+walk";
    out += " TTL=" + std::to_string(s.ttl);
    out += " granule " + (s.granule ? granule_name(s.granule) : std::string("any"));
  } else {
    out += " all addresses";
  }
  if (!s.reason.empty()) out += " (" + s.reason + ")";
  return out;
}

}  // namespace smmu::checker
