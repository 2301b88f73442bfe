#pragma once
// A PLplot stream drawing one figure file in geosim's colours, which turns what PLplot refuses into
// an error: PLplot itself only prints "PLPLOT ERROR, ABORTING OPERATION" and carries on, leaving a
// blank or half-drawn figure behind an exit status of 0.
#include <plplot/plstream.h>

#include <memory>
#include <string>

namespace geosim::report {

/// Colour map 0 entries of every figure.
enum Colour : PLINT { kBackground = 0, kInk = 1, kBlue = 2, kOrange = 3, kBand = 4, kGrey = 5, kLightGrey = 6, kFirstGroup = 8 };
/// Tableau's ten qualitative colours from kFirstGroup (groups, bands past the first two), then each
/// mixed with white from kFirstLightGroup (their bands).
inline constexpr int kGroupColours = 10;
inline constexpr PLINT kFirstLightGroup = kFirstGroup + kGroupColours;

/// One figure being drawn; the format follows the path's extension (.svg or .pdf).
class Canvas {
 public:
  /// Opens the file for a figure of width x height points; throws std::invalid_argument for another extension.
  Canvas(const std::string& path, PLINT width, PLINT height);
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  plstream* operator->() { return pls_.get(); }

  /// Sets the text size, relative to PLplot's default, as it looks in an SVG of the figure's size.
  void text_size(double relative) { pls_->schr(0, relative * scale_); }

  /// Closes the file; throws FigureFailure (figures.h) naming what PLplot refused while drawing.
  void finish();

 private:
  std::string path_;
  double scale_ = 1;  // of text and symbols
  // PLplot writes into these while the stream lives: they are declared before it, so they outlive it.
  PLINT code_ = 0;
  char message_[1024] = "";
  std::unique_ptr<plstream> pls_;
};

/// `text` for PLplot's text calls, which read '#' as the start of an escape sequence.
std::string plain(const std::string& text);

}  // namespace geosim::report
