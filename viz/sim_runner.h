#pragma once
// The simulation thread: owns a World, steps it when asked, and publishes an immutable Snapshot after
// every month. The interface only posts commands and reads the latest snapshot; a month in progress
// never blocks it (commands are queued under a lock held for microseconds, never during a step).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "viz/snapshot.h"

namespace geosim::viz {

/// Turns a lever pull into the event a running world adds, for month `at` (the next to simulate);
/// throws with a message for the user when the pull is refused.
using LeverHandler = std::function<EventDef(Month at, const std::string& path, const std::string& value)>;

/// Runs one simulation on its own thread.
class SimRunner {
 public:
  /// Starts the thread, which builds the world from `def` and waits (paused) for commands.
  explicit SimRunner(ScenarioDef def, LeverHandler levers = {});
  ~SimRunner();
  SimRunner(const SimRunner&) = delete;
  SimRunner& operator=(const SimRunner&) = delete;

  /// The latest snapshot; never null, never blocks on a step.
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }

  void play();
  void pause();
  /// Simulates one more month, then pauses.
  void step_once();
  /// Plays until `month` has been simulated, then pauses.
  void run_to(Month month);
  /// Months per second while playing; 0: as fast as the machine goes.
  void set_speed(double months_per_second);
  /// Throws the history away and starts again from `def` (paused); `levers`, when given, replaces the
  /// lever handler (a new session).
  void restart(ScenarioDef def, LeverHandler levers = {});
  /// The same, with the scenario made on the simulation thread once any lever pull it is busy with
  /// has been recorded: a session's restart then includes every lever pulled before it.
  void restart(std::function<ScenarioDef()> make_def);
  /// Queues a lever pull; it takes effect in the month after the one being simulated (or the next
  /// month, when paused). The outcome is reported by last_message().
  void pull_lever(const std::string& path, const std::string& value);
  /// The last message about a lever pull (applied or refused), for the status line.
  std::string last_message() const;
  /// Lever pulls handled so far, and how many of them were refused.
  int levers_processed() const { return levers_processed_.load(); }
  int levers_refused() const { return levers_refused_.load(); }

 private:
  struct LeverRequest {
    std::string path, value;
  };
  void loop();
  void publish(bool building);

  LeverHandler levers_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // Commands, guarded by mutex_.
  bool quit_ = false;
  bool playing_ = false;
  int steps_requested_ = 0;
  std::optional<Month> run_to_;
  double speed_ = 0;
  std::function<ScenarioDef()> restart_def_;  // makes the scenario of a pending restart
  LeverHandler restart_levers_;
  std::vector<LeverRequest> lever_requests_;
  std::string message_;

  // Owned by the simulation thread.
  ScenarioDef def_;
  std::unique_ptr<World> world_;
  std::vector<std::shared_ptr<const MonthFrame>> frames_;
  std::shared_ptr<const DependencyData> dependency_;
  std::uint64_t generation_ = 0;
  std::string error_;
  double last_step_seconds_ = 0;
  std::atomic<int> levers_processed_{0}, levers_refused_{0};

  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::thread thread_;
};

/// Who depends on whom after the world's last month (flows for the dependency view).
DependencyData dependency_of(const World& world);

}  // namespace geosim::viz
