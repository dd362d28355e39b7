// Encodes an SMMUv3 command queue entry (IHI 0070 §4) from its name and named
// operands: the inverse of decode_command (command.h), field for field, so a
// hand-written sequence (.seq) carries the same 2-qword commands the kernel's
// arm_smmu_cmdq_build_cmd produces.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smmu::harness {

// One operand of a command: where it sits in the 2-qword entry.
struct CmdField {
  const char *name;   // as describe(Command) prints it: sid, ssid, leaf, asid, va, ...
  int word;           // 0 or 1
  int lo, hi;         // bit range in that word
  bool address;       // the operand is an address whose bits [hi:lo] are placed as is
                      // (its bits below lo must be zero); else a number shifted to lo
  bool required;
  uint64_t fixed;     // for optional operands: the value used when it is not given
};

struct CmdSpec {
  const char *name;   // CFGI_STE, TLBI_NH_VA, CMD_SYNC, ...
  uint8_t opcode;
  std::vector<CmdField> fields;
  // Bits set whenever a given operand is present (e.g. SSV with ATC_INV's ssid).
  const char *sets_ssv_with = nullptr;
};

// The commands a sequence can issue, in the order documented in docs/seq.md.
const std::vector<CmdSpec> &command_specs();
// By name, case-insensitive; nullptr if unknown.
const CmdSpec *find_command(const std::string &name);
const CmdField *find_field(const CmdSpec &spec, const std::string &name);
// Largest value an operand accepts (an address: its highest encodable address).
uint64_t field_max(const CmdField &f);
// Whether v fits the operand (width, and for an address the zero low bits).
bool field_fits(const CmdField &f, uint64_t v);

// The entry, with every operand that is not given set to its fixed value.
// The caller has checked names, required operands and widths.
std::array<uint64_t, 2> encode_command(const CmdSpec &spec,
                                       const std::vector<std::pair<const CmdField *, uint64_t>> &operands);

}  // namespace smmu::harness
