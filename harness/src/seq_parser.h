// A trace source besides the kernel: a proposed descriptor update sequence
// written as text (a .seq file, docs/seq.md). The parser turns it into the
// same Trace the real kernel code produces (DescRegister, UpdateBegin, Store,
// Barrier, Cmo, Command, UpdateSync, UpdateEnd; for a PTE the WalkContext
// boundaries the walker needs), each event located at its .seq file:line, so
// the checker judges it exactly as it judges kernel code and its reports point
// at the .seq lines.
//
// Malformed input throws SeqError "FILE:LINE:COL: expected ...": never a
// partial trace, never a default that hides a mistake. The file's
// expectations (`expect pass under coherent`) are returned for the command to
// judge; the model specs in them are resolved there (models/ is not a
// dependency of the harness).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_tree.h"
#include "trace.h"

namespace smmu::harness {

// "FILE:LINE:COL: expected ..."; a UserError, so the CLI exits 2 with it.
struct SeqError : UserError {
  using UserError::UserError;
};

// One `expect` line.
struct SeqExpectation {
  int line = 0, col = 0;
  std::string outcome;  // "pass", "violation" or "unknown"
  std::string kind;     // violation only: "torn", "misordered", "stale", or "" for any kind
  struct Model {
    std::string spec;   // as written: coherent, all, cacheable-byte+plain-tear32, ./mine.model
    int line = 0, col = 0;
  };
  std::vector<Model> models;
};

// PTE only: the tables the sequence builds around its descriptor (a 4K-granule,
// 48-bit stage-1 table, start level 0, as io-pgtable-arm's ARM_64_LPAE_S1).
struct SeqPteLayout {
  uint64_t iova = 0;
  int level = 3;                  // the level of the table that holds the PTE
  std::vector<uint64_t> tables;   // [0..level]: each level's table address
  std::vector<uint64_t> index;    // [0..level]: the descriptor's index in that table
  uint64_t address = 0;           // the PTE's address: tables[level] + 8 * index[level]
};

struct Sequence {
  std::string file;               // as given: reports print it
  DescKind kind = DescKind::Ste;  // Ste, Cd or PgTable
  std::string name;               // the descriptor (STE/CD) or the table holding the PTE
  int header_line = 0;
  std::vector<uint64_t> initial, target;  // 8 qwords (STE/CD) or 1 (PTE)
  int steps = 0, syncs = 0;
  Trace trace;
  std::vector<SeqExpectation> expectations;
  SeqPteLayout pte;               // kind == PgTable
};

// `file` names the text in messages and in every event's SourceLoc.
Sequence parse_sequence(std::string_view text, const std::string &file);
Sequence read_sequence_file(const std::filesystem::path &path);

// The descriptor kind as written in a .seq file: "ste", "cd", "pte".
const char *seq_keyword(DescKind k);

}  // namespace smmu::harness
