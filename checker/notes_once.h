// A note (an assumption a verdict rests on, verdict.h) is said once per text
// report: at the first row or finding that has it, not again at each one
// after it. JSON reports keep every row's notes.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace smmu::checker {

class NotesOnce {
 public:
  // "INDENTnote: NOTE" for each of `notes` this report has not said yet.
  void print(std::ostream &out, const std::vector<std::string> &notes, const std::string &indent = "  ");

 private:
  std::set<std::string> said_;
};

}  // namespace smmu::checker
