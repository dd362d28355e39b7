#include "slice_wire.h"

namespace smmu::harness {

namespace json = llvm::json;

namespace {

json::Array strings(const std::vector<std::string> &v) { return json::Array(v); }

}  // namespace

json::Value to_json(const SliceRequest &r) {
  return json::Object{{"tree_root", r.tree_root.string()}, {"file", r.file},
                      {"roots", strings(r.roots)},         {"whole_file", r.whole_file},
                      {"wraps", strings(r.wraps)},         {"replaces", strings(r.replaces)},
                      {"prelude", strings(r.prelude)},     {"epilogue", strings(r.epilogue)},
                      {"clang_args", strings(r.clang_args)}, {"resource_dir", r.resource_dir}};
}

bool fromJSON(const json::Value &v, SliceRequest &r, json::Path p) {
  json::ObjectMapper o(v, p);
  std::string root;
  bool ok = o && o.map("tree_root", root) && o.map("file", r.file) && o.map("roots", r.roots) &&
            o.map("whole_file", r.whole_file) && o.map("wraps", r.wraps) &&
            o.map("replaces", r.replaces) && o.map("prelude", r.prelude) &&
            o.map("epilogue", r.epilogue) && o.map("clang_args", r.clang_args) &&
            o.map("resource_dir", r.resource_dir);
  r.tree_root = root;
  return ok;
}

json::Value to_json(const SliceResult &r) {
  return json::Object{{"text", r.text},
                      {"missing", strings(r.missing)},
                      {"kept", strings(r.kept)},
                      {"diagnostics", strings(r.diagnostics)},
                      {"unrewritten", strings(r.unrewritten)},
                      {"plain_stores_rewritten", r.plain_stores_rewritten}};
}

bool fromJSON(const json::Value &v, SliceResult &r, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("text", r.text) && o.map("missing", r.missing) && o.map("kept", r.kept) &&
         o.map("diagnostics", r.diagnostics) && o.map("unrewritten", r.unrewritten) &&
         o.map("plain_stores_rewritten", r.plain_stores_rewritten);
}

}  // namespace smmu::harness
