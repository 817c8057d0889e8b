#!/usr/bin/env bash
# bench.sh - measure riskmc against a vectorised NumPy implementation of the
# same model (bench/detention_numpy.py), on this machine, in one run.
#
#   make bench                 (BENCH_TRIALS=20000 BENCH_BIG=1000000 by default)
#
# Prints: trials per second of riskmc at 1 and 2 threads and of NumPy on the
# baseline, the ratios, random draws per trial and nanoseconds per draw, the
# growth of run time with trials and with the horizon, the peak memory of a
# 1,000,000-trial run, and what two independent processes achieve on this
# machine (the ceiling any two-thread speed-up can reach here).
set -eu
BIN=${1:-bin/riskmc}
N=${BENCH_TRIALS:-20000}
BIG=${BENCH_BIG:-1000000}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/riskmc-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
SC=scenarios/baseline.ini

# wall seconds (to the millisecond) and peak resident KiB of a command: "secs kib"
# Runs write to $TMP/out, removed before each (untimed): a timed run does
# not spend its time deleting the run before, as -f would make it.
measure() {
    local t0 t1
    rm -rf "$TMP/out"
    t0=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(cat "$TMP/time")"
}
faster() { # faster "secs kib" "secs kib": the one with fewer seconds
    if [ -z "$2" ] || awk -v a="${1% *}" -v b="${2% *}" 'BEGIN { exit !(a < b) }'; then echo "$1"; else echo "$2"; fi
}
best_of() { # best_of REPEATS command... : the fastest of several runs (least disturbed)
    local k=$1 best=""; shift
    for i in $(seq "$k"); do best=$(faster "$(measure "$@")" "$best"); done
    echo "$best"
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "riskmc $($BIN --version | cut -d' ' -f2-), scenario $SC, $N trials"
echo

# 1 and 2 threads, and two 1-thread processes side by side, in turns, the
# fastest of nine each: a virtual machine's speed drifts from one second to
# the next, and alternating lets all three see the same drift
pair() { # two independent 1-thread runs at once
    "$BIN" run $SC -n "$N" -j 1 -o "$TMP/p1" -q &
    local p=$!
    "$BIN" run $SC -n "$N" -j 1 -o "$TMP/p2" -q || return 1
    wait $p
}
r1="" r2="" rp=""
for i in 1 2 3 4 5 6 7 8 9; do
    r1=$(faster "$(measure "$BIN" run $SC -n "$N" -j 1 -o "$TMP/out" -q)" "$r1")
    r2=$(faster "$(measure "$BIN" run $SC -n "$N" -j 2 -o "$TMP/out" -q)" "$r2")
    rm -rf "$TMP/p1" "$TMP/p2"
    t0=$(date +%s.%N)
    pair >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
    rp=$(faster "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }') 0" "$rp")
done
# NumPy computing what a riskmc run computes: the trials and the daily series
np=$(best_of 2 "$PY" bench/detention_numpy.py $SC -n "$N" --out "$TMP/numpy.csv" --series "$TMP/numpy-series.csv" --quiet)
np0=$(best_of 2 "$PY" bench/detention_numpy.py $SC -n "$N" --out "$TMP/numpy.csv" --quiet)
t1=${r1% *} t2=${r2% *} tn=${np% *} tn0=${np0% *}
printf '%-44s %10s %12s %10s\n' "" "seconds" "trials/s" "peak MiB"
printf '%-44s %10s %12s %10.0f\n' "riskmc, 1 thread (all output files)" "$t1" "$(rate "$N" "$t1")" "$(awk -v k="${r1#* }" 'BEGIN { print k / 1024 }')"
printf '%-44s %10s %12s %10.0f\n' "riskmc, 2 threads (all output files)" "$t2" "$(rate "$N" "$t2")" "$(awk -v k="${r2#* }" 'BEGIN { print k / 1024 }')"
printf '%-44s %10s %12s %10.0f\n' "NumPy, vectorised (trials and daily series)" "$tn" "$(rate "$N" "$tn")" "$(awk -v k="${np#* }" 'BEGIN { print k / 1024 }')"
printf '%-44s %10s %12s %10.0f\n' "NumPy, without the daily series" "$tn0" "$(rate "$N" "$tn0")" "$(awk -v k="${np0#* }" 'BEGIN { print k / 1024 }')"
echo
echo "riskmc 2 threads vs NumPy:      $(ratio "$tn" "$t2")x   (target 10x; both compute the trials and the daily series)"
echo "  vs NumPy without the series:  $(ratio "$tn0" "$t2")x   (riskmc still computing them)"
echo "riskmc 2 threads vs 1 thread:   $(ratio "$t1" "$t2")x   (target 1.85x)"

# what two independent single-thread processes reach on this machine: the
# ceiling of any 2-thread speed-up here
tp=${rp% *}
echo "two independent 1-thread runs:  $(awk -v a="$t1" -v b="$tp" 'BEGIN { printf "%.2f", 2 * a / b }')x the throughput of one (this machine's ceiling for 2 threads; 2 threads reach $(awk -v a="$t1" -v b="$t2" -v p="$tp" 'BEGIN { printf "%.0f", 100 * (a / b) / (2 * a / p) }')% of it)"

draws=$(RISKMC_COUNT_DRAWS=1 "$BIN" run $SC -n "$N" -j 1 -o "$TMP/cnt" -f -q 2>&1 | awk '/random draws/ { print $3 }')
echo "random draws per trial:         $(awk -v d="$draws" -v n="$N" 'BEGIN { printf "%.0f", d / n }'), $(awk -v t="$t1" -v d="$draws" 'BEGIN { printf "%.1f", t * 1e9 / d }') ns per draw (1 thread, whole run / draws)"
echo

# linear means a fixed part plus the same cost for each added trial (day):
# the cost of what each step adds is printed beside the totals
echo "run time against trials (2 threads):"
prev_n="" prev_t=""
for n in $((N / 2)) $N $((N * 2)); do
    r=$(best_of 2 "$BIN" run $SC -n "$n" -j 2 -o "$TMP/out" -q)
    t=${r% *}
    printf '  %8d trials  %7.3f s  %6.1f us per trial' "$n" "$t" "$(awk -v t="$t" -v n="$n" 'BEGIN { print t * 1e6 / n }')"
    [ -n "$prev_n" ] && printf ', %6.1f us per added trial' "$(awk -v a="$prev_t" -v b="$t" -v m="$prev_n" -v n="$n" 'BEGIN { print (b - a) * 1e6 / (n - m) }')"
    echo
    prev_n=$n prev_t=$t
done
echo "run time against the horizon ($N trials, 2 threads):"
prev_h="" prev_t=""
for h in 91 182 365; do
    r=$(best_of 2 "$BIN" run $SC -n "$N" -j 2 --set "time.horizon_days=$h" -o "$TMP/out" -q)
    t=${r% *}
    printf '  %8d days    %7.3f s  %6.3f us per trial-day' "$h" "$t" "$(awk -v t="$t" -v n="$N" -v h="$h" 'BEGIN { print t * 1e6 / n / h }')"
    [ -n "$prev_h" ] && printf ', %6.3f us per added trial-day' "$(awk -v a="$prev_t" -v b="$t" -v g="$prev_h" -v h="$h" -v n="$N" 'BEGIN { print (b - a) * 1e6 / n / (h - g) }')"
    echo
    prev_h=$h prev_t=$t
done
echo

if [ "$BIG" -gt 0 ]; then
    r=$(measure "$BIN" run $SC -n "$BIG" -j 2 -o "$TMP/out" -q)
    printf 'peak memory at %d trials: %.0f MiB (target 512 MiB), %.1f s\n' "$BIG" "$(awk -v k="${r#* }" 'BEGIN { print k / 1024 }')" "${r% *}"
fi
