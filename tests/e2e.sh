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
for cmd in run validate show sources plot report sweep compare tornado spider morris sobol; do
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
check "a manifest re-runs to the same bytes (it keeps the run's -n and -s)" bash -c "
    '$BIN' run '$TMP/j1/manifest.ini' -o '$TMP/again' -q &&
    for f in trials summary risks series dictionary sources; do cmp '$TMP/j1/'\$f.csv '$TMP/again/'\$f.csv || exit 1; done"
check "a manifest's command re-runs a scenario named after '--' whose name starts with '-' (run and sweep), with options added after it" bash -c "
    mkdir -p '$TMP/dash' && cp scenarios/baseline.ini '$TMP/dash/-dash.ini' && cd '$TMP/dash' &&
    '$BIN' run -n 30 -s 3 -q -o r1 --sources '$PWD/scenarios/sources.csv' -- -dash.ini &&
    '$BIN' sweep --vary transfer.rate_per_day=0,5 -n 20 -s 3 -q -o w1 --sources '$PWD/scenarios/sources.csv' -- -dash.ini &&
    grep -qx 'command = riskmc run ./-dash.ini -n 30 -s 3 --sources .*' r1/manifest.ini &&
    grep -qx 'command = riskmc sweep --vary transfer.rate_per_day=0,5 --sources .* ./-dash.ini -n 20 -s 3' w1/manifest.ini &&
    eval \"'$BIN' \$(sed -n 's/^command = riskmc //p' r1/manifest.ini) -q -o r2\" &&
    eval \"'$BIN' \$(sed -n 's/^command = riskmc //p' w1/manifest.ini) -q -o w2\" &&
    cmp r1/trials.csv r2/trials.csv && cmp w1/sweep.csv w2/sweep.csv"
check "a manifest re-runs to the same bytes where a child scenario and --set add keys to a parent's sections (held0.<group>)" bash -c "
    '$BIN' run tests/data/by-group.ini -n 300 -s 5 --set 'transfer.halt_rate=0.5 [assumption]' \
        --set 'initial.at_large0_share=syrian: 0.5, foreign: 0.5 [assumption]' -o '$TMP/bg' -q &&
    '$BIN' run '$TMP/bg/manifest.ini' -o '$TMP/bg-again' -q &&
    for f in trials summary risks series dictionary sources; do cmp '$TMP/bg/'\$f.csv '$TMP/bg-again/'\$f.csv || exit 1; done &&
    head -1 '$TMP/bg/trials.csv' | tr , '\n' | grep -qx facility.ne_syria_prisons.held0.syrian &&
    ! head -1 '$TMP/bg/trials.csv' | tr , '\n' | grep -qx facility.ne_syria_prisons.held0"
check "sweep varies a held0.<group> holding, and its point equals the run with --set" bash -c "
    '$BIN' sweep tests/data/by-group.ini --vary facility.ne_syria_prisons.held0.syrian=2000,4000 -n 200 -s 3 -o '$TMP/bg-sweep' -q &&
    '$BIN' run tests/data/by-group.ini --set 'facility.ne_syria_prisons.held0.syrian=4000 [assumption]' -n 200 -s 3 -o '$TMP/bg-4000' -q &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"mean(held_end)\") c = i } \$2 == 4000 { print \$c }' '$TMP/bg-sweep/sweep.csv' > '$TMP/bg-a' &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"mean\") c = i } \$1 == \"held_end\" { print \$c }' '$TMP/bg-4000/summary.csv' > '$TMP/bg-b' &&
    test -s '$TMP/bg-a' && cmp '$TMP/bg-a' '$TMP/bg-b'"
check "a sweep's dictionary.csv gives the swept key's values, and a two-dimensional run's marks its chance parameters" bash -c "
    grep -q '^facility.ne_syria_prisons.held0.syrian,parameter,csv,.*,\"swept: 2000, 4000 (the scenario: uniform(2600, 3500))\",assumption\$' '$TMP/bg-sweep/dictionary.csv' &&
    '$BIN' run scenarios/baseline.ini --outer 10 --inner 3 --set uncertainty.chance=escape.recapture_fraction -o '$TMP/dict-2d' -q &&
    grep -q '^escape.recapture_fraction,parameter,csv,[^,]*; chance in this two-dimensional run: drawn afresh in every inner trial,' '$TMP/dict-2d/dictionary.csv' &&
    ! grep -q '^initial.latent0,.*chance in this' '$TMP/dict-2d/dictionary.csv'"
check "a sweep's manifest says its [scenario] trials and seed are the scenario's defaults, and [run] has the sweep's" bash -c "
    grep -qx \"; the scenario's default; this sweep used \\[run\\] trials and seed\" '$TMP/bg-sweep/manifest.ini' &&
    python3 -c 'import configparser, sys; c = configparser.ConfigParser(interpolation=None); c.read(sys.argv[1]); assert c[\"run\"][\"trials\"] == \"200\" and c[\"scenario\"][\"trials\"] == \"20000\"' '$TMP/bg-sweep/manifest.ini'"
check "the manifest of a scenario citing no source and no assumption re-runs (its [run] lists are empty)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 50 -o '$TMP/quiet-m' -q && grep -q '^sources_used = \$' '$TMP/quiet-m/manifest.ini' &&
    '$BIN' run '$TMP/quiet-m/manifest.ini' -o '$TMP/quiet-m2' -q && cmp '$TMP/quiet-m/trials.csv' '$TMP/quiet-m2/trials.csv'"
check "thresholds are labelled as written, not rounded (console and brief)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 20 --set 'thresholds.held_end=99.5, 100, 100.5, 0.001, 1234.5' -o '$TMP/thr' > '$TMP/thr.out' &&
    '$BIN' report '$TMP/thr' >/dev/null &&
    for t in 99.5 100 100.5 0.001 1,234.5; do grep -qF \"P(held_end >= \$t)\" '$TMP/thr.out' &&
        grep -qF \"P(held_end ≥ \$t)\" '$TMP/thr/report.md' || { echo \$t; exit 1; }; done"
check "an observation of an output no trial has a value of gets the verdict 'no model values'" bash -c "
    '$BIN' run tests/data/quiet.ini -n 20 --set facility.f.held0=1000 --set observation.o.output=first_escape_day \
        --set observation.o.value=3 -o '$TMP/nodata' > '$TMP/nodata.out' && grep -q 'no model values' '$TMP/nodata.out' &&
    ! grep -qw nan '$TMP/nodata.out' && grep -q ',no model values,' '$TMP/nodata/observations.csv' &&
    '$BIN' report '$TMP/nodata' >/dev/null && ! grep -qwi nan '$TMP/nodata/report.md'"
check "the manifest of a re-run manifest is a scenario too" bash -c "
    '$BIN' validate '$TMP/again/manifest.ini' >/dev/null && [ \$(grep -c '^\[run\]' '$TMP/again/manifest.ini') -eq 1 ]"
check "a prefix of trials is the same trials" bash -c "
    '$BIN' run scenarios/baseline.ini -n 1000 -s 11 -o '$TMP/n1000' -q &&
    head -1001 '$TMP/j1/trials.csv' | cmp - '$TMP/n1000/trials.csv'"
check "--set changes the run and is recorded" bash -c "
    '$BIN' run scenarios/baseline.ini -n 500 --set 'transfer.rate_per_day=0' -o '$TMP/set' -q &&
    grep -q '^command = riskmc run scenarios/baseline.ini -n 500 -s 20260222 --set transfer.rate_per_day=0\$' '$TMP/set/manifest.ini' &&
    grep -q '^rate_per_day = 0\$' '$TMP/set/manifest.ini'"

if [ -n "${MPI_BIN:-}" ] && command -v mpirun >/dev/null; then
    MPIRUN="mpirun -np 2 --oversubscribe"
    [ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
    case $MPI_BIN in /*) ;; *) MPI_BIN=$PWD/$MPI_BIN ;; esac
    check "mpirun -np 2 writes the bytes one process writes (run)" bash -c "
        $MPIRUN '$MPI_BIN' run scenarios/baseline.ini -n 70000 -s 11 -o '$TMP/mpi-run' -q 2>'$TMP/mpi.err' &&
        '$BIN' run scenarios/baseline.ini -n 70000 -s 11 -o '$TMP/one-run' -q && diff -r '$TMP/one-run' '$TMP/mpi-run'"
    check "mpirun -np 2 writes the bytes one process writes (sobol)" bash -c "
        $MPIRUN '$MPI_BIN' sobol scenarios/baseline.ini -N 512 -o '$TMP/mpi-sobol' -q 2>>'$TMP/mpi.err' &&
        '$BIN' sobol scenarios/baseline.ini -N 512 -o '$TMP/one-sobol' -q && diff -r '$TMP/one-sobol' '$TMP/mpi-sobol'"
    # ranks take rounds of 32,768 trials: these runs are big enough for rank 1 to take part
    check "mpirun -np 2 writes the bytes one process writes (two-dimensional; correlated inputs run to precision)" bash -c "
        $MPIRUN '$MPI_BIN' run scenarios/baseline.ini --outer 350 --inner 120 -s 5 -o '$TMP/mpi-2d' -q 2>>'$TMP/mpi.err' &&
        '$BIN' run scenarios/baseline.ini --outer 350 --inner 120 -s 5 -o '$TMP/one-2d' -q && diff -r '$TMP/one-2d' '$TMP/mpi-2d' &&
        $MPIRUN '$MPI_BIN' run scenarios/correlated.ini --precision 0.05 --batch 40000 -s 5 -o '$TMP/mpi-prec' -q 2>>'$TMP/mpi.err' &&
        '$BIN' run scenarios/correlated.ini --precision 0.05 --batch 40000 -s 5 -o '$TMP/one-prec' -q && diff -r '$TMP/one-prec' '$TMP/mpi-prec'"
    check "a build without MPI refuses to run as several mpirun processes" bash -c "
        ! $MPIRUN '$BIN' run scenarios/baseline.ini -n 50 -o '$TMP/plain-mpi' -q 2>'$TMP/plain-mpi.err' &&
        grep -q 'built without MPI' '$TMP/plain-mpi.err' && [ ! -e '$TMP/plain-mpi' ]"
    check "an error under mpirun -q -np 2: riskmc's message, a non-zero exit, no Open MPI banner and no folder" bash -c "
        ! $MPIRUN -q '$MPI_BIN' run tests/bad/detention-bare.ini -n 50 -o '$TMP/mpi-bad' 2>'$TMP/mpi-bad.err' &&
        grep -q 'time.start_date: missing' '$TMP/mpi-bad.err' && ! grep -q 'MPI_ABORT' '$TMP/mpi-bad.err' &&
        [ ! -e '$TMP/mpi-bad' ]"
    check "a failing trial under mpirun -np 3 is reported once, as one process reports it (the lowest failing trial)" bash -c "
        ! $MPIRUN -np 3 -q '$MPI_BIN' run scenarios/ishigami.ini -n 200000 --set ishigami.b=1.057e58 -j 1 -o '$TMP/mpi-low' -q 2>'$TMP/mpi-low.err' &&
        [ \$(grep -c 'output y is' '$TMP/mpi-low.err') -eq 1 ] && grep -q '^riskmc (rank 0 of 3): trial 241: ' '$TMP/mpi-low.err' &&
        [ ! -e '$TMP/mpi-low' ]"
    check "Ctrl-C under mpirun -np 2 leaves no partial folder" bash -c "
        setsid $MPIRUN '$MPI_BIN' run scenarios/baseline.ini -n 2000000 -o '$TMP/mpi-int' -q >/dev/null 2>&1 & p=\$!
        # interrupt once the run is writing its temporary folder
        for i in \$(seq 600); do ls -a '$TMP' | grep -q '^\\.mpi-int\\.tmp-' && break; sleep 0.05; done
        ls -a '$TMP' | grep -q '^\\.mpi-int\\.tmp-' || { echo 'the run never started writing'; kill -9 -- -\$p; exit 1; }
        sleep 0.5; kill -INT -- -\$p; wait \$p; [ \$? -ne 0 ] && ! ls -a '$TMP' | grep -q 'mpi-int'"
fi

echo "== results folders"
check "an existing folder is not overwritten" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -o '$TMP/j1' -q 2> '$TMP/exists.err'; [ \$? -eq 1 ] &&
    grep -q 'already holds results (allowed: --force to replace them, or -o DIR)' '$TMP/exists.err' &&
    cmp -s '$TMP/j1/trials.csv' '$TMP/j2/trials.csv'"
check "--force replaces it" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -o '$TMP/j1' -q --force && [ \$(wc -l < '$TMP/j1/trials.csv') -eq 201 ]"
check "--force never replaces a folder riskmc did not write" bash -c "
    mkdir -p '$TMP/mine' && echo keep > '$TMP/mine/notes.txt' &&
    ! '$BIN' run scenarios/baseline.ini -n 50 -o '$TMP/mine' -q --force 2>'$TMP/mine.err' &&
    grep -q 'not a riskmc results folder' '$TMP/mine.err' && [ \$(cat '$TMP/mine/notes.txt') = keep ]"
check "--force never deletes a folder holding a manifest.ini that is not riskmc's, or files riskmc did not write" bash -c "
    mkdir -p '$TMP/proj/src' && echo '[app]' > '$TMP/proj/manifest.ini' && echo code > '$TMP/proj/src/main.c' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/proj' -q --force 2>'$TMP/proj.err' &&
    grep -q 'not a riskmc results folder' '$TMP/proj.err' && [ -s '$TMP/proj/src/main.c' ] &&
    '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/res' -q && echo keep > '$TMP/res/notes.txt' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/res' -q --force 2>'$TMP/res.err' &&
    grep -q 'riskmc did not write: notes.txt' '$TMP/res.err' && [ \$(cat '$TMP/res/notes.txt') = keep ] &&
    rm '$TMP/res/notes.txt' && '$BIN' plot '$TMP/res' >/dev/null && '$BIN' report '$TMP/res' >/dev/null &&
    '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/res' -q --force"
check "--force and plot never delete what a user put in charts/; what a killed plot left does not block --force" bash -c "
    '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/ch' -q && mkdir -p '$TMP/ch/charts' && touch '$TMP/ch/charts/mine.docx' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/ch' -q --force 2>/dev/null && ! '$BIN' plot '$TMP/ch' 2>/dev/null &&
    [ -f '$TMP/ch/charts/mine.docx' ] && rm '$TMP/ch/charts/mine.docx' && mkdir '$TMP/ch/.charts.tmp-gone-1-x' &&
    '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/ch' -q --force && ! ls -a '$TMP/ch' | grep -q tmp &&
    mkdir -p '$TMP/ch/charts' && echo slide > '$TMP/ch/charts/minister.png' && cp README.md '$TMP/ch/charts/notes.pdf' &&
    ! '$BIN' plot '$TMP/ch' 2>/dev/null && ! '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/ch' -q --force 2>/dev/null &&
    [ -f '$TMP/ch/charts/minister.png' ] && [ -f '$TMP/ch/charts/notes.pdf' ] && rm -r '$TMP/ch/charts' &&
    mkdir '$TMP/ch/.charts.tmp-backup' && echo x > '$TMP/ch/.charts.tmp-backup/thesis.docx' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -o '$TMP/ch' -q --force 2>/dev/null && [ -f '$TMP/ch/.charts.tmp-backup/thesis.docx' ]"
check "sweep, compare and the sensitivity commands refuse an existing folder before they run" bash -c "
    for c in 'sweep scenarios/baseline.ini --vary initial.latent0=1000,2000 -n 1000000' 'sobol scenarios/baseline.ini -N 524288' \
        'compare scenarios/baseline.ini scenarios/funding-restored.ini -n 100000000' 'tornado scenarios/baseline.ini -n 10000000' \
        'morris scenarios/baseline.ini -n 1000000' 'spider scenarios/baseline.ini -n 1000000'; do
        timeout 60 '$BIN' \$c -o '$TMP/j1' -q 2>'$TMP/early.err'; [ \$? -eq 1 ] && grep -q 'already holds results' '$TMP/early.err' ||
            { echo \"\$c\"; exit 1; }
    done"
check "tornado and sobol create a missing parent folder, as run does" bash -c "
    '$BIN' tornado scenarios/ishigami.ini -n 10 -o '$TMP/new1/a/t' -q && [ -s '$TMP/new1/a/t/tornado.csv' ] &&
    '$BIN' sobol scenarios/ishigami.ini -N 8192 -o '$TMP/new2/a/s' -q && [ -s '$TMP/new2/a/s/sobol.csv' ]"
check "an empty folder is taken without --force" bash -c "
    mkdir -p '$TMP/empty' && '$BIN' run scenarios/baseline.ini -n 50 -o '$TMP/empty' -q && [ -f '$TMP/empty/manifest.ini' ]"
check "no temporary folders are left" bash -c "! ls -a '$TMP' | grep -q '\\.tmp-'"
check "a failed run leaves no folder" bash -c "
    ! '$BIN' run scenarios/baseline.ini -n 10 --set 'time.horizon_days=0' -o '$TMP/none' -q 2>/dev/null && [ ! -e '$TMP/none' ]"

check "SIGKILL at any moment leaves the old results or the new, never a partial folder" bash -c "
    '$BIN' run scenarios/baseline.ini -n 300 -s 1 -o '$TMP/kill' -q && cp -r '$TMP/kill' '$TMP/kill.old' &&
    for delay in 0.05 0.2 0.4 0.7 1.0 1.5; do
        '$BIN' run scenarios/baseline.ini -n 30000 -s 2 -o '$TMP/kill' -q -f & pid=\$!; sleep \$delay; kill -9 \$pid; wait \$pid 2>/dev/null
        if diff -rq '$TMP/kill' '$TMP/kill.old' >/dev/null; then continue; fi
        # not the old results: then the complete new ones
        [ \$(wc -l < '$TMP/kill/trials.csv') -eq 30001 ] && [ -s '$TMP/kill/manifest.ini' ] || exit 1
        cp -r '$TMP/kill' '$TMP/kill.new' && rm -rf '$TMP/kill.old' && mv '$TMP/kill.new' '$TMP/kill.old'
    done
    # a run killed before its first result leaves nothing at all
    '$BIN' run scenarios/baseline.ini -n 30000 -o '$TMP/never' -q & pid=\$!; sleep 0.3; kill -9 \$pid; wait \$pid 2>/dev/null
    [ ! -e '$TMP/never' ] || [ \$(wc -l < '$TMP/never/trials.csv') -eq 30001 ]"
check "the next run removes temporary folders a killed run left, its own and other folders' (a dead writer), not a live writer's (its lock held) nor one made in the last minute" bash -c "
    mkdir -p '$TMP/.other.tmp-'\$(hostname)'-999999-abcdef' && touch '$TMP/.other.tmp-'\$(hostname)'-999999-abcdef/trials.csv' &&
    touch -d '2 hours ago' '$TMP/.other.tmp-'\$(hostname)'-999999-abcdef' &&
    mkdir -p '$TMP/.young.tmp-'\$(hostname)'-999998-abcdef' &&
    '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/never' -q -f && ! ls -a '$TMP' | grep -q '^\\.never\\.tmp-' &&
    ! ls -a '$TMP' | grep -q '^\\.other\\.tmp-' && ls -a '$TMP' | grep -q '^\\.young\\.tmp-' &&
    # a writer whose process id looks dead (another PID namespace) but that
    # holds its folder's lock is alive: its folder stays until the lock goes
    L='$TMP/.live.tmp-'\$(hostname)'-999999-abcdef' && mkdir -p \"\$L\" && touch -d '2 hours ago' \"\$L\" &&
    { flock -x \"\$L\" sleep 4 & } && sleep 0.5 &&
    '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/never' -q -f && [ -d \"\$L\" ] && wait &&
    '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/never' -q -f && [ ! -e \"\$L\" ]"
check "a run or design inside another results folder (or its charts/, however written) is refused; inside a folder with a manifest.ini not riskmc's is not" bash -c "
    '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost' -q &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost/charts' -q 2>'$TMP/inhost.err' &&
    grep -q 'host/charts: inside the results folder $TMP/inhost (allowed: a folder of its own' '$TMP/inhost.err' &&
    ! '$BIN' sweep scenarios/baseline.ini --vary ct.removals_per_year=1,2 -n 10 -o '$TMP/inhost/sw' -q 2>'$TMP/inhost.err' &&
    grep -q 'inhost/sw: inside the results folder' '$TMP/inhost.err' &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost/charts//x' -q 2>/dev/null &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost/charts/./x' -q 2>/dev/null &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost/a/b' -q 2>/dev/null &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/nothere/../inhost/c' -q 2>/dev/null && [ ! -e '$TMP/nothere' ] &&
    mkdir -p '$TMP/inhost2' && '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/inhost2' -q &&
    '$BIN' plot '$TMP/inhost2' >/dev/null && ( S=\$PWD/scenarios/baseline.ini && cd '$TMP/inhost2/charts' && ! '$BIN' run \"\$S\" -n 10 -o sub -q 2>/dev/null ) &&
    [ ! -e '$TMP/inhost2/charts/sub' ] &&
    [ ! -e '$TMP/inhost/charts' ] && [ ! -e '$TMP/inhost/sw' ] && '$BIN' plot '$TMP/inhost' >/dev/null &&
    mkdir -p '$TMP/proj' && printf '[package]\\n' > '$TMP/proj/manifest.ini' &&
    '$BIN' run scenarios/baseline.ini -n 10 -o '$TMP/proj/run1' -q"
check "an interrupted run exits 128 + the signal (130 for SIGINT) and leaves no folder" bash -c "
    '$BIN' run scenarios/baseline.ini -n 2000000 -j 1 -o '$TMP/intr' -q & p=\$!
    for i in \$(seq 1 100); do ls -a '$TMP' | grep -q '^\\.intr\\.tmp-' && break; sleep 0.05; done
    sleep 0.3; kill -INT \$p; wait \$p; rc=\$?; [ \$rc -eq 130 ] || { echo rc \$rc; exit 1; }
    ! ls -a '$TMP' | grep -q 'intr'"
cat > "$TMP/finite.py" <<'EOF2'
# every number in a results folder is finite, and a field is empty only
# where the output has no value (first_escape_day without an escape), or
# too few to estimate it (one value: no spread; under 4: no sd_mcse)
import csv, math, sys
d = sys.argv[1]
for name in ("summary.csv", "risks.csv", "series.csv", "trials.csv"):
    rows = list(csv.reader(open(f"{d}/{name}", newline="")))
    head = rows[0]
    for r in rows[1:]:
        for h, v in zip(head, r):
            if v == "":
                ok = h == "first_escape_day" or (name == "summary.csv" and r[1] == "0" and h not in ("output", "n", "missing")) \
                    or (name == "summary.csv" and r[1] == "1" and (h.endswith("_mcse") or h in ("sd", "mcse"))) \
                    or (name == "summary.csv" and h == "sd_mcse" and int(r[1]) < 4)
                assert ok, (name, h, r[:3])
                continue
            try:
                x = float(v)
            except ValueError:
                continue
            assert math.isfinite(x), (name, h, v)
EOF2
check "more than 2,000,000,000 people on day 0 stops the run with the keys to look at, and writes nothing" bash -c "
    ! '$BIN' run scenarios/baseline.ini --set 'initial.latent0=1e9 [assumption]' --set 'initial.dispersed0=1e9 [assumption]' \
        -n 5 -o '$TMP/too-many' 2>'$TMP/too-many.err' && [ ! -e '$TMP/too-many' ] &&
    grep -q '^riskmc: --set:2: initial.dispersed0: the people on day 0 are at least 2,000,0[0-9][0-9],[0-9][0-9][0-9] (allowed: at most 2,000,000,000 in all; here .*initial.latent0 1,000,000,000 (--set:1)' '$TMP/too-many.err'"
check "numeric edge cases give finite numbers everywhere" bash -c "
    for sets in 'escape.recapture_fraction=1' 'escape.recapture_fraction=0' 'ct.removals_per_year=1e9' \
        'latent.infiltration_rate=1e6' 'facility.ne_syria_prisons.event_rate=1e7' 'time.horizon_days=1' \
        'initial.latent0=0' 'facility.ne_syria_prisons.held0=0' 'iraq.breach_fraction=1' 'period.funding_cut.escape=0' \
        'transfer.rate_per_day=1e9' 'transfer.rate_per_day=1e300' 'camp.recruit_rate=1e5' 'initial.dispersed0=0'; do
        timeout 60 '$BIN' run scenarios/baseline.ini -n 30 --set \"\$sets\" -o '$TMP/edge' -q -f && python3 '$TMP/finite.py' '$TMP/edge' ||
            { echo \"with --set \$sets\"; exit 1; }
    done
    '$BIN' run scenarios/baseline.ini -n 1 -o '$TMP/one' -q && python3 '$TMP/finite.py' '$TMP/one' &&
    '$BIN' run scenarios/ishigami.ini -n 1 -o '$TMP/one-real' -q &&
    grep -q '^y,1,0,[0-9.-]*,,,' '$TMP/one-real/summary.csv' && grep -q '^escaped,1,0,[0-9]*,,,' '$TMP/one/summary.csv' &&
    timeout 60 '$BIN' run scenarios/baseline.ini -n 30 --set transfer.rate_per_day=1e308 \
        --set period.funding_cut.transfer=10 -o '$TMP/inf' -q && python3 '$TMP/finite.py' '$TMP/inf'"
printf '\xef\xbb\xbf[scenario]  # the mark a Windows editor writes first\nextends = %s/scenarios/baseline.ini\nseed = 7 # a comment\n' "$PWD" > "$TMP/bom.ini"
check "a byte-order mark and '#' comments after values are read" bash -c "'$BIN' show '$TMP/bom.ini' | grep -q 'seed 7'"
check "a sources.csv saved with a byte-order mark (as spreadsheets do) is read" bash -c "
    mkdir -p '$TMP/bomsrc' && printf '\\xef\\xbb\\xbf' > '$TMP/bomsrc/sources.csv' && cat scenarios/sources.csv >> '$TMP/bomsrc/sources.csv' &&
    cp scenarios/baseline.ini '$TMP/bomsrc/' && '$BIN' validate '$TMP/bomsrc/baseline.ini' >/dev/null"
check "a scenario name cannot leave the results folder" bash -c "
    printf '[scenario]\\nname = ../../escape\\nextends = $PWD/scenarios/baseline.ini\\n' > '$TMP/esc.ini' &&
    ! '$BIN' run '$TMP/esc.ini' -n 5 -q 2>'$TMP/esc.err' && grep -q 'cannot be a results folder name' '$TMP/esc.err' &&
    [ ! -e ../escape ]"
check "UTF-8 (Arabic) text stays intact in the CSV files" bash -c "
    mkdir -p '$TMP/ar' && cp scenarios/sources.csv '$TMP/ar/sources.csv' &&
    printf 'A1,open-source,الجزيرة نت,2026-01-01,https://example.org,عدد الفارين,120,ملاحظة\\n' >> '$TMP/ar/sources.csv' &&
    printf '[scenario]\\nname = arabic\\nextends = $PWD/scenarios/baseline.ini\\n[ct]\\nremovals_per_year = 320 [F12, A1]\\n' > '$TMP/ar/ar.ini' &&
    '$BIN' run '$TMP/ar/ar.ini' -n 20 -o '$TMP/ar/out' -q && grep -q 'A1,open-source,الجزيرة نت,2026-01-01,https://example.org,عدد الفارين,120,ملاحظة' '$TMP/ar/out/sources.csv' &&
    '$BIN' report '$TMP/ar/out' >/dev/null && grep -q 'عدد الفارين' '$TMP/ar/out/report.md'"

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

echo "== the model against formulas"
check "periods: inclusive dates, open ends, overlapping multipliers multiply, an uncertain one averages, one before the start does nothing (each day's escape chance within 4 binomial SEs)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 10000 -s 4242 --set time.start_date=2026-03-01 --set time.horizon_days=30 \\
        --set facility.f.held0=100000 --set facility.f.event_rate=36.5 \\
        --set period.early.end=2026-03-10 --set period.early.escape=2 \\
        --set period.late.start=2026-03-08 --set period.late.escape=3 \\
        --set period.wobble.start=2026-03-20 --set period.wobble.end=2026-03-25 --set 'period.wobble.escape=uniform(0.5, 1.5)' \\
        --set period.before.start=2025-01-01 --set period.before.end=2026-02-28 --set period.before.escape=100 \\
        -o '$TMP/periods' -q -f 2>/dev/null && python3 - '$TMP/periods' <<'EOF2'
import csv, math, sys
# one event of size 1 a day at most, 0.1 a day times the day's multiplier:
# the day's rise of mean escaped_cum is 1 - exp(-0.1 m), m = 2 to 10 March,
# x 3 from 8 March, uniform(0.5, 1.5) on 20-25 March (averaged in closed form)
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/series.csv')) if r['series'] == 'escaped_cum']
assert len(rows) == 30, len(rows)
prev = 0.0
for r in rows:
    d, m = int(r['day']), 1.0
    if d <= 9: m *= 2
    if d >= 7: m *= 3
    if 19 <= d <= 24: p = 1 - (math.exp(-0.05 * m) - math.exp(-0.15 * m)) / (0.1 * m)
    else: p = 1 - math.exp(-0.1 * m)
    rise, prev = float(r['mean']) - prev, float(r['mean'])
    assert abs(rise - p) <= 4 * math.sqrt(p * (1 - p) / 10000), (d, r['date'], rise, p)
EOF2"

check "transfer halt: drawn from transfer.start on, after the day's transfers (mean transferred within 4 SE of 10 x sum of q^t over the 355 days from day 10)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 10000 --set facility.f.held0=100000 --set transfer.rate_per_day=10 \\
        --set transfer.target_total=1000000 --set transfer.halt_rate=20 --set transfer.start=2026-01-11 \\
        -o '$TMP/halt' -q -f 2>/dev/null && python3 - '$TMP/halt' <<'EOF2'
import csv, math, sys
v = [float(r['transferred']) for r in csv.DictReader(open(sys.argv[1] + '/trials.csv'))]
n = len(v); m = sum(v) / n; se = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1) / n)
q = math.exp(-20 / 365)  # the programme survives a day
# halts drawn before the start too would give about 109; a halt before the day's transfers about 177.5
expect = 10 * (1 - q ** 355) / (1 - q)
assert abs(m - expect) <= 4 * se, (m, expect, se)
EOF2"

check "one day's order: transfer, then repatriation, then escape (means within 4 SE of the expected recursion; escapes before repatriation give 11 more escaped, 16 SE)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 10000 --set facility.f.held0=20000 --set facility.f.trickle_rate=1 \\
        --set transfer.rate_per_day=20 --set transfer.target_total=1000000 --set 'repatriation.groups=a, b' \\
        --set repatriation.rate=0.5 -o '$TMP/order' -q -f 2>/dev/null && python3 - '$TMP/order' <<'EOF2'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + '/trials.csv')))
pr, pt = 1 - math.exp(-0.5 / 365), 1 - math.exp(-1 / 365)
held, want = 20000.0, {'transferred': 0.0, 'repatriated': 0.0, 'escaped': 0.0}
for t in range(365):  # expectations are linear in held: thinning by a binomial, minus 20 transfers
    held -= 20; want['transferred'] += 20
    r = held * pr; held -= r; want['repatriated'] += r
    e = held * pt; held -= e; want['escaped'] += e
for k, x in want.items():
    v = [float(r[k]) for r in rows]; n = len(v); m = sum(v) / n
    se = math.sqrt(sum((y - m) ** 2 for y in v) / (n - 1) / n)
    assert abs(m - x) <= 4 * se, (k, m, x, se)
EOF2"

check "ct_rate over an empty day-0 pool: a note names ct.removals_per_year's line, and later escapees are never neutralized; no note when the pool may hold someone, nor from a sweep of the pool" bash -c "
    '$BIN' run tests/data/quiet.ini -n 200 --set facility.f.held0=1000 --set facility.f.trickle_rate=30 \
        --set 'ct.removals_per_year=320 [assumption]' -o '$TMP/ct0' -q -f 2>'$TMP/ct0.err' &&
    grep -q '^riskmc: note: --set:3: ct.removals_per_year: ct_rate (MODEL.md 5) spreads the removals over the day-0 pool' '$TMP/ct0.err' &&
    awk -F, '\$1 == \"escaped\" { e = \$4 } \$1 == \"neutralized\" { n = \$4 } END { exit !(e > 0 && n == 0) }' '$TMP/ct0/summary.csv' &&
    '$BIN' validate tests/data/quiet.ini --set 'ct.removals_per_year=320 [assumption]' --set 'initial.latent0=uniform(0, 2) [assumption]' 2>'$TMP/ct1.err' >/dev/null &&
    ! grep -q 'ct_rate' '$TMP/ct1.err' &&
    '$BIN' validate scenarios/baseline.ini 2>'$TMP/ct2.err' >/dev/null && ! grep -q 'note' '$TMP/ct2.err' &&
    '$BIN' sweep tests/data/quiet.ini --set 'facility.f.held0=1000 [assumption]' --set 'ct.removals_per_year=320 [assumption]' \
        --vary initial.latent0=0,100 -n 50 -o '$TMP/ct-swept' -q 2>'$TMP/ct3.err' && ! grep -q 'ct_rate' '$TMP/ct3.err' &&
    '$BIN' sweep tests/data/quiet.ini --set 'facility.f.held0=1000 [assumption]' --set 'ct.removals_per_year=320 [assumption]' \
        --vary facility.f.trickle_rate=0,1 -n 50 -o '$TMP/ct-swept2' -q 2>'$TMP/ct4.err' && grep -q 'ct_rate' '$TMP/ct4.err'"

echo "== charts and reports"
"$BIN" run scenarios/baseline.ini -n 600 -s 5 -o "$TMP/pl" -q
check "plot writes png, svg and pdf" "$BIN" plot --format png,svg,pdf "$TMP/pl"
check "every chart is there" bash -c "
    cd '$TMP/pl/charts' && for c in histogram-escaped histogram-at_large_end histogram-force_end histogram-infiltrated \
        exceedance-escaped exceedance-force_end exceedance-infiltrated.europe exceedance-infiltrated.iraq histogram-infiltrated.iraq bars-infiltrated fan-held fan-at_large fan-latent fan-escaped_cum \
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
check "charts drawn again a second later are the same bytes (PNG, SVG and PDF, whose cairo date is fixed)" bash -c "
    cp -r '$TMP/pl/charts' '$TMP/pl-charts1' && sleep 1.1 && TZ=America/New_York '$BIN' plot --format png,svg,pdf '$TMP/pl' >/dev/null &&
    diff -r '$TMP/pl-charts1' '$TMP/pl/charts' && grep -aq 'CreationDate (D:19700101000000' '$TMP/pl/charts/bars-infiltrated.pdf'"
check "report writes Markdown and standalone HTML" bash -c "
    '$BIN' report '$TMP/pl' >/dev/null && grep -q '^## Key numbers' '$TMP/pl/report.md' &&
    grep -q 'data:image/png;base64,' '$TMP/pl/report.html' && grep -q 'P(force_end ≥ 20,000)' '$TMP/pl/report.md' &&
    grep -q '^## Assumptions' '$TMP/pl/report.md' && grep -q 'riskmc run scenarios/baseline.ini -n 600 -s 5' '$TMP/pl/report.md' &&
    grep -q '^Note: in infiltrated.iraq, iraq includes the escapees from Iraqi custody (iraq_escaped)\.\$' '$TMP/pl/report.md'"
check "the HTML brief links each embedded chart to its file at full size, and every linked file exists" bash -c "
    n=\$(grep -o '<figure[^>]*><a href=\"charts/[^\"]*[.]png\" title=\"full size\"><img ' '$TMP/pl/report.html' | wc -l) &&
    [ \"\$n\" -ge 4 ] && [ \"\$n\" -eq \"\$(grep -o '<img ' '$TMP/pl/report.html' | wc -l)\" ] &&
    for f in \$(grep -o 'href=\"charts/[^\"]*\"' '$TMP/pl/report.html' | cut -d'\"' -f2); do [ -s '$TMP/pl/'\"\$f\" ] || exit 1; done"
check "a run's brief answers first: In short (median, mean and 90% interval of each charted output, each risk), a mean column, Wilson intervals named the simulation's precision, 0% given with its count" bash -c "
    grep -q '^\*\*In short\.\*\* Over 365 days from 2026-02-22, in 600 trials: escaped, median [0-9,]* (mean [0-9,.]*; 90% of trials [0-9,]* to [0-9,]*);' '$TMP/pl/report.md' &&
    grep -q 'Risks: P(force_end ≥ 20,000) [0-9.]*%' '$TMP/pl/report.md' &&
    grep -q '^| output | what it counts | median | mean | 90% interval (p5 to p95) |\$' '$TMP/pl/report.md' &&
    grep -q '| risk | probability | simulation precision (95% Wilson interval) |' '$TMP/pl/report.md' &&
    grep -q '^## Uncertain inputs from sources' '$TMP/pl/report.md' &&
    grep -q '^| initial.latent0 | latent fighters in Syria on day 0 (people) | uniform(15000, 20000) | F01 |' '$TMP/pl/report.md' &&
    ! grep -A30 '^## Uncertain inputs from sources' '$TMP/pl/report.md' | grep -B30 '^## Assumptions' | grep -q '^| latent.infiltration_rate |' &&
    '$BIN' run scenarios/un-estimate.ini -n 300 -s 5 -o '$TMP/une' -q && '$BIN' report '$TMP/une' >/dev/null &&
    grep -q '^| P(force_end ≥ 20,000) | 0% (0 of 300 trials) |' '$TMP/une/report.md'"
"$BIN" run scenarios/sdf-claims.ini -n 600 -s 5 -o "$TMP/pl2" -q
check "comparison charts and brief of two folders" bash -c "
    '$BIN' plot -o '$TMP/cmp' '$TMP/pl' '$TMP/pl2' >/dev/null && [ -s '$TMP/cmp/charts/compare-force_end.png' ] &&
    '$BIN' report -o '$TMP/cmp' '$TMP/pl' '$TMP/pl2' >/dev/null && grep -q 'sdf-claims' '$TMP/cmp/report.md'"
check "report keeps the SVG charts it finds: it draws the PNGs it needs beside them (one folder and a comparison)" bash -c "
    cp -r '$TMP/pl2' '$TMP/pl-svg' && rm -rf '$TMP/pl-svg/charts' && '$BIN' plot --format svg '$TMP/pl-svg' >/dev/null &&
    n=\$(ls '$TMP/pl-svg/charts' | grep -c '\.svg\$') && [ \$n -gt 10 ] && '$BIN' report '$TMP/pl-svg' >/dev/null &&
    [ \$(ls '$TMP/pl-svg/charts' | grep -c '\.svg\$') -eq \$n ] && [ \$(ls '$TMP/pl-svg/charts' | grep -c '\.png\$') -eq \$n ] &&
    '$BIN' plot --format png,svg -o '$TMP/cmp-svg' '$TMP/pl' '$TMP/pl2' >/dev/null &&
    '$BIN' report -o '$TMP/cmp-svg' '$TMP/pl' '$TMP/pl2' >/dev/null && [ -s '$TMP/cmp-svg/charts/compare-force_end.svg' ]"
cat > "$TMP/hostile.ini" <<EOF2
[scenario]
name = hostile
title = x'; system("touch $TMP/pwned1") \`touch $TMP/pwned2\` @ARG1 "; !touch $TMP/pwned3 <script>alert(1)</script>
question = تقدير مخاطر الفرار والتسلل: كم سيفرّ؟
extends = $PWD/scenarios/baseline.ini
EOF2
check "a one-day run is charted and briefed" bash -c "
    '$BIN' run scenarios/baseline.ini -n 100 --set time.horizon_days=1 -o '$TMP/d1' -q && '$BIN' plot '$TMP/d1' >/dev/null &&
    '$BIN' report '$TMP/d1' >/dev/null && [ -s '$TMP/d1/charts/fan-held.png' ]"
check "a one-day and a two-day run's fan charts draw each day's quantiles as boxes on its date, with ticks on the run's days alone" bash -c "
    for h in 1 2; do
        '$BIN' run scenarios/baseline.ini -n 300 --set \"time.horizon_days=\$h [assumption]\" -o '$TMP/fan'\$h -q &&
        '$BIN' plot --format png,svg '$TMP/fan'\$h >/dev/null || exit 1
    done && python3 - '$TMP/fan1' '$TMP/fan2' <<'EOF2'
import csv, datetime, re, sys
for d in sys.argv[1:]:
    days = [r['date'] for r in csv.DictReader(open(d + '/series.csv')) if r['series'] == 'held']
    want = [datetime.date.fromisoformat(x).strftime('%d %b') for x in days]
    svg = open(d + '/charts/fan-held.svg').read()
    right = float(re.search(r\"d='M[0-9.]+,[0-9.]+ L[0-9.]+,520.00 L([0-9.]+),520.00\", svg).group(1))
    ticks = [(float(x), s) for x, s in re.findall(r'translate\(([0-9.]+),[0-9.]+\)[^>]*>\s*<text>([0-9]{2} [A-Z][a-z]{2})</text>', svg)]
    assert [s for _, s in ticks] == want, (d, 'ticks on days outside the run', ticks, want)
    # the middle 50% of each day, a box in the band's colour inside the plot, centred on its date
    boxes = [[tuple(map(float, q.split(','))) for q in p.split()]
             for p in re.findall(r\"fill = 'rgb\( 66, 146, 198\)' points = '([^']*)'\", svg)]
    boxes = [b for b in boxes if max(p[0] for p in b) < right]
    assert len(boxes) == len(days), (d, 'no box per day', boxes)
    for (x, _), b in zip(sorted(ticks), sorted(boxes)):
        xs, ys = [p[0] for p in b], [p[1] for p in b]
        assert abs((min(xs) + max(xs)) / 2 - x) < 2 and max(ys) - min(ys) > 20, (d, x, b)
EOF2"
check "a hostile title is drawn literally and runs nothing" bash -c "
    '$BIN' run '$TMP/hostile.ini' -n 200 -o '$TMP/host' -q && '$BIN' plot --format png,svg '$TMP/host' >/dev/null &&
    '$BIN' report '$TMP/host' >/dev/null && ! ls '$TMP'/pwned* 2>/dev/null &&
    [ -s '$TMP/host/charts/histogram-escaped.png' ] && grep -qF 'system(\"touch' '$TMP/host/charts/histogram-escaped.svg' &&
    ! grep -q '<script>' '$TMP/host/report.html' && grep -q '&lt;script&gt;' '$TMP/host/report.html'"
check "Arabic text is kept intact in the manifest and the reports" bash -c "
    grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/manifest.ini' && grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/report.md' &&
    grep -q 'تقدير مخاطر الفرار والتسلل' '$TMP/host/report.html'"

echo "== sweeps, comparisons and sensitivity"
check "Ishigami Sobol indices match the closed form within their bootstrap intervals" bash -c "
    '$BIN' sobol scenarios/ishigami.ini -N 8192 -o '$TMP/ish' -q && python3 - '$TMP/ish/sobol.csv' <<'EOF2'
import csv, sys
exact = {'ishigami.x1': (0.3139, 0.5576), 'ishigami.x2': (0.4424, 0.4424), 'ishigami.x3': (0.0, 0.2437)}
rows = list(csv.DictReader(open(sys.argv[1])))
chance = [r for r in rows if r['kind'] == 'chance']
assert len(chance) == 1 and float(chance[0]['S1']) == 0 and float(chance[0]['ST']) == 0, chance  # no chance in it
for r in rows:
    if r['kind'] == 'chance':
        continue
    s1, st = exact[r['parameter']]
    for est, lo, hi, true in ((r['S1'], r['S1_low'], r['S1_high'], s1), (r['ST'], r['ST_low'], r['ST_high'], st)):
        est, lo, hi = float(est), float(lo), float(hi)
        half = (hi - lo) / 2  # about 2 standard errors: allow 2 half-widths (4 se)
        assert abs(est - true) <= 2 * half + 1e-9, (r['parameter'], est, true, lo, hi)
EOF2"
check "a model without chance has standard errors of 0, up to the rounding of its own values (Ishigami: tornado swing_se, spider se, sweep se_diff where a moves y by the constant sin^2(1))" bash -c "
    '$BIN' tornado scenarios/ishigami.ini -n 100 -j 1 -o '$TMP/tor-exact' -q &&
    '$BIN' spider scenarios/ishigami.ini -n 100 -j 1 -o '$TMP/spi-exact' -q &&
    '$BIN' sweep scenarios/ishigami.ini --set 'ishigami.x2=1 [R1]' --vary ishigami.a=7,8 -n 1000 -j 1 -o '$TMP/swi-exact' -q &&
    awk -F, 'NR > 1 && !(\$10 + 0 < 1e-12) { print \"tornado\", \$0; bad = 1 } END { exit bad }' '$TMP/tor-exact/tornado.csv' &&
    awk -F, 'NR > 1 && !(\$6 + 0 < 1e-12) { print \"spider\", \$0; bad = 1 } END { exit bad }' '$TMP/spi-exact/spider.csv' &&
    awk -F, 'NR == 3 && !(\$6 + 0 < 1e-12) { print \"sweep\", \$0; bad = 1 } END { exit bad }' '$TMP/swi-exact/sweep.csv'"
check "Sobol g-function indices match the closed form within their bootstrap intervals" bash -c "
    '$BIN' sobol scenarios/sobol-g.ini -N 8192 -o '$TMP/sg' -q && python3 - '$TMP/sg/sobol.csv' <<'EOF2'
import csv, math, sys
a = [0, 1, 4.5, 9, 99, 99, 99, 99]
V = [1 / (3 * (1 + x) ** 2) for x in a]
P = math.prod(1 + v for v in V)
for r in csv.DictReader(open(sys.argv[1])):
    if r['kind'] == 'chance':
        assert float(r['ST']) == 0, r
        continue
    i = int(r['parameter'].split('x')[-1]) - 1
    exact = (V[i] / (P - 1), V[i] * P / (1 + V[i]) / (P - 1))
    for k, true in zip(('S1', 'ST'), exact):
        est, lo, hi = float(r[k]), float(r[k + '_low']), float(r[k + '_high'])
        assert abs(est - true) <= (hi - lo) + 1e-6, (r['parameter'], k, est, true, lo, hi)
EOF2"
check "Sobol past 20 parameters (random rows): 30-input g-function indices within 4 bootstrap SEs of the closed form (Halton gave 9)" bash -c "
    A=\"0, 1, 4.5, 9\$(printf ', 99%.0s' \$(seq 26))\" &&
    '$BIN' sobol scenarios/sobol-g.ini --set \"sobol_g.a=\$A [R2]\" -N 1024 -s 1 -o '$TMP/sg30' -q &&
    grep -qx 'design = independent random rows from the seed' '$TMP/sg30/manifest.ini' &&
    grep -qx \"design = Sobol sequence (GSL's, unscrambled)\" '$TMP/sg/manifest.ini' &&
    '$BIN' report '$TMP/sg30' >/dev/null && grep -q '^The base sample is independent random rows' '$TMP/sg30/report.md' &&
    python3 - '$TMP/sg30/sobol.csv' <<'EOF2'
import csv, math, sys
a = [0, 1, 4.5, 9] + [99] * 26
V = [1 / (3 * (1 + x) ** 2) for x in a]
P = math.prod(1 + v for v in V)
for r in csv.DictReader(open(sys.argv[1])):
    if r['kind'] != 'parameter':
        continue
    i = int(r['parameter'].split('x')[-1]) - 1
    exact = (V[i] / (P - 1), V[i] * P / (1 + V[i]) / (P - 1))
    for k, true in zip(('S1', 'ST'), exact):
        est, lo, hi = float(r[k]), float(r[k + '_low']), float(r[k + '_high'])
        se = (hi - lo) / 3.92  # the 95% bootstrap interval spans about 3.92 standard errors
        assert abs(est - true) <= 4 * se + 1e-6, (r['parameter'], k, est, true, lo, hi)
EOF2"
check "Sobol of an output some trials lack (first_escape_day): no mean (refused alone), its thresholds studied" bash -c "
    ! '$BIN' sobol scenarios/baseline.ini -N 64 --output first_escape_day -o '$TMP/sfe' -q 2>'$TMP/sfe.err' &&
    grep -q 'first_escape_day has no value in [0-9]* of 256 trials of the scenario' '$TMP/sfe.err' && [ ! -e '$TMP/sfe' ] &&
    '$BIN' sobol scenarios/baseline.ini -N 64 --output first_escape_day --threshold 30 -o '$TMP/sfe2' -q 2>'$TMP/sfe2.err' &&
    grep -q 'its mean is left out' '$TMP/sfe2.err' && ! grep -q '^mean' '$TMP/sfe2/sobol.csv' &&
    grep -q '^P(first_escape_day>=30),parameter,' '$TMP/sfe2/sobol.csv'"
check "Sobol with [uncertainty] chance = x1, x2 (Ishigami): they join chance, ST 1 and S1 0.7563; x3's S1 0 and ST 0.2437" bash -c "
    '$BIN' sobol tests/data/ishigami-2d.ini -N 4096 -o '$TMP/si2d' -q 2>'$TMP/si2d.err' &&
    grep -q 'ishigami.x1, ishigami.x2, listed in \[uncertainty\] chance, are drawn afresh' '$TMP/si2d.err' &&
    grep -q '^; this sobol draws these parameters in every trial, as part of chance' '$TMP/si2d/manifest.ini' &&
    '$BIN' report '$TMP/si2d' >/dev/null && grep -q 'marks as chance' '$TMP/si2d/report.md' &&
    python3 - '$TMP/si2d/sobol.csv' <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r['parameter'] for r in rows if r['kind'] == 'parameter'] == ['ishigami.x3'], rows
exact = {'parameter': (0.0, 0.2437), 'chance': (0.3139 + 0.4424, 1.0)}  # Saltelli et al. 2008, a = 7, b = 0.1
for r in rows:
    for k, true in zip(('S1', 'ST'), exact[r['kind']]):
        est, lo, hi = float(r[k]), float(r[k + '_low']), float(r[k + '_high'])
        assert abs(est - true) <= 4 * (hi - lo) / 3.92, (r['kind'], k, est, true, lo, hi)  # 4 bootstrap SEs
EOF2"
check "Sobol's chance row: at_large_end = J - Binomial(J, r), r ~ uniform(0.2, 0.8), J = 100: chance ST = E[Var]/V = 22/322, S1 of r = 300/322" bash -c "
    '$BIN' sobol tests/data/quiet.ini --set initial.escaped0=100 --set 'escape.recapture_fraction=uniform(0.2, 0.8)' \\
        --set time.horizon_days=1 --output at_large_end -N 4096 -o '$TMP/sobq' -q 2>/dev/null && python3 - '$TMP/sobq/sobol.csv' <<'EOF2'
import csv, sys
rows = {r['kind']: r for r in csv.DictReader(open(sys.argv[1]))}
for kind, k, true in (('chance', 'ST', 22 / 322), ('parameter', 'S1', 300 / 322)):
    est, lo, hi = (float(rows[kind][k + s]) for s in ('', '_low', '_high'))
    assert lo <= true <= hi, (kind, k, est, lo, hi, true)  # the 95% bootstrap interval
EOF2"
check "Sobol bounds of a rarely reached threshold: both empty when resamples lack it, else ordered" bash -c "
    '$BIN' sobol scenarios/baseline.ini --output force_end -N 64 --bootstrap 100 -o '$TMP/sbr64' -q &&
    '$BIN' sobol scenarios/baseline.ini --output force_end -N 128 --bootstrap 100 -o '$TMP/sbr128' -q &&
    python3 - '$TMP/sbr64/sobol.csv' '$TMP/sbr128/sobol.csv' <<'EOF2'
import csv, sys
empty64 = 0
for f in sys.argv[1:]:
    for r in csv.DictReader(open(f)):
        for k in ('S1', 'ST'):
            lo, hi = r[k + '_low'], r[k + '_high']
            assert (lo == '') == (hi == ''), (f, r['parameter'], k, lo, hi)
            if lo:
                assert float(lo) <= float(hi), (f, r['parameter'], k, lo, hi)
            elif f == sys.argv[1] and r['statistic'].startswith('P('):
                empty64 += 1
assert empty64 > 0, 'at N=64 the threshold has too few hits for bounds'
EOF2"
check "sobol --threshold naming a threshold the scenario lists studies it once (no repeated rows)" bash -c "
    '$BIN' sobol scenarios/baseline.ini --output escaped --threshold 1000 -N 64 --bootstrap 100 -o '$TMP/sob-dup' -q &&
    [ \$(cut -d, -f1 '$TMP/sob-dup/sobol.csv' | sort -u | grep -c .) -eq 3 ] &&
    test -z \"\$(cut -d, -f1-3 '$TMP/sob-dup/sobol.csv' | sort | uniq -d)\""
check "a tornado of a correlated scenario says in its brief and manifest that the correlations were not applied" bash -c "
    '$BIN' tornado scenarios/correlated.ini -n 50 -o '$TMP/tor-corr' -q 2>/dev/null && '$BIN' report '$TMP/tor-corr' >/dev/null &&
    grep -q 'correlation\\\\\] was not applied: this design treats the parameters as independent' '$TMP/tor-corr/report.md' &&
    grep -A1 '^\[correlation\]' '$TMP/tor-corr/manifest.ini' | grep -qx '; not applied by this tornado, which treats the parameters as independent'"
check "sobol writes the same bytes at -j 1 and -j 2" bash -c "
    '$BIN' sobol scenarios/baseline.ini --output infiltrated -N 256 -j 1 -o '$TMP/sb1' -q &&
    '$BIN' sobol scenarios/baseline.ini --output infiltrated -N 256 -j 2 -o '$TMP/sb2' -q && diff -r '$TMP/sb1' '$TMP/sb2'"
check "a killed Sobol run resumes to the same bytes" bash -c "
    '$BIN' sobol scenarios/baseline.ini --output force_end -N 2048 -o '$TMP/full' -q &&
    { '$BIN' sobol scenarios/baseline.ini --output force_end -N 2048 -o '$TMP/cut' -q & pid=\$!;
      for i in \$(seq 1 200); do [ -f '$TMP/.cut.checkpoint' ] && break; sleep 0.05; done; kill -9 \$pid; wait \$pid 2>/dev/null; } ;
    [ -f '$TMP/.cut.checkpoint' ] && [ ! -e '$TMP/cut' ] &&
    '$BIN' sobol scenarios/baseline.ini --output force_end -N 2048 -o '$TMP/cut' -q --resume 2>/dev/null &&
    diff -r '$TMP/full' '$TMP/cut' && [ ! -e '$TMP/.cut.checkpoint' ]"
check "a killed sweep resumes to the same bytes" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swfull' -q &&
    { '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swcut' -q & pid=\$!;
      for i in \$(seq 1 400); do [ -f '$TMP/.swcut.checkpoint' ] && break; sleep 0.05; done; kill -9 \$pid; wait \$pid 2>/dev/null; } ;
    [ -f '$TMP/.swcut.checkpoint' ] && [ ! -e '$TMP/swcut' ] &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swcut' -q --resume 2>/dev/null &&
    diff -r '$TMP/swfull' '$TMP/swcut'"
check "a rerun without --resume keeps a killed run's checkpoint (an error) unless --force" bash -c "
    { '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swkeep' -q & pid=\$!;
      for i in \$(seq 1 400); do [ -f '$TMP/.swkeep.checkpoint' ] && break; sleep 0.05; done; kill -9 \$pid; wait \$pid 2>/dev/null; } ;
    [ -f '$TMP/.swkeep.checkpoint' ] && cp '$TMP/.swkeep.checkpoint' '$TMP/keep.ck' &&
    ! '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swkeep' -q 2>'$TMP/keep.err' &&
    grep -q 'resume to continue it' '$TMP/keep.err' && cmp '$TMP/.swkeep.checkpoint' '$TMP/keep.ck' &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:12 -n 8000 -o '$TMP/swkeep' -q --force &&
    diff -r '$TMP/swfull' '$TMP/swkeep' && [ ! -e '$TMP/.swkeep.checkpoint' ]"
check "--resume without a checkpoint is an error" bash -c "
    ! '$BIN' tornado scenarios/baseline.ini -n 50 -o '$TMP/nothing' -q --resume 2>'$TMP/resume.err' &&
    grep -q 'no checkpoint' '$TMP/resume.err'"
check "a tornado of a probability most parameters do not move alone says so on the chart too, and one of a mean does not" bash -c "
    '$BIN' tornado scenarios/baseline.ini --output force_end --threshold 20000 -n 300 -o '$TMP/tor-flat' -q 2>/dev/null &&
    '$BIN' plot --format svg '$TMP/tor-flat' >/dev/null && grep -q 'parameters move it by nothing alone' '$TMP/tor-flat/charts/tornado.svg' &&
    '$BIN' tornado scenarios/ishigami.ini -n 50 -o '$TMP/tor-mean' -q && '$BIN' plot --format svg '$TMP/tor-mean' >/dev/null &&
    ! grep -q 'by nothing alone' '$TMP/tor-mean/charts/tornado.svg'"
check "a spider brief has one row per parameter, its result at each percentile across, ranked by range" bash -c "
    '$BIN' spider scenarios/baseline.ini --output infiltrated -n 200 -o '$TMP/spi-brief' -q && '$BIN' report '$TMP/spi-brief' >/dev/null &&
    grep -q '^| parameter | at p5 | at p25 | at p50 | at p75 | at p95 | range |\$' '$TMP/spi-brief/report.md' &&
    grep -A2 '^| parameter | at p5' '$TMP/spi-brief/report.md' | tail -1 | grep -q '^| latent.infiltration_rate \\\\\* |' &&
    grep -q '^(the 12 of 18 parameters that move it most' '$TMP/spi-brief/report.md'"
check "a run to precision's brief says what it aimed at and reached, and the least precise mean with its standard error" bash -c "
    '$BIN' run scenarios/baseline.ini --precision 0.2 --batch 200 -o '$TMP/prec-brief' -q 2>/dev/null && '$BIN' report '$TMP/prec-brief' >/dev/null &&
    grep -q '^Run to precision: .* within 0.2 (absolute: 20 percentage points); reached after [0-9,]* trials. The least precise: mean of [a-z_.]*: [0-9.]* ± [0-9.]* (one standard error)\.\$' '$TMP/prec-brief/report.md'"
check "a sweep chart of a probability near 100% says where its axis starts, and that its band is each point's own interval" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:3 -n 300 -o '$TMP/sw-axis' -q &&
    '$BIN' plot --format svg '$TMP/sw-axis' >/dev/null &&
    grep -q 'axis from [0-9.]*%' '$TMP/sw-axis/charts/sweep-P-infiltrated.europe-ge-1.svg' &&
    grep -q \"band: each point's own 95% interval\" '$TMP/sw-axis/charts/sweep-P-infiltrated.europe-ge-1.svg' &&
    ! grep -q 'axis from' '$TMP/sw-axis/charts/sweep-escaped.svg'"
check "a spider chart draws only the parameters that move its statistic, and says how many leave it unchanged (mean(escaped): 3 of 18 at 100 trials)" bash -c "
    '$BIN' spider scenarios/baseline.ini -n 100 -o '$TMP/spi-move' -q && '$BIN' plot --format svg '$TMP/spi-move' >/dev/null &&
    grep -q 'the 3 that move it; the other 15 leave it unchanged' '$TMP/spi-move/charts/spider.svg' &&
    grep -q '>facility.ne_syria_prisons.event_rate<' '$TMP/spi-move/charts/spider.svg' &&
    ! grep -q '>latent.infiltration_rate \\*<' '$TMP/spi-move/charts/spider.svg' && ! grep -q '>ct.removals_per_year<' '$TMP/spi-move/charts/spider.svg'"
check "a spider chart ranks a parameter with no result at any percentile (mean(first_escape_day) where no trial escapes) as moving nothing, ahead of none that does (it had been drawn instead, and gnuplot failed on nan)" bash -c "
    printf '[scenario]\\nname = spnan\\nextends = %s/tests/data/quiet.ini\\n[facility.f]\\nheld0 = uniform(900, 1100) [assumption]\\nevent_rate = loguniform(1e-9, 10) [assumption]\\nevent_size = 10\\n[escape]\\nrecapture_fraction = uniform(0, 0.5) [assumption]\\n' \"\$PWD\" > '$TMP/spnan.ini' &&
    '$BIN' spider '$TMP/spnan.ini' --output first_escape_day -n 20 -j 1 -o '$TMP/spnan' -q 2>/dev/null &&
    [ \"\$(awk -F, '\$1 == \"facility.f.held0\" && \$5 == \"\"' '$TMP/spnan/spider.csv' | wc -l)\" -eq 5 ] &&
    '$BIN' plot --format svg '$TMP/spnan' >/dev/null &&
    grep -q '>facility.f.event_rate \\*<' '$TMP/spnan/charts/spider.svg' && ! grep -q '>facility.f.held0 \\*<' '$TMP/spnan/charts/spider.svg' &&
    grep -q 'the 1 that move it; the other 2 leave it unchanged' '$TMP/spnan/charts/spider.svg'"
check "a spider brief of more percentiles than it has columns says which it shows (the range is over all)" bash -c "
    '$BIN' spider scenarios/ishigami.ini --percentiles 5,10,15,20,25,30,35,40,45,50,55,60,65,70,75,80,85,90,95 -n 20 -o '$TMP/spi-many' -q &&
    '$BIN' report '$TMP/spi-many' >/dev/null && grep -q '^(the first 13 of 19 percentiles; the range is over all 19' '$TMP/spi-many/report.md'"
check "a sensitivity or sweep brief says what the analysis asks, apart from the scenario's question" bash -c "
    grep -q '^\*\*The scenario.s question\.\*\* ' '$TMP/spi-brief/report.md' &&
    grep -q '^\*\*This analysis\.\*\* How mean(infiltrated) moves as each uncertain parameter alone goes through the percentiles' '$TMP/spi-brief/report.md'"
check "design and several-run briefs list the sources cited, as a run's does (several runs: each source once, F17 from un-estimate too)" bash -c "
    grep -q '^## Sources cited' '$TMP/spi-brief/report.md' &&
    '$BIN' run scenarios/un-estimate.ini -n 100 -o '$TMP/src-u' -q && '$BIN' run scenarios/baseline.ini -n 100 -o '$TMP/src-b' -q &&
    '$BIN' report '$TMP/src-b' '$TMP/src-u' -o '$TMP/src-both' >/dev/null && grep -q '^## Sources cited' '$TMP/src-both/report.md' &&
    [ \$(grep -c '^| F17 |' '$TMP/src-both/report.md') -eq 1 ] && [ \$(grep -c '^| F01 |' '$TMP/src-both/report.md') -eq 1 ]"
check "consoles print a probability's Morris effects in percentage points, as the brief does, and Sobol's counts with separators" bash -c "
    '$BIN' morris scenarios/baseline.ini --output force_end --threshold 20000 -r 4 -n 50 -o '$TMP/mor-pts' 2>/dev/null | grep -q 'mu\* (pts) *sigma (pts)' &&
    '$BIN' sobol scenarios/ishigami.ini -N 4096 -o '$TMP/sob-sep' 2>/dev/null | grep -q '^ishigami: Sobol indices, base sample 4,096, 24,576 model runs, 1,000 bootstrap resamples\$'"
check "a Sobol group whose share on its own comes out above its share with interactions is called sampling noise, in console and brief" bash -c "
    '$BIN' sobol scenarios/baseline.ini --output force_end -N 512 -o '$TMP/sob-noise' >'$TMP/sob-noise.out' 2>/dev/null &&
    python3 - '$TMP/sob-noise' <<'EOF2'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/sobol.csv')) if r['kind'] == 'group' and r['statistic'] == 'mean(force_end)']
noisy = any(float(r['S1']) > float(r['ST']) for r in rows)
said = 'is sampling noise' in open(sys.argv[1] + '.out').read().split('P(force_end')[0]
assert noisy == said, (noisy, said, rows)
assert noisy, 'the check needs a noisy group at this seed'
EOF2
    '$BIN' report '$TMP/sob-noise' >/dev/null && grep -q 'is sampling noise (it cannot be so)' '$TMP/sob-noise/report.md'"
check "tornado ranks latent0 first for force_end" bash -c "
    '$BIN' tornado scenarios/baseline.ini --output force_end -n 300 -o '$TMP/torn' -q &&
    sed -n 2p '$TMP/torn/tornado.csv' | grep -q '^1,initial.latent0,mean(force_end),'"
check "a parameter with no effect shows none: common random numbers" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary iraq.breach_fraction=0.1,0.5 --set iraq.breach_rate=0 -n 300 -o '$TMP/crn' -q &&
    python3 -c \"
import csv
rows = list(csv.DictReader(open('$TMP/crn/sweep.csv')))
assert len(rows) == 2
for k in rows[0]:
    if k.startswith('se_diff('):
        assert rows[0][k] in ('', '0') and rows[1][k] == rows[0][k], k
    elif k not in ('point', 'iraq.breach_fraction') and not k.startswith('se_diff_P('):
        assert rows[0][k] == rows[1][k], k
\""
check "sweep: each point's paired standard error of its difference from point 0 is compare's se for the same two scenarios" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary transfer.rate_per_day=0,50 -n 2000 -o '$TMP/swpair' -q &&
    for v in 0 50; do sed \"s/^rate_per_day *=.*/rate_per_day = \$v/; s/^name *=.*/name = rate\$v/\" scenarios/baseline.ini > '$TMP/rate'\$v.ini; done &&
    '$BIN' compare '$TMP/rate0.ini' '$TMP/rate50.ini' --sources scenarios/sources.csv -n 2000 -o '$TMP/cmppair' -q &&
    python3 - '$TMP/swpair/sweep.csv' '$TMP/cmppair/compare.csv' <<'EOF2'
import csv, sys
sw = list(csv.DictReader(open(sys.argv[1])))
cmp = {(r['output'], r['statistic']): r for r in csv.DictReader(open(sys.argv[2])) if r['scenario'] == 'rate50'}
checked = 0
for (out, stat), r in cmp.items():
    col = 'se_diff(%s)' % out if stat == 'mean' else 'se_diff_P(%s>=%s)' % (out, stat[4:-1])
    assert sw[0][col] in ('0', ''), col
    if sw[1][col] == '':
        assert out == 'first_escape_day', col  # missing values: no paired column
        continue
    assert sw[1][col] == r['se'], (col, sw[1][col], r['se'])
    assert stat != 'mean' or sw[1]['mean(%s)' % out] == r['value'], out
    checked += 1
assert checked >= 25, checked
EOF2"
check "compare: a scenario against itself differs by exactly zero (means with se 0; probabilities' Agresti-Min intervals hold 0)" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/baseline.ini -n 300 -o '$TMP/same' -q &&
    awk -F, 'NR > 1 && (\$6 != 0 || (\$3 == \"mean\" && \$7 != 0) || \$8 > 0 || \$9 < 0) { bad = 1 } END { exit bad }' '$TMP/same/compare.csv' &&
    awk -F, 'NR > 1 && \$3 != \"mean\" && \$8 < 0 && \$9 > 0 { n++ } END { exit n != 4 }' '$TMP/same/compare.csv'"
check "compare's console rounds a mean's difference and its interval as the brief does (+26.8 ± 6.81 and +26.8 [20.0, 33.6], not +27 ± 6.81)" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/transfer-halted.ini -n 2000 -j 1 -o '$TMP/cmpround' > '$TMP/cmpround.out' &&
    '$BIN' report '$TMP/cmpround' >/dev/null &&
    line=\$(grep '^  mean escaped ' '$TMP/cmpround.out') && d=\$(echo \"\$line\" | awk '{ print \$3 }') && h=\$(echo \"\$line\" | awk '{ print \$5 }') &&
    row=\$(grep '^| transfer-halted | escaped | mean |' '$TMP/cmpround/report.md') &&
    [ \"\$(echo \"\$row\" | awk -F' [|] ' '{ print \$5 }')\" = \"\$d\" ] && echo \"\$d\" | grep -q '^[+]26[.][0-9]\$' &&
    awk -v d=\"\$d\" -v h=\"\$h\" -v lo=\"\$(echo \"\$row\" | awk -F' [|] ' '{ print \$6 }')\" 'BEGIN { exit !(d - h - lo < 0.051 && lo - (d - h) < 0.051) }'"
check "2-D run: between_sd is exactly 0 where the outer spread is all inner chance (sd equals inner_se: one outer sample of 50 at 39 of 40), not the square root of rounding (1.2e-10)" bash -c "
    '$BIN' run scenarios/baseline.ini --outer 50 --inner 40 -o '$TMP/btw0' -q &&
    grep -q '^infiltrated.europe,probability,1,0.9995,0.0005,0.9995,0.003535533906,0.003535533906,0,1,1,1\$' '$TMP/btw0/uncertainty.csv'"
check "a sweep's brief lists each assumption's informing sources as a run's brief does, without the word assumption (E3, not 'assumption, E3')" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary ct.removals_per_year=100,400 -n 20 -o '$TMP/swinf' -q && '$BIN' report '$TMP/swinf' >/dev/null &&
    '$BIN' run scenarios/baseline.ini -n 20 -o '$TMP/runinf' -q && '$BIN' report '$TMP/runinf' >/dev/null &&
    grep -q '^| facility.ne_syria_prisons.share | .* | E3 |\$' '$TMP/swinf/report.md' &&
    [ \"\$(grep '^| facility.ne_syria_prisons.share |' '$TMP/swinf/report.md')\" = \"\$(grep '^| facility.ne_syria_prisons.share |' '$TMP/runinf/report.md')\" ] &&
    ! sed -n '/^## Assumptions/,/^## /p' '$TMP/swinf/report.md' | grep -q '| [^|]*assumption[^|]* |\$'"
check "a key fixed in the first scenario and uncertain in another is a parameter in the comparison's dictionary.csv, whatever their order" bash -c "
    printf '[scenario]\\nname = halting\\nextends = %s/scenarios/baseline.ini\\n[transfer]\\nhalt_rate = uniform(0, 2) [assumption]\\n' \"\$PWD\" > '$TMP/halting.ini' &&
    '$BIN' compare scenarios/baseline.ini '$TMP/halting.ini' --sources scenarios/sources.csv -n 20 -o '$TMP/halt1' -q &&
    '$BIN' compare '$TMP/halting.ini' scenarios/baseline.ini --sources scenarios/sources.csv -n 20 -o '$TMP/halt2' -q &&
    grep -q '^transfer.halt_rate,parameter,' '$TMP/halt1/dictionary.csv' && grep -q '^transfer.halt_rate,parameter,' '$TMP/halt2/dictionary.csv' &&
    ! grep -q '^transfer.halt_rate,setting,' '$TMP/halt1/dictionary.csv'"
check "a sweep of a model whose descriptions carry no unit labels its axis with the output alone; LO:HI:N points read as written (0.06), to 6 significant digits (1.33333) or more where neighbours would merge" bash -c "
    '$BIN' sweep scenarios/ishigami.ini --vary ishigami.b=0:0.09:10 -n 20 -o '$TMP/swi' -q && '$BIN' plot --format svg '$TMP/swi' >/dev/null &&
    ! grep -q '>y (x1)<' '$TMP/swi/charts/sweep-y.svg' && grep -q '>y<' '$TMP/swi/charts/sweep-y.svg' && grep -q '^6,0.06,' '$TMP/swi/sweep.csv' &&
    '$BIN' sweep scenarios/ishigami.ini --vary ishigami.b=1:2:4 -n 20 -o '$TMP/swi3' -q && grep -q '^1,1.33333,' '$TMP/swi3/sweep.csv' &&
    '$BIN' sweep scenarios/ishigami.ini --vary ishigami.b=1:1.00001:20 -n 20 -o '$TMP/swi4' -q &&
    [ \"\$(cut -d, -f2 '$TMP/swi4/sweep.csv' | sort -u | wc -l)\" -eq 21 ]"
check "a sweep's LO and HI run as written, however many digits (only the points between are rounded)" bash -c "
    '$BIN' sweep scenarios/ishigami.ini --vary ishigami.b=0.1234567:1234567:3 -n 5 -o '$TMP/swi5' -q &&
    [ \"\$(cut -d, -f2 '$TMP/swi5/sweep.csv' | tr '\n' ' ')\" = 'ishigami.b 0.1234567 617284 1234567 ' ]"
check "a sweep over a listed, unsorted grid (5,1,3) draws its lines and bands by x, and sweep.csv keeps the grid's order" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary ct.removals_per_year=5,1,3 -n 200 -j 1 -o '$TMP/swu' -q &&
    '$BIN' plot --format svg '$TMP/swu' >/dev/null && [ \"\$(cut -d, -f2 '$TMP/swu/sweep.csv' | tr '\n' ' ')\" = 'ct.removals_per_year 5 1 3 ' ] &&
    python3 - '$TMP/swu/charts' <<'EOF2'
import re, sys
# a band is one polygon along its low edge and back along its high edge: drawn
# in the grid's order, it folds back on itself and covers x = 1..3 not at all
for c in ('sweep-force_end', 'sweep-P-escaped-ge-1000'):
    svg = open(sys.argv[1] + '/' + c + '.svg').read()
    bands = re.findall(r\"<polygon [^>]*points = '([^']*)'\", svg)
    lines = re.findall(r\"<path stroke='rgb\( 33, 102, 172\)'  d='M[^']* M([^']*)'\", svg)
    assert len(bands) == 1 and len(lines) == 1, (c, bands, lines)
    xs = [float(p.split(',')[0]) for p in bands[0].split()]
    low = xs[:len(xs) // 2]
    assert len(low) == 3 and low == sorted(low), (c, xs)
    line = [float(p.split(',')[0]) for p in lines[0].replace('L', ' ').split()]
    assert line == sorted(line), (c, line)
EOF2"
check "a heat map over two listed, unsorted grids runs each axis upwards, each cell labelled and shaded with its own point" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.02,0.005,0.01 --vary period.funding_cut.escape=2,1 -n 50 -j 1 \
        -o '$TMP/swu2' -q && '$BIN' plot --format svg '$TMP/swu2' >/dev/null && python3 - '$TMP/swu2' <<'EOF2'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1] + '/sweep.csv')))
svg = open(sys.argv[1] + '/charts/heatmap-force_end.svg').read()
texts = [(float(x), float(y), s) for x, y, s in re.findall(r'<g transform=\"translate\(([0-9.]+),([0-9.]+)\)[^>]*>\s*<text>([^<]*)</text>', svg)]
xt = {s: x for x, y, s in texts if abs(y - 541.9) < 1}           # under the plot
yt = {s: y for x, y, s in texts if x < 110 and s in ('1', '2')}  # left of it
assert sorted(xt, key=xt.get) == ['0.005', '0.01', '0.02'], xt
assert sorted(yt, key=yt.get) == ['2', '1'], yt                  # 1 at the bottom
for r in rows:
    x, y, v = xt[r['latent.infiltration_rate']], yt[r['period.funding_cut.escape']], float(r['mean(force_end)'])
    lab = [s for tx, ty, s in texts if abs(tx - x) < 1 and abs(ty - y) < 10 and s[0].isdigit()]
    assert lab == [format(round(v), ',')], (r['point'], lab, v)
# the darkest cell is the largest value's
top = max(rows, key=lambda r: float(r['mean(force_end)']))
dark = re.search(r\"<polygon fill = 'rgb\(  8,  48, 107\)' points = '([^']*)'\", svg)
pts = [tuple(map(float, p.split(','))) for p in dark.group(1).split()]
x, y = xt[top['latent.infiltration_rate']], yt[top['period.funding_cut.escape']]
assert min(p[0] for p in pts) < x < max(p[0] for p in pts) and min(p[1] for p in pts) < y < max(p[1] for p in pts), (pts, x, y)
EOF2"
check "a heat map's colour-bar label is drawn whole inside the PNG, also beside wide tick labels (20,000; 27.2%)" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:3 --vary initial.latent0=15000,17500,20000 -n 60 -j 1 \
        -o '$TMP/swcb' -q && '$BIN' plot '$TMP/swcb' >/dev/null && python3 - '$TMP/swcb/charts' <<'EOF2'
import struct, sys, zlib
def gray(path):  # an 8-bit RGB(A) PNG, as pngcairo writes it, as rows of grey levels
    b = open(path, 'rb').read()
    pos, idat, w = 8, b'', 0
    while pos < len(b):
        n, kind = struct.unpack('>I4s', b[pos:pos + 8])
        body = b[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), (path, depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + prev[i]) & 255
            elif f == 3: line[i] = (line[i] + (a + prev[i]) // 2) & 255
            elif f == 4:
                p = a + prev[i] - c
                pa, pb, pc = abs(p - a), abs(p - prev[i]), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else prev[i] if pb <= pc else c)) & 255
        rows.append([sum(line[x * bpp:x * bpp + 3]) // 3 for x in range(w)])
        prev = line
    return rows
for name in ('heatmap-force_end', 'heatmap-P-escaped-ge-1000', 'heatmap-escaped'):
    # between the subtitle and the footer: the title reaches x = 1047 and, beside
    # narrow tick labels (398, 400), a label left of that would merge with it
    rows = gray(sys.argv[1] + '/' + name + '.png')[90:560]
    w = len(rows[0])
    inked = [x for x in range(w) if any(r[x] < 140 for r in rows)]
    right = max(inked)
    assert right < w - 4, (name, 'ink at the right edge: the label is cut off', right, w)
    # the rightmost run of inked columns is the label, one rotated line of text,
    # not the colour bar's tick labels (the label pushed off the canvas)
    left = right
    while left - 1 in inked: left -= 1
    span = [y for y, r in enumerate(rows) if any(r[x] < 140 for x in range(left, right + 1))]
    assert right - left < 30 and span[-1] - span[0] > 120, (name, 'no colour-bar label', left, right, span[:1], span[-1:])
EOF2"
check "a heat map shades cells labelled alike (303, 303; 99.9%, 99.9%) alike, and a mean's colours span ten units of the labels' last digit at least" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:3 --vary initial.latent0=15000,17500,20000 -n 500 -j 1 \
        -o '$TMP/swflat' -q && '$BIN' plot --format svg '$TMP/swflat' >/dev/null && python3 - '$TMP/swflat/charts' <<'EOF2'
import re, sys
def cells(name):  # each cell's label and fill, the label found inside its polygon
    svg = open(sys.argv[1] + '/' + name + '.svg').read()
    polys = [(tuple(map(int, c.split(','))), [tuple(map(float, q.split(','))) for q in p.split()])
             for c, p in re.findall(r\"<polygon fill = 'rgb\(([0-9, ]+)\)' points = '([^']*)'\", svg)]
    out = []
    for x, y, lab in re.findall(r'translate\(([0-9.]+),([0-9.]+)\)[^>]*text-anchor=\"middle\">\s*<text>([0-9,.%]+)</text>', svg):
        x, y = float(x), float(y)
        fill = [c for c, pts in polys if min(p[0] for p in pts) < x < max(p[0] for p in pts) and
                min(p[1] for p in pts) < y < max(p[1] for p in pts)]
        if fill: out.append((lab, fill[0]))
    assert len(out) == 9, (name, out)
    return out
# at 500 trials every cell of at_large_end reads 303 (302.7 to 303.4): a tenth of the palette at most
# (#f7fbff to #08306b, 239 levels of red), not its whole span
c = cells('heatmap-at_large_end')
assert len({lab for lab, _ in c}) == 1, c
for ch in range(3):
    v = [fill[ch] for _, fill in c]
    assert max(v) - min(v) <= 0.1 * 239, ('cells labelled alike shaded apart', c)
# values far apart still run the palette from end to end
c = cells('heatmap-infiltrated')
assert {(247, 251, 255), (8, 48, 107)} <= {fill for _, fill in c}, c
# a cell is shaded by its label's value: cells labelled alike share one fill, probabilities too
import glob, os
for f in glob.glob(sys.argv[1] + '/heatmap-*.svg'):
    c = cells(os.path.basename(f)[:-4])
    for lab in {l for l, _ in c}:
        assert len({fill for l, fill in c if l == lab}) == 1, (f, lab, c)
EOF2"
check "a heat map's axes keep a long description's unit (initial.latent0 (people)), or the whole description on two lines when it has none" bash -c "
    grep -q '>initial.latent0 (people)<' '$TMP/swflat/charts/heatmap-infiltrated.svg' &&
    grep -q '>latent.infiltration_rate: departures from Syria per latent fighter-year<' '$TMP/swflat/charts/heatmap-infiltrated.svg' &&
    '$BIN' sweep scenarios/baseline.ini --vary initial.latent0=15000,20000 --vary latent.infiltration_rate=0.005,0.02 -n 20 -o '$TMP/swaxes' -q &&
    '$BIN' plot --format svg '$TMP/swaxes' >/dev/null &&
    grep -q '>initial.latent0: latent fighters in Syria on day 0 (people)<' '$TMP/swaxes/charts/heatmap-infiltrated.svg' &&
    grep -q '>latent.infiltration_rate:<' '$TMP/swaxes/charts/heatmap-infiltrated.svg' &&
    grep -q '>departures from Syria per latent fighter-year<' '$TMP/swaxes/charts/heatmap-infiltrated.svg'"
check "a spider chart's key sits right of the plot, hiding no grid line, and marks parameters resting on assumptions with * as tornado, Morris and Sobol charts" bash -c "
    '$BIN' spider scenarios/baseline.ini --output infiltrated -n 100 -o '$TMP/spikey' -q && '$BIN' plot --format svg '$TMP/spikey' >/dev/null &&
    python3 - '$TMP/spikey' <<'EOF2'
import csv, re, sys
svg = open(sys.argv[1] + '/charts/spider.svg').read()
right = float(re.search(r\"d='M[0-9.]+,[0-9.]+ L[0-9.]+,520.00 L([0-9.]+),520.00\", svg).group(1))
grid = re.findall(r\"class=\\\"gridline\\\"  d='M[0-9.]+,[0-9.]+ L([0-9.]+),\", svg)
assert grid and all(abs(float(x) - right) < 0.5 for x in grid), ('a grid line cut short by the key', right, grid)
assumed = {r['parameter']: r['assumption'] == 'yes' for r in csv.DictReader(open(sys.argv[1] + '/spider.csv'))}
key = {}
for x, lab in re.findall(r'translate\(([0-9.]+),[0-9.]+\)[^>]*>\s*<text>([a-z][a-z0-9_.]*(?: \*)?)</text>', svg):
    if lab.rstrip(' *') in assumed: key[lab] = float(x)
assert len(key) == 8 and all(x > right + 20 for x in key.values()), ('key over the plot', right, key)
for lab in key:
    assert lab.endswith(' *') == assumed[lab.rstrip(' *')], ('* where the parameter rests on an assumption', lab)
assert any(lab.endswith(' *') for lab in key) and '* assumption)</text>' in svg, key
EOF2"
check "a histogram's median label has room between the subtitle and the top of the plot" python3 - "$TMP/pl/charts" <<'EOF2'
import glob, re, sys
charts = glob.glob(sys.argv[1] + '/histogram-*.svg')
assert charts
for c in charts:
    svg = open(c).read()
    top = float(re.search(r"d='M[0-9.]+,([0-9.]+) L[0-9.]+,520.00 L", svg).group(1))  # the y axis, from the top
    sub = re.search(r'translate\([0-9.]+,([0-9.]+)\)[^>]*font-size="([0-9.]+)"[^>]*>\s*<text>Distribution of ', svg)
    med = re.search(r'translate\([0-9.]+,([0-9.]+)\)[^>]*font-size="([0-9.]+)"[^>]*>\s*<text>median ', svg)
    y, fs = float(med.group(1)), float(med.group(2))
    # the baseline half a line above the plot, the capitals clear of the subtitle's descenders
    assert top - y >= 0.5 * fs and y - 0.75 * fs > float(sub.group(1)) + 0.25 * float(sub.group(2)), (c, top, y, sub.groups())
EOF2
check "a histogram labels its median and 90% interval as the brief and the console round them (238.5 reads 239 in all three)" bash -c "
    '$BIN' run scenarios/baseline.ini -n 2000 -s 20260222 -o '$TMP/half' > '$TMP/half.txt' &&
    '$BIN' plot --format svg '$TMP/half' >/dev/null && '$BIN' report '$TMP/half' >/dev/null &&
    python3 - '$TMP/half' <<'EOF2'
import csv, math, re, sys
d = sys.argv[1]
summ = {r['output']: r for r in csv.DictReader(open(d + '/summary.csv'))}
def half_up(x):  # round half away from zero, thousands separated
    return '{:,}'.format(int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1))
brief = open(d + '/report.md').read()
console = open(d + '.txt').read()
ties = 0
for out in ('escaped', 'at_large_end', 'force_end', 'infiltrated'):
    s = summ[out]
    p5, p50, p95 = (float(s[k]) for k in ('p5', 'p50', 'p95'))
    ties += p50 != math.floor(p50)
    svg = open(d + '/charts/histogram-%s.svg' % out).read()
    med = re.search(r'<text>median ([0-9,]+)</text>', svg).group(1)
    band = re.search(r'<text>shaded: 90% of trials, ([0-9,]+) to ([0-9,]+)</text>', svg).groups()
    assert med == half_up(p50) and band == (half_up(p5), half_up(p95)), (out, med, band, p5, p50, p95)
    assert '| %s | ' % out in brief and re.search(r'\\| %s \\|[^|]*\\| %s \\|' % (re.escape(out), re.escape(med)), brief), (out, med)
    assert re.search(r'^%s +%s +%s - %s\$' % (re.escape(out), re.escape(med), re.escape(band[0]), re.escape(band[1])), console, re.M), (out, med)
assert ties, 'no median of the test run lies halfway between two whole numbers'
EOF2"
check "a Morris chart of more parameters than it shows says how many it shows (top 15 of 18)" bash -c "
    '$BIN' morris scenarios/baseline.ini -r 2 -n 20 -o '$TMP/mor15' -q && '$BIN' plot --format svg '$TMP/mor15' >/dev/null &&
    n=\$(( \$(wc -l < '$TMP/mor15/morris.csv') - 1 )) && [ \$n -gt 15 ] && grep -q \"top 15 of \$n parameters\" '$TMP/mor15/charts/morris.svg'"
check "a two-dimensional run's footer and brief say its outer and inner samples; a run's its trials" bash -c "
    '$BIN' run scenarios/baseline.ini --outer 20 --inner 10 -o '$TMP/t2foot' -q && '$BIN' plot --format svg '$TMP/t2foot' >/dev/null &&
    grep -q '>baseline · 20 outer × 10 inner (200 trials) · seed ' '$TMP/t2foot/charts/histogram-escaped.svg' &&
    grep -q '>baseline · 20 outer × 10 inner (200 trials) · seed ' '$TMP/t2foot/charts/exceedance-band-escaped.svg' &&
    grep -q '>baseline · 600 trials · seed 5 ' '$TMP/pl/charts/histogram-escaped.svg' &&
    '$BIN' report '$TMP/t2foot' >/dev/null && grep -q 'model detention: 20 outer × 10 inner (200 trials), seed ' '$TMP/t2foot/report.md'"
check "compare notes a scenario that simulates other days than the first, and not one that does not" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/breakout-6000.ini scenarios/sdf-claims.ini -n 50 -o '$TMP/cmpdays' -q 2>'$TMP/cmpdays.err' &&
    grep -q 'note: breakout-6000 simulates 365 days from 2026-01-15, baseline 365 days from 2026-02-22' '$TMP/cmpdays.err' &&
    ! grep -q 'sdf-claims' '$TMP/cmpdays.err' &&
    grep -qx 'periods = baseline: 365 days from 2026-02-22; breakout-6000: 365 days from 2026-01-15; sdf-claims: 365 days from 2026-02-22' '$TMP/cmpdays/manifest.ini' &&
    '$BIN' plot --format png,svg '$TMP/cmpdays' >/dev/null && '$BIN' report '$TMP/cmpdays' >/dev/null &&
    grep -q 'Simulated: baseline: 365 days from 2026-02-22; breakout-6000: 365 days from 2026-01-15; .*(their differences also compare other periods)' '$TMP/cmpdays/report.md' &&
    grep -q 'breakout-6000 against baseline: paired differences over 50 trials (it simulates 365 days from 2026-01-15)' '$TMP/cmpdays/charts/compare-1.svg' &&
    ! grep -q 'it simulates' '$TMP/cmpdays/charts/compare-2.svg' &&
    '$BIN' compare scenarios/baseline.ini scenarios/sdf-claims.ini -n 20 -o '$TMP/cmpsame' -q && ! grep -q '^periods' '$TMP/cmpsame/manifest.ini'"
check "a comparison chart puts means (in %) and probabilities (in points) on two axes of their own, each bar's value beside it, and charts every headline output (transferred too)" bash -c "
    grep -q '>means: change from baseline, in % of its mean<' '$TMP/cmpdays/charts/compare-1.svg' &&
    grep -q '>probabilities: change from baseline, in percentage points<' '$TMP/cmpdays/charts/compare-1.svg' &&
    grep -q '>+[0-9.,]*%<' '$TMP/cmpdays/charts/compare-1.svg' && grep -q '>[-+]\\?[0-9.,]* pts<' '$TMP/cmpdays/charts/compare-1.svg' &&
    '$BIN' compare scenarios/ishigami.ini scenarios/ishigami.ini -n 50 -o '$TMP/cmp-nothr' -q && '$BIN' plot --format svg '$TMP/cmp-nothr' >/dev/null &&
    grep -q '>means: change from ishigami' '$TMP/cmp-nothr/charts/compare-1.svg' && ! grep -q '>probabilities:' '$TMP/cmp-nothr/charts/compare-1.svg' &&
    '$BIN' compare scenarios/baseline.ini scenarios/transfer-halted.ini -n 50 -o '$TMP/cmp-th' -q && '$BIN' plot --format svg '$TMP/cmp-th' >/dev/null &&
    grep -q '>mean transferred<' '$TMP/cmp-th/charts/compare-1.svg' && grep -q '>-100%<' '$TMP/cmp-th/charts/compare-1.svg' &&
    ! grep -q '>mean infiltrated.iraq<' '$TMP/cmp-th/charts/compare-1.svg'"
check "a chart of P(X >= 1e+20) is named ...-1e+20, not ...-1e-20 (another threshold)" bash -c "
    '$BIN' sobol scenarios/ishigami.ini -N 64 --set 'ishigami.a=1e21 [assumption]' --threshold 1e20 -o '$TMP/sobbig' -q &&
    '$BIN' plot '$TMP/sobbig' >/dev/null && [ -s '$TMP/sobbig/charts/sobol-P-y-ge-1e+20.png' ] &&
    [ ! -e '$TMP/sobbig/charts/sobol-P-y-ge-1e-20.png' ]"
check "a comparison's manifest keeps each scenario's question, and its brief says what each later scenario asks, and each difference's sign" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/transfer-halted.ini -n 50 -o '$TMP/cmpq' -q &&
    grep -q '^question.2 = What if the last phases of the transfer programme to Iraqi custody never run?\$' '$TMP/cmpq/manifest.ini' &&
    '$BIN' report '$TMP/cmpq' >/dev/null &&
    grep -q '^transfer-halted: What if the last phases of the transfer programme to Iraqi custody never run?\$' '$TMP/cmpq/report.md' &&
    grep -q '^| transfer-halted | transferred | mean | 0 | -1,[0-9]* |' '$TMP/cmpq/report.md' &&
    grep -q '^| transfer-halted | recaptured | mean | [0-9,]* | +[0-9.,]* |' '$TMP/cmpq/report.md'"
check "compare of one trial per scenario (differences of means without an interval) is charted and briefed" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/breakout-6000.ini -n 1 -o '$TMP/cmpone' -q 2>/dev/null &&
    grep -q '^breakout-6000,escaped,mean,[0-9.]*,[0-9.]*,[0-9.-]*,,,,1,' '$TMP/cmpone/compare.csv' &&
    '$BIN' report '$TMP/cmpone' >/dev/null && [ -s '$TMP/cmpone/charts/compare-1.png' ]"
check "compare notes, in its manifest and brief too, the outputs and thresholds without a pair (another destination list), and nothing when all pair" bash -c "
    '$BIN' compare tests/data/quiet.ini tests/data/quiet-west-asia.ini -n 20 -o '$TMP/cmpdest' -q 2>'$TMP/cmpdest.err' &&
    grep -q 'note: left out of compare.csv, .*: quiet-west-asia has what quiet (the first) lacks: output infiltrated.west_asia, thresholds P(infiltrated.west_asia >= 1), P(escaped >= 1)\$' '$TMP/cmpdest.err' &&
    ! grep -q 'infiltrated.west_asia' '$TMP/cmpdest/compare.csv' &&
    grep -qx 'left_out = quiet-west-asia has what quiet (the first) lacks: output infiltrated.west_asia, thresholds P(infiltrated.west_asia >= 1), P(escaped >= 1)' '$TMP/cmpdest/manifest.ini' &&
    '$BIN' report '$TMP/cmpdest' >/dev/null &&
    grep -q 'Left out, .*: quiet-west-asia has what quiet (the first) lacks: output infiltrated.west_asia, ' '$TMP/cmpdest/report.md' &&
    '$BIN' compare tests/data/quiet-west-asia.ini tests/data/quiet.ini -n 20 -o '$TMP/cmpdest2' -q 2>'$TMP/cmpdest2.err' &&
    grep -q ': quiet lacks what quiet-west-asia (the first) has: output infiltrated.west_asia, threshold P(infiltrated.west_asia >= 1)\$' '$TMP/cmpdest2.err' &&
    grep -q '^quiet-west-asia,infiltrated.west_asia,' '$TMP/cmpdest2/compare.csv' && ! grep -q '^quiet,infiltrated.west_asia,' '$TMP/cmpdest2/compare.csv' &&
    '$BIN' compare tests/data/quiet.ini tests/data/quiet.ini -n 20 -o '$TMP/cmpdest3' -q 2>'$TMP/cmpdest3.err' &&
    [ ! -s '$TMP/cmpdest3.err' ] && ! grep -q left_out '$TMP/cmpdest3/manifest.ini'"
check "a brief of several runs lists the outputs and thresholds only a later run has (another destination list)" bash -c "
    '$BIN' run tests/data/quiet.ini -n 20 -o '$TMP/rq1' -q 2>/dev/null &&
    '$BIN' run tests/data/quiet-west-asia.ini -n 20 -o '$TMP/rq2' -q 2>/dev/null &&
    '$BIN' report '$TMP/rq1' '$TMP/rq2' -o '$TMP/rqb' >/dev/null &&
    grep -q '^| infiltrated.west_asia | quiet-west-asia | ' '$TMP/rqb/report.md' &&
    grep -q '^| P(infiltrated.west_asia ≥ 1) | quiet-west-asia | ' '$TMP/rqb/report.md' &&
    grep -q '^| P(escaped ≥ 1) | quiet-west-asia | ' '$TMP/rqb/report.md'"
check "sweep: one value is refused (points to run --set); a swept correlated parameter gets a note" bash -c "
    ! '$BIN' sweep scenarios/baseline.ini --vary ct.removals_per_year=5 -n 10 -o '$TMP/sw1' -q 2>'$TMP/sw1.err' &&
    grep -q '1 value (allowed: 2 to 1000; for one value, riskmc run --set ct.removals_per_year=V)' '$TMP/sw1.err' &&
    '$BIN' sweep scenarios/correlated.ini --vary initial.latent0=15000,20000 -n 50 -o '$TMP/swc' -q 2>'$TMP/swc.err' &&
    grep -q 'initial.latent0 is fixed at each point, so its \[correlation\] pairs do not apply' '$TMP/swc.err'"
check "compare refuses a --set that would add back to one scenario what it removes (funding_cut), takes one all share; its brief is titled by all scenarios" bash -c "
    ! '$BIN' compare scenarios/baseline.ini scenarios/funding-restored.ini --set 'period.funding_cut.escape=2 [assumption]' \
        -n 50 -o '$TMP/cset' -q 2>'$TMP/cset.err' && [ ! -e '$TMP/cset' ] &&
    grep -q 'period.funding_cut.escape: funding-restored has no \\[period.funding_cut\\] (baseline has)' '$TMP/cset.err' &&
    ! '$BIN' compare scenarios/baseline.ini scenarios/funding-restored.ini --set 'period.funding_cut.ct=0.5 [assumption]' -n 20 -o '$TMP/cset4' -q 2>/dev/null &&
    '$BIN' compare scenarios/baseline.ini scenarios/funding-restored.ini --set 'transfer.rate_per_day=100 [assumption]' \
        -n 50 -o '$TMP/cset2' -q &&
    printf '[scenario]\\nname = nohalt\\nextends = %s/scenarios/baseline.ini\\nremove = transfer.halt_rate\\n' \"\$PWD\" > '$TMP/nohalt.ini' &&
    '$BIN' compare scenarios/baseline.ini '$TMP/nohalt.ini' --set 'transfer.halt_rate=0.5 [assumption]' -n 20 -o '$TMP/cset3' -q &&
    printf '[scenario]\\nname = emptycorr\\nextends = %s/scenarios/baseline.ini\\n[correlation]\\n; none yet\\n' \"\$PWD\" > '$TMP/emptycorr.ini' &&
    '$BIN' compare scenarios/baseline.ini '$TMP/emptycorr.ini' -n 20 -o '$TMP/cset5' -q \\
        --set 'correlation.initial.latent0=initial.dispersed0: 0.5 [assumption]' &&
    '$BIN' report '$TMP/cset2' >/dev/null && head -1 '$TMP/cset2/report.md' | grep -qx '# Scenario comparison: baseline, funding-restored' &&
    grep -q '^Every difference is from the first scenario, baseline: ' '$TMP/cset2/report.md'"
check "compare: restoring funding lowers escapes, with an interval" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/funding-restored.ini -n 2000 -o '$TMP/fund' -q &&
    awk -F, '\$1 == \"funding-restored\" && \$2 == \"escaped\" && \$3 == \"mean\" { found = 1; if (!(\$9 < 0)) exit 1 } END { exit !found }' '$TMP/fund/compare.csv'"
check "compare: dictionary.csv gives each scenario's sources where they differ, beside each one's value" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/un-estimate.ini -n 50 -o '$TMP/cmp-dict' -q &&
    grep -q '^initial.latent0,parameter,.*,\"baseline: F01; un-estimate: F17, E5\"\$' '$TMP/cmp-dict/dictionary.csv' &&
    grep -q '^transfer.rate_per_day,parameter,csv,[^,]*,\"uniform(0, 250)\",F08\$' '$TMP/cmp-dict/dictionary.csv'"
check "dictionary.csv names each row once (a group by its parts' pattern, infiltrated.*), in a run and a comparison" bash -c "
    '$BIN' run scenarios/baseline.ini -n 50 -o '$TMP/dict-u' -q &&
    test -z \"\$(cut -d, -f1 '$TMP/dict-u/dictionary.csv' | sort | uniq -d)\" &&
    test -z \"\$(cut -d, -f1 '$TMP/cmp-dict/dictionary.csv' | sort | uniq -d)\" &&
    grep -q '^infiltrated,output,' '$TMP/dict-u/dictionary.csv' && grep -q '^infiltrated\.\*,group,' '$TMP/dict-u/dictionary.csv' &&
    grep -q '^facility.ne_syria_prisons.event_size,per_event,manifest,.*,\"loguniform(120, 1500)\",\"F02, F03\"\$' '$TMP/dict-u/dictionary.csv'"
check "compare: dictionary.csv says which scenarios do not set a key the others set" bash -c "
    '$BIN' compare scenarios/baseline.ini tests/data/by-group.ini -n 50 -o '$TMP/cmp-notset' -q &&
    grep -q '^facility.ne_syria_prisons.held0,parameter,csv,[^,]*,\"baseline: uniform(3300, 4300); by-group: not set\",' '$TMP/cmp-notset/dictionary.csv' &&
    grep -q '^facility.ne_syria_prisons.held0.iraqi,setting,manifest,.*,baseline: not set; by-group: 150,assumption\$' '$TMP/cmp-notset/dictionary.csv'"
check "compare: scenarios sharing a value are named together, and the brief's assumptions give each scenario's value" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/un-estimate.ini scenarios/transfer-halted.ini -n 30 -o '$TMP/cmp-grp' -q &&
    grep -q '^initial.latent0,parameter,csv,[^,]*,\"baseline, transfer-halted: uniform(15000, 20000); un-estimate: uniform(1500, 3000)\",\"baseline, transfer-halted: F01; un-estimate: F17, E5\"\$' '$TMP/cmp-grp/dictionary.csv' &&
    '$BIN' report '$TMP/cmp-grp' >/dev/null &&
    grep -q '^| transfer.rate_per_day | [^|]* | baseline, un-estimate: uniform(0, 250); transfer-halted: 0 | baseline, un-estimate: F08; transfer-halted: F09, assumption |' '$TMP/cmp-grp/report.md'"
check "compare: an output no trial has a value of gives empty cells, also in the first scenario's row (not a difference of 0 over 0 trials)" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/transfer-halted.ini --set 'facility.ne_syria_prisons.event_rate=0 [assumption]' \
        -n 100 -o '$TMP/cmp-none' -q &&
    grep -qx 'baseline,first_escape_day,mean,,,,,,,0,0,' '$TMP/cmp-none/compare.csv' &&
    grep -qx 'transfer-halted,first_escape_day,mean,,,,,,,0,0,' '$TMP/cmp-none/compare.csv'"
check "compare: value and first_value are each scenario's own mean, also for an output with missing values" bash -c "
    '$BIN' run scenarios/baseline.ini -n 2000 -o '$TMP/fund-a' -q && '$BIN' run scenarios/funding-restored.ini -n 2000 -o '$TMP/fund-b' -q &&
    python3 - '$TMP/fund/compare.csv' '$TMP/fund-a/summary.csv' '$TMP/fund-b/summary.csv' <<'EOF2'
import csv, sys
mean = lambda f: {r['output']: float(r['mean']) for r in csv.DictReader(open(f)) if r['mean']}
a, b = mean(sys.argv[2]), mean(sys.argv[3])
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['scenario'] == 'funding-restored' and r['statistic'] == 'mean']
assert any(r['output'] == 'first_escape_day' for r in rows)
for r in rows:
    for got, want in ((float(r['value']), b[r['output']]), (float(r['first_value']), a[r['output']])):
        assert abs(got - want) <= 1e-9 * max(1, abs(want)), (r['output'], got, want)
# pairs_differing: the trials (both with a value) whose two values differ, from the two runs' trials.csv
ta = list(csv.DictReader(open(sys.argv[2].replace('summary.csv', 'trials.csv'))))
tb = list(csv.DictReader(open(sys.argv[3].replace('summary.csv', 'trials.csv'))))
for r in rows:
    o = r['output']
    k = sum(1 for x, y in zip(ta, tb) if x[o] != '' and y[o] != '' and float(x[o]) != float(y[o]))
    assert int(r['pairs_differing']) == k, (o, r['pairs_differing'], k)
assert 0 < int(next(r for r in rows if r['output'] == 'iraq_breaches')['pairs_differing']) < 100
EOF2"
check "a comparison's folder describes every scenario: files, sources and columns of all" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/un-estimate.ini scenarios/hindcast-2026q1.ini -n 100 -o '$TMP/cmp3' -q &&
    grep -q '^scenario_files = scenarios/baseline.ini, scenarios/un-estimate.ini, scenarios/hindcast-2026q1.ini\$' '$TMP/cmp3/manifest.ini' &&
    grep -q '^scenarios = baseline, un-estimate, hindcast-2026q1\$' '$TMP/cmp3/manifest.ini' &&
    grep -q '^F17,' '$TMP/cmp3/sources.csv' && grep -q '^F07,' '$TMP/cmp3/sources.csv' &&
    grep -q '^period.conflict.escape,parameter,' '$TMP/cmp3/dictionary.csv' &&
    [ \$(grep -c '^initial.latent0,parameter,' '$TMP/cmp3/dictionary.csv') -eq 1 ]"
check "dictionary.csv describes trials.csv's leading columns" bash -c "
    grep -q '^trial,column,' '$TMP/fund-a/dictionary.csv'"
check "plot charts a comparison's differences, and report briefs it" bash -c "
    '$BIN' plot '$TMP/fund' >/dev/null && [ -s '$TMP/fund/charts/compare-1.png' ] &&
    '$BIN' report '$TMP/fund' >/dev/null && grep -q '^| funding-restored | escaped | mean' '$TMP/fund/report.md' &&
    ! grep -q '^| funding-restored | infiltrated.turkey | mean' '$TMP/fund/report.md' &&
    grep -q '^| funding-restored | infiltrated.iraq | P(>=500) | [0-9.]*% | [-+]\\?[0-9.]* pts | -\\?[0-9.]* pts | -\\?[0-9.]* pts |\$' '$TMP/fund/report.md' &&
    grep -q 'charts/compare-1.png' '$TMP/fund/report.md'"
check "spider, morris and a 2-D sweep run" bash -c "
    '$BIN' spider scenarios/baseline.ini -n 100 -o '$TMP/spi' -q && '$BIN' morris scenarios/baseline.ini -r 4 -n 50 -o '$TMP/mor' -q &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:3 --vary period.funding_cut.escape=1,2 -n 100 -o '$TMP/sw2' -q"
check "sensitivity charts are drawn (and no empty comparison folder: none of them is a run)" bash -c "
    '$BIN' plot '$TMP/torn' '$TMP/spi' '$TMP/mor' '$TMP/sw2' '$TMP/sb1' '$TMP/crn' -o '$TMP/sensplots' >/dev/null &&
    [ -s '$TMP/torn/charts/tornado.png' ] && [ -s '$TMP/spi/charts/spider.png' ] && [ -s '$TMP/mor/charts/morris.png' ] &&
    [ -s '$TMP/sw2/charts/heatmap-force_end.png' ] && [ -s '$TMP/crn/charts/sweep-force_end.png' ] &&
    [ -s '$TMP/sw2/charts/heatmap-P-escaped-ge-1000.png' ] && [ -s '$TMP/crn/charts/sweep-P-force_end-ge-20000.png' ] &&
    [ -s '$TMP/sb1/charts/sobol-mean-infiltrated.png' ] && [ ! -e '$TMP/sensplots' ]"
check "every chart riskmc draws is known as its own: plot redraws and --force replaces each kind of folder" bash -c "
    for d in torn spi mor sw2 sb1 crn fund d1; do
        '$BIN' plot '$TMP/'\$d >/dev/null || { echo \"plot \$d\"; exit 1; }
    done &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:3 --vary period.funding_cut.escape=1,2 -n 100 -o '$TMP/sw2' -q -f &&
    '$BIN' spider scenarios/baseline.ini -n 100 -o '$TMP/spi' -q -f && '$BIN' morris scenarios/baseline.ini -r 4 -n 50 -o '$TMP/mor' -q -f"
check "a Sobol chart of a threshold is named by it (P(escaped>=1000) -> sobol-P-escaped-ge-1000)" bash -c "
    '$BIN' sobol scenarios/baseline.ini -N 64 -o '$TMP/sbp' -q && '$BIN' plot '$TMP/sbp' >/dev/null &&
    [ -s '$TMP/sbp/charts/sobol-P-escaped-ge-1000.png' ] && [ -s '$TMP/sbp/charts/sobol-mean-escaped.png' ]"

check "comparisons take the runs among the folders: a sensitivity folder first is left out (and named in the brief), none but sensitivity folders is refused" bash -c "
    '$BIN' plot -o '$TMP/cmpmix' '$TMP/torn' '$TMP/pl' '$TMP/pl2' >/dev/null && [ -s '$TMP/cmpmix/charts/compare-force_end.png' ] &&
    '$BIN' report -o '$TMP/cmpmix' '$TMP/torn' '$TMP/pl' '$TMP/pl2' >/dev/null 2>&1 && grep -q 'sdf-claims' '$TMP/cmpmix/report.md' &&
    ! grep -q tornado '$TMP/cmpmix/report.md' && grep -q '^Left out (not runs.*): $TMP/torn\.\$' '$TMP/cmpmix/report.md' &&
    grep -q '<p>Left out (not runs.*): $TMP/torn\.</p>' '$TMP/cmpmix/report.html' &&
    ! '$BIN' report -o '$TMP/cmpnone' '$TMP/torn' '$TMP/sb1' 2>'$TMP/cmpnone.err' && grep -q 'two or more runs' '$TMP/cmpnone.err'"
echo "== uncertainty: correlated inputs, two-dimensional runs, run to precision"
check "2-D standard errors of the sd and quantiles match their spread over 100 seeds (batch means, not the mean's design effect)" bash -c "
    for s in \$(seq 1 100); do '$BIN' run tests/data/ishigami-2d.ini --outer 200 --inner 20 -s \$s -o '$TMP/i2d/r'\$s -q -j 1 || exit 1; done &&
    python3 - '$TMP/i2d' <<'EOF2'
import csv, glob, math, sys
# x3 (outer) moves the spread of y, hardly its mean. Over R = 100 seeds the
# ratio of the reported standard error (root mean square) to the spread of
# the estimates has a sampling error of about 1/sqrt(2(R-1)) = 7%; accept
# 0.7-1.4 (more than 4 of them below 1). The mean's design effect gave 0.37
# (sd), 0.51 (p5) and 0.57 (p95).
rows = [next(r for r in csv.DictReader(open(f)) if r['output'] == 'y') for f in glob.glob(sys.argv[1] + '/r*/summary.csv')]
R = len(rows)
assert R == 100, R
for st in ('sd', 'p5', 'p50', 'p95'):
    est = [float(r[st]) for r in rows]
    se = [float(r[st + '_mcse']) for r in rows]
    m = sum(est) / R
    spread = math.sqrt(sum((x - m) ** 2 for x in est) / (R - 1))
    ratio = math.sqrt(sum(x * x for x in se) / R) / spread
    assert 0.7 <= ratio <= 1.4, (st, ratio)
EOF2"
check "a 2-D run with fewer than 100 outer samples leaves the sd's and quantiles' standard errors empty" bash -c "
    '$BIN' run tests/data/ishigami-2d.ini --outer 99 --inner 5 -o '$TMP/i2d99' -q &&
    awk -F, 'NR == 2 { exit !(\$6 != \"\" && \$15 == \"\" && \$16 == \"\" && \$20 == \"\") }' '$TMP/i2d99/summary.csv'"
"$BIN" run scenarios/correlated.ini -n 20000 -s 4 -o "$TMP/cor" -q -f >/dev/null 2>&1
"$BIN" run scenarios/baseline.ini -n 20000 -s 4 -o "$TMP/cor-base" -q -f >/dev/null 2>&1
check "correlated inputs: each parameter keeps the baseline's values exactly, re-paired (whole groups of 10,000)" python3 - "$TMP/cor" "$TMP/cor-base" <<'EOF2'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1] + "/trials.csv")))
b = list(csv.DictReader(open(sys.argv[2] + "/trials.csv")))
names = [c for c in a[0] if c.startswith(("initial.", "infiltration.", "latent.", "escape.", "transfer."))]
assert len(names) >= 6, names
for c in names:
    assert sorted(float(r[c]) for r in a) == sorted(float(r[c]) for r in b), c
# the re-pairing did happen
assert [r["initial.latent0"] for r in a] != [r["initial.latent0"] for r in b]
EOF2
check "correlated inputs: Spearman correlations within 4 standard errors of the targets" python3 - "$TMP/cor" <<'EOF2'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/trials.csv")))
n = len(rows)
def ranks(v):
    o = sorted(range(n), key=lambda i: v[i]); r = [0.0] * n; i = 0
    while i < n:
        j = i
        while j + 1 < n and v[o[j + 1]] == v[o[i]]: j += 1
        for t in range(i, j + 1): r[o[t]] = (i + j) / 2
        i = j + 1
    return r
def rho(x, y):
    rx, ry = ranks(x), ranks(y); mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    return sxy / math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
col = lambda c: [float(r[c]) for r in rows]
tol = 4 * math.sqrt(1.06 / (n - 3))  # Fisher z of Spearman's r
for a, b, want in [("initial.latent0", "initial.dispersed0", 0.5),
                   ("infiltration.rate.syrian", "latent.infiltration_rate", 0.6),
                   ("infiltration.rate.iraqi", "infiltration.rate.foreign", 0.6),
                   ("initial.latent0", "latent.infiltration_rate", 0.0)]:
    r = rho(col(a), col(b))
    assert abs(math.atanh(r) - math.atanh(want)) < tol, (a, b, r, want, tol)
EOF2
check "correlated inputs: same bytes at -j 1 and -j 2" bash -c "
    '$BIN' run scenarios/correlated.ini -n 20000 -s 4 -j 1 -o '$TMP/cor1' -q -f && diff -r '$TMP/cor' '$TMP/cor1' >/dev/null"

"$BIN" run scenarios/baseline.ini --outer 60 --inner 25 -s 9 -j 1 -o "$TMP/twod1" -q -f >/dev/null 2>&1
"$BIN" run scenarios/baseline.ini --outer 60 --inner 25 -s 9 -j 2 -o "$TMP/twod2" -q -f >/dev/null 2>&1
check "two-dimensional run: same bytes at -j 1 and -j 2" diff -r "$TMP/twod1" "$TMP/twod2"
check "two-dimensional run: --inner 1 is the ordinary run" bash -c "
    '$BIN' run scenarios/baseline.ini --outer 300 --inner 1 -s 9 -o '$TMP/twodi1' -q -f &&
    '$BIN' run scenarios/baseline.ini -n 300 -s 9 -o '$TMP/oned' -q -f &&
    diff <(cut -d, -f3- '$TMP/twodi1/trials.csv' | tail -n +2) <(cut -d, -f2- '$TMP/oned/trials.csv' | tail -n +2) >/dev/null"
check "two-dimensional run: outer samples, their probabilities and bands recomputed from trials.csv" python3 - "$TMP/twod1" <<'EOF2'
import csv, math, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/trials.csv")))
N, M = 60, 25
assert len(rows) == N * M and rows[0]["outer"] == "0" and rows[-1]["inner"] == str(M - 1)
outer = list(csv.DictReader(open(d + "/outer.csv")))
assert len(outer) == N
# uncertainty parameters are fixed within an outer sample; the model's chance varies
for i in range(N):
    grp = rows[i * M:(i + 1) * M]
    assert len({r["initial.latent0"] for r in grp}) == 1
    assert float(grp[0]["initial.latent0"]) == float(outer[i]["initial.latent0"])
assert len({r["escaped"] for r in rows[:M]}) > 1 or len({r["at_large_end"] for r in rows[:M]}) > 1
def q7(v, p):  # quantile, linear interpolation (GSL's, R type 7)
    v = sorted(v); h = (len(v) - 1) * p; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
unc = list(csv.DictReader(open(d + "/uncertainty.csv")))
risks = list(csv.DictReader(open(d + "/risks.csv")))
for u in unc:
    if u["statistic"] != "probability": continue
    out, x = u["output"], float(u["threshold"])
    P = [sum(float(r[out]) >= x for r in rows[i * M:(i + 1) * M]) / M for i in range(N)]
    col = "P(%s>=%s)" % (out, u["threshold"])
    assert all(abs(float(o[col]) - p) < 1e-9 for o, p in zip(outer, P)), col
    for k, p in (("outer_p5", .05), ("outer_p50", .5), ("outer_p95", .95)):
        assert abs(float(u[k]) - q7(P, p)) < 1e-9, (out, k, u[k], q7(P, p))
    pooled = sum(P) / N
    assert abs(float(u["pooled"]) - pooled) < 1e-9
    m = sum(P) / N; sd = math.sqrt(sum((p - m) ** 2 for p in P) / (N - 1))
    assert abs(float(u["pooled_mcse"]) - sd / math.sqrt(N)) < 1e-9
    r = [r for r in risks if r["output"] == out and float(r["threshold"]) == x][0]
    assert abs(float(r["probability"]) - pooled) < 1e-9 and abs(float(r["mcse"]) - sd / math.sqrt(N)) < 1e-9
ex = list(csv.DictReader(open(d + "/exceedance.csv")))
assert {e["output"] for e in ex} >= {"escaped", "force_end"}
for e in ex[::17]:
    out, x = e["output"], float(e["x"])
    P = [sum(float(r[out]) >= x for r in rows[i * M:(i + 1) * M] if r[out] != "") / M for i in range(N)]
    assert abs(float(e["outer_p50"]) - q7(P, .5)) < 1e-9 and abs(float(e["pooled"]) - sum(P) / N) < 1e-9, e
EOF2
check "two-dimensional run: thresholds alike to 10 digits keep their own columns and rows, as risks.csv writes them, and the brief gives each its outer band" bash -c "
    '$BIN' run scenarios/baseline.ini --outer 4 --inner 3 -o '$TMP/twodthr' -q \\
        --set 'thresholds.force_end=20000, 20000.0000001, 17000.123456789 [S0]' &&
    '$BIN' report '$TMP/twodthr' >/dev/null &&
    python3 - '$TMP/twodthr' <<'EOF2'
import csv, sys
d = sys.argv[1]
head = next(csv.reader(open(d + '/outer.csv')))
assert len(head) == len(set(head)), [h for h in head if head.count(h) > 1]
risks = [(r['output'], r['threshold']) for r in csv.DictReader(open(d + '/risks.csv'))]
unc = [(r['output'], r['threshold']) for r in csv.DictReader(open(d + '/uncertainty.csv')) if r['statistic'] == 'probability']
assert unc == risks, (unc, risks)
assert all('P(%s>=%s)' % r in head for r in risks), (risks, head)
rows = [l for l in open(d + '/report.md') if l.startswith('| P(force_end')]
assert len(rows) == 3 and all('(median ' in l for l in rows), rows
EOF2"
check "two-dimensional run: outer.csv names an outer sample's statistics as sweep.csv names a point's (mean(escaped), P(escaped>=1000)) and its parameters as trials.csv does" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary transfer.rate_per_day=0,250 -n 5 -o '$TMP/twodnames-sweep' -q &&
    python3 - '$TMP/twod1' '$TMP/twodnames-sweep' <<'EOF2'
import csv, sys
outer = next(csv.reader(open(sys.argv[1] + '/outer.csv')))
trials = next(csv.reader(open(sys.argv[1] + '/trials.csv')))
sweep = next(csv.reader(open(sys.argv[2] + '/sweep.csv')))
assert outer[0] == 'outer', outer[0]
odd = [c for c in outer[1:] if c not in trials and c not in sweep]
assert not odd, odd
assert 'mean(escaped)' in outer and 'p95(force_end)' in outer and 'P(escaped>=1000)' in outer, outer
EOF2"
check "two-dimensional run: chance parameters vary within an outer sample, and plot draws the band" bash -c "
    printf '[scenario]\\nextends = $PWD/scenarios/baseline.ini\\nname = chance\\n[uncertainty]\\nchance = escape.recapture_fraction\\n' > '$TMP/chance.ini' &&
    '$BIN' run '$TMP/chance.ini' --outer 4 --inner 6 -o '$TMP/chance' -q -f &&
    [ \$(head -7 '$TMP/chance/trials.csv' | tail -6 | cut -d, -f3 | sort -u | wc -l) -eq 1 ] &&
    [ \$(python3 -c \"import csv; r=list(csv.DictReader(open('$TMP/chance/trials.csv'))); print(len({x['escape.recapture_fraction'] for x in r[:6]}))\") -eq 6 ] &&
    ! head -1 '$TMP/chance/outer.csv' | grep -q recapture_fraction &&
    '$BIN' plot '$TMP/twod1' >/dev/null && [ -s '$TMP/twod1/charts/exceedance-band-force_end.png' ] &&
    '$BIN' report '$TMP/twod1' >/dev/null && grep -q '90% of outer samples' '$TMP/twod1/report.md' &&
    python3 - '$TMP/twod1' <<'EOF2'
import csv, sys
# the key numbers' last column is uncertainty.csv's outer_p5 to outer_p95 of each mean
u = {r['output']: r for r in csv.DictReader(open(sys.argv[1] + '/uncertainty.csv')) if r['statistic'] == 'mean'}
rows = [l for l in open(sys.argv[1] + '/report.md') if l.startswith('| force_end |')]
assert rows, 'no force_end row'
last = rows[0].rstrip().rstrip('|').split('|')[-1].strip()
lo = format(round(float(u['force_end']['outer_p5'])), ',')
hi = format(round(float(u['force_end']['outer_p95'])), ',')
assert last.startswith(lo + ' to ' + hi + ' (median '), (last, lo, hi)
EOF2"
check "run to precision: same bytes at -j 1 and -j 2, and it stops where it should" bash -c "
    '$BIN' run scenarios/baseline.ini --precision 0.02 --batch 1500 -s 3 -j 1 -o '$TMP/prec1' -q -f &&
    '$BIN' run scenarios/baseline.ini --precision 0.02 --batch 1500 -s 3 -j 2 -o '$TMP/prec2' -q -f &&
    diff -r '$TMP/prec1' '$TMP/prec2' >/dev/null && grep -q '^precision_reached = yes' '$TMP/prec1/manifest.ini' &&
    python3 - '$TMP/prec1' 1500 0.02 <<'EOF2'
import csv, math, sys
d, B, tol = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rows = list(csv.DictReader(open(d + '/trials.csv')))
dic = list(csv.DictReader(open(d + '/dictionary.csv')))
heads = [r['name'] for r in dic if r['kind'] == 'output' and r['show'] in ('table', 'chart')]
thr = [(r['output'], float(r['threshold'])) for r in csv.DictReader(open(d + '/risks.csv'))]
def ok(n):
    for h in heads:
        v = [float(r[h]) for r in rows[:n] if r[h] != '']
        if len(v) < 2: continue
        m = sum(v) / len(v); s = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))
        if s / math.sqrt(len(v)) > tol * abs(m) + 1e-12: return False
    for o, x in thr:
        k = sum(float(r[o]) >= x for r in rows[:n] if r[o] != '')
        p = (k + 1) / (n + 2)
        if math.sqrt(p * (1 - p) / n) > tol: return False
    return True
n = len(rows)
assert n % B == 0 and n > B, n
assert ok(n) and not ok(n - B), n
EOF2"
check "run to precision: an unreachable tolerance stops at -n with a warning" bash -c "
    '$BIN' run scenarios/baseline.ini --precision 0.0001 --batch 1000 -n 3000 -o '$TMP/prec3' -q -f 2>'$TMP/prec3.err' &&
    grep -q 'was not reached within 3000 trials' '$TMP/prec3.err' && [ \$(wc -l < '$TMP/prec3/trials.csv') -eq 3001 ] &&
    grep -q '^precision_reached = no' '$TMP/prec3/manifest.ini'"
check "run to precision: a headline mean with one value in every trial so far is named as unjudged, not passed off as exact" bash -c "
    '$BIN' run tests/data/quiet.ini --set 'facility.f.held0=1000' --set 'facility.f.trickle_rate=0.5' \
        --set 'initial.iraq_custody0=1000' --set 'iraq.breach_rate=0.002' --set 'iraq.breach_fraction=0.1' \
        --precision 0.05 --batch 200 -s 1 -o '$TMP/prec4' -q -f 2>'$TMP/prec4.err' &&
    grep -q 'in all 200 trials, these headline means had one value each: .*infiltrated.iraq (0).*1 in 67 trials (3/n)' '$TMP/prec4.err' &&
    grep -q '^same_in_every_trial = .*infiltrated.iraq (0)' '$TMP/prec4/manifest.ini' &&
    ! grep -qE '(= |, )escaped \\(' '$TMP/prec4/manifest.ini' &&
    grep -q '^same_in_every_trial = -\$' '$TMP/prec1/manifest.ini' && ! grep -q 'one value' '$TMP/prec3.err'"

echo "== hostile inputs (review of 2026-12-03)"
check "MODEL.md's defaults: a scenario leaving out the lists, trickle_rate and halt_rate runs as the baseline, show marks them, and its manifest writes [lists] where the baseline does" bash -c "
    printf '[scenario]\\nname = lean\\nextends = %s/scenarios/baseline.ini\\nremove = lists, facility.ne_syria_prisons.trickle_rate, transfer.halt_rate\\n' \"\$PWD\" > '$TMP/lean.ini' &&
    '$BIN' validate --strict --sources scenarios/sources.csv '$TMP/lean.ini' >/dev/null &&
    '$BIN' show --sources scenarios/sources.csv '$TMP/lean.ini' | grep -c 'default (MODEL.md' | grep -qx 4 &&
    '$BIN' run '$TMP/lean.ini' --sources scenarios/sources.csv -n 300 -q -o '$TMP/lean' &&
    '$BIN' run scenarios/baseline.ini -n 300 -q -o '$TMP/lean-base' &&
    cmp '$TMP/lean/trials.csv' '$TMP/lean-base/trials.csv' && cmp '$TMP/lean/summary.csv' '$TMP/lean-base/summary.csv' &&
    cmp <(grep '^\\[' '$TMP/lean/manifest.ini') <(grep '^\\[' '$TMP/lean-base/manifest.ini')"
check "a --set citing nothing is noted on stderr, listed as uncited in the manifest and as 'nothing cited' in the brief; fixed assumptions are described in dictionary.csv" bash -c "
    '$BIN' run scenarios/baseline.ini --set latent.infiltration_rate=0.03 -n 200 -q -o '$TMP/uncited' 2>'$TMP/uncited.err' &&
    grep -q 'note: --set latent.infiltration_rate=0.03 cites nothing' '$TMP/uncited.err' &&
    grep -qx 'uncited = latent.infiltration_rate' '$TMP/uncited/manifest.ini' &&
    '$BIN' report '$TMP/uncited' >/dev/null && grep -q '^| latent.infiltration_rate | departures from Syria per latent fighter-year | 0.03 | nothing cited |' '$TMP/uncited/report.md' &&
    grep -q '^route.latent,setting,manifest,\"where leavers go' '$TMP/uncited/dictionary.csv' &&
    '$BIN' run scenarios/baseline.ini --set 'latent.infiltration_rate=0.03 [assumption]' -n 200 -q -o '$TMP/cited' 2>'$TMP/cited.err' &&
    [ ! -s '$TMP/cited.err' ] && grep -qx 'uncited = ' '$TMP/cited/manifest.ini'"
check "the brief and dictionary.csv say that infiltrated.iraq includes the escapees from Iraqi custody; recaptured and transferred are key numbers" bash -c "
    grep -q '^infiltrated\.\*,group,chart,destination,iraq includes the escapees from Iraqi custody (iraq_escaped),' '$TMP/uncited/dictionary.csv' &&
    grep -q 'other [0-9,]* ([0-9,]* to [0-9,]*). iraq includes the escapees from Iraqi custody (iraq_escaped).' '$TMP/uncited/report.md' &&
    grep -q '^| recaptured | ' '$TMP/uncited/report.md' && grep -q '^| transferred | ' '$TMP/uncited/report.md'"
check "a shock dated after the last simulated day does not happen (the run is the baseline's, plus its sampled size); a shorter horizon runs the breakout" bash -c "
    printf '[scenario]\\nname = late\\nextends = %s/scenarios/baseline.ini\\n[shock.late]\\ndate = 2027-03-01 [assumption]\\nfacility = ne_syria_prisons\\nsize = uniform(100, 900) [assumption]\\n' \"\$PWD\" > '$TMP/late.ini' &&
    '$BIN' run '$TMP/late.ini' --sources scenarios/sources.csv -n 300 -q -o '$TMP/late' &&
    k=\$(head -1 '$TMP/late/trials.csv' | tr , '\\n' | grep -nx 'shock.late.size' | cut -d: -f1) && [ -n \"\$k\" ] &&
    cmp '$TMP/lean-base/trials.csv' <(cut -d, -f1-\$((k - 1)),\$((k + 1))- '$TMP/late/trials.csv') &&
    '$BIN' run scenarios/breakout-6000.ini --set time.horizon_days=3 -n 200 -q -o '$TMP/b3' &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"escape_events\") c = i } NR > 1 && \$c > 0 { n++ } END { exit n > 60 }' '$TMP/b3/trials.csv'"
check "sweep --vary refuses a count past 1,000,000,000 (it had wrapped past 2^32 to a small one)" bash -c "
    ! '$BIN' sweep scenarios/baseline.ini --vary facility.ne_syria_prisons.held0=4294968296,1000 -n 20 -q -o '$TMP/wrap' 2>'$TMP/wrap.err' &&
    grep -q 'out of range for this parameter (allowed: a count of people from 0 to 1,000,000,000' '$TMP/wrap.err' && [ ! -e '$TMP/wrap' ]"
check "--set refuses a line break or ' ;' in a value (manifest.ini must read back as the run)" bash -c "
    ! '$BIN' run scenarios/baseline.ini -n 10 -q -o '$TMP/inj' --set \$'scenario.title=a\\n[ct]' 2>/dev/null &&
    ! '$BIN' run scenarios/baseline.ini -n 10 -q -o '$TMP/inj' --set 'scenario.title=A ; B' 2>'$TMP/inj.err' &&
    grep -q 'begins a comment' '$TMP/inj.err' && [ ! -e '$TMP/inj' ]"
check "a comparison's -o may not be a results folder or its charts/" bash -c "
    '$BIN' run scenarios/baseline.ini -n 50 -q -o '$TMP/cmpA' && '$BIN' run scenarios/un-estimate.ini -n 50 -q -o '$TMP/cmpB' &&
    ! '$BIN' plot '$TMP/cmpA' '$TMP/cmpB' -o '$TMP/cmpB' >/dev/null 2>&1 &&
    ! '$BIN' report '$TMP/cmpA' '$TMP/cmpB' -o '$TMP/cmpA/charts/' >/dev/null 2>&1 &&
    [ ! -e '$TMP/cmpB/charts' ] && [ ! -e '$TMP/cmpA/report.md' ]"
check "a file size limit (ulimit -f) gives a message naming the file, exit 1, no folder" bash -c "
    ( ulimit -f 50; '$BIN' run scenarios/baseline.ini -n 2000 -q -o '$TMP/fsz' ) 2>'$TMP/fsz.err'; [ \$? -eq 1 ] &&
    grep -q 'trials.csv: write failed: File too large' '$TMP/fsz.err' && [ -z \"\$(ls -A '$TMP' | grep '^\\.fsz')\" ] && [ ! -e '$TMP/fsz' ]"
check "an infinite output stops the run with the trial and output named, and writes nothing" bash -c "
    ! '$BIN' run scenarios/ishigami.ini -n 100 --set 'ishigami.x3=uniform(-1e100,1e100)' -o '$TMP/infout' -q 2>'$TMP/infout.err' &&
    grep -q 'trial [0-9]*: output y is infinite' '$TMP/infout.err' && [ ! -e '$TMP/infout' ]"
check "sobol of a threshold never reached: the console and the brief say there is no index, and plot draws no empty chart for it" bash -c "
    '$BIN' sobol scenarios/ishigami.ini -N 128 --threshold 100 -o '$TMP/sob-never' >'$TMP/sob-never.out' &&
    grep -q '^No index: P(y>=100) took one value in every model run' '$TMP/sob-never.out' && ! grep -q nan '$TMP/sob-never.out' &&
    '$BIN' plot '$TMP/sob-never' >/dev/null && [ -e '$TMP/sob-never/charts/sobol-mean-y.png' ] &&
    [ ! -e '$TMP/sob-never/charts/sobol-P-y-ge-100.png' ] && '$BIN' report '$TMP/sob-never' >/dev/null &&
    grep -q '^No index: P(y>=100)' '$TMP/sob-never/report.md'"

check "an output past 1e60, or one that is not a number (an Ishigami y of infinity times 0; only first_escape_day may lack a value), stops tornado and sobol as it stops run: exit 1, the trial named, nothing written" bash -c "
    ! '$BIN' tornado scenarios/ishigami.ini -n 200 --set 'ishigami.x3=normal(0, 1e300) [assumption]' -o '$TMP/nan-t' -q 2>'$TMP/nan-t.err' &&
    grep -q '^riskmc: trial [0-9]*: output y is not a number' '$TMP/nan-t.err' && [ ! -e '$TMP/nan-t' ] &&
    ! '$BIN' sobol scenarios/ishigami.ini -N 64 --set 'ishigami.a=1e308 [assumption]' -o '$TMP/big-s' -q 2>'$TMP/big-s.err' &&
    grep -q '^riskmc: trial [0-9]*: output y is [0-9.e+]* (.*allowed: outputs of magnitude up to 1e+60)' '$TMP/big-s.err' && [ ! -e '$TMP/big-s' ] &&
    '$BIN' run scenarios/ishigami.ini -n 1000 --set 'ishigami.a=1e59 [assumption]' -o '$TMP/big-r' -q &&
    python3 -c \"import csv, math, sys; r = list(csv.reader(open(sys.argv[1]))); assert all(math.isfinite(float(x)) for row in r[1:] for x in row[1:] if x), r\" '$TMP/big-r/summary.csv'"

check "a failing trial is reported as at -j 1 whatever the threads: the lowest failing trial" bash -c "
    '$BIN' run scenarios/ishigami.ini -n 100000 --set ishigami.b=1.057e58 -j 1 -o '$TMP/lowfail' -q 2>'$TMP/lowfail1.err'
    for i in 1 2 3 4 5 6; do '$BIN' run scenarios/ishigami.ini -n 100000 --set ishigami.b=1.057e58 -j 7 -o '$TMP/lowfail' -q 2>'$TMP/lowfail7.err'
        cmp '$TMP/lowfail1.err' '$TMP/lowfail7.err' || exit 1; done; grep -q '^riskmc: trial 241: ' '$TMP/lowfail1.err'"
check "plot and report refuse a results folder changed or cut short since it was written, naming file and line" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -q -o '$TMP/dmg' &&
    for t in trunc series p50 prob; do cp -r '$TMP/dmg' '$TMP/dmg-'\$t; done &&
    head -11 '$TMP/dmg/trials.csv' > '$TMP/dmg-trunc/trials.csv' && head -c 1000 '$TMP/dmg/series.csv' > '$TMP/dmg-series/series.csv' &&
    sed -i '2s/^\\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,\\)[^,]*/\\1abc/' '$TMP/dmg-p50/summary.csv' &&
    sed -i '2s/,0\\.[0-9]*,/,7.5,/' '$TMP/dmg-prob/risks.csv' &&
    '$BIN' plot '$TMP/dmg-trunc' 2>&1 | grep -q 'trials.csv: 10 rows' && '$BIN' report '$TMP/dmg-series' 2>&1 | grep -q 'series.csv:11:' &&
    '$BIN' report '$TMP/dmg-p50' 2>&1 | grep -q \"summary.csv:2: p50: 'abc' is not a number\" &&
    '$BIN' plot '$TMP/dmg-prob' 2>&1 | grep -q 'risks.csv:2: probability: 7.5 is not a probability' &&
    for t in cut del dup ser; do cp -r '$TMP/dmg' '$TMP/dmg-'\$t; done &&
    cut -d, -f1-5 '$TMP/dmg/risks.csv' > '$TMP/dmg-cut/risks.csv' && sed -i '/^escaped,/d' '$TMP/dmg-del/summary.csv' &&
    tail -1 '$TMP/dmg/risks.csv' >> '$TMP/dmg-dup/risks.csv' && head -201 '$TMP/dmg/series.csv' > '$TMP/dmg-ser/series.csv' &&
    '$BIN' report '$TMP/dmg-cut' 2>&1 | grep -q \"risks.csv:1: column 6 should be 'mcse'\" &&
    '$BIN' report '$TMP/dmg-del' 2>&1 | grep -q 'summary.csv: 22 rows where dictionary.csv lists 23 outputs' &&
    '$BIN' report '$TMP/dmg-dup' 2>&1 | grep -q 'risks.csv:6: infiltrated.iraq >= 500 appears twice' &&
    '$BIN' plot '$TMP/dmg-ser' 2>&1 | grep -q 'series.csv: 200 rows where 6 series of 365 days need 2190'"
check "a results folder name too long for its temporary folder is refused before the run" bash -c "
    ! '$BIN' run tests/data/quiet.ini -n 5 -q -o '$TMP/'\$(printf 'a%.0s' \$(seq 200)) 2>'$TMP/long.err' &&
    grep -q 'a folder name of 200 bytes (allowed: at most 160)' '$TMP/long.err' &&
    '$BIN' run tests/data/quiet.ini -n 5 -q -o '$TMP/'\$(printf 'b%.0s' \$(seq 160))"
# a read-only folder, where this machine lets us mount one (root in CI)
if mkdir -p "$TMP/ro" && mount -t tmpfs -o ro,size=1m tmpfs "$TMP/ro" 2>/dev/null; then
    check "an unwritable destination is refused before a sweep computes anything" bash -c "
        ! timeout 5 '$BIN' sweep scenarios/baseline.ini --vary transfer.rate_per_day=0:100:50 -n 20000 -q -o '$TMP/ro/sw' 2>'$TMP/ro.err' &&
        grep -q 'cannot write into .*Read-only file system' '$TMP/ro.err'"
    umount "$TMP/ro"
fi
check "compare numbers a scenario name given again (rows stay apart)" bash -c "
    '$BIN' compare scenarios/baseline.ini scenarios/baseline.ini scenarios/baseline.ini -n 50 -q -o '$TMP/dupn' &&
    [ \"\$(cut -d, -f1 '$TMP/dupn/compare.csv' | sort -u | tr '\\n' ' ')\" = 'baseline baseline#2 baseline#3 scenario ' ]"
check "a damaged checkpoint is an error, not a crash" bash -c "
    python3 -c \"
import struct, sys
sys.stdout.buffer.write(struct.pack('<4Q', 0, 0, 0, 0))\" > /dev/null &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:40 -n 4000 -o '$TMP/ckd' -q & pid=\$!;
    for i in \$(seq 1 400); do [ -f '$TMP/.ckd.checkpoint' ] && break; sleep 0.05; done; kill -9 \$pid; wait \$pid 2>/dev/null;
    [ -f '$TMP/.ckd.checkpoint' ] && python3 -c \"
import struct
p = '$TMP/.ckd.checkpoint'
b = bytearray(open(p, 'rb').read())
b[16:24] = struct.pack('<Q', 2**62)
open(p, 'wb').write(bytes(b))\" &&
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:40 -n 4000 -o '$TMP/ckd' -q --resume 2>'$TMP/ckd.err';
    [ \$? -eq 1 ] && grep -q 'damaged checkpoint' '$TMP/ckd.err'"

echo "== failure modes (review of 2026-12-04)"
check "plot past a file size limit (as on a disk filling up, which gnuplot does not report) names the chart cut short, exit 1, no charts folder" bash -c "
    '$BIN' run scenarios/baseline.ini -n 300 -q -o '$TMP/plfull' &&
    ( ulimit -f 40; '$BIN' plot '$TMP/plfull' >/dev/null 2>'$TMP/plfull.err' ); [ \$? -eq 1 ] &&
    grep -q '^riskmc: $TMP/plfull/charts/[a-z_.-]*\\.png: write failed: ' '$TMP/plfull.err' &&
    [ ! -e '$TMP/plfull/charts' ] && [ -z \"\$(ls -A '$TMP/plfull' | grep '^\\.')\" ]"
check "a write failure of a comparison, sweep or design names the file in the folder it was to be, not the hidden temporary one" bash -c "
    ( ulimit -f 4; '$BIN' compare scenarios/baseline.ini scenarios/baseline.ini -n 200 -q -o '$TMP/cfsz' ) 2>'$TMP/cfsz.err'; [ \$? -eq 1 ] &&
    grep -q '^riskmc: $TMP/cfsz/[a-z]*\\.csv: write failed: File too large (no results written' '$TMP/cfsz.err' && [ ! -e '$TMP/cfsz' ]"
check "with stdout and stderr closed, a run's messages do not land in its files (the same bytes as with them open)" bash -c "
    '$BIN' run scenarios/baseline.ini --precision 0.05 --batch 500 -o '$TMP/cl1' >/dev/null 2>&1 &&
    '$BIN' run scenarios/baseline.ini --precision 0.05 --batch 500 -o '$TMP/cl2' >&- 2>&- && diff -r '$TMP/cl1' '$TMP/cl2'"
check "stdout on a full disk: exit 1 and a message (the table is lost, the results folder is whole)" bash -c "
    '$BIN' run scenarios/baseline.ini -n 200 -o '$TMP/devfull' >/dev/full 2>'$TMP/devfull.err'; [ \$? -eq 1 ] &&
    grep -q '^riskmc: standard output: write failed: No space left on device' '$TMP/devfull.err' &&
    [ -f '$TMP/devfull/manifest.ini' ] && ! '$BIN' sources --csv >/dev/full 2>/dev/null"
check "plot stops at a SIGTERM sent to riskmc alone, which reaches no gnuplot: exit 143, the earlier charts untouched" bash -c "
    '$BIN' run scenarios/baseline.ini -n 300 -q -o '$TMP/plsig' && '$BIN' plot '$TMP/plsig' >/dev/null &&
    (cd '$TMP/plsig/charts' && md5sum *) > '$TMP/plsig.md5' || exit 1
    '$BIN' plot --format png,svg,pdf '$TMP/plsig' >/dev/null 2>'$TMP/plsig.err' & pid=\$!; sleep 0.4; kill -TERM \$pid; wait \$pid;
    [ \$? -eq 143 ] && grep -qx 'riskmc: interrupted' '$TMP/plsig.err' && (cd '$TMP/plsig/charts' && md5sum -c --quiet '$TMP/plsig.md5') &&
    [ \$(ls '$TMP/plsig/charts' | wc -l) -eq \$(wc -l < '$TMP/plsig.md5') ] && [ -z \"\$(ls -A '$TMP/plsig' | grep '^\\.')\" ]"
check "a scenario path with a line break is refused before the run (manifest.ini could not record it); one with spaces, ';', '#' and brackets re-runs from its manifest" bash -c "
    d='$TMP/'\$'nl\\ndir' && mkdir -p \"\$d\" && cp scenarios/baseline.ini scenarios/sources.csv \"\$d/\" &&
    ! '$BIN' run \"\$d/baseline.ini\" -n 50 -q -o '$TMP/nlrun' 2>'$TMP/nl.err' &&
    grep -q \"scenario '.*nl\\\\\\\\ndir/baseline.ini': a file name with a line break\" '$TMP/nl.err' && [ ! -e '$TMP/nlrun' ] &&
    mkdir -p '$TMP/sp ;#[x]' && cp scenarios/baseline.ini scenarios/sources.csv '$TMP/sp ;#[x]/' &&
    '$BIN' run '$TMP/sp ;#[x]/baseline.ini' -n 50 -q -o '$TMP/sprun' && '$BIN' run '$TMP/sprun/manifest.ini' -q -o '$TMP/sprun2' &&
    cmp '$TMP/sprun/trials.csv' '$TMP/sprun2/trials.csv' && '$BIN' report '$TMP/sprun' >/dev/null"
check "-o under a file or a dangling link says which, before the run" bash -c "
    touch '$TMP/afile' && ln -s '$TMP/nothing-here' '$TMP/dangle' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -q -o '$TMP/afile/x' 2>'$TMP/af.err' && grep -q 'cannot write into .*afile: not a folder' '$TMP/af.err' &&
    ! '$BIN' run tests/data/quiet.ini -n 5 -q -o '$TMP/dangle/x' 2>'$TMP/dg.err' && grep -q 'dangle: a symbolic link to nothing' '$TMP/dg.err'"
check "a checkpoint made by another riskmc build (a git pull and make between the kill and --resume) is not resumed, and says which build made it" bash -c "
    '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:140 -n 1000 -o '$TMP/ckb' -q & pid=\$!;
    for i in \$(seq 1 400); do [ -f '$TMP/.ckb.checkpoint' ] && break; sleep 0.05; done; kill -9 \$pid; wait \$pid 2>/dev/null;
    [ -f '$TMP/.ckb.checkpoint' ] && python3 -c \"
p = '$TMP/.ckb.checkpoint'
b = bytearray(open(p, 'rb').read())
b[32:96] = b'9.9.9 0123456789ab' + bytes(46)
open(p, 'wb').write(bytes(b))\" &&
    ! '$BIN' sweep scenarios/baseline.ini --vary latent.infiltration_rate=0.005:0.02:140 -n 1000 -o '$TMP/ckb' -q --resume 2>'$TMP/ckb.err' &&
    grep -q 'a checkpoint made by riskmc 9.9.9 0123456789ab, not by this riskmc [0-9.]* [0-9a-z]*, whose numbers may differ' '$TMP/ckb.err' &&
    [ ! -e '$TMP/ckb' ]"
check "report on a folder that run --force replaces meanwhile never leaves the old run's brief in the new folder (a race: 40 tries)" bash -c "
    '$BIN' run scenarios/baseline.ini -n 100 -s 1 -q -o '$TMP/rc0' && '$BIN' plot '$TMP/rc0' >/dev/null || exit 1
    hits=0
    for i in \$(seq 40); do
        a=\$((i % 2 + 1)); b=\$((3 - a))
        '$BIN' run scenarios/baseline.ini -n 100 -s \$a -q -f -o '$TMP/rc' && cp -r '$TMP/rc0/charts' '$TMP/rc/' || exit 1
        '$BIN' run scenarios/baseline.ini -n 100 -s \$b -q -f -o '$TMP/rc' & w=\$!
        # without gnuplot, a report of the new folder (no charts yet) fails at once rather than drawing them
        while kill -0 \$w 2>/dev/null; do PATH=/nonexistent '$BIN' report '$TMP/rc' >/dev/null 2>&1; done; wait \$w || exit 1
        [ -f '$TMP/rc/report.md' ] && ! grep -q \"seed \$b\\b\" '$TMP/rc/report.md' && hits=\$((hits + 1))
    done
    [ \$hits -eq 0 ] || { echo \"\$hits of 40 new folders held the old run's brief\"; exit 1; }"
if command -v script >/dev/null; then
    check "on a terminal, sobol shows one progress line over its whole design (its hand-outs of 5,888 rows each showed none)" bash -c "
        script -q -c \"'$BIN' sobol scenarios/baseline.ini -N 2048 -j 1 -o '$TMP/prog-s'\" /dev/null > '$TMP/prog.out' &&
        tr '\\r' '\\n' < '$TMP/prog.out' | grep -q 'sobol: 47,104/47,104 trials (100%)'"
fi

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
