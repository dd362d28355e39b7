// libFuzzer target for the model-file parser (models/model_parser.cpp): any
// input either parses or is refused with a located ModelError
// "FILE:LINE:COL: expected ...". The first byte picks the file name, so the
// .model, .modifier and extension-free header rules are all reached.
// Built by scripts/fuzz or -DSMMU_FUZZ=ON (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model_parser.h"

using namespace smmu::models;

namespace {

[[noreturn]] void finding(const char *what, const std::string &detail) {
  std::fprintf(stderr, "model_parser_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool located(const std::string &m, const std::string &file) {
  if (m.rfind(file + ":", 0) != 0) return false;
  size_t i = file.size() + 1;
  for (int field = 0; field < 2; ++field) {
    size_t digits = 0;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i, ++digits;
    if (!digits || i >= m.size() || m[i] != ':') return false;
    ++i;
  }
  return m.compare(i, 10, " expected ") == 0;
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
    if (!located(e.what(), file)) finding("unlocated error", e.what());
  } catch (const std::exception &e) {
    finding("unexpected exception", e.what());
  }
  return 0;
}
