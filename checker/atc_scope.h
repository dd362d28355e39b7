// The architecture's meaning of CMD_ATC_INV (IHI 0070 §4.5.1): decoded from the
// raw command queue entry, it says which entries of an endpoint's Address
// Translation Cache (ATS, PCIe) the command is guaranteed to invalidate once a
// later CMD_SYNC completes.
//
// Conservative like tlbi_scope.h: an illegal or reserved encoding, or one
// whose span the architecture leaves UNKNOWN, invalidates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace smmu::checker {

enum class AtcStatus : uint8_t {
  NotAtcInv,        // another command
  Legal,            // sends an ATS Invalidation Request with the scope below
  ReservedNonZero,  // a RES0 field is non-zero: CERROR_ILL or the field ignored (§4.1.5)
  Unpredictable,    // Size > 52: CERROR_ILL or an UNKNOWN span, possibly none (§4.5.1)
};
const char *to_string(AtcStatus s);

struct AtcScope {
  std::array<uint64_t, 2> raw{};
  AtcStatus status = AtcStatus::NotAtcInv;
  std::string reason;  // why the status is not Legal, citing IHI 0070
  // The fields as encoded.
  uint32_t sid = 0, ssid = 0;
  bool ssv = false, global = false;
  uint8_t size = 0;   // log2 of the span in 4K pages
  uint64_t addr = 0;  // Address[63:12] as encoded
  // Legal: the invalidated span [first, last], aligned to its size.
  uint64_t first = 0, last = 0;
};

// An entry of an endpoint's ATC: the translation of [base, base + size) the
// SMMU returned to StreamID sid, for a request with PASID ssid when ssv.
struct AtcEntry {
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  uint64_t base = 0, size = 0;
  // The endpoint's Smallest Translation Unit: a span below it is not
  // guaranteed to invalidate anything (§4.5.1). Linux programs the SMMU's
  // smallest page size (arm_smmu_enable_ats).
  uint64_t stu = 4096;
};

AtcScope atc_scope(const std::array<uint64_t, 2> &raw);

// True when completing the command is guaranteed to remove e.
bool invalidates(const AtcScope &s, const AtcEntry &e);
// Why s does not remove e ("" when it does).
std::string why_not(const AtcScope &s, const AtcEntry &e);

// One line: "ATC_INV sid=0x10 [0x80000000, 0x80200000)" (with "ssid=3", "global").
std::string describe(const AtcScope &s);

}  // namespace smmu::checker
