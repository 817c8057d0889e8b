#!/usr/bin/env bash
# End-to-end tests of the riskmc command line: help and version, every
# shipped scenario validates strictly and runs, results are the same bytes
# at any thread count, results folders are never overwritten silently, a
# manifest re-runs to the same trials, and every bad input in tests/bad/
# gives exactly its expected message and a non-zero exit.
#
# usage: tests/e2e.sh [bin/riskmc]
set -u
BIN=${1:-bin/riskmc}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/riskmc-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0
failed=()

ok() { pass=$((pass + 1)); printf '  ok   %s\n' "$1"; }
bad() { failed+=("$1"); printf '  FAIL %s\n' "$1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/       /'; }
check() { # check NAME COMMAND... : passes when the command succeeds
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

echo "== command line"
check "--version" bash -c "'$BIN' --version | grep -q '^riskmc [0-9]'"
check "--help lists the commands" bash -c "'$BIN' --help | grep -q 'validate'"
for cmd in run validate show sources; do
    check "$cmd --help" bash -c "'$BIN' $cmd --help | grep -q '^usage: riskmc $cmd'"
done
check "unknown command exits 2" bash -c "'$BIN' frobnicate 2>/dev/null; [ \$? -eq 2 ]"
check "sources lists the registry" bash -c "'$BIN' sources | grep -q '^F01 '"
check "sources --csv is the registry's columns" bash -c "'$BIN' sources --csv | head -1 | grep -qx 'id,kind,outlet,date,locator,quantity,value,note'"

echo "== shipped scenarios"
check "validate --strict every scenario" "$BIN" validate --strict scenarios/*.ini
check "show lists sources and assumptions" bash -c "'$BIN' show scenarios/baseline.ini > '$TMP/show.txt' && grep -q 'F01 ' '$TMP/show.txt' && grep -q '^assumptions' '$TMP/show.txt' && grep -q '  latent0 = uniform(15000, 20000) .*\[F01\]' '$TMP/show.txt'"
for s in scenarios/*.ini; do
    name=$(basename "$s" .ini)
    check "run $name" "$BIN" run "$s" -n 400 -s 7 -o "$TMP/all/$name" -q
done
check "hindcast reports its observation checks" bash -c "
    '$BIN' run scenarios/hindcast-2026q1.ini -n 2000 -o '$TMP/hind' > '$TMP/hind.txt' &&
    grep -q 'observation checks' '$TMP/hind.txt' &&
    grep -q '^transferred_by_feb12,series,transferred_cum,2026-02-12,5703,5703,' '$TMP/hind/observations.csv' &&
    grep -q '^escaped_in_january,series,escaped_cum,2026-01-31,120,1500,' '$TMP/hind/observations.csv'"

echo "== reproducibility"
"$BIN" run scenarios/baseline.ini -n 3000 -s 11 -j 1 -o "$TMP/j1" -q
"$BIN" run scenarios/baseline.ini -n 3000 -s 11 -j 2 -o "$TMP/j2" -q
"$BIN" run scenarios/baseline.ini -n 3000 -s 11 -j 3 -o "$TMP/j3" -q
check "-j 1 and -j 2 write the same bytes" diff -r "$TMP/j1" "$TMP/j2"
check "-j 1 and -j 3 write the same bytes" diff -r "$TMP/j1" "$TMP/j3"
"$BIN" run scenarios/baseline.ini -n 3000 -s 12 -o "$TMP/s12" -q
check "another seed gives other trials" bash -c "! cmp -s '$TMP/j1/trials.csv' '$TMP/s12/trials.csv'"
check "a manifest re-runs to the same trials" bash -c "
    '$BIN' run '$TMP/j1/manifest.ini' -n 3000 -s 11 -o '$TMP/again' -q && cmp '$TMP/j1/trials.csv' '$TMP/again/trials.csv'"
check "a prefix of trials is the same trials" bash -c "
    '$BIN' run scenarios/baseline.ini -n 1000 -s 11 -o '$TMP/n1000' -q &&
    head -1001 '$TMP/j1/trials.csv' | cmp - '$TMP/n1000/trials.csv'"
check "--set changes the run and is recorded" bash -c "
    '$BIN' run scenarios/baseline.ini -n 500 --set 'transfer.rate_per_day=0' -o '$TMP/set' -q &&
    grep -q '^command = riskmc run scenarios/baseline.ini -n 500 -s 20260222 --set transfer.rate_per_day=0\$' '$TMP/set/manifest.ini' &&
    grep -q '^rate_per_day = 0\$' '$TMP/set/manifest.ini'"

echo "== results folders"
check "an existing folder is not overwritten" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -o '$TMP/j1' -q 2> '$TMP/exists.err'; [ \$? -eq 1 ] &&
    grep -q 'already holds results (allowed: --force to replace them, or -o DIR)' '$TMP/exists.err' &&
    cmp -s '$TMP/j1/trials.csv' '$TMP/j2/trials.csv'"
check "--force replaces it" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -o '$TMP/j1' -q --force && [ \$(wc -l < '$TMP/j1/trials.csv') -eq 201 ]"
check "no temporary folders are left" bash -c "! ls -a '$TMP' | grep -q '\\.tmp-'"
check "a failed run leaves no folder" bash -c "
    ! '$BIN' run scenarios/baseline.ini -n 10 --set 'time.horizon_days=0' -o '$TMP/none' -q 2>/dev/null && [ ! -e '$TMP/none' ]"

echo "== CSV files read back"
check "every CSV parses with a constant column count" python3 - "$TMP/j1" <<'EOF'
import csv, glob, sys
for path in glob.glob(sys.argv[1] + "/*.csv"):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) > 1, path
    assert all(len(r) == len(rows[0]) for r in rows), path
    # every statistic column of the summary is a number
    if path.endswith("summary.csv"):
        for r in rows[1:]:
            for v in r[1:]:
                if v:
                    float(v)
EOF

echo "== charts and reports"
"$BIN" run scenarios/baseline.ini -n 600 -s 5 -o "$TMP/pl" -q
check "plot writes png, svg and pdf" "$BIN" plot --format png,svg,pdf "$TMP/pl"
check "every chart is there" bash -c "
    cd '$TMP/pl/charts' && for c in histogram-escaped histogram-at_large_end histogram-force_end histogram-infiltrated \
        exceedance-escaped exceedance-force_end bars-infiltrated fan-held fan-at_large fan-latent fan-escaped_cum \
        fan-infiltrated_cum fan-transferred_cum; do for e in png svg pdf; do [ -s \$c.\$e ] || { echo missing \$c.\$e; exit 1; }; done; done"
check "charts are valid PNG, SVG and PDF" python3 - "$TMP/pl/charts" <<'EOF2'
import glob, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
pngs, svgs, pdfs = glob.glob(d + "/*.png"), glob.glob(d + "/*.svg"), glob.glob(d + "/*.pdf")
assert pngs and len(pngs) == len(svgs) == len(pdfs), (len(pngs), len(svgs), len(pdfs))
for p in pngs:
    assert open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n", p
for p in svgs:
    assert ET.parse(p).getroot().tag.endswith("svg"), p
for p in pdfs:
    b = open(p, "rb").read()
    assert b.startswith(b"%PDF-") and b.rstrip().endswith(b"%%EOF"), p
EOF2
check "report writes Markdown and standalone HTML" bash -c "
    '$BIN' report '$TMP/pl' >/dev/null && grep -q '^## Key numbers' '$TMP/pl/report.md' &&
    grep -q 'data:image/png;base64,' '$TMP/pl/report.html' && grep -q 'P(force_end ≥ 20,000)' '$TMP/pl/report.md' &&
    grep -q '^## Assumptions' '$TMP/pl/report.md' && grep -q 'riskmc run scenarios/baseline.ini -n 600 -s 5' '$TMP/pl/report.md'"
"$BIN" run scenarios/sdf-claims.ini -n 600 -s 5 -o "$TMP/pl2" -q
check "comparison charts and brief of two folders" bash -c "
    '$BIN' plot -o '$TMP/cmp' '$TMP/pl' '$TMP/pl2' >/dev/null && [ -s '$TMP/cmp/charts/compare-force_end.png' ] &&
    '$BIN' report -o '$TMP/cmp' '$TMP/pl' '$TMP/pl2' >/dev/null && grep -q 'sdf-claims' '$TMP/cmp/report.md'"
cat > "$TMP/hostile.ini" <<EOF2
[scenario]
name = hostile
title = x'; system("touch $TMP/pwned1") \`touch $TMP/pwned2\` @ARG1 "; !touch $TMP/pwned3 <script>alert(1)</script>
question = تقدير مخاطر الفرار والتسلل: كم سيفرّ؟
extends = $PWD/scenarios/baseline.ini
EOF2
check "a hostile title is drawn literally and runs nothing" bash -c "
    '$BIN' run '$TMP/hostile.ini' -n 200 -o '$TMP/host' -q && '$BIN' plot --format png,svg '$TMP/host' >/dev/null &&
    '$BIN' report '$TMP/host' >/dev/null && ! ls '$TMP'/pwned* 2>/dev/null &&
    [ -s '$TMP/host/charts/histogram-escaped.png' ] && grep -qF 'system(\"touch' '$TMP/host/charts/histogram-escaped.svg' &&
    ! grep -q '<script>' '$TMP/host/report.html' && grep -q '&lt;script&gt;' '$TMP/host/report.html'"
check "Arabic text is kept intact in the manifest and the reports" bash -c "
    grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/manifest.ini' && grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/report.md' &&
    grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/report.html'"

echo "== bad input (tests/bad)"
shopt -s nullglob
for f in tests/bad/*.expected; do
    case_=${f%.expected}
    name=$(basename "$case_")
    if [ -f "$case_.args" ]; then
        read -r -a args < "$case_.args"
        actual=$(timeout 20 "$BIN" "${args[@]}" 2>&1 >/dev/null)
        status=$?
    else
        actual=$(timeout 20 "$BIN" validate "$case_.ini" 2>&1 >/dev/null)
        status=$?
    fi
    expected=$(cat "$f")
    if [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && [ "$actual" = "$expected" ]; then
        ok "bad/$name"
    else
        bad "bad/$name" "exit $status
expected: $expected
actual:   $actual"
    fi
done

echo
echo "e2e: $pass passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
