#include "svg_text.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace smmu::testing {

namespace {

std::string attr(xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, reinterpret_cast<const xmlChar *>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char *>(v));
  xmlFree(v);
  return s;
}

void collect(xmlNode *n, double font, std::vector<TextBox> &out) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    double fs = attr(n, "font-size").empty() ? font : std::stod(attr(n, "font-size"));
    if (std::string(reinterpret_cast<const char *>(n->name)) == "text") {
      xmlChar *content = xmlNodeGetContent(n);
      std::string text(reinterpret_cast<const char *>(content));
      xmlFree(content);
      size_t chars = 0;
      for (unsigned char c : text) chars += (c & 0xc0) != 0x80;
      const double x = std::stod(attr(n, "x")), y = std::stod(attr(n, "y")), w = chars * fs * 0.6;
      const std::string anchor = attr(n, "text-anchor");
      const double left = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x;
      out.push_back({text, left, left + w, y - 0.8 * fs, y + 0.2 * fs});
      continue;
    }
    collect(n->children, fs, out);
  }
}

}  // namespace

std::vector<TextBox> svg_text_boxes(const std::string &svg) {
  std::unique_ptr<xmlDoc, void (*)(xmlDoc *)> doc(
      xmlReadMemory(svg.data(), static_cast<int>(svg.size()), "timeline.svg", nullptr, XML_PARSE_NONET),
      xmlFreeDoc);
  if (!doc) {
    const xmlError *e = xmlGetLastError();
    throw std::runtime_error(std::string("not well-formed XML: ") + (e && e->message ? e->message : "?"));
  }
  std::vector<TextBox> out;
  collect(xmlDocGetRootElement(doc.get()), 16, out);
  return out;
}

std::vector<std::string> overlapping_text(const std::vector<TextBox> &boxes) {
  std::vector<std::string> out;
  for (size_t i = 0; i < boxes.size(); ++i)
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      const TextBox &a = boxes[i], &b = boxes[j];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        out.push_back("'" + a.text + "' at (" + std::to_string(a.left) + ", " + std::to_string(a.bottom) +
                      ") overlaps '" + b.text + "' at (" + std::to_string(b.left) + ", " + std::to_string(b.bottom) +
                      ")");
    }
  return out;
}

bool rsvg_available() { return std::system("command -v rsvg-convert >/dev/null 2>&1") == 0; }

std::string render_with_rsvg(const std::string &svg_path, const std::string &png_path) {
  std::string cmd = "rsvg-convert '" + svg_path + "' -o '" + png_path + "' 2>&1";
  if (std::system(cmd.c_str()) != 0) return "rsvg-convert failed on " + svg_path;
  std::error_code ec;
  if (std::filesystem::file_size(png_path, ec) < 1000 || ec) return "rsvg-convert wrote no picture for " + svg_path;
  return "";
}

}  // namespace smmu::testing
