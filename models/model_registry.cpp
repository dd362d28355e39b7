#include "model_registry.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "parameters.h"

#ifndef SMMU_CHECK_MODELS_SOURCE_DIR
#error "SMMU_CHECK_MODELS_SOURCE_DIR must name the source tree's models/ (set by models/CMakeLists.txt)"
#endif

namespace smmu::models {

namespace fs = std::filesystem;

namespace {

// The stems of the model and modifier files in `dir`, without parsing them.
struct Scan {
  std::vector<std::string> full, modifier;
};

Scan scan(const fs::path &dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw ModelError(dir.string() +
                     ": expected a directory of model files (set SMMU_CHECK_MODELS_DIR to the models/ directory)");
  Scan s;
  for (const auto &e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    if (ext == ".model") s.full.push_back(e.path().stem().string());
    if (ext == ".modifier") s.modifier.push_back(e.path().stem().string());
  }
  if (ec) throw ModelError(dir.string() + ": expected a readable directory: " + ec.message());
  std::sort(s.full.begin(), s.full.end());
  std::sort(s.modifier.begin(), s.modifier.end());
  for (const auto &n : s.full)
    if (std::binary_search(s.modifier.begin(), s.modifier.end(), n))
      throw ModelError(dir.string() + ": expected one file per name, found both " + n + ".model and " + n +
                       ".modifier");
  // Presets first, in the order `all` runs them; the rest stay sorted by name.
  std::stable_sort(s.full.begin(), s.full.end(), [](const std::string &a, const std::string &b) {
    auto rank = [](const std::string &n) {
      const auto &p = preset_names();
      return std::find(p.begin(), p.end(), n) - p.begin();
    };
    return rank(a) < rank(b);
  });
  return s;
}

std::string join(const std::vector<std::string> &v) {
  std::string s;
  for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

bool is_path(const std::string &c) {
  std::string ext = fs::path(c).extension().string();
  return c.find('/') != std::string::npos || ext == ".model" || ext == ".modifier";
}

}  // namespace

fs::path models_dir() {
  const char *env = std::getenv("SMMU_CHECK_MODELS_DIR");
  return env && *env ? fs::path(env) : fs::path(SMMU_CHECK_MODELS_SOURCE_DIR);
}

const std::vector<std::string> &preset_names() {
  static const std::vector<std::string> names = {"coherent", "nc", "cacheable-line", "cacheable-64",
                                                 "cacheable-byte"};
  return names;
}

std::vector<ModelFile> list_models(const fs::path &dir) {
  Scan s = scan(dir);
  std::vector<ModelFile> out;
  for (const auto &n : s.full) out.push_back(read_model_file(dir / (n + ".model")));
  for (const auto &n : s.modifier) out.push_back(read_model_file(dir / (n + ".modifier")));
  return out;
}

namespace {

// The file a spec component names; throws, without a location, if there is none.
fs::path find_component(const std::string &c, const fs::path &dir) {
  if (is_path(c)) return c;
  std::error_code ec;
  for (const char *ext : {".model", ".modifier"})
    if (fs::is_regular_file(dir / (c + ext), ec)) return dir / (c + ext);
  Scan s = scan(dir);
  throw ModelError("expected a model (" + join(s.full) + ") or a modifier (" + join(s.modifier) + ") of " +
                   dir.string() + ", or a path to a .model or .modifier file; found '" + c + "'");
}

}  // namespace

ModelFile load_component(const std::string &c, const fs::path &dir) {
  return read_model_file(find_component(c, dir));
}

Model compose(const ModelFile &base, const std::vector<ModelFile> &modifiers, const std::string &name) {
  Model m = base.model;
  m.name = name;
  for (const auto &mod : modifiers) {
    for (const auto &p : mod.set) {
      const Parameter *param = find_parameter(p);
      param->set(m, param->get(mod.model));
      m.justification[p] = mod.model.justification.at(p);
      m.origin[p] = mod.model.origin.at(p);
    }
    m.summary += " + " + mod.model.summary;
    m.files.insert(m.files.end(), mod.model.files.begin(), mod.model.files.end());
  }
  return m;
}

std::vector<Model> resolve_models(const std::string &spec, const fs::path &dir) {
  auto fail = [&](const std::string &msg) -> ModelError { return ModelError("model '" + spec + "': " + msg); };
  // A lookup failure is about the spec; a file's own parse error already says FILE:LINE:COL.
  auto load = [&](const std::string &c) {
    if (c.empty()) throw fail("expected a model or modifier name on each side of '+'");
    fs::path file;
    try {
      file = find_component(c, dir);
    } catch (const ModelError &e) {
      throw fail(e.what());
    }
    return read_model_file(file);
  };

  std::vector<std::string> parts;
  std::error_code ec;
  if (spec.empty()) throw fail("expected a model name, e.g. coherent or cacheable-byte+plain-tear32");
  if (fs::is_regular_file(spec, ec)) {
    parts = {spec};  // a path that itself contains '+'
  } else {
    for (size_t start = 0;;) {
      size_t plus = spec.find('+', start);
      parts.push_back(spec.substr(start, plus - start));
      if (plus == std::string::npos) break;
      start = plus + 1;
    }
  }

  std::vector<ModelFile> bases;
  if (parts[0] == "all") {
    for (auto &f : list_models(dir))
      if (f.kind == Kind::Full) bases.push_back(std::move(f));
    if (bases.empty()) throw fail("expected at least one .model file in " + dir.string() + " for 'all'");
  } else {
    bases.push_back(load(parts[0]));
    if (bases[0].kind == Kind::Modifier)
      throw fail("expected a full model before the first '+', found modifier " + bases[0].model.name +
                 " (apply it to a model, e.g. coherent+" + bases[0].model.name + ")");
  }

  std::vector<ModelFile> mods;
  std::map<std::string, std::string> set_by;  // parameter -> modifier, to refuse conflicting modifiers
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "all") throw fail("expected a modifier after '+', found 'all' (it can only come first)");
    ModelFile m = load(parts[i]);
    if (m.kind == Kind::Full)
      throw fail("expected a modifier after '+', found model " + m.model.name +
                 " (a spec has one model, then modifiers)");
    for (const auto &p : m.set) {
      if (auto it = set_by.find(p); it != set_by.end())
        throw fail("expected modifiers that set different parameters, but " + it->second + " and " + m.model.name +
                   " both set " + p);
      set_by[p] = m.model.name;
    }
    mods.push_back(std::move(m));
  }

  std::vector<Model> out;
  for (const auto &b : bases) {
    std::string name = parts[0] == "all" ? b.model.name + spec.substr(3) : spec;
    out.push_back(compose(b, mods, name));
  }
  return out;
}

Model resolve_model(const std::string &spec, const fs::path &dir) {
  if (spec == "all" || spec.rfind("all+", 0) == 0)
    throw ModelError("model '" + spec + "': expected one model here, not 'all'");
  std::vector<Model> v = resolve_models(spec, dir);
  if (v.size() != 1)
    throw ModelError("model '" + spec + "': expected one model here, but it names " + std::to_string(v.size()));
  return v[0];
}

}  // namespace smmu::models
