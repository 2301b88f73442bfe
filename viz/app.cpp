// The viewer's window loop and panels.
//
// [SECTION] Chart data: the series each chart shows (which ones: chart_defs.h)
// [SECTION] Viewer state: everything the interface remembers between frames
// [SECTION] Panels: controls, charts, dependency view
// [SECTION] Headless script
// [SECTION] Window loop
#include "viz/app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui_stdlib.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>

#include "cli/exit_codes.h"
#include "model/series.h"
#include "viz/chart.h"
#include "viz/chart_defs.h"
#include "viz/dependency_view.h"
#include "viz/ensemble.h"
#include "viz/levers.h"
#include "viz/screenshot.h"
#include "viz/script.h"
#include "viz/session.h"
#include "viz/sim_runner.h"

namespace fs = std::filesystem;

namespace geosim::viz {
namespace {

// [SECTION] Chart data -------------------------------------------------------------------------------

/// Values of `key` per month from `start` over `months`, NaN where a run has no value.
std::vector<double> series_of(const std::vector<std::shared_ptr<const MonthFrame>>& frames, const std::string& key, Month start, int months) {
  std::vector<double> out(static_cast<std::size_t>(months), NAN);
  for (const auto& f : frames) {
    const int i = f->month - start;
    if (i >= 0 && i < months) out[static_cast<std::size_t>(i)] = f->get(key);
  }
  return out;
}

// [SECTION] Viewer state -----------------------------------------------------------------------------

/// Everything the interface remembers between frames.
struct ViewerState {
  int scope = 0;  // 0: world, n + 1: nation n
  int speed = 5;  // index into kSpeeds
  std::uint64_t seed = 0;
  std::vector<std::string> scenario_files;
  int compare_choice = 0;  // 0 none, 1 self, 2 + i: scenario_files[i]
  int ensemble_seeds = 8;
  std::string save_path = "session.yaml";
  std::string status;
  LeverPanelState levers;
  // Chart cache: rebuilt only when a snapshot or the scope changes.
  const void* cached_for[3] = {nullptr, nullptr, nullptr};
  int cached_scope = -1;
  std::vector<ChartData> charts;
};

constexpr double kSpeeds[] = {1, 2, 5, 12, 30, 0};
constexpr const char* kSpeedNames[] = {"1 month/s", "2 months/s", "5 months/s", "12 months/s", "30 months/s", "as fast as possible"};

std::string timestamp_name(const char* prefix, const char* ext) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(prefix) + buf + ext;
}

class App {
 public:
  explicit App(const ViewOptions& options) : opt_(options) {}
  int run();

 private:
  void open_session(const std::string& path);
  void start_compare(int choice);
  void draw(const Snapshot& snap);
  void draw_controls(const Snapshot& snap);
  void draw_charts(const Snapshot& snap, ImVec2 size);
  void rebuild_charts(const Snapshot& snap);
  void save_series(const Snapshot& snap, const std::string& file) const;
  /// Runs script actions until one must wait; returns false when the script asks to quit.
  bool advance_script(const Snapshot& snap);
  std::string scope_name(const ScenarioDef& def) const;

  ViewOptions opt_;
  std::shared_ptr<Session> session_;
  std::unique_ptr<SimRunner> runner_, compare_;
  std::string compare_label_;
  std::unique_ptr<EnsembleRunner> ensemble_;
  ViewerState ui_;
  std::vector<ScriptAction> script_;
  std::size_t script_pos_ = 0;
  int wait_frames_ = 0;
  int lever_mark_ = -1;  // levers_processed() before the script's pending `set`
  std::string screenshot_now_;  // written after this frame renders
  int exit_code_ = exit_code::ok;
  GLFWwindow* window_ = nullptr;
};

LeverHandler lever_handler(const std::shared_ptr<Session>& session) {
  return [session](Month at, const std::string& path, const std::string& value) { return session->pull(at, path, value); };
}

void App::open_session(const std::string& path) {
  auto session = std::make_shared<Session>(path, opt_.overrides);
  ScenarioDef def = session->def();
  ui_.seed = session->seed();
  if (runner_) runner_->restart(std::move(def), lever_handler(session));
  else runner_ = std::make_unique<SimRunner>(std::move(def), lever_handler(session));
  runner_->set_speed(kSpeeds[ui_.speed]);
  session_ = std::move(session);
  ui_.levers = {};
  ui_.scenario_files.clear();
  for (const auto& e : fs::directory_iterator(fs::absolute(path).parent_path()))
    if (e.path().extension() == ".yaml") ui_.scenario_files.push_back(e.path().string());
  std::sort(ui_.scenario_files.begin(), ui_.scenario_files.end());
}

void App::start_compare(int choice) {
  ensemble_.reset();  // one background run at a time keeps the two cores for the session
  compare_.reset();
  ui_.compare_choice = choice;
  if (choice == 0) return;
  try {
    ScenarioDef def;
    if (choice == 1) {
      def = session_->def_without_levers();
      compare_label_ = "this session without its levers";
    } else {
      const std::string& file = ui_.scenario_files[static_cast<std::size_t>(choice - 2)];
      def = Session(file, opt_.overrides).def_without_levers();
      compare_label_ = fs::path(file).filename().string();
    }
    compare_ = std::make_unique<SimRunner>(std::move(def));
    compare_->set_speed(0);
    compare_->play();
  } catch (const DiagnosticError& e) {
    ui_.status = "compare refused: " + (e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().str());
    ui_.compare_choice = 0;
  }
}

std::string App::scope_name(const ScenarioDef& def) const {
  if (ui_.scope <= 0 || ui_.scope > static_cast<int>(def.nations.size())) return "world";
  return "nation:" + def.nations[static_cast<std::size_t>(ui_.scope - 1)].id;
}

// [SECTION] Panels -----------------------------------------------------------------------------------

void App::draw_controls(const Snapshot& snap) {
  ImGui::Text("%s", snap.name.c_str());
  const Month last = snap.start + (snap.months_done() - 1);
  ImGui::Text("%s  month %d of %d", snap.months_done() > 0 ? last.str().c_str() : "(not started)", snap.months_done(), snap.total_months);
  ImGui::TextDisabled("%lld adopters, seed %llu, %.0f ms per month", static_cast<long long>(snap.adopters),
                      static_cast<unsigned long long>(snap.seed), snap.last_step_seconds * 1000);
  if (snap.building) ImGui::TextColored({1, 0.8f, 0.3f, 1}, "building the world...");
  if (!snap.error.empty()) ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%s", snap.error.c_str());
  ImGui::ProgressBar(snap.total_months > 0 ? static_cast<float>(snap.months_done()) / static_cast<float>(snap.total_months) : 0, {-1, 4}, "");

  if (snap.playing) {
    if (ImGui::Button("Pause", {70, 0})) runner_->pause();
  } else if (ImGui::Button("Play", {70, 0})) {
    runner_->play();
  }
  ImGui::SameLine();
  if (ImGui::Button("Step")) runner_->step_once();
  ImGui::SameLine();
  if (ImGui::Button("Restart")) {
    session_->set_seed(ui_.seed);
    runner_->restart([session = session_] { return session->def(); });
  }
  ImGui::SetNextItemWidth(200);
  if (ImGui::Combo("speed", &ui_.speed, kSpeedNames, IM_ARRAYSIZE(kSpeedNames))) runner_->set_speed(kSpeeds[ui_.speed]);
  ImGui::SetNextItemWidth(200);
  ImGui::InputScalar("seed", ImGuiDataType_U64, &ui_.seed);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("used by the next Restart");

  const std::string current = fs::path(session_->scenario_path()).filename().string();
  ImGui::SetNextItemWidth(200);
  if (ImGui::BeginCombo("scenario", current.c_str())) {
    for (const auto& f : ui_.scenario_files)
      if (ImGui::Selectable(fs::path(f).filename().string().c_str(), fs::path(f).filename() == current)) {
        try {
          open_session(f);
          start_compare(0);
        } catch (const DiagnosticError& e) {
          ui_.status = "scenario refused: " + (e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().str());
        }
      }
    ImGui::EndCombo();
  }
  const ScenarioDef& def = *snap.params;
  ImGui::SetNextItemWidth(200);
  const std::string scope = scope_name(def);
  if (ImGui::BeginCombo("charts for", scope.c_str())) {
    if (ImGui::Selectable("world", ui_.scope == 0)) ui_.scope = 0;
    for (std::size_t n = 0; n < def.nations.size(); ++n)
      if (ImGui::Selectable(def.nations[n].name.c_str(), ui_.scope == static_cast<int>(n) + 1)) ui_.scope = static_cast<int>(n) + 1;
    ImGui::EndCombo();
  }

  ImGui::Separator();
  std::string compare_name = ui_.compare_choice == 0 ? "none" : ui_.compare_choice == 1 ? "this session without levers" : compare_label_;
  ImGui::SetNextItemWidth(200);
  if (ImGui::BeginCombo("compare", compare_name.c_str())) {
    if (ImGui::Selectable("none", ui_.compare_choice == 0)) start_compare(0);
    if (ImGui::Selectable("this session without levers", ui_.compare_choice == 1)) start_compare(1);
    for (std::size_t i = 0; i < ui_.scenario_files.size(); ++i)
      if (ImGui::Selectable(fs::path(ui_.scenario_files[i]).filename().string().c_str(), ui_.compare_choice == static_cast<int>(i) + 2))
        start_compare(static_cast<int>(i) + 2);
    ImGui::EndCombo();
  }
  if (compare_) {
    auto c = compare_->snapshot();
    ImGui::TextDisabled("dashed: %s, %d/%d months", compare_label_.c_str(), c->months_done(), c->total_months);
  }
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("##seeds", &ui_.ensemble_seeds);
  ui_.ensemble_seeds = std::clamp(ui_.ensemble_seeds, 2, 64);
  ImGui::SameLine();
  if (ImGui::Button("Run seeds (band)")) {
    compare_.reset();
    ui_.compare_choice = 0;
    ScenarioDef d = session_->def();
    d.seed = ui_.seed;
    ensemble_ = std::make_unique<EnsembleRunner>(std::move(d), ui_.ensemble_seeds);
  }
  if (ensemble_) {
    auto e = ensemble_->snapshot();
    ImGui::TextDisabled("band: %d seeds, mean and 5-95%%, %zu/%d months", e->seeds, e->months.size(), e->total_months);
    if (!e->error.empty()) ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%s", e->error.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) ensemble_.reset();
  }

  ImGui::Separator();
  if (ImGui::Button("Screenshot")) screenshot_now_ = timestamp_name("geosim-", ".png");
  ImGui::SetNextItemWidth(170);
  ImGui::InputText("##save", &ui_.save_path);
  ImGui::SameLine();
  if (ImGui::Button("Save as scenario")) {
    try {
      session_->save(ui_.save_path);
      save_series(snap, fs::path(ui_.save_path).replace_extension(".series.csv").string());
      ui_.status = "wrote " + ui_.save_path + " and its series so far";
    } catch (const std::exception& e) {
      ui_.status = e.what();
    }
  }
  if (!ui_.status.empty()) ImGui::TextWrapped("%s", ui_.status.c_str());
  const std::string lever_message = runner_->last_message();
  if (!lever_message.empty()) ImGui::TextWrapped("last lever: %s", lever_message.c_str());

  ImGui::Separator();
  draw_levers(ui_.levers, def, snap.months_done(), [this](const std::string& path, const std::string& value) { runner_->pull_lever(path, value); });
  const auto pulls = session_->pulls();
  if (!pulls.empty() && ImGui::CollapsingHeader("Levers pulled (timed events)", ImGuiTreeNodeFlags_DefaultOpen))
    for (const auto& p : pulls) ImGui::BulletText("%s  %s = %s", p.at.str().c_str(), p.path.c_str(), p.value.c_str());
}

void App::rebuild_charts(const Snapshot& snap) {
  auto cmp = compare_ ? compare_->snapshot() : nullptr;
  auto ens = ensemble_ ? ensemble_->snapshot() : nullptr;
  const void* keys[3] = {&snap, cmp.get(), ens.get()};
  if (std::equal(keys, keys + 3, ui_.cached_for) && ui_.cached_scope == ui_.scope) return;
  std::copy(keys, keys + 3, ui_.cached_for);
  ui_.cached_scope = ui_.scope;
  ui_.charts.clear();
  for (const auto& def : chart_defs(*snap.params, scope_name(*snap.params))) {
    ChartData chart{def.title, def.unit, snap.start, snap.total_months, {}};
    for (const auto& line : def.lines) {
      const std::string key = output_key(line.scope, line.metric);
      ChartSeries s{line.label, line.colour, series_of(snap.months, key, snap.start, snap.total_months), {}, {}, {}, {}};
      if (cmp) s.compare = series_of(cmp->months, key, snap.start, snap.total_months);
      if (ens) {
        const std::size_t n = ens->months.size();
        s.band_low.assign(n, NAN), s.band_mean.assign(n, NAN), s.band_high.assign(n, NAN);
        for (std::size_t i = 0; i < n; ++i)
          if (auto it = ens->months[i]->stats.find(key); it != ens->months[i]->stats.end())
            s.band_low[i] = it->second.low, s.band_mean[i] = it->second.mean, s.band_high[i] = it->second.high;
      }
      chart.series.push_back(std::move(s));
    }
    ui_.charts.push_back(std::move(chart));
  }
}

void App::draw_charts(const Snapshot& snap, ImVec2 size) {
  if (!snap.params) return;
  rebuild_charts(snap);
  const int columns = 4, rows = static_cast<int>((ui_.charts.size() + columns - 1) / columns);
  const float gap = 6;
  const ImVec2 cell{(size.x - gap * (columns - 1)) / columns, (size.y - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows)};
  for (std::size_t i = 0; i < ui_.charts.size(); ++i) {
    if (i % columns != 0) ImGui::SameLine(0, gap);
    draw_chart(("chart" + std::to_string(i)).c_str(), ui_.charts[i], cell);
  }
}

void App::draw(const Snapshot& snap) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("geosim view", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::BeginChild("controls", {360, 0}, true);
  draw_controls(snap);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("views", {0, 0}, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float charts_h = std::floor(avail.y * 0.6f);
  draw_charts(snap, {avail.x, charts_h});
  if (snap.dependency) draw_dependency_view("dependency", *snap.dependency, {avail.x, avail.y - charts_h - 6});
  else draw_dependency_view("dependency", DependencyData{}, {avail.x, avail.y - charts_h - 6});
  ImGui::EndChild();
  ImGui::End();
}

void App::save_series(const Snapshot& snap, const std::string& file) const {
  SeriesWriter out(file);
  for (const auto& f : snap.months) out.write(f->month, f->rows);
  out.close();
}

// [SECTION] Headless script --------------------------------------------------------------------------

bool App::advance_script(const Snapshot& snap) {
  using K = ScriptAction::Kind;
  while (script_pos_ < script_.size()) {
    const ScriptAction& a = script_[script_pos_];
    auto where = [&] { return opt_.script + ":" + std::to_string(a.line) + ": "; };
    switch (a.kind) {
      case K::play: runner_->play(); break;
      case K::pause: runner_->pause(); break;
      case K::step: runner_->step_once(); break;
      case K::run_to:  // a month outside the run was refused before the window opened (check_script_can_finish)
        if (snap.months_done() == 0 || snap.start + (snap.months_done() - 1) < a.month) {
          if (!snap.playing) runner_->run_to(a.month);
          return true;
        }
        if (snap.playing) return true;
        break;
      case K::wait_end:
        if (!snap.finished()) {
          if (!snap.error.empty()) {
            std::fprintf(stderr, "geosim view: %s%s\n", where().c_str(), snap.error.c_str());
            exit_code_ = exit_code::internal_failure;
            return false;
          }
          return true;
        }
        break;
      case K::frames:
        if (wait_frames_ == 0) wait_frames_ = a.count;
        if (--wait_frames_ > 0) return true;
        break;
      case K::set:
        if (lever_mark_ < 0) {
          lever_mark_ = runner_->levers_processed();
          runner_->pull_lever(a.arg, a.value);
          return true;
        }
        if (runner_->levers_processed() <= lever_mark_) return true;
        lever_mark_ = -1;
        if (runner_->levers_refused() > 0) {
          std::fprintf(stderr, "geosim view: %s%s\n", where().c_str(), runner_->last_message().c_str());
          exit_code_ = exit_code::bad_input;
          return false;
        }
        std::printf("geosim view: %s\n", runner_->last_message().c_str());
        break;
      case K::compare: {
        if (a.arg == "self") {
          start_compare(1);
        } else {
          ui_.scenario_files.push_back(a.arg);
          start_compare(static_cast<int>(ui_.scenario_files.size()) + 1);
        }
        if (!compare_) {
          std::fprintf(stderr, "geosim view: %s%s\n", where().c_str(), ui_.status.c_str());
          exit_code_ = exit_code::bad_input;
          return false;
        }
        break;
      }
      case K::ensemble: {
        ScenarioDef d = session_->def();
        ensemble_ = std::make_unique<EnsembleRunner>(std::move(d), std::max(2, a.count));
        break;
      }
      case K::wait_compare:
        if (compare_ && !compare_->snapshot()->finished()) return true;
        break;
      case K::wait_ensemble:
        if (ensemble_ && !ensemble_->snapshot()->finished()) return true;
        break;
      case K::save_scenario:
      case K::save_series:
        try {
          if (a.kind == K::save_scenario) session_->save(a.arg);
          else save_series(snap, a.arg);
          std::printf("geosim view: wrote %s\n", a.arg.c_str());
        } catch (const std::exception& e) {
          std::fprintf(stderr, "geosim view: %s%s\n", where().c_str(), e.what());
          exit_code_ = exit_code::internal_failure;
          return false;
        }
        break;
      case K::screenshot: screenshot_now_ = a.arg; break;
      case K::quit: ++script_pos_; return false;
    }
    ++script_pos_;
    // A screenshot is taken after this frame renders; the next action waits for the next frame.
    if (a.kind == K::screenshot) return true;
  }
  return true;
}

// [SECTION] Window loop ------------------------------------------------------------------------------

void glfw_error(int code, const char* text) {
  std::fprintf(stderr, "geosim view: GLFW error %d: %s\n", code, text);
}

/// Whether a tooltip window (a hover read-out) was drawn in the frame just ended.
bool tooltip_drawn() {
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if ((w->Flags & ImGuiWindowFlags_Tooltip) && w->Active) return true;
  return false;
}

int App::run() {
  if (!opt_.script.empty()) {
    try {
      script_ = load_script(opt_.script);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "geosim view: %s\n", e.what());
      return exit_code::bad_input;
    }
  }
  try {
    open_session(opt_.scenario);
  } catch (const DiagnosticError& e) {
    print_refusal(e);
    return exit_code::bad_input;
  }
  try {
    check_script_can_finish(script_, session_->def().start, session_->def().months, opt_.play, opt_.script);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "geosim view: %s\n", e.what());
    return exit_code::bad_input;
  }
  runner_->set_speed(opt_.speed);
  ui_.speed = IM_ARRAYSIZE(kSpeeds) - 1;
  for (int i = 0; i < IM_ARRAYSIZE(kSpeeds); ++i)
    if (kSpeeds[i] == opt_.speed) ui_.speed = i;
  if (opt_.play || (opt_.frames > 0 && script_.empty())) runner_->play();
  if (!opt_.compare.empty()) {
    if (opt_.compare == "self") start_compare(1);
    else ui_.scenario_files.push_back(opt_.compare), start_compare(static_cast<int>(ui_.scenario_files.size()) + 1);
    if (!compare_) {
      std::fprintf(stderr, "geosim view: --compare %s: %s\n", opt_.compare.c_str(), ui_.status.c_str());
      return exit_code::bad_input;
    }
  }
  if (opt_.ensemble > 1) ensemble_ = std::make_unique<EnsembleRunner>(session_->def(), opt_.ensemble);

  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "geosim view: cannot open a window (no display?); on a machine without one, run it under xvfb-run\n");
    return exit_code::internal_failure;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  window_ = glfwCreateWindow(opt_.width, opt_.height, ("geosim view: " + opt_.scenario).c_str(), nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "geosim view: cannot create an OpenGL 3.0 window; check the graphics driver (or run under xvfb-run)\n");
    glfwTerminate();
    return exit_code::internal_failure;
  }
  glfwMakeContextCurrent(window_);
  const bool headless = opt_.frames > 0 || !script_.empty();
  glfwSwapInterval(headless ? 0 : 1);  // headless runs measure the frame itself, not the display's refresh
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; nothing to remember
  // Nobody holds the mouse in a headless run, but Xvfb still puts the pointer mid-screen, over some
  // chart whose hover read-out would then cover part of every scripted screenshot.
  if (headless) ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouse;
  // Test hook (tests/viz): GEOSIM_VIEW_TEST_POINTER=X,Y holds the pointer at that point of the
  // window every frame, and the run reports how often the pointer was seen and a tooltip drawn.
  double pointer_x = 0, pointer_y = 0;
  const char* pointer_env = std::getenv("GEOSIM_VIEW_TEST_POINTER");
  const bool hold_pointer = pointer_env && std::sscanf(pointer_env, "%lf,%lf", &pointer_x, &pointer_y) == 2;
  int pointer_frames = 0, tooltip_frames = 0;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  std::vector<double> frame_ms;
  int frame = 0;
  bool keep_going = true;
  auto previous = std::chrono::steady_clock::now();
  // A script that waits for what never comes (a failed simulation, say) must not spin for ever.
  const auto script_started = previous;
  while (keep_going && !glfwWindowShouldClose(window_)) {
    if (hold_pointer) glfwSetCursorPos(window_, pointer_x, pointer_y);
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // What the backend read from the pointer, before NoMouse clears it in NewFrame.
    if (hold_pointer && ImGui::IsMousePosValid() && ImGui::GetIO().MousePos.x >= 0 && ImGui::GetIO().MousePos.y >= 0) ++pointer_frames;
    ImGui::NewFrame();
    // One snapshot for the whole frame: whatever the simulation does meanwhile, this frame is consistent.
    const std::shared_ptr<const Snapshot> snap = runner_->snapshot();
    draw(*snap);
    if (!script_.empty() && script_pos_ < script_.size()) {
      keep_going = advance_script(*snap);
      const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - script_started).count();
      if (keep_going && script_pos_ < script_.size() && opt_.script_timeout > 0 && waited >= opt_.script_timeout) {
        const ScriptAction& at = script_[script_pos_];
        std::fprintf(stderr, "geosim view: %s:%d: the script has not finished after %.0f s (--script-timeout %g); it was waiting at '%s', %d of %d months simulated\n",
                     opt_.script.c_str(), at.line, waited, opt_.script_timeout, at.text.c_str(), snap->months_done(), snap->total_months);
        exit_code_ = exit_code::internal_failure;
        keep_going = false;
      } else if (keep_going && script_pos_ == script_.size() && opt_.frames == 0) {
        // Without 'quit' the window is the user's now: say so, and draw at the display's pace again.
        std::fprintf(stderr, "geosim view: %s: the script has ended without 'quit'; the window stays open until it is closed\n", opt_.script.c_str());
        glfwSwapInterval(1);
        ImGui::GetIO().ConfigFlags &= ~ImGuiConfigFlags_NoMouse;
      }
    }
    ImGui::Render();
    if (hold_pointer && tooltip_drawn()) ++tooltip_frames;
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.08f, 0.08f, 0.09f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++frame;
    const bool last = opt_.frames > 0 && frame >= opt_.frames;
    if (last && !opt_.screenshot.empty()) screenshot_now_ = opt_.screenshot;
    if (!screenshot_now_.empty()) {
      try {
        write_png(screenshot_now_, capture_framebuffer(w, h));
        std::printf("geosim view: wrote %s (%dx%d)\n", screenshot_now_.c_str(), w, h);
        ui_.status = "wrote " + screenshot_now_;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "geosim view: %s\n", e.what());
        ui_.status = e.what();
        if (headless) exit_code_ = exit_code::internal_failure;
      }
      screenshot_now_.clear();
    }
    glfwSwapBuffers(window_);
    const auto now = std::chrono::steady_clock::now();
    frame_ms.push_back(std::chrono::duration<double, std::milli>(now - previous).count());
    previous = now;
    if (last) keep_going = false;
  }
  if (opt_.frame_stats && frame_ms.size() > 20) {
    // The first frames build the font atlas and shaders; they say nothing about steady state.
    std::vector<double> steady(frame_ms.begin() + 10, frame_ms.end());
    std::sort(steady.begin(), steady.end());
    auto snap = runner_->snapshot();
    std::printf("geosim view: %zu frames, frame time median %.2f ms, 95th percentile %.2f ms; %d months simulated meanwhile, "
                "%lld adopters\n",
                steady.size(), quantile(steady, 0.5), quantile(steady, 0.95), snap->months_done(), static_cast<long long>(snap->adopters));
  }
  if (hold_pointer)
    std::printf("geosim view: test pointer held at %g,%g: seen in %d of %d frames, a tooltip drawn in %d\n", pointer_x, pointer_y, pointer_frames,
                frame, tooltip_frames);
  if (script_pos_ < script_.size() && exit_code_ == 0 && opt_.frames > 0) {
    std::fprintf(stderr, "geosim view: %s:%d: the script had not finished after %d frames\n", opt_.script.c_str(), script_[script_pos_].line,
                 opt_.frames);
    exit_code_ = exit_code::internal_failure;
  }
  // Stop the simulations before the window goes: their threads may be mid-month.
  ensemble_.reset();
  compare_.reset();
  runner_.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return exit_code_;
}

}  // namespace

int run_viewer(const ViewOptions& options) {
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  App app(options);
  return app.run();
}

}  // namespace geosim::viz
