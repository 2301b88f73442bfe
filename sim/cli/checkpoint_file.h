#pragma once
// Checkpoint files: a run's whole state at the start of a month, the scenario it came from and the
// series so far, behind a format version and a checksum.
#include <string>

#include "core/month.h"

namespace geosim {

/// The first bytes of every checkpoint file.
inline constexpr char checkpoint_magic[8] = {'G', 'E', 'O', 'S', 'I', 'M', 'C', 'P'};

/// What a checkpoint file holds.
struct CheckpointFile {
  std::string scenario_name;
  std::string scenario_yaml;  // the resolved scenario the run started from
  Month month;                // the next month to simulate
  std::string series;         // series.csv up to the month before `month`, header included
  std::string state;          // World::save_state
};

/// Writes a checkpoint atomically (core/output_file.h); throws WriteFailure.
void write_checkpoint(const std::string& path, const CheckpointFile& checkpoint);

/// Reads a checkpoint; throws BadInput with a message naming the file and the problem (missing, not a
/// regular file, not a checkpoint, other format version, truncated, corrupted).
CheckpointFile read_checkpoint(const std::string& path);

}  // namespace geosim
