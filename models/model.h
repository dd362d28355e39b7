// A memory model: one value for each parameter of docs/model.md §3, with where
// each value comes from (an architecture reference or a named assumption).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace smmu::models {

enum class Coherency { Coherent, NonCacheable, Cacheable };
enum class FetchOrder { Any, Ascending };
enum class PlainStore { Atomic, Tear32, Tear8 };
enum class Eviction { Anytime, CmoOnly };
enum class Doorbell { Dmb, Dsb };

struct Model {
  std::string name;        // "cacheable-byte" or a composition "coherent+plain-tear32"
  std::string summary;     // one line for `smmu-check models`
  Coherency coherency = Coherency::Coherent;
  int fetch_sca_bits = 64;            // 64 or 128
  FetchOrder fetch_order = FetchOrder::Any;
  PlainStore plain_store = PlainStore::Atomic;
  int writeback_atomicity_bits = 8;   // 0 means a whole cache line (`line`); else 64, 32 or 8
  Eviction eviction = Eviction::Anytime;
  Doorbell doorbell = Doorbell::Dmb;
  // parameter name -> "source: ..." or "assume: ..." as written in the model file
  std::map<std::string, std::string> justification;
  // parameter name -> the model or modifier that set it (differs after composition)
  std::map<std::string, std::string> origin;
  // the files the model was read from, base first, then each modifier
  std::vector<std::string> files;
};

// Bits a plain 64-bit store may be split into (64 when atomic).
inline int plain_store_part_bits(const Model &m) {
  return m.plain_store == PlainStore::Tear8 ? 8 : m.plain_store == PlainStore::Tear32 ? 32 : 64;
}

}  // namespace smmu::models
