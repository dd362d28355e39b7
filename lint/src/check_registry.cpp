// Every check of smmu-check lint, registered here and nowhere else.
#include "check.h"
#include "checks/bulk_write.h"
#include "checks/plain_rmw.h"
#include "checks/plain_store.h"
#include "checks/struct_copy.h"

namespace smmu::lint {

const std::vector<CheckFactory> &check_factories() {
  static const std::vector<CheckFactory> all = {
      {"smmu-descriptor-plain-store",
       "plain assignment of a 64-bit word of live STE, CD or page-table memory",
       &make_check<PlainStoreCheck>},
      {"smmu-descriptor-plain-rmw",
       "compound assignment (|=, &=, ...) of a 64-bit word of live descriptor memory",
       &make_check<PlainRmwCheck>},
      {"smmu-descriptor-bulk-write", "memset/memcpy/memmove onto live descriptor memory",
       &make_check<BulkWriteCheck>},
      {"smmu-descriptor-struct-copy",
       "struct assignment onto a live struct arm_smmu_ste/arm_smmu_cd (or L1 descriptor)",
       &make_check<StructCopyCheck>},
  };
  return all;
}

}  // namespace smmu::lint
