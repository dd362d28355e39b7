// Linux 6.1 (Debian's 6.1.x): the pre-6.9 writers arm_smmu_write_strtab_ent and
// arm_smmu_write_ctx_desc, driven by the scenario drivers in
// harness/kdrivers/scenarios_61.c through the real attach/detach, domain
// finalise and io-pgtable code. The traces must show the 6.1 update protocol
// with its plain stores at their 6.1 lines (found by content) and the real
// encoded commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "command.h"
#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::kernel;
using smmu::testing::run_case;

namespace {

const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
constexpr uint32_t kSid = 0x1234;  // scenarios_61.c's master
constexpr uint32_t kSsid = 0x1234;

const char *kScenarios[] = {
    "ste_abort_to_bypass", "ste_bypass_to_abort", "ste_abort_to_s1",  "ste_s1_to_abort",
    "ste_abort_to_s2",     "ste_s2_to_bypass",    "ste_s1_to_s2",     "cd_change_asid",
    "cd_install_ssid",     "cd_quiesce_and_remove_ssid",               "s1_unmap_tlbi",
    "ste_s1_ats_attach_detach",
};

// STE word 0 fields (SMMUv3 architecture, not the driver's macros).
uint64_t ste_config(uint64_t q0) { return (q0 >> 1) & 7; }
constexpr uint64_t kCfgAbort = 0, kCfgBypass = 4, kCfgS1 = 5, kCfgS2 = 6;

// One step of an update, reduced to what the protocol is about.
struct Step {
  enum Kind { Store, Sync, Cmd } kind;
  StoreKind store = StoreKind::Once;
  int qword = -1;
  int line = 0;
  CmdOp op{};
  bool operator==(const Step &o) const {
    return kind == o.kind && store == o.store && qword == o.qword && line == o.line && op == o.op;
  }
};
Step plain(int q, int line) { return {Step::Store, StoreKind::Plain, q, line}; }
Step once(int q, int line) { return {Step::Store, StoreKind::Once, q, line}; }
Step wsync() { return {Step::Sync}; }  // the writer called its sync (UpdateSync)
Step cmd(CmdOp op) { return {Step::Cmd, StoreKind::Once, -1, 0, op}; }

std::string show(const Step &s) {
  switch (s.kind) {
    case Step::Store:
      return std::string(s.store == StoreKind::Plain ? "plain" : "once") + " q" +
             std::to_string(s.qword) + "@" + std::to_string(s.line);
    case Step::Sync: return "sync";
    case Step::Cmd: return command_name(static_cast<uint8_t>(s.op));
  }
  return "?";
}
std::string show(const std::vector<Step> &v) {
  std::string out;
  for (auto &s : v) out += show(s) + ", ";
  return out;
}

struct Update {
  DescKind kind;
  std::string desc;
  std::vector<uint64_t> before, after;
  std::vector<const Event *> events;  // between UpdateBegin and UpdateEnd
  std::vector<Step> steps;
};

std::vector<Update> updates(const Trace &t) {
  std::vector<Update> out;
  Update *open = nullptr;
  for (const Event &e : t.events) {
    if (e.kind == EventKind::UpdateBegin) {
      out.push_back({t.descs[e.desc].kind, t.descs[e.desc].name, e.before, e.after, {}, {}});
      open = &out.back();
    } else if (e.kind == EventKind::UpdateEnd) {
      open = nullptr;
    } else if (open) {
      open->events.push_back(&e);
      if (e.kind == EventKind::Store) {
        EXPECT_EQ(t.descs[e.desc].name, open->desc) << "store outside the entry being updated";
        EXPECT_EQ(e.size, 8u);
        open->steps.push_back({Step::Store, e.store, static_cast<int>(e.offset / 8), e.loc.line});
      } else if (e.kind == EventKind::UpdateSync) {
        open->steps.push_back(wsync());
      } else if (e.kind == EventKind::Command) {
        open->steps.push_back(cmd(static_cast<CmdOp>(decode_command(e.cmd).opcode)));
      }
    }
  }
  return out;
}

std::vector<Update> updates_of(const Trace &t, DescKind kind) {
  std::vector<Update> out;
  for (auto &u : updates(t))
    if (u.kind == kind) out.push_back(u);
  return out;
}

// Every command inside an update: CFGI_* for our SID, CMD_SYNC with SEV completion.
void expect_commands_for_our_stream(const Update &u, std::optional<uint32_t> ssid = {}) {
  for (const Event *e : u.events) {
    if (e->kind != EventKind::Command) continue;
    Command c = decode_command(e->cmd);
    EXPECT_EQ(e->loc.file, kDriver);
    switch (static_cast<CmdOp>(c.opcode)) {
      case CmdOp::CfgiSte:
      case CmdOp::PrefetchCfg:
        EXPECT_EQ(c.sid, kSid);
        if (static_cast<CmdOp>(c.opcode) == CmdOp::CfgiSte) {
          EXPECT_TRUE(c.leaf);
        }
        break;
      case CmdOp::CfgiCd:
        EXPECT_EQ(c.sid, kSid);
        EXPECT_TRUE(c.leaf);
        if (ssid) {
          EXPECT_EQ(c.ssid, *ssid);
        }
        break;
      case CmdOp::Sync:
        EXPECT_EQ(c.cs, 2) << "CMD_SYNC completes with SEV (no MSI polling)";
        break;
      default:
        ADD_FAILURE() << "unexpected command " << describe(c);
    }
  }
}

RunResult passing(const std::string &name) {
  RunResult r = run_case("6.1", name);
  EXPECT_EQ(r.status, RunStatus::Pass) << name;
  for (const auto &f : r.trace.kunit_failures) ADD_FAILURE() << name << ": " << f;
  return r;
}

// The 6.1 writers' stores, found by content in the tree under test: each
// needle is searched from the line of the one before (function, branch, store).
int line61(const std::vector<std::string> &needles) {
  return smmu::testing::kernel_line_after("6.1", kDriver, needles);
}
const char *kStrtabEnt = "static void arm_smmu_write_strtab_ent(";
const char *kCtxDesc = "int arm_smmu_write_ctx_desc(";

struct Lines61 {
  int abort_q0, abort_q1, abort_q2;  // bypass/abort: dst[0], dst[1] (SHCFG), dst[2] = 0
  int s1_q1, s1_stalld;              // dst[1] = S1DSS..., dst[1] |= S1STALLD
  int s2_q2, s2_q3;                  // dst[2] (VMID, VTCR), dst[3] (S2TTB)
  int eats;                          // dst[1] |= EATS_TRANS
  int ste_q0;                        // WRITE_ONCE(dst[0], val)
  int cd_q1, cd_q2, cd_q3, cd_q0;    // arm_smmu_write_ctx_desc: cdptr[1..3], WRITE_ONCE(cdptr[0])
  int cd_l1;                         // WRITE_ONCE(*dst) in arm_smmu_write_cd_l1_desc
};

// A test body asks for them: a needle not found fails that test.
const Lines61 &lines61() {
  static const Lines61 l = {
      line61({kStrtabEnt, "dst[0] = cpu_to_le64(val);"}),
      line61({kStrtabEnt, "dst[1] = cpu_to_le64(FIELD_PREP(STRTAB_STE_1_SHCFG,"}),
      line61({kStrtabEnt, "dst[2] = 0;"}),
      line61({kStrtabEnt, "if (s1_cfg) {", "dst[1] = cpu_to_le64("}),
      line61({kStrtabEnt, "dst[1] |= cpu_to_le64(STRTAB_STE_1_S1STALLD);"}),
      line61({kStrtabEnt, "if (s2_cfg) {", "dst[2] = cpu_to_le64("}),
      line61({kStrtabEnt, "dst[3] = cpu_to_le64("}),
      line61({kStrtabEnt, "dst[1] |= cpu_to_le64(FIELD_PREP(STRTAB_STE_1_EATS,"}),
      line61({kStrtabEnt, "WRITE_ONCE(dst[0], cpu_to_le64(val));"}),
      line61({kCtxDesc, "cdptr[1] = "}),
      line61({kCtxDesc, "cdptr[2] = 0;"}),
      line61({kCtxDesc, "cdptr[3] = "}),
      line61({kCtxDesc, "WRITE_ONCE(cdptr[0], cpu_to_le64(val));"}),
      line61({"static void arm_smmu_write_cd_l1_desc(", "WRITE_ONCE(*dst, cpu_to_le64(val));"}),
  };
  return l;
}

// The STE update protocols of arm_smmu_write_strtab_ent.
std::vector<Step> abort_or_bypass_write() {
  const Lines61 &l = lines61();
  return {
      plain(0, l.abort_q0), plain(1, l.abort_q1), plain(2, l.abort_q2),
      wsync(), cmd(CmdOp::CfgiSte), cmd(CmdOp::Sync),  // arm_smmu_sync_ste_for_sid
  };
}
std::vector<Step> s1_write() {
  const Lines61 &l = lines61();
  return {
      plain(1, l.s1_q1), plain(1, l.s1_stalld),
      wsync(), cmd(CmdOp::CfgiSte), cmd(CmdOp::Sync),
      once(0, l.ste_q0),
      wsync(), cmd(CmdOp::CfgiSte), cmd(CmdOp::Sync),
      cmd(CmdOp::PrefetchCfg),
  };
}
std::vector<Step> s2_write() {
  const Lines61 &l = lines61();
  return {
      plain(2, l.s2_q2), plain(3, l.s2_q3),
      wsync(), cmd(CmdOp::CfgiSte), cmd(CmdOp::Sync),
      once(0, l.ste_q0),
      wsync(), cmd(CmdOp::CfgiSte), cmd(CmdOp::Sync),
      cmd(CmdOp::PrefetchCfg),
  };
}

class Scenario61 : public ::testing::TestWithParam<const char *> {};

}  // namespace

TEST(Harness61, PicksThe61WriterProfileAndListsTheScenarios) {
  const auto &k = kernel("6.1");
  EXPECT_EQ(k.tree().version.rfind("6.1.", 0), 0u) << k.tree().version;
  EXPECT_EQ(k.build().profile.name, "writer-strtab-ent");
  std::vector<std::string> names;
  for (const auto &c : k.scenarios()) names.push_back(c.name);
  for (const char *s : kScenarios)
    EXPECT_NE(std::find(names.begin(), names.end(), s), names.end()) << s;
  EXPECT_NE(std::find(names.begin(), names.end(), "arm_lpae_do_selftests"), names.end());
  EXPECT_TRUE(k.kunit_cases().empty()) << "6.1 has no arm-smmu-v3-test.c";
}

TEST_P(Scenario61, PassesWithoutBugOrWarn) {
  RunResult r = passing(GetParam());
  EXPECT_EQ(r.trace.count(EventKind::Bug), 0u);
  EXPECT_EQ(r.trace.count(EventKind::Warn), 0u);
  EXPECT_GT(r.trace.count(EventKind::UpdateBegin), 0u);
}

// The harness takes the target from a scratch run of the real writer: replaying
// the recorded stores onto the initial entry must end exactly there.
TEST_P(Scenario61, EveryUpdateEndsAtItsRecordedTarget) {
  RunResult r = passing(GetParam());
  for (const Update &u : updates(r.trace)) {
    std::vector<uint64_t> entry = u.before;
    for (const Event *e : u.events)
      if (e->kind == EventKind::Store) entry[e->offset / 8] = e->value;
    EXPECT_EQ(entry, u.after) << u.desc;
    EXPECT_NE(u.before, u.after) << u.desc << ": every scenario update changes the entry";
  }
}

INSTANTIATE_TEST_SUITE_P(All, Scenario61, ::testing::ValuesIn(kScenarios),
                         [](const auto &info) { return std::string(info.param); });

TEST(Harness61, AbortToS1WritesWords1To3SyncsThenPublishesWord0) {
  RunResult r = passing("ste_abort_to_s1");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 1u);
  const Update &u = stes[0];
  EXPECT_EQ(u.steps, s1_write()) << show(u.steps);
  expect_commands_for_our_stream(u);

  // The SMMU sees the old abort STE until the WRITE_ONCE of word 0.
  EXPECT_EQ(ste_config(u.before[0]), kCfgAbort);
  EXPECT_EQ(u.before[0] & 1, 1u);
  uint64_t q0 = u.after[0];
  EXPECT_EQ(ste_config(q0), kCfgS1);
  EXPECT_EQ(q0 & 1, 1u);
  EXPECT_EQ(q0 >> 59, 0u) << "S1CDMAX 0: one CD";

  // S1ContextPtr is the CD the driver wrote (and made valid) before the STE.
  const DescRange *cd = nullptr;
  for (const auto &d : r.trace.descs)
    if (d.kind == DescKind::Cd) cd = &d;
  ASSERT_NE(cd, nullptr);
  EXPECT_EQ(q0 & 0x000fffffffffffc0ull, cd->base);
  EXPECT_GT(cd->base, 0xffffffffull) << "CD table above 4 GiB";
  auto cds = updates_of(r.trace, DescKind::Cd);
  ASSERT_EQ(cds.size(), 1u);
  EXPECT_EQ(cds[0].after[0] & (1ull << 31), 1ull << 31) << "CD valid";
  EXPECT_EQ(cds[0].after[0] >> 48, 1u) << "ASID 1";
  EXPECT_GT(cds[0].after[1], 0xffffffffull) << "TTB0 above 4 GiB";
}

TEST(Harness61, CdInstallWritesWords1To3SyncsThenWord0) {
  RunResult r = passing("ste_abort_to_s1");
  auto cds = updates_of(r.trace, DescKind::Cd);
  ASSERT_EQ(cds.size(), 1u);
  // arm_smmu_write_ctx_desc case (1): cdptr[1..3], sync, WRITE_ONCE(cdptr[0]), sync.
  // finalise runs it before the master joins the domain, so the CFGI_CD batch is
  // empty and each sync is a lone CMD_SYNC.
  const Lines61 &l = lines61();
  std::vector<Step> expected = {plain(1, l.cd_q1), plain(2, l.cd_q2), plain(3, l.cd_q3), wsync(),
                                cmd(CmdOp::Sync),  once(0, l.cd_q0),  wsync(),           cmd(CmdOp::Sync)};
  EXPECT_EQ(cds[0].steps, expected) << show(cds[0].steps);
}

TEST(Harness61, S1ToAbortRewritesWord0FirstWithPlainStoresAndOneSync) {
  RunResult r = passing("ste_s1_to_abort");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 2u);
  EXPECT_EQ(stes[0].steps, s1_write()) << show(stes[0].steps);
  const Update &u = stes[1];
  EXPECT_EQ(u.steps, abort_or_bypass_write()) << show(u.steps);
  expect_commands_for_our_stream(u);
  EXPECT_EQ(ste_config(u.before[0]), kCfgS1);
  EXPECT_EQ(ste_config(u.after[0]), kCfgAbort);
  EXPECT_EQ(u.after[0], 1u) << "V=1, CONFIG=abort, nothing else";
  EXPECT_EQ(u.after[1], 1ull << 44) << "SHCFG=incoming";
  EXPECT_EQ(u.after[2], 0u);
  // The first store already turns the live S1 STE into an abort STE whose
  // words 1-2 still hold S1 values: 6.1 relies on the SMMU reading word 0 first.
  const Event *first = u.events.front();
  ASSERT_EQ(first->kind, EventKind::Store);
  EXPECT_EQ(first->old_value, u.before[0]);
  EXPECT_EQ(first->value, u.after[0]);
}

TEST(Harness61, AbortToBypassAndBack) {
  RunResult to_bypass = passing("ste_abort_to_bypass");
  auto a = updates_of(to_bypass.trace, DescKind::Ste);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].steps, abort_or_bypass_write()) << show(a[0].steps);
  EXPECT_EQ(ste_config(a[0].after[0]), kCfgBypass);
  EXPECT_EQ(to_bypass.trace.count(EventKind::Alloc), 0u) << "an identity domain has no tables";

  RunResult to_abort = passing("ste_bypass_to_abort");
  auto b = updates_of(to_abort.trace, DescKind::Ste);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].steps, abort_or_bypass_write()) << show(b[1].steps);
  EXPECT_EQ(ste_config(b[1].before[0]), kCfgBypass);
  EXPECT_EQ(ste_config(b[1].after[0]), kCfgAbort);
}

TEST(Harness61, AbortToS2WritesVmidOneAndTheS2TableAbove4GiB) {
  RunResult r = passing("ste_abort_to_s2");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 1u);
  const Update &u = stes[0];
  EXPECT_EQ(u.steps, s2_write()) << show(u.steps);
  expect_commands_for_our_stream(u);
  EXPECT_EQ(ste_config(u.after[0]), kCfgS2);
  EXPECT_EQ(u.after[2] & 0xffff, 1u) << "S2VMID 1 (VMID 0 is reserved at probe)";
  EXPECT_GT(u.after[3], 0xffffffffull) << "S2TTB above 4 GiB";
  // S2TTB is the stage-2 table the real io-pgtable allocated.
  bool found = false;
  for (const auto &d : r.trace.descs)
    found |= d.kind == DescKind::PgTable && d.base == (u.after[3] & 0x000ffffffffffff0ull);
  EXPECT_TRUE(found);
}

TEST(Harness61, S2ToBypassGoesThroughAbort) {
  RunResult r = passing("ste_s2_to_bypass");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 3u);
  EXPECT_EQ(stes[0].steps, s2_write()) << show(stes[0].steps);
  EXPECT_EQ(stes[1].steps, abort_or_bypass_write()) << show(stes[1].steps);
  EXPECT_EQ(stes[2].steps, abort_or_bypass_write()) << show(stes[2].steps);
  EXPECT_EQ(ste_config(stes[1].after[0]), kCfgAbort);
  EXPECT_EQ(ste_config(stes[2].after[0]), kCfgBypass);
  EXPECT_EQ(stes[1].after[2], 0u) << "detach nukes the VMID word";
}

TEST(Harness61, S1ToS2NeverRewritesALiveTranslatingSte) {
  RunResult r = passing("ste_s1_to_s2");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 3u);
  EXPECT_EQ(stes[0].steps, s1_write()) << show(stes[0].steps);
  EXPECT_EQ(stes[1].steps, abort_or_bypass_write()) << show(stes[1].steps);
  EXPECT_EQ(stes[2].steps, s2_write()) << show(stes[2].steps);
  for (const auto &u : stes) {
    uint64_t from = ste_config(u.before[0]), to = ste_config(u.after[0]);
    bool from_translating = from == kCfgS1 || from == kCfgS2;
    bool to_translating = to == kCfgS1 || to == kCfgS2;
    EXPECT_FALSE(from_translating && to_translating) << "BUG_ON(ste_live) territory";
  }
}

TEST(Harness61, AtsIsEnabledInTheSteBeforeTheEndpointAndDisabledAtTheEndpointFirst) {
  RunResult r = passing("ste_s1_ats_attach_detach");
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 2u);
  std::vector<Step> s1_ats = s1_write();
  s1_ats.insert(s1_ats.begin() + 2, plain(1, lines61().eats));  // dst[1] |= EATS_TRANS
  EXPECT_EQ(stes[0].steps, s1_ats) << show(stes[0].steps);
  EXPECT_EQ((stes[0].after[1] >> 28) & 3, 1u) << "EATS=trans";
  EXPECT_EQ(stes[1].steps, abort_or_bypass_write()) << show(stes[1].steps);

  // Outside the STE updates, in order: ATC_INV+SYNC then pci_enable_ats (attach);
  // pci_disable_ats, wmb, ATC_INV+SYNC, then the abort STE (detach).
  std::vector<std::string> seq;
  bool in_update = false;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::UpdateBegin) seq.push_back("update");
    in_update = e.kind == EventKind::UpdateBegin ? true : e.kind == EventKind::UpdateEnd ? false : in_update;
    if (in_update) continue;
    if (e.kind == EventKind::Note && e.text.find("pci_") == 0) seq.push_back(e.text.substr(0, e.text.find(' ')));
    if (e.kind == EventKind::Barrier && e.barrier == BarrierKind::Wmb && e.loc.file == kDriver) seq.push_back("wmb");
    if (e.kind == EventKind::Command) {
      Command c = decode_command(e.cmd);
      if (static_cast<CmdOp>(c.opcode) == CmdOp::AtcInv) {
        EXPECT_EQ(c.sid, kSid);
        EXPECT_EQ(c.atc_size, 52) << "the whole address space";
      }
      seq.push_back(command_name(c.opcode));
    }
  }
  std::vector<std::string> expected = {"update", "ATC_INV", "CMD_SYNC", "pci_enable_ats",
                                       "pci_disable_ats", "wmb", "ATC_INV", "CMD_SYNC", "update"};
  // finalise's CD write comes first (a CD update with lone CMD_SYNCs).
  ASSERT_GE(seq.size(), 1u);
  ASSERT_EQ(seq.front(), "update");
  seq.erase(seq.begin());
  EXPECT_EQ(seq, expected);
}

TEST(Harness61, CdAsidChangeIsOneWriteOnceOfWord0) {
  RunResult r = passing("cd_change_asid");
  auto cds = updates_of(r.trace, DescKind::Cd);
  ASSERT_EQ(cds.size(), 2u);
  const Update &u = cds[1];
  std::vector<Step> expected = {once(0, lines61().cd_q0), wsync(), cmd(CmdOp::CfgiCd), cmd(CmdOp::Sync)};
  EXPECT_EQ(u.steps, expected) << show(u.steps);
  expect_commands_for_our_stream(u, 0);
  EXPECT_EQ(u.before[0] >> 48, 1u);
  EXPECT_EQ(u.after[0] >> 48, 2u);
  EXPECT_EQ(u.before[0] ^ u.after[0], (1ull << 48) ^ (2ull << 48)) << "only the ASID changes";
  // Then the old ASID's TLB entries go.
  const Event *last_cmds[2] = {nullptr, nullptr};
  for (const Event &e : r.trace.events)
    if (e.kind == EventKind::Command) {
      last_cmds[0] = last_cmds[1];
      last_cmds[1] = &e;
    }
  ASSERT_NE(last_cmds[0], nullptr);
  Command tlbi = decode_command(last_cmds[0]->cmd);
  EXPECT_EQ(static_cast<CmdOp>(tlbi.opcode), CmdOp::TlbiNhAsid);
  EXPECT_EQ(tlbi.asid, 1);
  EXPECT_EQ(static_cast<CmdOp>(decode_command(last_cmds[1]->cmd).opcode), CmdOp::Sync);
}

TEST(Harness61, SecondPasidGetsItsLeafTablePublishedThenItsCd) {
  RunResult r = passing("cd_install_ssid");
  // The L1 CD descriptor for SSID 0x1234 (L1 index 4), then CFGI_CD(leaf=0)+SYNC.
  const Event *l1 = nullptr;
  size_t l1_index = 0;
  for (size_t i = 0; i < r.trace.events.size(); ++i) {
    const Event &e = r.trace.events[i];
    if (e.kind == EventKind::Store && r.trace.descs[e.desc].kind == DescKind::L1Cd && e.offset == 4 * 8) {
      l1 = &e;
      l1_index = i;
    }
  }
  ASSERT_NE(l1, nullptr);
  EXPECT_EQ(l1->store, StoreKind::Once);
  EXPECT_EQ(l1->loc.line, lines61().cd_l1);
  EXPECT_EQ(l1->value & 1, 1u) << "L1 descriptor valid";
  ASSERT_LT(l1_index + 2, r.trace.events.size());
  Command inv = decode_command(r.trace.events[l1_index + 1].cmd);
  EXPECT_EQ(static_cast<CmdOp>(inv.opcode), CmdOp::CfgiCd);
  EXPECT_EQ(inv.ssid, kSsid);
  EXPECT_FALSE(inv.leaf);
  EXPECT_EQ(static_cast<CmdOp>(decode_command(r.trace.events[l1_index + 2].cmd).opcode), CmdOp::Sync);

  auto cds = updates_of(r.trace, DescKind::Cd);
  ASSERT_EQ(cds.size(), 2u);
  const Update &u = cds[1];
  const Lines61 &l = lines61();
  std::vector<Step> expected = {plain(1, l.cd_q1), plain(2, l.cd_q2),     plain(3, l.cd_q3),
                                wsync(),           cmd(CmdOp::CfgiCd),    cmd(CmdOp::Sync),
                                once(0, l.cd_q0),  wsync(),               cmd(CmdOp::CfgiCd),
                                cmd(CmdOp::Sync)};
  EXPECT_EQ(u.steps, expected) << show(u.steps);
  expect_commands_for_our_stream(u, kSsid);
  EXPECT_EQ(u.after[0] >> 48, 2u) << "ASID 2";
  // The leaf table the CD lives in is the one the L1 descriptor points to.
  bool in_leaf = false;
  for (const auto &d : r.trace.descs)
    if (d.kind == DescKind::Cd && d.name == u.desc)
      in_leaf = d.base >= (l1->value & 0x000ffffffffff000ull) &&
                d.base < (l1->value & 0x000ffffffffff000ull) + 1024 * 64;
  EXPECT_TRUE(in_leaf);
  // The STE points to the L1 table, 2-level format, 20 SSID bits.
  auto stes = updates_of(r.trace, DescKind::Ste);
  ASSERT_EQ(stes.size(), 1u);
  EXPECT_EQ((stes[0].after[0] >> 4) & 3, 2u) << "S1FMT 64K_L2";
  EXPECT_EQ(stes[0].after[0] >> 59, 20u) << "S1CDMAX";
}

TEST(Harness61, CdQuiesceSetsEpd0AndRemoveClearsWord0) {
  RunResult r = passing("cd_quiesce_and_remove_ssid");
  auto cds = updates_of(r.trace, DescKind::Cd);
  ASSERT_EQ(cds.size(), 4u);  // CD 0, install, quiesce, remove
  std::vector<Step> one_word = {once(0, lines61().cd_q0), wsync(), cmd(CmdOp::CfgiCd), cmd(CmdOp::Sync)};
  EXPECT_EQ(cds[2].steps, one_word) << show(cds[2].steps);
  EXPECT_EQ(cds[2].before[0] ^ cds[2].after[0], 1ull << 14) << "EPD0 only";
  EXPECT_EQ(cds[3].steps, one_word) << show(cds[3].steps);
  EXPECT_EQ(cds[3].after[0], 0u);
  EXPECT_NE(cds[3].after[1], 0u) << "words 1-3 stay: only V (word 0) is cleared";
}

TEST(Harness61, UnmapSendsOneRangeTlbiForTheDomainAsid) {
  RunResult r = passing("s1_unmap_tlbi");
  std::vector<Command> after_unmap;
  size_t cleared = 0;
  bool unmapping = false;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::Note && e.text.find("unmap") != std::string::npos) unmapping = true;
    if (!unmapping) continue;
    if (e.kind == EventKind::Store && e.loc.file == "drivers/iommu/io-pgtable-arm.c") {
      EXPECT_EQ(e.store, StoreKind::Plain);
      EXPECT_EQ(e.value, 0u);
      ++cleared;
    }
    if (e.kind == EventKind::Command) after_unmap.push_back(decode_command(e.cmd));
  }
  EXPECT_EQ(cleared, 4u);
  ASSERT_EQ(after_unmap.size(), 2u);
  const Command &t = after_unmap[0];
  EXPECT_EQ(static_cast<CmdOp>(t.opcode), CmdOp::TlbiNhVa);
  EXPECT_EQ(t.asid, 1);
  EXPECT_EQ(t.addr, 0x10000u);
  EXPECT_EQ(t.scale, 2);  // 4 pages = 1 << 2
  EXPECT_EQ(t.num, 0);
  EXPECT_EQ(t.tg, 1);     // 4K
  EXPECT_EQ(t.ttl, 3);    // leaf level 3
  EXPECT_TRUE(t.leaf);
  EXPECT_EQ(static_cast<CmdOp>(after_unmap[1].opcode), CmdOp::Sync);
}

TEST(Harness61, IoPgtableSelftestPassesEighteenOfEighteen) {
  RunResult r = run_case("6.1", "arm_lpae_do_selftests");
  EXPECT_EQ(r.status, RunStatus::Pass);
  bool completed = false;
  for (const auto &l : r.trace.log) completed |= l.find("selftest: completed with 18 PASS 0 FAIL") != std::string::npos;
  EXPECT_TRUE(completed);
}

TEST(Harness61Cli, TraceShowsPlainStoresAndDecodedCommandsAt61Lines) {
  auto r = smmu::testing::run_cli({"trace", "--debian", "6.1", "--quiet", "ste_abort_to_s1"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("scenario ste_abort_to_s1 on debian 6.1 (" + kernel("6.1").tree().version + "): pass"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("store plain ste0.q1 = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("arm-smmu-v3.c:" + std::to_string(lines61().s1_q1)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("store WRITE_ONCE ste0.q0 = "), std::string::npos);
  EXPECT_NE(r.out.find("arm-smmu-v3.c:" + std::to_string(lines61().ste_q0)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("command CFGI_STE sid=0x1234 leaf=1"), std::string::npos);
  EXPECT_NE(r.out.find("command PREFETCH_CFG sid=0x1234"), std::string::npos);
}

TEST(Harness61Cli, KunitSaysTheTreeHasNoKunitTest) {
  auto r = smmu::testing::run_cli({"kunit", "--debian", "6.1", "--quiet"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("arm-smmu-v3-test.c is absent"), std::string::npos) << r.out;
}
