// Reads an SVG the way the timeline tests check it: parsed by libxml2 (well
// formed or it fails), each <text> element as the box its characters cover,
// taken as characters x 0.6 em wide (a monospace advance) and 1 em tall.
#pragma once

#include <string>
#include <vector>

namespace smmu::testing {

struct TextBox {
  std::string text;
  double left = 0, right = 0, top = 0, bottom = 0;
};

// Throws std::runtime_error with libxml2's message when svg is not well formed XML.
std::vector<TextBox> svg_text_boxes(const std::string &svg);

// "'a' at (x, y) overlaps 'b' at (x, y)" for each pair of boxes that overlap.
std::vector<std::string> overlapping_text(const std::vector<TextBox> &boxes);

// Renders the SVG file with rsvg-convert (Debian's librsvg2-bin) to a PNG next
// to it; "" when it rendered, else why. rsvg_available() says if the binary is there.
bool rsvg_available();
std::string render_with_rsvg(const std::string &svg_path, const std::string &png_path);

}  // namespace smmu::testing
