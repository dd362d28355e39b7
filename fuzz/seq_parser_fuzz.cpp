// libFuzzer target for the .seq parser (harness/src/seq_parser.cpp): any input
// either becomes a well-formed trace or is refused with a located
// "FILE:LINE:COL: expected ..." SeqError. Anything else (a crash, a sanitizer
// report, another exception, a malformed trace) is a finding.
// Built by scripts/fuzz or -DSMMU_FUZZ=ON (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_finding.h"
#include "seq_parser.h"

using namespace smmu::harness;

namespace {

[[noreturn]] void finding(const char *what, const std::string &detail) {
  smmu::fuzz::finding("seq_parser_fuzz", what, detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  try {
    Sequence s = parse_sequence(text, "f.seq");
    const Trace &t = s.trace;
    if (t.events.empty() || t.events.back().kind != EventKind::UpdateEnd) finding("trace", "no UpdateEnd last");
    size_t want = s.kind == DescKind::PgTable ? 1 : 8;
    if (s.initial.size() != want || s.target.size() != want) finding("trace", "initial/target size");
    for (const Event &e : t.events) {
      if (e.loc.file != "f.seq" || e.loc.line < 1) finding("trace", "an event without its .seq line");
      if (e.kind == EventKind::Store || e.kind == EventKind::Cmo) {
        if (e.desc < 0 || static_cast<size_t>(e.desc) >= t.descs.size()) finding("trace", "store outside any desc");
        if (e.size == 0 || e.offset + e.size > t.descs[e.desc].size) finding("trace", "range outside its desc");
      }
      if (e.kind == EventKind::Store && (e.offset % e.size || (e.size < 8 && e.value >> (8 * e.size))))
        finding("trace", "misaligned or too wide store");
    }
  } catch (const SeqError &e) {
    if (!smmu::fuzz::located(e.what(), "f.seq")) finding("unlocated error", e.what());
  } catch (const std::exception &e) {
    finding("unexpected exception", e.what());
  }
  return 0;
}
