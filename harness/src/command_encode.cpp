#include "command_encode.h"

#include <cctype>

namespace smmu::harness {
namespace {

// Operand layouts, IHI 0070 §4.2 (prefetch), §4.3 (CFGI), §4.4 (TLBI), §4.5
// (ATC_INV), §4.7 (CMD_SYNC); the same bit positions decode_command reads.
constexpr CmdField kSid{"sid", 0, 32, 63, false, true, 0};
constexpr CmdField kSsid{"ssid", 0, 12, 31, false, true, 0};
constexpr CmdField kSsidOpt{"ssid", 0, 12, 31, false, false, 0};
constexpr CmdField kLeaf{"leaf", 1, 0, 0, false, false, 0};
constexpr CmdField kAsid{"asid", 0, 48, 63, false, true, 0};
constexpr CmdField kVmid{"vmid", 0, 32, 47, false, true, 0};
constexpr CmdField kVmidOpt{"vmid", 0, 32, 47, false, false, 0};
constexpr CmdField kNum{"num", 0, 12, 16, false, false, 0};
constexpr CmdField kScale{"scale", 0, 20, 24, false, false, 0};
constexpr CmdField kTtl{"ttl", 1, 8, 9, false, false, 0};
constexpr CmdField kTg{"tg", 1, 10, 11, false, false, 0};
constexpr CmdField kVa{"va", 1, 12, 63, true, true, 0};
constexpr CmdField kIpa{"ipa", 1, 12, 51, true, true, 0};

const std::vector<CmdSpec> kSpecs = {
    {"CFGI_STE", 0x03, {kSid, kLeaf}},
    {"CFGI_CD", 0x05, {kSid, kSsid, kLeaf}},
    {"CFGI_CD_ALL", 0x06, {kSid}},
    // Linux's CFGI_ALL is CFGI_STE_RANGE over every SID: Range = 31.
    {"CFGI_ALL", 0x04, {{"range", 1, 0, 4, false, false, 31}}},
    {"PREFETCH_CFG", 0x01, {kSid, kSsidOpt}, "ssid"},
    {"TLBI_NH_ALL", 0x10, {kVmidOpt}},
    {"TLBI_NH_ASID", 0x11, {kAsid, kVmidOpt}},
    {"TLBI_NH_VA", 0x12, {kAsid, kVmidOpt, kVa, kLeaf, kTg, kTtl, kNum, kScale}},
    {"TLBI_NH_VAA", 0x13, {kVmidOpt, kVa, kLeaf, kTg, kTtl, kNum, kScale}},
    {"TLBI_EL2_ALL", 0x20, {}},
    {"TLBI_EL2_ASID", 0x21, {kAsid}},
    {"TLBI_EL2_VA", 0x22, {kAsid, kVa, kLeaf, kTg, kTtl, kNum, kScale}},
    {"TLBI_S12_VMALL", 0x28, {kVmid}},
    {"TLBI_S2_IPA", 0x2a, {kVmid, kIpa, kLeaf, kTg, kTtl, kNum, kScale}},
    {"TLBI_NSNH_ALL", 0x30, {}},
    {"ATC_INV", 0x40,
     {kSid, kSsidOpt, {"global", 0, 9, 9, false, false, 0}, {"addr", 1, 12, 63, true, true, 0},
      {"size", 1, 0, 5, false, true, 0}},
     "ssid"},
    // CS: 0 SIG_NONE, 1 SIG_IRQ, 2 SIG_SEV.
    {"CMD_SYNC", 0x46, {{"cs", 0, 12, 13, false, false, 0}}},
};

uint64_t ones(int n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

bool same_name(const std::string &a, const char *b) {
  size_t i = 0;
  for (; i < a.size() && b[i]; ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return i == a.size() && !b[i];
}

}  // namespace

const std::vector<CmdSpec> &command_specs() { return kSpecs; }

const CmdSpec *find_command(const std::string &name) {
  for (const auto &s : kSpecs)
    if (same_name(name, s.name)) return &s;
  return nullptr;
}

const CmdField *find_field(const CmdSpec &spec, const std::string &name) {
  for (const auto &f : spec.fields)
    if (name == f.name) return &f;
  return nullptr;
}

uint64_t field_max(const CmdField &f) {
  int width = f.hi - f.lo + 1;
  return f.address ? ones(width) << f.lo : ones(width);
}

bool field_fits(const CmdField &f, uint64_t v) {
  return f.address ? (v & ~field_max(f)) == 0 : v <= field_max(f);
}

std::array<uint64_t, 2> encode_command(const CmdSpec &spec,
                                       const std::vector<std::pair<const CmdField *, uint64_t>> &operands) {
  std::array<uint64_t, 2> w{spec.opcode, 0};
  auto place = [&w](const CmdField &f, uint64_t v) {
    uint64_t bits = f.address ? v & field_max(f) : (v & field_max(f)) << f.lo;
    w[f.word] |= bits;
  };
  for (const auto &f : spec.fields) {
    bool given = false;
    for (const auto &[field, v] : operands)
      if (field == &f) {
        place(f, v);
        given = true;
      }
    if (!given && !f.required) place(f, f.fixed);
    if (given && spec.sets_ssv_with && std::string(f.name) == spec.sets_ssv_with) w[0] |= 1ull << 11;
  }
  return w;
}

}  // namespace smmu::harness
