// The edges the real trees' slices export, built once per test process.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "check_run.h"
#include "kernel_fixture.h"
#include "structure_graph.h"

namespace smmu::testing {

inline const checker::StructureGraph &graph_of(const std::string &series) {
  static std::map<std::string, checker::StructureGraph> graphs;
  auto it = graphs.find(series);
  if (it == graphs.end()) it = graphs.emplace(series, checks::structure_graph(kernel(series))).first;
  return it->second;
}

inline std::vector<checker::GraphEdge> level1() { return checker::level1_edges(graph_of("6.12")).edges; }
inline std::vector<checker::GraphEdge> all_edges() { return graph_of("6.12").edges; }

}  // namespace smmu::testing
