// Decodes an encoded SMMUv3 command queue entry (IHI 0070 §4) into named fields.
// It reads the architecture's encoding, not the driver's structs, so a driver
// that encodes a field wrongly shows up as a wrong decoded value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace smmu::harness {

enum class CmdOp : uint8_t {
  PrefetchCfg = 0x01, CfgiSte = 0x03, CfgiAll = 0x04, CfgiCd = 0x05, CfgiCdAll = 0x06,
  TlbiNhAll = 0x10, TlbiNhAsid = 0x11, TlbiNhVa = 0x12, TlbiNhVaa = 0x13,
  TlbiEl2All = 0x20, TlbiEl2Asid = 0x21, TlbiEl2Va = 0x22,
  TlbiS12Vmall = 0x28, TlbiS2Ipa = 0x2a, TlbiNsnhAll = 0x30,
  AtcInv = 0x40, PriResp = 0x41, Resume = 0x44, Sync = 0x46,
};

struct Command {
  std::array<uint64_t, 2> raw{};
  uint8_t opcode = 0;
  bool known = false;
  uint32_t sid = 0, ssid = 0;
  bool ssv = false, leaf = false, global = false;
  uint16_t asid = 0, vmid = 0;
  uint8_t num = 0, scale = 0, ttl = 0, tg = 0, range = 0, atc_size = 0, cs = 0;
  uint64_t addr = 0;  // VA, IPA or ATC address (bits 63:12 or 51:12)
};

Command decode_command(const std::array<uint64_t, 2> &raw);
const char *command_name(uint8_t opcode);  // "CFGI_STE", ... or "OP_0x??"
// One line: "CFGI_STE sid=0x10 leaf=1".
std::string describe(const Command &c);

}  // namespace smmu::harness
