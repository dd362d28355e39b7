#include "seq_lexer.h"

#include <cstdio>

namespace smmu::harness::seq_lexer {

namespace {

// A word is any run of printable ASCII but '#' and '=' (so model specs such as
// cacheable-byte+plain-tear32 and paths are one word); '=' stands alone.
bool word_char(unsigned char c) { return c > 0x20 && c < 0x7f && c != '#' && c != '='; }

}  // namespace

std::vector<Line> lex(std::string_view s) {
  std::vector<Line> lines;
  Line cur{1, {}};
  int col = 1;
  bool stopped = false;
  for (size_t i = 0;;) {
    if (i >= s.size() || s[i] == '\n') {
      lines.push_back(std::move(cur));
      if (i >= s.size()) break;
      cur = Line{static_cast<int>(lines.size()) + 1, {}};
      col = 1;
      stopped = false;
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (stopped) {
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      ++col;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else {
      Token t;
      t.line = cur.no;
      t.col = col;
      if (c == '=') {
        t.type = Token::Equals;
        t.text = "=";
        ++i;
        ++col;
      } else if (word_char(c)) {
        while (i < s.size() && word_char(static_cast<unsigned char>(s[i]))) {
          t.text += s[i++];
          ++col;
        }
      } else {
        char b[16];
        std::snprintf(b, sizeof b, "byte 0x%02x", c);
        t.type = Token::Bad;
        t.text = b;
        stopped = true;
        ++i;
        ++col;
      }
      t.end_col = col;
      cur.tokens.push_back(std::move(t));
    }
  }
  return lines;
}

std::string describe(const Token &t) {
  if (t.type == Token::Bad) return t.text;
  return "'" + (t.text.size() > 40 ? t.text.substr(0, 40) + "..." : t.text) + "'";
}

}  // namespace smmu::harness::seq_lexer
