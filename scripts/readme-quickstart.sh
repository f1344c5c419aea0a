#!/usr/bin/env bash
# Runs the README's quick start verbatim, as a new user would on a fresh clone: `npm start` (the
# README's first command, after `npm ci`, which .ci/run has done), then the commands of the README's
# "Try it" block, taken from between its <!-- try-it --> markers, and checks their output.
# .ci/run calls it on the clean clone; it leaves no server running.
set -euo pipefail
cd "$(dirname "$0")/.."

block=$(awk '/<!-- try-it -->/{f=1;next} /<!-- \/try-it -->/{f=0} f' README.md | sed '/^```/d')
[ -n "$block" ] || { echo "readme-quickstart: no <!-- try-it --> block in README.md" >&2; exit 1; }

log=$(mktemp)
# In a session of its own, so the whole of npm, its shell and the server stop together at the end.
setsid npm start >"$log" 2>&1 &
server=$!
trap 'kill -- -$server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 180); do
  if grep -q '^ready:' "$log"; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$log" >&2; echo "readme-quickstart: npm start exited" >&2; exit 1; fi
  sleep 1
done
grep -q '^ready:' "$log" || { cat "$log" >&2; echo "readme-quickstart: not ready after 180 s" >&2; exit 1; }
grep -q 'First start' "$log" || { echo "readme-quickstart: the first start did not print an admin key" >&2; exit 1; }

echo "== the README's try-it block"
echo "$block"
out=$(bash -euo pipefail -c "$block")
printf '%.2000s\n' "$out"
echo "$out" | node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const ok = r.stalking_flag === true && r.flags.includes("MISSED_STALKING") && r.indicators.some((i) => i.source === "model" && i.spans.length);
  if (!ok) { console.error("readme-quickstart: the example was not flagged with model evidence"); process.exit(1); }
  console.log("readme-quickstart: ok (score " + r.stalking_score + ", flags " + r.flags.join(",") + ")");
'
