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

}  // namespace

EntryImage entry_image(const IrModule &module, z3::context &ctx, const std::string &entry_struct,
                       const std::string &tag, int qwords) {
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
      made.parameters.push_back(std::move(r));
    }
    for (size_t k = 0; k < params.size(); ++k)
      if (args[k].scalar)
        made.parameters.push_back({"arg" + std::to_string(k), 0, *args[k].scalar});
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

std::string EntryImage::describe(const z3::model &m, const std::vector<z3::expr> &e) const {
  for (const MadeEntry &made : makers) {
    bool same = m.eval(made.assumptions, true).is_true();
    for (size_t q = 0; same && q < e.size(); ++q) same = m.eval(e[q] == made.entry[q], true).is_true();
    if (!same) continue;
    if (made.function.empty()) return "the zero entry";
    std::ostringstream os;
    os << made.function << "(";
    const char *sep = "";
    for (const IrInputRead &p : made.parameters) {
      os << sep << p.name << "=" << hex(m.eval(p.value, true).get_numeral_uint64());
      sep = ", ";
    }
    os << ")";
    return os.str();
  }
  return "no make function (outside the image)";
}

std::string EntryImage::functions() const {
  std::string out;
  for (const MadeEntry &m : makers)
    if (!m.function.empty()) out += (out.empty() ? "" : ", ") + m.function;
  return out + (out.empty() ? "" : " and ") + "the zero entry";
}

}  // namespace smmu::checker
