#include "profile.h"

#include <fstream>
#include <sstream>
#include <utility>

namespace smmu::harness {
namespace {

const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";

// Real kernel headers used unmodified; everything else comes from harness/shim.
const std::vector<std::string> kRealHeaders = {
    "include/linux/bitfield.h",       "include/linux/bits.h",
    "include/linux/build_bug.h",      "include/linux/const.h",
    "include/linux/sizes.h",          "include/linux/io-pgtable.h",
    "include/vdso/bits.h",            "include/vdso/const.h",
    "include/uapi/linux/const.h",     "include/asm-generic/bitops/const_hweight.h",
    "include/linux/log2.h",           "include/linux/container_of.h",
    "include/uapi/linux/bits.h",  // 6.12 only; copied when present
};

const std::vector<std::string> kDefines = {
    "-DCONFIG_KUNIT=1", "-DCONFIG_IOMMU_IO_PGTABLE_LPAE=1",
    "-DCONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST=1", "-DCONFIG_ARM_SMMU_V3_SVA=1",
    "-DCONFIG_ARM_SMMU_V3_KUNIT_TEST=1", "-DCONFIG_64BIT=1", "-DCONFIG_ARM64=1",
    "-DCONFIG_PCI_ATS=1",
};

bool file_mentions(const std::string &path, const std::string &word) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str().find(word) != std::string::npos;
}

UnitSpec io_pgtable_units_arm() {
  UnitSpec u;
  u.name = "io-pgtable-arm";
  u.file = "drivers/iommu/io-pgtable-arm.c";
  u.tree_headers = {"drivers/iommu/io-pgtable-arm.h"};
  u.glue = {"io_pgtable_arm_glue.c"};  // the walker's decoding, from the tree's own macros
  // A partial unmap of a block splits it into a table, until v6.14 removed
  // that (such an unmap now WARNs and fails): the split scenarios need it.
  u.families = {{"split", {"arm_lpae_split_blk_unmap"}}};
  return u;
}

UnitSpec io_pgtable_unit() {
  UnitSpec u;
  u.name = "io-pgtable";
  u.file = "drivers/iommu/io-pgtable.c";
  return u;
}

// The driver itself: what it is sliced for differs per generation.
UnitSpec smmu_v3_unit() {
  UnitSpec u;
  u.name = "arm-smmu-v3";
  u.file = kDriver;
  return u;
}

// io-pgtable-arm (`arm`, with the profile's glue) and io-pgtable, and the
// harness drivers: the runtime and io-pgtable-arm through its public ops (the
// pt/iopt_* rows), the same on every tree.
void add_io_pgtable(Profile &p, UnitSpec arm) {
  p.units.push_back(std::move(arm));
  p.units.push_back(io_pgtable_unit());
  p.drivers = {"runtime.c", "scenarios_612_io_pgtable.c"};
}

Profile writer_entry_profile() {
  Profile p;
  p.name = "writer-entry";
  UnitSpec drv = smmu_v3_unit();
  drv.roots = {
      // STE/CD writer and the make functions: every family needs them.
      "arm_smmu_get_ste_used", "arm_smmu_get_cd_used", "arm_smmu_write_entry",
      "arm_smmu_make_abort_ste", "arm_smmu_make_bypass_ste", "arm_smmu_make_cdtable_ste",
      "arm_smmu_make_s2_domain_ste", "arm_smmu_make_s1_cd", "arm_smmu_cmdq_build_sync_cmd",
  };
  drv.families = {
      // Production write path with real commands (sweep_612.c, scenarios_612_smmu_tables.c).
      {"sweep", {"arm_smmu_write_ste", "arm_smmu_write_cd_entry", "arm_smmu_install_ste_for_dev",
                 "arm_smmu_get_step_for_sid", "arm_smmu_init_strtab_linear", "arm_smmu_init_sid_strtab",
                 "arm_smmu_alloc_cd_ptr", "arm_smmu_clear_cd", "arm_smmu_free_cd_tables"}},
      // Level-2 stream and CD table publication.
      {"l1", {"arm_smmu_write_strtab_l1_desc", "arm_smmu_write_cd_l1_desc", "arm_smmu_init_strtab_2lvl"}},
      // The driver's io-pgtable ops (scenarios_612_walk.c, the tlbi_* scenarios).
      {"pt-smmu", {"arm_smmu_map_pages", "arm_smmu_unmap_pages", "arm_smmu_iotlb_sync",
                   "arm_smmu_flush_iotlb_all", "arm_smmu_flush_ops"}},
      // Invalidation: one entry per generation; a tree needs all roots of one.
      {"invalidation", {"arm_smmu_tlb_inv_asid", "arm_smmu_tlb_inv_range_domain",
                        "arm_smmu_tlb_inv_range_asid", "arm_smmu_atc_inv_domain"}},  // 6.9-6.18
      // 7.x: per-domain arm_smmu_invs arrays, filled as attach fills them.
      {"invalidation", {"arm_smmu_domain_inv_range", "arm_smmu_invs_merge", "arm_smmu_invs_unref",
                        "arm_smmu_invs_purge", "arm_smmu_attach_prepare_invs",
                        "arm_smmu_install_new_domain_invs"}},
      // SVA invalidation (explore's domain=sva): what the SVA unit's mmu
      // notifier ops call here, per generation (6.9-6.18, then 7.x).
      {"sva", {"arm_smmu_tlb_inv_asid", "arm_smmu_tlb_inv_range_asid", "arm_smmu_atc_inv_domain",
               "arm_smmu_get_cd_ptr", "arm_smmu_write_cd_entry"}},
      {"sva", {"arm_smmu_domain_inv_range", "arm_smmu_get_cd_ptr", "arm_smmu_write_cd_entry"}},
      // ATS: ATC_INVs after the TLBIs, for a master on the domain with ATS
      // enabled (scenarios_612_smmu.c). 6.9-6.18: the domain's devices list
      // read by arm_smmu_atc_inv_domain; 7.x: INV_TYPE_ATS entries in the invs
      // array, built by arm_smmu_attach_prepare_invs.
      {"ats", {"arm_smmu_atc_inv_domain", "arm_smmu_atc_inv_to_cmd"}},
      {"ats", {"arm_smmu_attach_prepare_invs", "arm_smmu_atc_inv_to_cmd"}},
      // What the tree's KUnit test calls beyond the required roots: nothing
      // before 7.x; 7.x adds the writer's update-safe bits (and the invs above).
      {"kunit", {"arm_smmu_get_ste_update_safe"}},
      {"kunit", {}},
  };
  drv.wraps = {"arm_smmu_write_entry"};
  drv.replaces = {"arm_smmu_cmdq_issue_cmdlist"};
  drv.tree_headers = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h"};
  drv.prelude_headers = {"arm_smmu_v3_glue.h", "scenarios_612_smmu.h"};
  // The scenarios are glue: they call the driver's static functions.
  drv.glue = {"arm_smmu_v3_glue.c", "scenarios_612_smmu.c", "scenarios_612_smmu_tables.c",
              "scenarios_612_smmu_domain.c", "scenarios_612_walk.c", "explore_sva.c", "explore_attach.c",
              "explore_pt.c", "sweep_612.c", "sweep_random.c"};
  p.units.push_back(drv);

  UnitSpec sva;
  sva.name = "arm-smmu-v3-sva";
  sva.file = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c";
  sva.roots = {"arm_smmu_make_sva_cd"};
  // The mm's invalidation reaches the SMMU through these ops (explore's domain=sva).
  sva.families = {{"sva", {"arm_smmu_mm_arch_invalidate_secondary_tlbs", "arm_smmu_mmu_notifier_ops"}}};
  sva.tree_headers = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h", "drivers/iommu/io-pgtable-arm.h"};
  sva.glue = {"arm_smmu_v3_sva_glue.c"};
  sva.optional = true;
  sva.family = "sva";
  p.units.push_back(sva);

  UnitSpec test;
  test.name = "arm-smmu-v3-test";
  test.file = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-test.c";
  test.tree_headers = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h"};
  test.prelude_headers = {"kunit/test.h"};
  test.optional = true;
  test.family = "kunit";
  p.units.push_back(test);
  UnitSpec io = io_pgtable_units_arm();
  io.glue.push_back("io_pgtable_arm_foreign_612.c");  // the SW_SYNC scenario's other CPU
  add_io_pgtable(p, io);
  return p;
}

// 6.1: the pre-6.9 writer arm_smmu_write_strtab_ent (no used-bits analysis, no
// hitless updates) and arm_smmu_write_ctx_desc, reached through the real probe
// (stream table), domain finalise and attach/detach code.
Profile writer_strtab_ent_profile() {
  Profile p;
  p.name = "writer-strtab-ent";
  UnitSpec drv = smmu_v3_unit();
  drv.roots = {
      // The writers and their syncs.
      "arm_smmu_write_strtab_ent", "arm_smmu_write_ctx_desc", "arm_smmu_sync_ste_for_sid",
      "arm_smmu_cmdq_build_cmd", "arm_smmu_cmdq_build_sync_cmd",
      // Stream table setup as probe does it, and the STE install per master.
      "arm_smmu_init_strtab", "arm_smmu_init_sid_strtab", "arm_smmu_get_step_for_sid",
      "arm_smmu_install_ste_for_dev", "arm_smmu_init_bypass_stes",
      // The iommu_ops the scenarios drive.
      "arm_smmu_domain_alloc", "arm_smmu_domain_free", "arm_smmu_domain_finalise",
      "arm_smmu_enable_nesting", "arm_smmu_attach_dev", "arm_smmu_detach_dev",
      "arm_smmu_map_pages", "arm_smmu_unmap_pages", "arm_smmu_iotlb_sync",
      "arm_smmu_flush_iotlb_all",
      // Invalidation callers.
      "arm_smmu_tlb_inv_asid", "arm_smmu_tlb_inv_range_domain", "arm_smmu_tlb_inv_range_asid",
      "arm_smmu_flush_ops", "arm_smmu_atc_inv_domain",
  };
  // Wrapped to mark update boundaries and syncs and to register CD memory.
  drv.wraps = {"arm_smmu_write_strtab_ent", "arm_smmu_write_ctx_desc", "arm_smmu_sync_ste_for_sid",
               "arm_smmu_sync_cd", "arm_smmu_get_cd_ptr"};
  drv.replaces = {"arm_smmu_cmdq_issue_cmdlist"};  // 6.1 signature: (smmu, cmds, n, sync)
  drv.tree_headers = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h"};
  drv.prelude_headers = {"arm_smmu_v3_61_glue.h"};
  // scenarios_61.c is glue too: the scenarios call the driver's static functions.
  drv.glue = {"arm_smmu_v3_61_glue.c", "scenarios_61.c", "scenarios_61_walk.c"};
  p.units.push_back(drv);

  // attach_dev asks the SVA code whether the master has SVA enabled.
  UnitSpec sva;
  sva.name = "arm-smmu-v3-sva";
  sva.file = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c";
  sva.roots = {"arm_smmu_master_sva_enabled"};
  sva.tree_headers = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h"};
  p.units.push_back(sva);
  add_io_pgtable(p, io_pgtable_units_arm());
  return p;
}

}  // namespace

Profile profile_for(const KernelTree &tree) {
  std::string driver = (tree.root / kDriver).string();
  if (!std::filesystem::exists(driver))
    throw UserError(driver + ": not found; the tree has no SMMUv3 driver");
  Profile p;
  if (file_mentions(driver, "arm_smmu_write_entry"))
    p = writer_entry_profile();
  else if (file_mentions(driver, "arm_smmu_write_strtab_ent"))
    p = writer_strtab_ent_profile();
  else
    throw UserError(driver + ": defines neither arm_smmu_write_entry (6.9 and later) nor "
                    "arm_smmu_write_strtab_ent (6.1): this driver version is not supported");
  p.real_headers = kRealHeaders;
  p.defines = kDefines;
  return p;
}

}  // namespace smmu::harness
