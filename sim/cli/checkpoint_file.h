#pragma once
// Checkpoint files: a run's whole state at the start of a month, the scenario it came from and the
// series so far, behind a format version and a checksum.
#include <string>

#include "core/month.h"

namespace geosim {

/// What a checkpoint file holds.
struct CheckpointFile {
  std::string scenario_name;
  std::string scenario_yaml;  // the resolved scenario the run started from
  Month month;                // the next month to simulate
  std::string series;         // series.csv up to the month before `month`, header included
  std::string state;          // World::save_state
};

/// Writes a checkpoint atomically (to a temporary file, then renamed); throws std::runtime_error.
void write_checkpoint(const std::string& path, const CheckpointFile& checkpoint);

/// Reads a checkpoint; throws std::runtime_error with a message naming the file and the problem
/// (missing, not a checkpoint, other format version, truncated, corrupted).
CheckpointFile read_checkpoint(const std::string& path);

}  // namespace geosim
