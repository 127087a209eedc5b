#!/usr/bin/env bash
# Keeps the house in shape: the include layering of native/ (DESIGN.md, "Folders")
# and the formatting pinned by .clang-format. Fails with one line per offence.
#   bash scripts/check-layout.sh            both checks
#   bash scripts/check-layout.sh --fix      reformat in place instead of failing on format
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
offend() {
  echo "layout: $*" >&2
  fail=1
}

# Which project folders each native/ folder may include from ("quoted" includes).
# A folder not listed here may include any project folder, but the system-header
# rules below still hold for it.
declare -A allowed=(
  [base]="base"
  [protocol]="base protocol"
  [media]="base media"
  [tls]="base tls"
  [net]="base net"
  [mux]="base media mux"
  [hls]="base media mux hls"
  [client]="base protocol media net tls client"
  [server]="base protocol media tls net mux hls decode server"
  [decode]="base media decode"
)

for dir in native/*/; do
  folder=$(basename "$dir")
  while IFS=: read -r file line text; do
    inc=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
    top=${inc%%/*}
    [[ "$inc" == */* ]] || continue  # same-folder include without a prefix
    [[ -d "native/$top" ]] || continue
    if [[ -n "${allowed[$folder]:-}" && " ${allowed[$folder]} " != *" $top "* ]]; then
      offend "$file:$line: native/$folder/ must not include $inc (allowed: ${allowed[$folder]})"
    fi
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir" || true)
done

# libuv only in net/ (binding may name Node's loop); Node-API only in binding/.
while IFS=: read -r file line _; do
  case "$file" in native/net/* | native/binding/*) ;; *) offend "$file:$line: uv.h outside native/net/" ;; esac
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]uv\.h[>"]' native test/native fuzz bench || true)
while IFS=: read -r file line _; do
  case "$file" in native/binding/*) ;; *) offend "$file:$line: Node-API outside native/binding/" ;; esac
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](napi|node_api|node_api_types|js_native_api)\.h[>"]' native test/native fuzz bench || true)

# Formatting: every tracked C++ file matches .clang-format.
mapfile -t cxx < <(git ls-files -- 'native/*.h' 'native/*.cc' 'test/native/*.h' 'test/native/*.cc' \
  'fuzz/*.cc' 'fuzz/*.h' 'bench/*.cc' 'bench/*.h')
if ! command -v clang-format >/dev/null; then
  offend "clang-format is not installed (bash scripts/setup.sh --test installs it)"
elif [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${cxx[@]}"
else
  # One run over all files; its warnings name each file that would change.
  while read -r f; do
    offend "$f: not formatted (bash scripts/check-layout.sh --fix)"
  done < <(clang-format --dry-run -Werror "${cxx[@]}" 2>&1 | grep -oE '^[^: ]+\.(h|cc):[0-9]+' |
    cut -d: -f1 | sort -u || true)
fi

if ((fail)); then exit 1; fi
echo "layout: include layering and formatting of ${#cxx[@]} C++ files OK"
