#!/usr/bin/env bash
# geosim set-up: install Debian packages (only those missing), build, then run the baseline or the tests.
# Usage: ./setup.sh run            install, build, run scenarios/baseline.yaml
#        ./setup.sh test           install, build, run the test suite (what .ci/run calls first)
#        ./setup.sh build          install and build only
#        ./setup.sh sanitize       the test suite under ASan + UBSan, and under TSan (build-asan/, build-tsan/)
#        ./setup.sh fuzz [SECONDS] fuzz the scenario loader with libFuzzer for SECONDS (default 60)
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-run}
case $mode in run|test|build|sanitize|fuzz) ;; *) echo "usage: $0 run|test|build|sanitize|fuzz [SECONDS]" >&2; exit 2 ;; esac

# One list, read by humans and by this script: what geosim builds and tests with.
packages=(
  g++ make cmake pkg-config
  libtbb-dev libyaml-cpp-dev librandom123-dev libcli11-dev doctest-dev
  libsqlite3-dev libeigen3-dev libopenmpi-dev openmpi-bin libplplot-dev libnlopt-cxx-dev
  libimgui-dev libglfw3-dev libgl-dev libpng-dev xvfb xauth  # geosim view and its tests (off: -DGEOSIM_VIEWER=OFF)
  python3 python3-yaml  # tests/reference: the model re-implemented from docs/model.md, checked against geosim
  python3-dev python3-pybind11 python3-numpy python3-pandas  # import geosim (analysis/python; off: -DGEOSIM_PYTHON=OFF)
  python3-matplotlib python3-nbconvert python3-ipykernel    # docs/examples/, the notebook CI executes
  python3-sklearn       # the scenario-discovery tests' oracle (tests/python/test_discovery.py)
  groff-base  # renders the generated man page in its test (tests/cli/test_command_docs.cpp)
)
# The sanitizer and fuzzing stages also need clang and its runtime (libFuzzer).
if [[ $mode == sanitize || $mode == fuzz ]]; then packages+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "geosim: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "geosim: these Debian packages are missing: ${missing[*]}" >&2
    echo "geosim: run this, then run $0 $mode again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
# `import geosim` for Debian's /usr/bin/python3: into its site folder for /usr/local as root, else into
# the user's own site folder (both on its path), by CMake's install rules rather than pip.
if [[ $(id -u) -eq 0 ]]; then site=$(/usr/bin/python3 -c "import sysconfig; print(sysconfig.get_path('purelib', 'posix_local'))")
else site=$(/usr/bin/python3 -m site --user-site); fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGEOSIM_PYTHON_SITE="$site"
cmake --build build -j "$jobs"
if [[ $mode == run || $mode == test || $mode == build ]]; then
  cmake --install build --component python >/dev/null
  echo "geosim: installed the Python package into $site/geosim (import geosim)"
fi

case $mode in
  run)      build/geosim run scenarios/baseline.yaml ;;
  test)     ctest --test-dir build --output-on-failure -j "$jobs" ;;
  build)    ;;
  sanitize) tests/ci/sanitizers.sh ;;
  fuzz)     tests/fuzz/run.sh "${2:-60}" ;;
esac
