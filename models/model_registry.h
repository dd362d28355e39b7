// The shipped models and modifiers, and model specs as written on the command
// line: "coherent", "cacheable-byte+plain-tear32", "all", "./mine.model",
// "mine.model+plain-tear8". Errors throw ModelError saying what was expected.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model.h"
#include "model_parser.h"

namespace smmu::models {

// $SMMU_CHECK_MODELS_DIR if set, else the source tree's models/.
std::filesystem::path models_dir();

// The preset full models, in the order `all` runs them.
const std::vector<std::string> &preset_names();

// Every NAME.model and NAME.modifier in `dir`, parsed: full models first (the
// presets in preset order, then any others by name), then modifiers by name.
std::vector<ModelFile> list_models(const std::filesystem::path &dir = models_dir());

// One component of a spec: a name in `dir`, or a path (it contains '/' or ends
// in .model/.modifier).
ModelFile load_component(const std::string &component, const std::filesystem::path &dir = models_dir());

// `base` with each modifier applied in turn; the justification of a parameter
// a modifier sets is the modifier's.
Model compose(const ModelFile &base, const std::vector<ModelFile> &modifiers, const std::string &name);

// A spec naming one model, or `all` (every full model of `dir`, see list_models),
// each optionally followed by +MODIFIER... Each Model is named by its spec.
std::vector<Model> resolve_models(const std::string &spec, const std::filesystem::path &dir = models_dir());

// Exactly one model; `all` is an error here.
Model resolve_model(const std::string &spec, const std::filesystem::path &dir = models_dir());

}  // namespace smmu::models
