// smmu-check models: the shipped memory models and modifiers, and what a
// model spec resolves to, with the source or assumption behind each value.
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "model_registry.h"
#include "options.h"
#include "parameters.h"

namespace smmu::cli {

namespace {

namespace m = smmu::models;

void print_parameters(const m::Model &model, const std::vector<std::string> &only) {
  for (const auto &p : m::parameters()) {
    if (!only.empty() && std::find(only.begin(), only.end(), p.name) == only.end()) continue;
    std::string setting = std::string(p.name) + " = " + p.get(model);
    std::cout << "  " << setting << std::string(setting.size() < 32 ? 32 - setting.size() : 1, ' ') << "["
              << model.origin.at(p.name) << "]\n"
              << "      " << model.justification.at(p.name) << "\n";
  }
}

int show_models(const std::string &spec) {
  bool first = true;
  for (const auto &model : m::resolve_models(spec)) {
    if (!first) std::cout << "\n";
    first = false;
    std::cout << "model " << model.name << ": " << model.summary << "\nfiles:";
    for (const auto &f : model.files) std::cout << " " << f;
    std::cout << "\n\n";
    print_parameters(model, {});
  }
  return 0;
}

int show(const std::string &spec) {
  // A lone modifier is shown as what it sets; resolve_models would refuse it as a base.
  if (spec != "all" && spec.find('+') == std::string::npos) {
    m::ModelFile f;
    try {
      f = m::load_component(spec);
    } catch (const m::ModelError &) {
      return show_models(spec);  // which reports the error with the spec
    }
    if (f.kind == m::Kind::Modifier) {
      std::cout << "modifier " << f.model.name << ": " << f.model.summary << "\n"
                << "file: " << f.path << "\n"
                << "use it after a model, e.g. coherent+" << f.model.name << "\n\n";
      print_parameters(f.model, f.set);
      return 0;
    }
  }
  return show_models(spec);
}

}  // namespace

int cmd_models(const std::vector<std::string> &argv) {
  Args a = parse(argv, OptionSpec{{"show"}, {"help"}}, "models");
  if (a.has("help")) {
    std::cout << "usage: smmu-check models [--show SPEC]\n\n"
                 "Without options, lists every shipped memory model and modifier, one per line:\n"
                 "name, kind (model or modifier) and summary. A model fixes how the SMMU may\n"
                 "observe the CPU's stores (coherency, fetch atomicity and order, compiler\n"
                 "tearing, write-back atomicity, eviction, doorbell barrier); docs/models.md\n"
                 "explains the file format and each parameter.\n\n"
                 "  --show SPEC   print the parameters SPEC resolves to, each with the\n"
                 "                architecture section or the assumption it rests on\n\n"
                 "SPEC is what --model takes: a model, optionally followed by +MODIFIER...;\n"
                 "'all' for every full model; or a path to your own .model file.\n\n"
                 "examples:\n"
                 "  smmu-check models\n"
                 "  smmu-check models --show cacheable-byte+plain-tear32\n"
                 "  smmu-check models --show ./mine.model+plain-tear8\n\n"
                 "The models are read from $SMMU_CHECK_MODELS_DIR if set, else from the source\n"
                 "tree's models/; now: "
              << m::models_dir().string() << "\n";
    return 0;
  }
  if (!a.positional.empty())
    throw harness::UserError("models: unexpected argument '" + a.positional[0] +
                             "' (to see one model: smmu-check models --show " + a.positional[0] + ")");
  if (a.has("show")) return show(a.get("show"));

  auto files = m::list_models();
  size_t width = 0;
  for (const auto &f : files) width = std::max(width, f.model.name.size());
  for (const auto &f : files) {
    std::string kind = m::kind_name(f.kind);
    std::cout << f.model.name << std::string(width + 2 - f.model.name.size(), ' ') << kind
              << std::string(10 - kind.size(), ' ') << f.model.summary << "\n";
  }
  return 0;
}

}  // namespace smmu::cli
