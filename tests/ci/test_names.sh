#!/usr/bin/env bash
# Fails when a doctest case name holds a ';': CMake splits the name there when it registers the case
# with CTest, and the halves match no case, so CTest reports a pass for a test that never ran.
# Usage: test_names.sh DOCTEST_BINARY...
set -euo pipefail
bad=0
for bin in "$@"; do
  names=$("$bin" --list-test-cases --no-intro)
  if grep -n ';' <<<"$names"; then
    echo "$bin: the test case names above hold ';'; use ',' (CTest would never run them)" >&2
    bad=1
  fi
done
exit $bad
