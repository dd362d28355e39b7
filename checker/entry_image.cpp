#include "entry_image.h"

#include <sstream>

#include "hex.h"

namespace smmu::checker {

namespace {

const char *kMakePrefix = "arm_smmu_make_";

// The symbols of one maker's run start with this, so each run has its own.
std::string symbol_prefix(const std::string &tag, const std::string &function) {
  return tag + "." + function.substr(std::string(kMakePrefix).size()) + ".";
}

std::string offset_text(int64_t v) { return (v < 0 ? "-" : "+") + hex(static_cast<uint64_t>(v < 0 ? -v : v)); }

// "master->cd_table.s1fmt": the C parameter, then each member on the way; an
// offset in brackets where the debug information does not say.
std::string read_name(const IrInputRead &r, const std::string &function, const harness::DebugNames &names) {
  std::string out = names.parameter(function, static_cast<size_t>(r.argument));
  if (out.empty()) return "";
  std::string pointee;  // what the last pointer followed points to, by its debug type
  for (size_t i = 0; i < r.path.size(); ++i) {
    const auto &[ir_type, offset] = r.path[i];
    const std::string type = ir_type.empty() ? pointee : ir_type;
    const bool last = i + 1 == r.path.size();
    const int64_t bytes = last ? r.bytes : 8;
    std::string member = type.empty() ? "" : names.member_at(type, offset, bytes);
    if (member.empty() && !type.empty()) {
      // Reached back from a member pointer: container_of(ptr, the struct embedding it).
      auto [outer, path] = names.container(type, offset, bytes);
      if (!outer.empty()) {
        out = "container_of(" + out + ", " + outer + ")." + path;
        pointee = last ? "" : names.pointee(outer, offset);  // not followed further in practice
        continue;
      }
    }
    out += "->" + (member.empty() ? "[" + offset_text(offset) + "]" : member);
    pointee = type.empty() || last ? "" : names.pointee(type, offset);
  }
  return out;
}

}  // namespace

EntryImage entry_image(const IrModule &module, z3::context &ctx, const std::string &entry_struct,
                       const std::string &tag, int qwords, const harness::DebugNames *names) {
  EntryImage image;
  image.entry_struct = entry_struct;
  for (const std::string &fn : module.functions_starting(kMakePrefix)) {
    std::vector<IrParameter> params = module.parameters(fn);
    int entries = 0;
    for (const IrParameter &p : params) entries += p.pointer && p.struct_name == entry_struct;
    if (entries != 1) continue;  // makes something else (or two entries: not a make function of ours)
    const std::string prefix = symbol_prefix(tag, fn);
    std::vector<IrArg> args(params.size());
    int entry_arg = -1;
    for (size_t k = 0; k < params.size(); ++k) {
      const IrParameter &p = params[k];
      if (p.pointer && p.struct_name == entry_struct) {
        // The caller's target is uninitialised stack memory: any bytes until the function writes them.
        entry_arg = static_cast<int>(k);
        for (int q = 0; q < qwords; ++q)
          args[k].words.push_back(ctx.bv_const((prefix + "uninit.q" + std::to_string(q)).c_str(), 64));
      } else if (p.pointer) {
        args[k].input = prefix + (p.struct_name.empty() ? "arg" + std::to_string(k) : p.struct_name);
      } else if (p.bits > 0) {
        args[k].scalar = ctx.bv_const((prefix + "arg" + std::to_string(k)).c_str(), p.bits);
      } else {
        throw UnsupportedIR("@" + fn + ": parameter " + std::to_string(k) + " is neither a pointer nor an integer");
      }
    }
    IrLoggedRun run = module.run_logged(ctx, fn, args, {});
    MadeEntry made{fn, run.arrays[static_cast<size_t>(entry_arg)], ctx.bool_val(true), {}};
    z3::expr_vector assumed(ctx);
    for (const z3::expr &a : run.assumptions) assumed.push_back(a);
    made.assumptions = z3::mk_and(assumed);
    for (IrInputRead r : run.input_reads) {
      for (size_t at; (at = r.name.find(prefix)) != std::string::npos;) r.name.erase(at, prefix.size());
      if (std::string named = names ? read_name(r, fn, *names) : ""; !named.empty()) r.name = named;
      made.parameters.push_back(std::move(r));
    }
    for (size_t k = 0; k < params.size(); ++k)
      if (args[k].scalar) {
        std::string named = names ? names->parameter(fn, k) : "";
        made.parameters.push_back({named.empty() ? "arg" + std::to_string(k) : named,
                                   static_cast<int64_t>((args[k].scalar->get_sort().bv_size() + 7) / 8),
                                   *args[k].scalar});
      }
    image.makers.push_back(std::move(made));
  }
  if (image.makers.empty())
    throw UnsupportedIR("no " + std::string(kMakePrefix) + "* function of the IR makes a struct " + entry_struct);
  MadeEntry zero{"", {}, ctx.bool_val(true), {}};
  for (int q = 0; q < qwords; ++q) zero.entry.push_back(ctx.bv_val(static_cast<uint64_t>(0), 64));
  image.makers.push_back(std::move(zero));
  return image;
}

z3::expr EntryImage::contains(const std::vector<z3::expr> &e) const {
  z3::context &ctx = e.at(0).ctx();
  z3::expr_vector any(ctx);
  for (const MadeEntry &m : makers) {
    z3::expr_vector all(ctx);
    all.push_back(m.assumptions);
    for (size_t q = 0; q < e.size(); ++q) all.push_back(e[q] == m.entry.at(q));
    any.push_back(z3::mk_and(all));
  }
  return z3::mk_or(any);
}

namespace {

// The maker whose entry `e` is in `m`, or -1.
int maker_of(const EntryImage &image, const z3::model &m, const std::vector<z3::expr> &e) {
  for (size_t k = 0; k < image.makers.size(); ++k) {
    const MadeEntry &made = image.makers[k];
    bool same = m.eval(made.assumptions, true).is_true();
    for (size_t q = 0; same && q < e.size(); ++q) same = m.eval(e[q] == made.entry[q], true).is_true();
    if (same) return static_cast<int>(k);
  }
  return -1;
}

// "f(a=0x1, b=0x2)", with only the parameters `keep` accepts.
template <class Keep>
std::string call_text(const MadeEntry &made, const z3::model &m, Keep keep) {
  std::ostringstream os;
  os << made.function << "(";
  const char *sep = "";
  for (size_t k = 0; k < made.parameters.size(); ++k) {
    if (!keep(k)) continue;
    os << sep << made.parameters[k].name << "=" << hex(m.eval(made.parameters[k].value, true).get_numeral_uint64());
    sep = ", ";
  }
  os << ")";
  return os.str();
}

}  // namespace

std::string EntryImage::describe(const z3::model &m, const std::vector<z3::expr> &e) const {
  int k = maker_of(*this, m, e);
  if (k < 0) return "no make function (outside the image)";
  if (makers[k].function.empty()) return "the zero entry";
  return call_text(makers[k], m, [](size_t) { return true; });
}

std::string EntryImage::describe_change(const z3::model &m, const std::vector<z3::expr> &e,
                                        const EntryImage &base_image, const std::vector<z3::expr> &base) const {
  int k = maker_of(*this, m, e), b = maker_of(base_image, m, base);
  if (k < 0 || b < 0 || makers[k].function.empty() || makers[k].function != base_image.makers[b].function)
    return describe(m, e);
  const MadeEntry &made = makers[k], &from = base_image.makers[b];
  auto differs = [&](size_t p) {
    return p >= from.parameters.size() ||
           m.eval(made.parameters[p].value != from.parameters[p].value, true).is_true();
  };
  return call_text(made, m, differs) + ", the other parameters as in the current entry";
}

std::string EntryImage::functions() const {
  std::string out;
  for (const MadeEntry &m : makers)
    if (!m.function.empty()) out += (out.empty() ? "" : ", ") + m.function;
  return out + (out.empty() ? "" : " and ") + "the zero entry";
}

}  // namespace smmu::checker
