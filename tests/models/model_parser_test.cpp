// The model files: the shipped presets have the values of docs/model.md §3, specs
// compose as documented, and every malformed input is refused with the exact
// FILE:LINE:COL and what was expected.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "parameters.h"

namespace fs = std::filesystem;
using namespace smmu::models;
using smmu::testing::run_cli;

namespace {

fs::path temp_dir() {
  static fs::path d = [] {
    fs::path p = fs::temp_directory_path() / ("smmu-models-test-" + std::to_string(getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return d;
}

// Removes the temporary directory once all tests have run.
struct TempDirCleanup : ::testing::Environment {
  void TearDown() override { fs::remove_all(temp_dir()); }
};
const auto *const kCleanup = ::testing::AddGlobalTestEnvironment(new TempDirCleanup);

fs::path write(const std::string &name, const std::string &text) {
  fs::path p = temp_dir() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// The message of the ModelError that reading `text` as file `name` throws.
std::string parse_error(const std::string &name, const std::string &text) {
  fs::path p = write(name, text);
  try {
    read_model_file(p);
  } catch (const ModelError &e) {
    return e.what();
  }
  return "(accepted)";
}

std::string spec_error(const std::string &spec) {
  try {
    resolve_models(spec);
  } catch (const ModelError &e) {
    return e.what();
  }
  return "(accepted)";
}

// A valid full model; tests break one line of it at a time.
std::string full_model(const std::string &name) {
  return "# a test model\n"                                       // 1
         "model " + name + "\n"                                    // 2
         "summary \"test model\"\n"                                // 3
         "coherency = cacheable source \"IHI 0070 G.b §3.15\"\n"   // 4
         "fetch_sca = 64 source \"IHI 0070 G.b §3.21.3\"\n"        // 5
         "fetch_order = ascending\n"                               // 6
         "  assume \"an SMMU that reads in address order\"\n"      // 7
         "plain_store = atomic assume \"one STR\"\n"               // 8
         "writeback_atomicity = 32 assume \"a 32-bit bus\"\n"      // 9
         "eviction = cmo-only assume \"a locked cache\"\n"         // 10
         "doorbell = dsb source \"IHI 0070 G.b §3.21.3.1\"\n";     // 11
}

std::string replace(std::string s, const std::string &from, const std::string &to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

std::string path_of(const std::string &name) { return (temp_dir() / name).string(); }

struct Expected {
  const char *name;
  Coherency coherency;
  int wb;
};

}  // namespace

// --- the shipped models --------------------------------------------------

TEST(ShippedModels, HaveTheValuesOfModelMd) {
  // docs/model.md §3: only coherency and writeback_atomicity differ between presets;
  // the rest are the defaults (64, any, atomic, anytime, dmb).
  const Expected presets[] = {{"coherent", Coherency::Coherent, 8},
                              {"nc", Coherency::NonCacheable, 8},
                              {"cacheable-line", Coherency::Cacheable, 0},
                              {"cacheable-64", Coherency::Cacheable, 64},
                              {"cacheable-byte", Coherency::Cacheable, 8}};
  for (const auto &e : presets) {
    SCOPED_TRACE(e.name);
    Model m = resolve_model(e.name);
    EXPECT_EQ(m.name, e.name);
    EXPECT_FALSE(m.summary.empty());
    EXPECT_EQ(m.coherency, e.coherency);
    EXPECT_EQ(m.fetch_sca_bits, 64);
    EXPECT_EQ(m.fetch_order, FetchOrder::Any);
    EXPECT_EQ(m.plain_store, PlainStore::Atomic);
    EXPECT_EQ(plain_store_part_bits(m), 64);
    EXPECT_EQ(m.writeback_atomicity_bits, e.wb);
    EXPECT_EQ(m.eviction, Eviction::Anytime);
    EXPECT_EQ(m.doorbell, Doorbell::Dmb);
    EXPECT_EQ(m.files, std::vector<std::string>{(models_dir() / (std::string(e.name) + ".model")).string()});
  }
}

TEST(ShippedModels, EveryValueNamesASourceOrAnAssumption) {
  for (const auto &f : list_models()) {
    SCOPED_TRACE(f.path);
    EXPECT_EQ(f.set.size(), f.kind == Kind::Full ? parameters().size() : f.set.size());
    for (const auto &p : f.set) {
      const std::string &j = f.model.justification.at(p);
      bool source = j.rfind("source: ", 0) == 0, assume = j.rfind("assume: ", 0) == 0;
      EXPECT_TRUE(source || assume) << p << ": " << j;
      // A source cites one of the two architecture documents of architecture-facts.md.
      if (source) {
        EXPECT_TRUE(j.find("IHI 0070") != std::string::npos || j.find("DDI 0487") != std::string::npos) << j;
      }
      EXPECT_EQ(f.model.origin.at(p), f.model.name);
    }
  }
}

TEST(ShippedModels, ListedPresetsFirstThenModifiers) {
  std::vector<std::string> names, kinds;
  for (const auto &f : list_models()) {
    names.push_back(f.model.name);
    kinds.push_back(kind_name(f.kind));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"coherent", "nc", "cacheable-line", "cacheable-64", "cacheable-byte",
                                             "plain-tear32", "plain-tear8"}));
  EXPECT_EQ(kinds, (std::vector<std::string>{"model", "model", "model", "model", "model", "modifier", "modifier"}));
}

TEST(ShippedModels, ModifiersSetOnlyPlainStore) {
  ModelFile t32 = load_component("plain-tear32"), t8 = load_component("plain-tear8");
  EXPECT_EQ(t32.kind, Kind::Modifier);
  EXPECT_EQ(t32.set, std::vector<std::string>{"plain_store"});
  EXPECT_EQ(t32.model.plain_store, PlainStore::Tear32);
  EXPECT_EQ(t8.set, std::vector<std::string>{"plain_store"});
  EXPECT_EQ(t8.model.plain_store, PlainStore::Tear8);
}

// --- specs ------------------------------------------------------------------

TEST(Specs, ModifierOverridesAndIsNamedBySpec) {
  Model base = resolve_model("cacheable-byte");
  Model m = resolve_model("cacheable-byte+plain-tear32");
  EXPECT_EQ(m.name, "cacheable-byte+plain-tear32");
  EXPECT_EQ(m.plain_store, PlainStore::Tear32);
  EXPECT_EQ(plain_store_part_bits(m), 32);
  EXPECT_EQ(m.coherency, Coherency::Cacheable);
  EXPECT_EQ(m.writeback_atomicity_bits, 8);
  EXPECT_EQ(m.justification.at("plain_store"), load_component("plain-tear32").model.justification.at("plain_store"));
  EXPECT_EQ(m.justification.at("coherency"), base.justification.at("coherency"));
  EXPECT_EQ(m.origin.at("plain_store"), "plain-tear32");
  EXPECT_EQ(m.origin.at("coherency"), "cacheable-byte");
  EXPECT_EQ(m.files.size(), 2u);
  EXPECT_NE(m.summary.find(base.summary), std::string::npos);

  Model c8 = resolve_model("coherent+plain-tear8");
  EXPECT_EQ(c8.plain_store, PlainStore::Tear8);
  EXPECT_EQ(plain_store_part_bits(c8), 8);
}

TEST(Specs, AllIsEveryPresetInOrder) {
  std::vector<std::string> names;
  for (const auto &m : resolve_models("all")) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"coherent", "nc", "cacheable-line", "cacheable-64", "cacheable-byte"}));

  auto torn = resolve_models("all+plain-tear32");
  ASSERT_EQ(torn.size(), 5u);
  EXPECT_EQ(torn[2].name, "cacheable-line+plain-tear32");
  for (const auto &m : torn) EXPECT_EQ(m.plain_store, PlainStore::Tear32) << m.name;
  EXPECT_EQ(resolve_models("coherent").size(), 1u);
}

TEST(Specs, UserFilesByPathAloneAndWithAModifier) {
  fs::path mine = write("mine.model", full_model("mine"));
  Model m = resolve_model(mine.string());
  EXPECT_EQ(m.name, mine.string());
  EXPECT_EQ(m.coherency, Coherency::Cacheable);
  EXPECT_EQ(m.fetch_order, FetchOrder::Ascending);
  EXPECT_EQ(m.writeback_atomicity_bits, 32);
  EXPECT_EQ(m.eviction, Eviction::CmoOnly);
  EXPECT_EQ(m.doorbell, Doorbell::Dsb);
  EXPECT_EQ(m.justification.at("fetch_order"), "assume: an SMMU that reads in address order");
  EXPECT_EQ(m.justification.at("coherency"), "source: IHI 0070 G.b §3.15");

  Model t = resolve_model(mine.string() + "+plain-tear8");
  EXPECT_EQ(t.plain_store, PlainStore::Tear8);
  EXPECT_EQ(t.doorbell, Doorbell::Dsb);

  // A relative path, as typed in the directory that holds it.
  fs::path cwd = fs::current_path();
  fs::current_path(temp_dir());
  EXPECT_EQ(resolve_model("./mine.model").eviction, Eviction::CmoOnly);
  EXPECT_EQ(resolve_model("mine.model+plain-tear32").plain_store, PlainStore::Tear32);
  fs::current_path(cwd);

  // A user's modifier composes like a shipped one.
  fs::path mod = write("dsb.modifier", "modifier dsb\nsummary \"DSB doorbell\"\n"
                                       "doorbell = dsb source \"IHI 0070 G.b §3.21.3.1\"\n");
  Model d = resolve_model("coherent+" + mod.string());
  EXPECT_EQ(d.doorbell, Doorbell::Dsb);
  EXPECT_EQ(d.justification.at("doorbell"), "source: IHI 0070 G.b §3.21.3.1");
}

TEST(Specs, ModelsDirComesFromTheEnvironment) {
  fs::path dir = temp_dir() / "envdir";
  fs::create_directories(dir);
  write("envdir/only.model", full_model("only"));
  setenv("SMMU_CHECK_MODELS_DIR", dir.c_str(), 1);
  EXPECT_EQ(models_dir(), dir);
  std::vector<std::string> names;
  for (const auto &m : resolve_models("all")) names.push_back(m.name);
  EXPECT_EQ(names, std::vector<std::string>{"only"});
  EXPECT_EQ(spec_error("coherent"),
            "model 'coherent': expected a model (only) or a modifier () of " + dir.string() +
                ", or a path to a .model or .modifier file; found 'coherent'");
  unsetenv("SMMU_CHECK_MODELS_DIR");
  EXPECT_EQ(models_dir(), fs::path(resolve_model("coherent").files[0]).parent_path());
}

TEST(Specs, MisusesAreRefusedWithWhatWasExpected) {
  const std::string dir = models_dir().string();
  EXPECT_EQ(spec_error("nonesuch"),
            "model 'nonesuch': expected a model (coherent, nc, cacheable-line, cacheable-64, cacheable-byte) or a "
            "modifier (plain-tear32, plain-tear8) of " + dir + ", or a path to a .model or .modifier file; found "
            "'nonesuch'");
  EXPECT_EQ(spec_error("coherent+plain-tear33").substr(0, 45), "model 'coherent+plain-tear33': expected a mod");
  EXPECT_EQ(spec_error("plain-tear32"),
            "model 'plain-tear32': expected a full model before the first '+', found modifier plain-tear32 "
            "(apply it to a model, e.g. coherent+plain-tear32)");
  EXPECT_EQ(spec_error("coherent+nc"),
            "model 'coherent+nc': expected a modifier after '+', found model nc (a spec has one model, then "
            "modifiers)");
  EXPECT_EQ(spec_error("coherent+plain-tear32+plain-tear8"),
            "model 'coherent+plain-tear32+plain-tear8': expected modifiers that set different parameters, but "
            "plain-tear32 and plain-tear8 both set plain_store");
  EXPECT_EQ(spec_error("coherent+"), "model 'coherent+': expected a model or modifier name on each side of '+'");
  EXPECT_EQ(spec_error(""), "model '': expected a model name, e.g. coherent or cacheable-byte+plain-tear32");
  EXPECT_EQ(spec_error("coherent+all"),
            "model 'coherent+all': expected a modifier after '+', found 'all' (it can only come first)");
  try {
    resolve_model("all");
    ADD_FAILURE() << "resolve_model accepted all";
  } catch (const ModelError &e) {
    EXPECT_STREQ(e.what(), "model 'all': expected one model here, not 'all'");
  }
  // A path that does not exist names the file.
  EXPECT_EQ(spec_error("./absent.model"), "./absent.model: expected a model file, but it does not exist");
  // A malformed file named in a spec reports its own FILE:LINE:COL.
  fs::path bad = write("bad.model", replace(full_model("bad"), "fetch_sca = 64", "fetch_sca = 65"));
  EXPECT_EQ(spec_error(bad.string() + "+plain-tear8"),
            bad.string() + ":5:13: expected a value for fetch_sca (64, 128), found '65'");
}

// --- malformed files ----------------------------------------------------------

TEST(Malformed, UnknownParameterListsTheValidOnes) {
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "coherency =", "coherence =")),
            path_of("a.model") +
                ":4:1: expected a parameter (coherency, fetch_sca, fetch_order, plain_store, writeback_atomicity, "
                "eviction, doorbell) or summary, found 'coherence'");
}

TEST(Malformed, BadValueListsTheValidValues) {
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "= cacheable", "= cachable")),
            path_of("a.model") + ":4:13: expected a value for coherency (coherent, nc, cacheable), found 'cachable'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "= 32", "= 16")),
            path_of("a.model") + ":9:23: expected a value for writeback_atomicity (line, 64, 32, 8), found '16'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "eviction = cmo-only assume \"a locked cache\"", "eviction =")),
            path_of("a.model") +
                ":10:11: expected a value for eviction (anytime, cmo-only), found end of line");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "= dsb", "= \"dsb\"")),
            path_of("a.model") + ":11:12: expected a value for doorbell (dmb, dsb), found a quoted string");
}

TEST(Malformed, MissingJustification) {
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), " source \"IHI 0070 G.b §3.21.3\"", "")),
            path_of("a.model") +
                ":5:15: expected source \"...\" or assume \"...\" after `fetch_sca = 64` (every parameter states "
                "its justification), found end of line");
  // Missing on the last line: found end of file.
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), " source \"IHI 0070 G.b §3.21.3.1\"\n", "")),
            path_of("a.model") +
                ":11:15: expected source \"...\" or assume \"...\" after `doorbell = dsb` (every parameter states "
                "its justification), found end of file");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "plain_store = atomic assume", "plain_store = atomic because")),
            path_of("a.model") +
                ":8:22: expected source \"...\" or assume \"...\" after `plain_store = atomic` (every parameter "
                "states its justification), found 'because'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "assume \"one STR\"", "assume")),
            path_of("a.model") + ":8:28: expected a quoted string after assume, found end of line");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "assume \"one STR\"", "assume \"  \"")),
            path_of("a.model") + ":8:29: expected a non-empty justification after assume");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "assume \"one STR\"", "assume \"one STR\" source \"x\"")),
            path_of("a.model") +
                ":8:39: expected end of line after the justification of `plain_store = atomic` (one justification "
                "per parameter), found 'source'");
}

TEST(Malformed, DuplicateParameterAndSummary) {
  std::string text = full_model("a") + "eviction = anytime source \"DDI 0487 D7.5.1\"\n";
  EXPECT_EQ(parse_error("a.model", text),
            path_of("a.model") + ":12:1: expected each parameter at most once: eviction is already set on line 10");
  EXPECT_EQ(parse_error("a.model", full_model("a") + "summary \"again\"\n"),
            path_of("a.model") + ":12:1: expected one summary per file: the summary is already given on line 3");
  EXPECT_EQ(parse_error("a.model", full_model("a") + "model a\n"),
            path_of("a.model") + ":12:1: expected one header per file: `model a` is already given on line 2");
}

TEST(Malformed, FullModelMissingAParameterNamesIt) {
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "doorbell = dsb source \"IHI 0070 G.b §3.21.3.1\"\n", "")),
            path_of("a.model") +
                ":2:1: expected every parameter to be set in model a, missing: doorbell (a file that sets only some "
                "is a modifier: `modifier NAME` in NAME.modifier)");
  EXPECT_EQ(parse_error("a.model", "model a\nsummary \"s\"\nfetch_sca = 128 source \"IHI 0070 G.b §3.21.3\"\n"),
            path_of("a.model") +
                ":1:1: expected every parameter to be set in model a, missing: coherency, fetch_order, plain_store, "
                "writeback_atomicity, eviction, doorbell (a file that sets only some is a modifier: `modifier NAME` "
                "in NAME.modifier)");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "summary \"test model\"\n", "")),
            path_of("a.model") + ":2:1: expected a summary \"...\" line in model a");
}

TEST(Malformed, ModelAndModifierMisuse) {
  EXPECT_EQ(parse_error("m.model", "modifier m\nsummary \"s\"\nplain_store = tear8 assume \"x\"\n"),
            path_of("m.model") +
                ":1:1: expected `model` in a .model file (a modifier goes in NAME.modifier), found `modifier`");
  EXPECT_EQ(parse_error("m.modifier", full_model("m")),
            path_of("m.modifier") +
                ":2:1: expected `modifier` in a .modifier file (a model goes in NAME.model), found `model`");
  EXPECT_EQ(parse_error("m.modifier", "modifier m\nsummary \"nothing\"\n"),
            path_of("m.modifier") + ":1:1: expected at least one parameter in modifier m");
  // With another extension the header decides; a modifier may not stand alone in a spec.
  fs::path odd = write("odd.txt", "modifier odd\nsummary \"s\"\nplain_store = tear8 assume \"x\"\n");
  EXPECT_EQ(read_model_file(odd).kind, Kind::Modifier);
  EXPECT_EQ(spec_error(odd.string()).substr(0, 8 + odd.string().size()), "model '" + odd.string() + "'");
}

TEST(Malformed, HeaderAndNames) {
  EXPECT_EQ(parse_error("a.model", ""), path_of("a.model") + ":1:1: expected `model a` as the first line, found end of file");
  EXPECT_EQ(parse_error("a.model", "# only a comment\n\n"),
            path_of("a.model") + ":3:1: expected `model a` as the first line, found end of file");
  EXPECT_EQ(parse_error("a.model", "summary \"s\"\nmodel a\n"),
            path_of("a.model") + ":1:1: expected `model a` as the first line, found 'summary'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "model a", "model b")),
            path_of("a.model") + ":2:7: expected the name a, as the file is called, found 'b'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "model a", "model")),
            path_of("a.model") + ":2:6: expected a name after `model`, found end of line");
  EXPECT_EQ(parse_error("A_1.model", full_model("A_1")),
            path_of("A_1.model") +
                ":2:7: expected a name of lower-case letters, digits and '-' (e.g. cacheable-byte), found 'A_1'");
  EXPECT_EQ(parse_error("all.model", full_model("all")),
            path_of("all.model") + ":2:7: expected a name other than 'all', which means every preset model");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "model a", "model a extra")),
            path_of("a.model") + ":2:9: expected end of line after `model a`, found 'extra'");
}

TEST(Malformed, Lexical) {
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "\"one STR\"", "\"one STR")),
            path_of("a.model") + ":8:29: expected a closing '\"' on the same line as the string that starts here");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "coherency = cacheable", "coherency @ cacheable")),
            path_of("a.model") + ":4:11: expected a name, '=', a quoted string or a # comment, found '@'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "coherency = cacheable", "coherency cacheable")),
            path_of("a.model") + ":4:11: expected '=' after coherency, found 'cacheable'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "\"one STR\"", "\"one \\n STR\"")),
            path_of("a.model") + ":8:34: expected \\\" or \\\\ after a backslash in a string");
  // Columns count characters: the '§' before the error is one column.
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "§3.15\"", "§3.15\" @")),
            path_of("a.model") + ":4:51: expected a name, '=', a quoted string or a # comment, found '@'");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "# a test model", std::string("\x01", 1))),
            path_of("a.model") + ":1:1: expected a name, '=', a quoted string or a # comment, found byte 0x01");
  EXPECT_EQ(parse_error("a.model", replace(full_model("a"), "# a test model", "\xa7")),
            path_of("a.model") + ":1:1: expected a name, '=', a quoted string or a # comment, found byte 0xa7");
}

TEST(Malformed, GrammarNiceties) {
  // Comments anywhere, escaped quotes, and a justification split over lines all parse.
  std::string text = replace(full_model("a"), "assume \"one STR\"",
                             "# a comment\n  assume \"one \\\"STR\\\" \"  # trailing\n   \"and more\"");
  fs::path p = write("a.model", text);
  ModelFile f = read_model_file(p);
  EXPECT_EQ(f.model.justification.at("plain_store"), "assume: one \"STR\" and more");
  EXPECT_EQ(f.line.at("plain_store"), 8);
  EXPECT_EQ(f.line.at("writeback_atomicity"), 11);  // line 8 holds the comment, 9-10 the justification
}

TEST(Malformed, NeverCrashesOnTruncatedOrCorruptedFiles) {
  // Every prefix of a shipped model, and random byte corruptions: each parses or
  // throws ModelError naming the file; nothing else.
  fs::path src = models_dir() / "cacheable-byte.model";
  std::ifstream in(src, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 500u);
  const std::string prefix = path_of("cacheable-byte.model") + ":";
  size_t accepted = 0;
  auto check = [&](const std::string &t) {
    try {
      parse_model(t, path_of("cacheable-byte.model"));
      ++accepted;
    } catch (const ModelError &e) {
      EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
    }
  };
  for (size_t n = 0; n < text.size(); ++n) check(text.substr(0, n));
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string t = text;
    t[rng() % t.size()] = static_cast<char>(rng() % 256);
    check(t);
  }
  EXPECT_GT(accepted, 0u);  // e.g. corruptions inside comments
}

// --- the CLI ----------------------------------------------------------------------

TEST(ModelsCli, ListsEveryModelAndModifier) {
  auto r = run_cli({"models"});
  EXPECT_EQ(r.status, 0) << r.out;
  for (const auto &f : list_models()) {
    std::string line = f.model.name;
    line += std::string(16 - line.size(), ' ') + kind_name(f.kind);
    line += std::string(f.kind == Kind::Full ? 5 : 2, ' ') + f.model.summary + "\n";
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 7);
}

TEST(ModelsCli, ShowPrintsValuesWithTheirJustification) {
  auto r = run_cli({"models", "--show", "cacheable-byte+plain-tear32"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("model cacheable-byte+plain-tear32: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  plain_store = tear32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[plain-tear32]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  writeback_atomicity = 8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("      source: IHI 0070 G.b §3.21.3"), std::string::npos) << r.out;

  auto mod = run_cli({"models", "--show", "plain-tear8"});
  EXPECT_EQ(mod.status, 0) << mod.out;
  EXPECT_NE(mod.out.find("modifier plain-tear8: "), std::string::npos) << mod.out;
  EXPECT_EQ(mod.out.find("coherency"), std::string::npos) << mod.out;

  auto all = run_cli({"models", "--show", "all"});
  EXPECT_EQ(all.status, 0);
  EXPECT_NE(all.out.find("model cacheable-64: "), std::string::npos) << all.out;
}

TEST(ModelsCli, BadShowIsAUserErrorSayingWhatWasExpected) {
  auto r = run_cli({"models", "--show", "cacheable+plain-tear32"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out.rfind("smmu-check models: error: model 'cacheable+plain-tear32': expected a model (coherent, "
                        "nc, cacheable-line, cacheable-64, cacheable-byte) or a modifier (plain-tear32, plain-tear8)",
                        0),
            0u)
      << r.out;

  fs::path bad = write("cli-bad.model", replace(full_model("cli-bad"), "dsb source", "dsb sauce"));
  auto b = run_cli({"models", "--show", bad.string()});
  EXPECT_EQ(b.status, 2) << b.out;
  EXPECT_NE(b.out.find(bad.string() + ":11:16: expected source \"...\" or assume \"...\" after `doorbell = dsb`"),
            std::string::npos)
      << b.out;

  auto s = run_cli({"models", "--show"});
  EXPECT_EQ(s.status, 2);
  EXPECT_NE(s.out.find("--show expects a value"), std::string::npos) << s.out;
  auto p = run_cli({"models", "coherent"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.out.find("smmu-check models --show coherent"), std::string::npos) << p.out;
}

TEST(ModelsCli, HelpTeachesWithAnExample) {
  auto r = run_cli({"models", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("smmu-check models --show cacheable-byte+plain-tear32"), std::string::npos) << r.out;
  auto top = run_cli({"--help"});
  EXPECT_NE(top.out.find("  models    list the memory models"), std::string::npos) << top.out;
}
