#!/usr/bin/env bash
# GoogleTest via CTest (normal and ASan+UBSan), then a short libFuzzer smoke run
# of every fuzz target. Build trees live in build-native/.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_RUNS=${FUZZ_RUNS:-20000}

echo "== ctest (RelWithDebInfo)"
cmake -S . -B build-native/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTMP_WERROR=ON >/dev/null
cmake --build build-native/release -j"$JOBS"
ctest --test-dir build-native/release -j"$JOBS" --output-on-failure

echo "== ctest (ASan+UBSan)"
cmake -S . -B build-native/asan -DCMAKE_BUILD_TYPE=Debug -DRTMP_SANITIZE=ON >/dev/null
cmake --build build-native/asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-native/asan -j"$JOBS" --output-on-failure

echo "== fuzz smoke ($FUZZ_RUNS runs per target)"
cmake -S . -B build-native/fuzz -DFUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-native/fuzz -j"$JOBS"
shopt -s nullglob
fuzzers=(build-native/fuzz/fuzz_*)
for f in "${fuzzers[@]}"; do
  name=$(basename "$f"); name=${name#fuzz_}
  # libFuzzer writes new inputs into its first corpus folder: give it a scratch
  # one, so the seeds in fuzz/corpus/ are read but never added to.
  scratch="build-native/fuzz/corpus-run/$name"
  rm -rf "$scratch" && mkdir -p "$scratch"
  corpus=("$scratch")
  [[ -d "fuzz/corpus/$name" ]] && corpus+=("fuzz/corpus/$name")
  "$f" -runs="$FUZZ_RUNS" -seed=1 -max_len=65536 "${corpus[@]}" 2>"build-native/fuzz/$name.log" || {
    echo "fuzz target $name failed:"; tail -40 "build-native/fuzz/$name.log"; exit 1; }
  echo "fuzz $name: $(grep -Eo 'Done [0-9]+ runs' "build-native/fuzz/$name.log" | tail -1), no crash"
done
echo "fuzz: ${#fuzzers[@]} targets passed"
