/* Forwarding header: smmu-check provides this through kshim.h. */
#include <kshim.h>
