#include "model_support.h"

namespace smmu::checker {

std::string unsupported_parameters(const models::Model &m) {
  if (m.fetch_sca_bits != 64) return "fetch_sca=" + std::to_string(m.fetch_sca_bits) + " is not supported yet";
  if (m.fetch_order != models::FetchOrder::Any) return "fetch_order=ascending is not supported yet";
  // The slice replaces the command queue insertion, so the barrier the driver
  // puts before the doorbell is not in the trace to be judged.
  if (m.doorbell == models::Doorbell::Dsb)
    return "doorbell=dsb: the command queue insertion is not part of the recorded run";
  return "";
}

}  // namespace smmu::checker
