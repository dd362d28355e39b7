#include "command.h"

#include <cstdio>

#include "hex.h"

namespace smmu::harness {
namespace {

uint64_t bits(uint64_t v, int hi, int lo) {
  return (v >> lo) & ((hi - lo == 63) ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

}  // namespace

const char *command_name(uint8_t op) {
  switch (static_cast<CmdOp>(op)) {
    case CmdOp::PrefetchCfg: return "PREFETCH_CFG";
    case CmdOp::CfgiSte: return "CFGI_STE";
    case CmdOp::CfgiAll: return "CFGI_ALL";
    case CmdOp::CfgiCd: return "CFGI_CD";
    case CmdOp::CfgiCdAll: return "CFGI_CD_ALL";
    case CmdOp::TlbiNhAll: return "TLBI_NH_ALL";
    case CmdOp::TlbiNhAsid: return "TLBI_NH_ASID";
    case CmdOp::TlbiNhVa: return "TLBI_NH_VA";
    case CmdOp::TlbiNhVaa: return "TLBI_NH_VAA";
    case CmdOp::TlbiEl2All: return "TLBI_EL2_ALL";
    case CmdOp::TlbiEl2Asid: return "TLBI_EL2_ASID";
    case CmdOp::TlbiEl2Va: return "TLBI_EL2_VA";
    case CmdOp::TlbiS12Vmall: return "TLBI_S12_VMALL";
    case CmdOp::TlbiS2Ipa: return "TLBI_S2_IPA";
    case CmdOp::TlbiNsnhAll: return "TLBI_NSNH_ALL";
    case CmdOp::AtcInv: return "ATC_INV";
    case CmdOp::PriResp: return "PRI_RESP";
    case CmdOp::Resume: return "RESUME";
    case CmdOp::Sync: return "CMD_SYNC";
  }
  return nullptr;
}

Command decode_command(const std::array<uint64_t, 2> &raw) {
  Command c;
  c.raw = raw;
  uint64_t w0 = raw[0], w1 = raw[1];
  c.opcode = static_cast<uint8_t>(bits(w0, 7, 0));
  c.known = command_name(c.opcode) != nullptr;
  switch (static_cast<CmdOp>(c.opcode)) {
    case CmdOp::PrefetchCfg:
    case CmdOp::CfgiSte:
    case CmdOp::CfgiCd:
    case CmdOp::CfgiCdAll:
      c.sid = static_cast<uint32_t>(bits(w0, 63, 32));
      c.ssid = static_cast<uint32_t>(bits(w0, 31, 12));
      c.ssv = bits(w0, 11, 11);
      c.leaf = bits(w1, 0, 0);
      break;
    case CmdOp::CfgiAll:
      c.range = static_cast<uint8_t>(bits(w1, 4, 0));
      break;
    case CmdOp::TlbiNhAll:
    case CmdOp::TlbiNhAsid:
    case CmdOp::TlbiNhVa:
    case CmdOp::TlbiNhVaa:
    case CmdOp::TlbiEl2All:
    case CmdOp::TlbiEl2Asid:
    case CmdOp::TlbiEl2Va:
    case CmdOp::TlbiS12Vmall:
    case CmdOp::TlbiS2Ipa:
    case CmdOp::TlbiNsnhAll:
      c.num = static_cast<uint8_t>(bits(w0, 16, 12));
      c.scale = static_cast<uint8_t>(bits(w0, 24, 20));
      c.vmid = static_cast<uint16_t>(bits(w0, 47, 32));
      c.asid = static_cast<uint16_t>(bits(w0, 63, 48));
      c.leaf = bits(w1, 0, 0);
      c.ttl = static_cast<uint8_t>(bits(w1, 9, 8));
      c.tg = static_cast<uint8_t>(bits(w1, 11, 10));
      c.addr = static_cast<CmdOp>(c.opcode) == CmdOp::TlbiS2Ipa ? (w1 & 0x000ffffffffff000ull)
                                                                : (w1 & ~0xfffull);
      break;
    case CmdOp::AtcInv:
      c.ssid = static_cast<uint32_t>(bits(w0, 31, 12));
      c.sid = static_cast<uint32_t>(bits(w0, 63, 32));
      c.ssv = bits(w0, 11, 11);
      c.global = bits(w0, 9, 9);
      c.atc_size = static_cast<uint8_t>(bits(w1, 5, 0));
      c.addr = w1 & ~0xfffull;
      break;
    case CmdOp::Sync:
      c.cs = static_cast<uint8_t>(bits(w0, 13, 12));
      break;
    default:
      break;
  }
  return c;
}

std::string describe(const Command &c) {
  const char *name = command_name(c.opcode);
  std::string s = name ? name : "OP_" + hex(c.opcode);
  auto field = [&s](const char *k, uint64_t v, bool as_hex = false) {
    s += std::string(" ") + k + "=" + (as_hex ? hex(v) : std::to_string(v));
  };
  switch (static_cast<CmdOp>(c.opcode)) {
    case CmdOp::PrefetchCfg:
    case CmdOp::CfgiCdAll:
      field("sid", c.sid, true);
      break;
    case CmdOp::CfgiSte:
      field("sid", c.sid, true);
      field("leaf", c.leaf);
      break;
    case CmdOp::CfgiCd:
      field("sid", c.sid, true);
      field("ssid", c.ssid, true);
      field("leaf", c.leaf);
      break;
    case CmdOp::CfgiAll:
      field("range", c.range);
      break;
    case CmdOp::TlbiNhAsid:
    case CmdOp::TlbiEl2Asid:
      field("asid", c.asid);
      field("vmid", c.vmid);
      break;
    case CmdOp::TlbiNhAll:
    case CmdOp::TlbiS12Vmall:
      field("vmid", c.vmid);
      break;
    case CmdOp::TlbiNhVa:
    case CmdOp::TlbiNhVaa:
    case CmdOp::TlbiEl2Va:
    case CmdOp::TlbiS2Ipa:
      if (static_cast<CmdOp>(c.opcode) != CmdOp::TlbiS2Ipa) field("asid", c.asid);
      field("vmid", c.vmid);
      field(static_cast<CmdOp>(c.opcode) == CmdOp::TlbiS2Ipa ? "ipa" : "va", c.addr, true);
      field("leaf", c.leaf);
      field("tg", c.tg);
      field("ttl", c.ttl);
      if (c.tg) {  // range form: NUM and SCALE only mean something with TG != 0
        field("num", c.num);
        field("scale", c.scale);
      }
      break;
    case CmdOp::AtcInv:
      field("sid", c.sid, true);
      if (c.ssv) field("ssid", c.ssid, true);
      field("addr", c.addr, true);
      field("size", c.atc_size);
      if (c.global) field("global", 1);
      break;
    case CmdOp::Sync:
      field("cs", c.cs);
      break;
    default:
      s += " raw=" + hex(c.raw[0]) + "," + hex(c.raw[1]);
  }
  return s;
}

}  // namespace smmu::harness
