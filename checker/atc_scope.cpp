#include "atc_scope.h"

#include <cstdio>

#include "command.h"
#include "hex.h"

namespace smmu::checker {
namespace {

constexpr unsigned kSizeAll = 52;    // 2^52 pages of 4K: the whole 64-bit space (§4.5.1)

}  // namespace

const char *to_string(AtcStatus s) {
  switch (s) {
    case AtcStatus::NotAtcInv: return "not-atc-inv";
    case AtcStatus::Legal: return "legal";
    case AtcStatus::ReservedNonZero: return "reserved-nonzero";
    case AtcStatus::Unpredictable: return "unpredictable";
  }
  return "?";
}

AtcScope atc_scope(const std::array<uint64_t, 2> &raw) {
  AtcScope s;
  s.raw = raw;
  const uint64_t w0 = raw[0], w1 = raw[1];
  const harness::Command c = harness::decode_command(raw);
  if (c.opcode != uint8_t(harness::CmdOp::AtcInv)) {
    s.reason = "not CMD_ATC_INV";
    return s;
  }
  // Fields as the harness decodes them (IHI 0070 §4.5.1, the CMD_ATC_INV
  // layout; Linux CMDQ_ATC_*). Bits 8, 10 of qword 0 and [11:6] of qword 1 are RES0.
  s.global = c.global;
  s.ssv = c.ssv;
  s.ssid = c.ssid;
  s.sid = c.sid;
  s.size = c.atc_size;
  s.addr = c.addr;
  const uint64_t res0_0 = w0 & (1ull << 8 | 1ull << 10), res0_1 = w1 & 0xfc0ull;
  if (res0_0 || res0_1) {
    // The SMMU raises CERROR_ILL or ignores the field, its choice (§4.1.5):
    // assume nothing is invalidated, as for a TLBI.
    s.status = AtcStatus::ReservedNonZero;
    s.reason = "RES0 bits set (qword0 " + hex(res0_0) + ", qword1 " + hex(res0_1) +
               "): CERROR_ILL or ignored, IMPLEMENTATION choice (IHI 0070 §4.1.5)";
    return s;
  }
  if (s.size > kSizeAll) {
    s.status = AtcStatus::Unpredictable;
    s.reason = "Size > 52: CERROR_ILL permitted, or an UNKNOWN span that might invalidate nothing "
               "(IHI 0070 §4.5.1)";
    return s;
  }
  // Span 4096 * 2^Size from Address, aligned to its size: Address[11+Size:0] is
  // taken as zero (§4.5.1). Size 52 spans 2^64 bytes, i.e. everything.
  s.status = AtcStatus::Legal;
  if (s.size == kSizeAll) {
    s.first = 0;
    s.last = UINT64_MAX;
  } else {
    const uint64_t span = 1ull << (12 + s.size);
    s.first = s.addr & ~(span - 1);
    s.last = s.first + (span - 1);
  }
  return s;
}

std::string why_not(const AtcScope &s, const AtcEntry &e) {
  if (s.status != AtcStatus::Legal) return std::string(to_string(s.status)) + ": " + s.reason;
  if (s.sid != e.sid) return "sent to SID " + hex(s.sid) + ", not " + hex(e.sid);
  // SSV == 1 carries a PASID: it is meant for entries of that PASID only. An
  // entry of a request without PASID is not required to go (and on a system
  // without PASIDs the command may do nothing, §4.5.1). Global adds nothing:
  // a completion for a request with PASID has G == 0 (§3.9.1), so no ATC
  // entry is global.
  if (s.ssv && (!e.ssv || e.ssid != s.ssid))
    return "SSV=1 SSID=" + hex(s.ssid) + " names PASID-tagged entries; this entry is " +
           (e.ssv ? "for SSID " + hex(e.ssid) : std::string("for requests without PASID"));
  // assume: SSV == 0 (no PASID prefix) is guaranteed to reach entries of
  // requests without PASID; whether it also reaches PASID-tagged ones is the
  // endpoint's (PCIe), not the SMMU's, so they stay.
  if (!s.ssv && e.ssv)
    return "SSV=0 is not guaranteed to remove an entry of a request with PASID " + hex(e.ssid);
  if (s.size < 52 && (1ull << (12 + s.size)) < e.stu)
    return "span of " + hex(1ull << (12 + s.size)) + " bytes is below the STU (" + hex(e.stu) +
           "): invalidation not guaranteed (IHI 0070 §4.5.1)";
  // assume (PCIe ATS): an Invalidation Request removes every cached translation
  // that intersects its span, as a range TLBI does (§4.4.1.1).
  if (s.last < e.base || s.first > e.base + (e.size - 1))
    return "span [" + hex(s.first) + ", " + hex(s.last + 1) + ") misses the entry [" + hex(e.base) +
           ", " + hex(e.base + e.size) + ")";
  return "";
}

bool invalidates(const AtcScope &s, const AtcEntry &e) { return why_not(s, e).empty(); }

std::string describe(const AtcScope &s) {
  std::string out = "ATC_INV sid=" + hex(s.sid);
  if (s.ssv) out += " ssid=" + hex(s.ssid);
  if (s.ssv && s.global) out += " global";
  if (s.status != AtcStatus::Legal)
    out += " size=" + std::to_string(s.size) + " addr=" + hex(s.addr);
  else if (s.size == kSizeAll)
    out += " all addresses";
  else
    out += " [" + hex(s.first) + ", " + hex(s.last + 1) + ")";
  return out;
}

}  // namespace smmu::checker
