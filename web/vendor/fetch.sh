#!/usr/bin/env bash
# Fetches the pinned third-party browser files listed in vendor.lock from the npm registry,
# verifies every tarball against its recorded sha512 integrity, and writes them under web/vendor.
#
#   web/vendor/fetch.sh           refresh the committed files
#   web/vendor/fetch.sh --check   verify that the committed files are exactly the registry's
#                                 (CI runs this; exit 1 names the first file that differs)
#
# Needs `npm` (for `npm pack`), `sha512sum`, `python3` and `tar`. `cargo run` never needs them:
# the files are committed and compiled into the binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mode="${1:-write}"
command -v npm >/dev/null || { echo "fetch.sh: npm is required (apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

declare -A unpacked=()
status=0
while read -r package version integrity source arrow target; do
  [[ -z "${package:-}" || "$package" == \#* ]] && continue
  [[ "$arrow" == "->" ]] || { echo "vendor.lock: malformed line for $package" >&2; exit 1; }
  key="$package@$version"
  if [[ -z "${unpacked[$key]:-}" ]]; then
    dir="$work/${#unpacked[@]}"
    mkdir -p "$dir"
    tarball="$(cd "$dir" && npm pack --silent "$key")"
    actual="sha512-$(sha512sum "$dir/$tarball" | cut -d' ' -f1 | python3 -c 'import base64, sys; print(base64.b64encode(bytes.fromhex(sys.stdin.read().strip())).decode())')"
    if [[ "$actual" != "$integrity" ]]; then
      echo "fetch.sh: $key: integrity mismatch (expected $integrity, got $actual)" >&2
      exit 1
    fi
    tar xzf "$dir/$tarball" -C "$dir"
    unpacked[$key]="$dir/package"
  fi
  from="${unpacked[$key]}/$source"
  to="$here/$target"
  if [[ "$mode" == "--check" ]]; then
    if ! cmp -s "$from" "$to"; then
      echo "fetch.sh --check: web/vendor/$target differs from $key $source" >&2
      status=1
    fi
  else
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
    echo "web/vendor/$target <- $key $source"
  fi
done < "$here/vendor.lock"
[[ "$mode" == "--check" && $status -eq 0 ]] && echo "web/vendor matches vendor.lock"
exit $status
