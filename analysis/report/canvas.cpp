#include "analysis/report/canvas.h"

#include <algorithm>

#include "analysis/report/figures.h"

namespace geosim::report {
namespace {

constexpr unsigned char kGroupRgb[kGroupColours][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                                                       {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

}  // namespace

Canvas::Canvas(const std::string& path, PLINT width, PLINT height) : path_(path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext != "svg" && ext != "pdf") throw std::invalid_argument("a figure is written as .svg or .pdf, not '" + path + "'");
  pls_ = std::make_unique<plstream>();
  pls_->sError(&code_, message_);
  pls_->sdev(ext.c_str());
  pls_->sfnam(path.c_str());
  pls_->spage(0, 0, width, height, 0, 0);
  pls_->scmap0n(kFirstLightGroup + kGroupColours);
  pls_->scol0(kBackground, 255, 255, 255);
  pls_->scol0(kInk, 30, 30, 30);
  pls_->scol0(kBlue, 31, 119, 180);
  pls_->scol0(kOrange, 255, 127, 14);
  pls_->scol0(kBand, 174, 199, 232);
  pls_->scol0(kGrey, 120, 120, 120);
  pls_->scol0(kLightGrey, 215, 215, 215);
  for (int g = 0; g < kGroupColours; ++g) {
    const auto* c = kGroupRgb[g];
    pls_->scol0(kFirstGroup + g, c[0], c[1], c[2]);
    auto light = [](unsigned char v) { return static_cast<PLINT>(v + (255 - v) * 0.6); };
    pls_->scol0(kFirstLightGroup + g, light(c[0]), light(c[1]), light(c[2]));
  }
  pls_->init();
  // The PDF page is a paper size (A4 landscape, 842 x 595 points): keep the figure's own aspect on
  // it, and scale text and symbols, whose sizes are absolute, as the figure is scaled. The PDF
  // driver also draws a character height 4/3 as large as the SVG driver does (measured on the
  // figures' own titles).
  if (ext == "pdf") {
    pls_->sdidev(PL_NOTSET, static_cast<PLFLT>(width) / static_cast<PLFLT>(height), 0, 0);
    scale_ = 0.75 * std::min(842.0 / width, 595.0 / height);
    pls_->ssym(0, scale_);
  }
  pls_->adv(0);
  pls_->col0(kInk);
}

void Canvas::finish() {
  pls_.reset();
  if (code_ != 0) throw FigureFailure("cannot draw " + path_ + ": PLplot refused it (" + message_ + ")");
}

std::string plain(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '#' ? std::string("##") : std::string(1, c);
  return out;
}

}  // namespace geosim::report
