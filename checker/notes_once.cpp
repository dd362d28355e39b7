#include "notes_once.h"

namespace smmu::checker {

void NotesOnce::print(std::ostream &out, const std::vector<std::string> &notes, const std::string &indent) {
  for (const auto &n : notes)
    if (said_.insert(n).second) out << indent << "note: " << n << "\n";
}

}  // namespace smmu::checker
