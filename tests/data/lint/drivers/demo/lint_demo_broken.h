/* A tree header the prelude includes, which includes a header nobody provides
 * (as 7.3's arm-smmu-v3.h includes linux/iommufd.h): a fatal parse error. */
#include <linux/smmu_check_no_such_header.h>
