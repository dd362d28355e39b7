// libFuzzer target for the model-file parser (models/model_parser.cpp): any
// input either parses or is refused with a located ModelError
// "FILE:LINE:COL: expected ...". The first byte picks the file name, so the
// .model, .modifier and extension-free header rules are all reached.
// Built by scripts/fuzz or -DSMMU_FUZZ=ON (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_finding.h"
#include "model_parser.h"

using namespace smmu::models;

namespace {

[[noreturn]] void finding(const char *what, const std::string &detail) {
  smmu::fuzz::finding("model_parser_fuzz", what, detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  static const char *const names[] = {"coherent.model", "plain-tear32.modifier", "mine.txt", "x.model"};
  const std::string file = names[data[0] % 4];
  std::string text(reinterpret_cast<const char *>(data + 1), size - 1);
  try {
    ModelFile f = parse_model(text, file);
    if (f.model.name.empty() || f.model.summary.empty()) finding("accepted", "a model without name or summary");
    if (f.kind == Kind::Modifier && f.set.empty()) finding("accepted", "a modifier that sets nothing");
    for (const auto &p : f.set)
      if (f.model.justification[p].empty()) finding("accepted", "a parameter without justification");
  } catch (const ModelError &e) {
    if (!smmu::fuzz::located(e.what(), file)) finding("unlocated error", e.what());
  } catch (const std::exception &e) {
    finding("unexpected exception", e.what());
  }
  return 0;
}
