// Reads one model file (docs/models.md gives the grammar) into a Model.
// Malformed input throws ModelError "FILE:LINE:COL: expected ..."; nothing
// is defaulted silently: a full model sets every parameter, each with a reason.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"
#include "model_error.h"

namespace smmu::models {

enum class Kind { Full, Modifier };
const char *kind_name(Kind k);  // "model" or "modifier", as in the file's header

struct ModelFile {
  Kind kind = Kind::Full;
  std::string path;                 // as given, for messages
  Model model;                      // name, summary and the parameters this file sets
  std::vector<std::string> set;     // the parameters this file sets, in file order
  std::map<std::string, int> line;  // parameter -> the line that sets it
};

// `file` names the text in messages. If it ends in .model or .modifier, the
// header must be `model` resp. `modifier` and name the file's stem.
ModelFile parse_model(std::string_view text, const std::string &file);

ModelFile read_model_file(const std::filesystem::path &path);

}  // namespace smmu::models
