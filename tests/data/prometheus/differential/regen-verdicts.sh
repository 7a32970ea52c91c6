#!/usr/bin/env bash
# Records real promtool's verdict on each minimal case of this folder in verdicts.tsv.
# Usage: ./regen-verdicts.sh [path-to-promtool]   (default: promtool on PATH; use 2.42's)
set -u
cd "$(dirname "$0")"
PROMTOOL="${1:-promtool}"
export LC_ALL=C
tmp=$(mktemp)
printf 'kind\tfile\texit_code_syntax_only\tfirst_error_line\n' >"$tmp"
for f in *.yml; do
  out=$(timeout 10 "$PROMTOOL" check config --syntax-only "$f" 2>&1)
  code=$?
  e=""
  if [ "$code" != 0 ]; then
    e=$(printf '%s\n' "$out" | grep -m1 -A1 FAILED | tr -d '\t\r' | tr '\n' ' ' | sed 's/^ *//; s/ *$//' | cut -c1-300)
  fi
  printf 'config\tdifferential/%s\t%s\t%s\n' "$f" "$code" "$e" >>"$tmp"
done
mv "$tmp" verdicts.tsv
echo "wrote $(($(wc -l <verdicts.tsv) - 1)) verdicts with $("$PROMTOOL" --version 2>&1 | head -1)"
