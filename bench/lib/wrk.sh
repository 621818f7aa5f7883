# Sourced by the load benchmarks. `measure URL` warms URL with one request, loads it with wrk
# for $DURATION seconds at $CONNECTIONS connections (wrk's output kept in $work/wrk.txt), and
# prints "requests/s p50_ms p99_ms non_2xx_3xx". `measure URL SCRIPT` runs the wrk lua SCRIPT,
# which picks each request's path itself (URL then names the server and is what is warmed).
measure() {
  local url=$1 script=${2:-}
  curl -fs "$url" >/dev/null  # warm the cache
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency ${script:+-s "$script"} "$url" >"$work/wrk.txt"
  python3 - "$work/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {ms('50'):.2f} {ms('99'):.2f} {errors.group(1) if errors else 0}")
PY
}
