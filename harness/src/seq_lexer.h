// The .seq lexer (seq_parser.h): lines of word and '=' tokens, each with its
// line and columns, comments dropped, bytes that cannot be part of a token
// kept as Bad tokens for the parser to report in file order.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace smmu::harness::seq_lexer {

struct Token {
  enum Type { Word, Equals, Bad } type = Word;
  std::string text;  // a word as written; "=" ; for Bad, "byte 0xNN"
  int line = 0, col = 0, end_col = 0;
  bool is(const char *w) const { return type == Word && text == w; }
  bool is_number() const { return type == Word && std::isdigit(static_cast<unsigned char>(text[0])); }
};

struct Line {
  int no = 0;
  std::vector<Token> tokens;
};

// Splits the text into lines of tokens, comments dropped. A byte that cannot
// be part of a token becomes a Bad token and ends its line: the parser reports
// it when it gets there, so the first error in file order is the one reported.
std::vector<Line> lex(std::string_view s);

// A token as an error message quotes it.
std::string describe(const Token &t);

}  // namespace smmu::harness::seq_lexer
