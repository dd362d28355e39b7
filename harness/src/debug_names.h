// What the compiler's debug information names in a unit: struct members with
// their offsets, and each function's parameters. The checker names the
// symbolic parameters of the make functions by them
// (master->cd_table.s1fmt, not arm_smmu_master+0x4d).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "slice_build.h"

namespace smmu::harness {

struct DebugMember {
  std::string name;
  int64_t offset_bits = 0, size_bits = 0;
  std::string struct_type;  // a nested struct or union member: its type's name (anonymous: flattened)
  std::string pointee;      // a pointer to a struct or union: that type's name
};

struct DebugNames {
  std::map<std::string, std::vector<DebugMember>> structs;     // by struct name (without "struct ")
  std::map<std::string, std::vector<std::string>> parameters;  // by function: parameter names in order

  // The member holding bytes [offset, offset + bytes) of `struct_name`, as a
  // path ("cd_table.s1fmt"); several members a read covers at once
  // ("vtcr.{tsz,sl}"); "" when the struct or the range is not known.
  std::string member_at(const std::string &struct_name, int64_t offset, int64_t bytes) const;
  std::string parameter(const std::string &function, size_t index) const;  // "" if unknown
  // The type of the pointer member at `offset` of `struct_name` points to ("" if unknown).
  std::string pointee(const std::string &struct_name, int64_t offset) const;
  // container_of: the one struct that embeds a `member_type` such that bytes
  // [offset, offset + bytes) from that member lie in it, with the member path
  // there: {"io_pgtable", "cfg.quirks"}. Empty if none or several do.
  std::pair<std::string, std::string> container(const std::string &member_type, int64_t offset, int64_t bytes) const;
};

// The unit compiled as function_ir() does, with -g (cached beside it), and its
// debug information read. Throws UserError as function_ir.
DebugNames debug_names(const SliceBuild &build, const std::string &unit);

}  // namespace smmu::harness
