#pragma once
// Screenshots: the window's pixels to PNG (libpng), and back for the tests that check them.
#include <cstdint>
#include <string>
#include <vector>

namespace geosim::viz {

/// An RGBA image, rows top to bottom.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
};

/// Reads the current OpenGL framebuffer (what was just rendered) into an image.
Image capture_framebuffer(int width, int height);

/// Writes `image` as PNG; throws std::runtime_error with the reason when it cannot.
void write_png(const std::string& path, const Image& image);

/// Reads a PNG into RGBA; throws std::runtime_error when the file is missing or not a PNG.
Image read_png(const std::string& path);

}  // namespace geosim::viz
