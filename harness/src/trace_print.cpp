#include "trace_print.h"

#include <cstdio>

#include "command.h"
#include "hex.h"

namespace smmu::harness {
namespace {

std::string where(const Trace &t, const Event &e) {
  if (e.desc < 0) return hex(e.addr, 0);
  const DescRange &d = t.descs[e.desc];
  std::string s = d.name;
  if (d.kind == DescKind::PgTable)
    s += "[" + std::to_string(e.offset / 8) + "]";
  else
    s += ".q" + std::to_string(e.offset / 8);
  if (e.offset % 8) s += "+" + std::to_string(e.offset % 8);
  return s;
}

std::string qwords(const std::vector<uint64_t> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + hex(v[i], 16);
  return s;
}

}  // namespace

std::string describe(const Trace &t, const Event &e) {
  switch (e.kind) {
    case EventKind::Store:
      return std::string("store ") + to_string(e.store) + " " + where(t, e) + " = " +
             hex(e.value, static_cast<int>(2 * e.size)) + "  (was " +
             hex(e.old_value, static_cast<int>(2 * e.size)) + ", " + std::to_string(e.size) + " bytes)";
    case EventKind::Barrier:
      return std::string("barrier ") + to_string(e.barrier) + " (" + arm64_instruction(e.barrier) + ")";
    case EventKind::Cmo:
      return std::string("cmo ") + to_string(e.cmo) + " to PoC " +
             (e.desc >= 0 ? where(t, e) : hex(e.addr, 0)) + " size " + std::to_string(e.size) +
             " (DC " + (e.cmo == CmoKind::Clean ? "CVAC" : e.cmo == CmoKind::CleanInval ? "CIVAC" : "IVAC") +
             " per line, DSB SY)";
    case EventKind::Alloc: {
      const DescRange &d = t.descs[e.desc];
      return std::string("alloc ") + to_string(d.kind) + " memory " + d.name + " (" +
             std::to_string(d.size) + " bytes" +
             (e.zeroed ? ", zeroed)" : ", holding old bytes: not zeroed)");
    }
    case EventKind::Free:
      return "free " + std::to_string(e.size) + " bytes at " + hex(e.addr, 0);
    case EventKind::Command:
      return "command " + describe(decode_command(e.cmd));
    case EventKind::DescRegister: {
      const DescRange &d = t.descs[e.desc];
      std::string s = std::string("fetchable ") + to_string(d.kind) + " " + d.name + " (" +
                       std::to_string(d.size) + " bytes)";
      if (e.before.size() <= 8) s += " = " + qwords(e.before);
      return s;
    }
    case EventKind::UpdateBegin:
      return "update " + e.text + " " + (e.desc >= 0 ? t.descs[e.desc].name : hex(e.addr, 0)) +
             "\n        from   " + qwords(e.before) + "\n        to     " + qwords(e.after);
    case EventKind::UpdateSync:
      return "sync (writer ops->sync)";
    case EventKind::UpdateEnd:
      return "update done";
    case EventKind::Warn:
      return "WARN " + e.text;
    case EventKind::Bug:
      return "BUG " + e.text;
    case EventKind::Note:
      return "-- " + e.text;
    case EventKind::WalkContext: {
      std::string s = "walk context: root " + hex(e.walk.root, 0) + " stage " +
                      std::to_string(e.walk.stage) + " start level " + std::to_string(e.walk.start_level) +
                      " granule " + std::to_string(8u << e.walk.bits_per_level) + " ias/oas " +
                      std::to_string(e.walk.ias) + "/" + std::to_string(e.walk.oas) +
                      (e.walk.coherent_walk ? "" : " non-coherent") +
                      (e.walk.stage == 1 ? " asid " + std::to_string(e.walk.asid) : std::string()) +
                      " vmid " + std::to_string(e.walk.vmid) +
                      (e.walk.root_desc ? " table pointer from " + hex(e.walk.root_desc, 0) : std::string());
      if (!e.walk.ats_sids.empty()) {
        s += " ATS sids";
        for (uint32_t sid : e.walk.ats_sids) s += " " + hex(sid, 0);
        if (e.walk.ats_ssv) s += " ssid " + hex(e.walk.ats_ssid, 0);
      }
      s += ", iovas";
      for (uint64_t v : e.iovas) s += " " + hex(v, 0);
      return s;
    }
  }
  return "?";
}

void print_trace(std::ostream &out, const Trace &t) {
  int n = 0;
  for (const Event &e : t.events) {
    char idx[16];
    std::snprintf(idx, sizeof idx, "%4d  ", ++n);
    std::string text = describe(t, e);
    std::string first = text.substr(0, text.find('\n'));
    std::string rest = text.find('\n') == std::string::npos ? "" : text.substr(text.find('\n'));
    out << idx << first;
    if (e.loc.line > 0) {
      int pad = 78 - static_cast<int>(first.size());
      out << std::string(pad > 1 ? pad : 1, ' ') << e.loc.file << ":" << e.loc.line;
    }
    out << rest << "\n";
  }
}

}  // namespace smmu::harness
