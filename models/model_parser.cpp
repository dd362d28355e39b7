#include "model_parser.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "parameters.h"

namespace smmu::models {

const char *kind_name(Kind k) { return k == Kind::Full ? "model" : "modifier"; }

namespace {

struct Token {
  enum Type { Word, Equals, String, End } type = End;
  std::string text;  // a word, or a string's contents with escapes resolved
  int line = 0, col = 0;
  int end_line = 0, end_col = 0;  // just past the token, where "missing X" is reported
  bool first_on_line = false;
};

bool is_word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }

// Tokens are produced on demand, so the first error in file order is the one reported.
class Lexer {
 public:
  Lexer(std::string_view text, std::string file) : s_(text), file_(std::move(file)) {}

  const Token &peek() {
    if (!ahead_) ahead_ = scan();
    return *ahead_;
  }
  Token next() {
    Token t = peek();
    ahead_.reset();
    return t;
  }

  [[noreturn]] void fail(int line, int col, const std::string &msg) const {
    throw ModelError(file_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + msg);
  }

 private:
  // Columns count characters, not bytes: justifications contain "§".
  void advance() {
    unsigned char c = s_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
      at_line_start_ = true;
    } else if ((c & 0xC0) != 0x80) {
      ++col_;
    }
  }

  std::string describe_char() const {
    unsigned char c = s_[i_];
    // Control bytes and bytes that cannot start a UTF-8 character are shown by value.
    if (c < 0x20 || c == 0x7f || (c & 0xC0) == 0x80 || c >= 0xF8) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
      return buf;
    }
    size_t n = 1;
    while (i_ + n < s_.size() && (static_cast<unsigned char>(s_[i_ + n]) & 0xC0) == 0x80) ++n;
    return "'" + std::string(s_.substr(i_, n)) + "'";
  }

  Token scan() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else {
        break;
      }
    }
    Token t;
    t.line = line_;
    t.col = col_;
    t.first_on_line = at_line_start_ || i_ >= s_.size();
    at_line_start_ = false;
    if (i_ >= s_.size()) {
      t.type = Token::End;
    } else if (is_word_char(s_[i_])) {
      t.type = Token::Word;
      while (i_ < s_.size() && is_word_char(s_[i_])) {
        t.text += s_[i_];
        advance();
      }
    } else if (s_[i_] == '=') {
      t.type = Token::Equals;
      t.text = "=";
      advance();
    } else if (s_[i_] == '"') {
      t.type = Token::String;
      advance();
      for (;;) {
        if (i_ >= s_.size() || s_[i_] == '\n')
          fail(t.line, t.col, "expected a closing '\"' on the same line as the string that starts here");
        char c = s_[i_];
        if (c == '"') {
          advance();
          break;
        }
        if (c == '\\') {
          int l = line_, cl = col_;
          advance();
          if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\\'))
            fail(l, cl, "expected \\\" or \\\\ after a backslash in a string");
          c = s_[i_];
        } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
          fail(line_, col_, "expected printable text in a string, found " + describe_char());
        }
        t.text += c;
        advance();
      }
    } else {
      fail(line_, col_, "expected a name, '=', a quoted string or a # comment, found " + describe_char());
    }
    t.end_line = line_;
    t.end_col = col_;
    return t;
  }

  std::string_view s_;
  std::string file_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
  bool at_line_start_ = true;
  std::optional<Token> ahead_;
};

bool is_justification_keyword(const Token &t) {
  return t.type == Token::Word && (t.text == "source" || t.text == "assume");
}

std::string describe(const Token &t) {
  switch (t.type) {
    case Token::Word:
      return "'" + (t.text.size() > 40 ? t.text.substr(0, 40) + "..." : t.text) + "'";
    case Token::Equals:
      return "'='";
    case Token::String:
      return "a quoted string";
    case Token::End:
      break;
  }
  return "end of file";
}

// A statement is one line, plus following lines that start with a string or
// with source/assume (so a long justification can sit on its own lines).
class Parser {
 public:
  Parser(std::string_view text, const std::string &file) : lx_(text, file), file_(file) {
    std::filesystem::path p(file);
    if (p.extension() == ".model") required_kind_ = Kind::Full;
    if (p.extension() == ".modifier") required_kind_ = Kind::Modifier;
    if (required_kind_) required_name_ = p.stem().string();
  }

  ModelFile parse() {
    ModelFile f;
    f.path = file_;
    Token header = parse_header(f);
    std::optional<int> summary_line;
    for (;;) {
      Token t = lx_.next();
      if (t.type == Token::End) break;
      last_ = t;
      if (t.type == Token::Word && t.text == "summary") {
        if (summary_line)
          fail(t, "expected one summary per file: the summary is already given on line " +
                      std::to_string(*summary_line));
        summary_line = t.line;
        f.model.summary = parse_strings("a quoted string after summary");
        if (f.model.summary.empty()) fail(t, "expected a non-empty summary");
        expect_end("after the summary");
      } else if (t.type == Token::Word && (t.text == "model" || t.text == "modifier")) {
        fail(t, "expected one header per file: `" + std::string(kind_name(f.kind)) + " " + f.model.name +
                    "` is already given on line " + std::to_string(header.line));
      } else if (const Parameter *p = t.type == Token::Word ? find_parameter(t.text) : nullptr) {
        parse_parameter(f, *p, t);
      } else {
        fail(t, "expected a parameter (" + parameter_names() + ") or summary, found " + describe(t));
      }
    }
    if (!summary_line)
      fail(header, "expected a summary \"...\" line in " + std::string(kind_name(f.kind)) + " " + f.model.name);
    if (f.kind == Kind::Full) {
      std::string missing;
      for (const auto &p : parameters())
        if (!f.line.count(p.name)) missing += (missing.empty() ? "" : ", ") + std::string(p.name);
      if (!missing.empty())
        fail(header, "expected every parameter to be set in model " + f.model.name + ", missing: " + missing +
                         " (a file that sets only some is a modifier: `modifier NAME` in NAME.modifier)");
    } else if (f.set.empty()) {
      fail(header, "expected at least one parameter in modifier " + f.model.name);
    }
    f.model.files = {file_};
    return f;
  }

 private:
  [[noreturn]] void fail(const Token &t, const std::string &msg) { lx_.fail(t.line, t.col, msg); }
  [[noreturn]] void fail_after(const Token &t, const std::string &msg) { lx_.fail(t.end_line, t.end_col, msg); }

  bool at_statement_end() {
    const Token &t = lx_.peek();
    if (t.type == Token::End) return true;
    return t.first_on_line && t.type != Token::String && !is_justification_keyword(t);
  }
  std::string describe_next() {
    return lx_.peek().type == Token::End ? "end of file" : at_statement_end() ? "end of line" : describe(lx_.peek());
  }
  // The next token of this statement, or an error "expected WHAT, found ..." if there is none.
  Token take(const std::string &what) {
    if (at_statement_end()) fail_after(last_, "expected " + what + ", found " + describe_next());
    last_ = lx_.next();
    return last_;
  }
  void expect_end(const std::string &where) {
    if (!at_statement_end())
      fail(lx_.peek(), "expected end of line " + where + ", found " + describe(lx_.peek()));
  }
  // One or more adjacent quoted strings, concatenated as in C.
  std::string parse_strings(const std::string &what) {
    Token t = take(what);
    if (t.type != Token::String) fail(t, "expected " + what + ", found " + describe(t));
    std::string s = t.text;
    while (!at_statement_end() && lx_.peek().type == Token::String) s += (last_ = lx_.next()).text;
    return s;
  }

  Token parse_header(ModelFile &f) {
    Token h = lx_.next();
    last_ = h;
    const std::string expected = required_kind_ ? "`" + std::string(kind_name(*required_kind_)) + " " +
                                                      required_name_ + "`"
                                                : "`model NAME` or `modifier NAME`";
    if (h.type != Token::Word || (h.text != "model" && h.text != "modifier"))
      fail(h, "expected " + expected + " as the first line, found " + describe(h));
    f.kind = h.text == "model" ? Kind::Full : Kind::Modifier;
    if (required_kind_ && f.kind != *required_kind_)
      fail(h, "expected `" + std::string(kind_name(*required_kind_)) + "` in a ." + kind_name(*required_kind_) +
                  " file (a " + kind_name(f.kind) + " goes in NAME." + kind_name(f.kind) + "), found `" + h.text +
                  "`");
    Token n = take("a name after `" + h.text + "`");
    bool ok = n.type == Token::Word && !n.text.empty() && n.text[0] != '-';
    for (char c : n.text) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-');
    if (!ok)
      fail(n, "expected a name of lower-case letters, digits and '-' (e.g. cacheable-byte), found " + describe(n));
    if (n.text == "all") fail(n, "expected a name other than 'all', which means every preset model");
    if (required_kind_ && n.text != required_name_)
      fail(n, "expected the name " + required_name_ + ", as the file is called, found " + describe(n));
    f.model.name = n.text;
    expect_end("after `" + h.text + " " + n.text + "`");
    return h;
  }

  void parse_parameter(ModelFile &f, const Parameter &p, const Token &name) {
    if (auto it = f.line.find(p.name); it != f.line.end())
      fail(name, "expected each parameter at most once: " + std::string(p.name) + " is already set on line " +
                     std::to_string(it->second));
    Token eq = take("'=' after " + std::string(p.name));
    if (eq.type != Token::Equals) fail(eq, "expected '=' after " + std::string(p.name) + ", found " + describe(eq));
    const std::string values = "a value for " + std::string(p.name) + " (" + value_list(p) + ")";
    Token v = take(values);
    if (v.type != Token::Word || !is_valid_value(p, v.text)) fail(v, "expected " + values + ", found " + describe(v));
    const std::string setting = "`" + std::string(p.name) + " = " + v.text + "`";
    const std::string why = "source \"...\" or assume \"...\" after " + setting +
                            " (every parameter states its justification)";
    Token j = take(why);
    if (!is_justification_keyword(j)) fail(j, "expected " + why + ", found " + describe(j));
    std::string text = parse_strings("a quoted string after " + j.text);
    if (text.find_first_not_of(" \t") == std::string::npos)
      fail(last_, "expected a non-empty justification after " + j.text);
    expect_end("after the justification of " + setting + " (one justification per parameter)");
    p.set(f.model, v.text);
    f.model.justification[p.name] = j.text + ": " + text;
    f.model.origin[p.name] = f.model.name;
    f.set.push_back(p.name);
    f.line[p.name] = name.line;
  }

  Lexer lx_;
  std::string file_;
  std::optional<Kind> required_kind_;
  std::string required_name_;
  Token last_;  // the last token taken, where "missing X" errors point (just past it)
};

}  // namespace

ModelFile parse_model(std::string_view text, const std::string &file) { return Parser(text, file).parse(); }

ModelFile read_model_file(const std::filesystem::path &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ModelError(path.string() + ": expected a model file, but " +
                     (std::filesystem::exists(path, ec) ? "it is not a regular file" : "it does not exist"));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) throw ModelError(path.string() + ": expected a readable model file: " + std::strerror(errno));
  return parse_model(ss.str(), path.string());
}

}  // namespace smmu::models
