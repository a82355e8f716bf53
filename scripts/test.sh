#!/usr/bin/env bash
# Build the solution and run every test project against the private PostgreSQL cluster.
# Results: .data/test-results (*.trx, coverage), .data/coverage (Summary.txt).
# The last line is always "tests: N passed, N failed"; the exit code is non-zero when
# anything failed, the build failed or no test ran.
#
# Env: SOULKG_TEST_HANG_TIMEOUT (default 20m): a single test running longer is killed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
REPO=$SOULKG_REPO
RESULTS=$REPO/.data/test-results
COVERAGE=$REPO/.data/coverage

SUMMARY_PRINTED=""
summary() { # passed failed
    SUMMARY_PRINTED=1
    printf 'tests: %d passed, %d failed\n' "$1" "$2"
}
# Whatever stops this script early (setup failure, build failure) still ends with the line.
trap 'rc=$?; if [[ -z $SUMMARY_PRINTED ]]; then summary 0 1; exit 1; fi; exit $rc' EXIT

# trx_counter FILE ATTR: an attribute of <Counters .../> in ResultSummary (empty if absent).
trx_counter() {
    tr '\r\n' '  ' <"$1" | grep -o '<Counters [^>]*>' | head -n 1 |
        sed -n "s/.*[[:space:]]$2=\"\([0-9][0-9]*\)\".*/\1/p" || true
}

rm -rf "$RESULTS" "$COVERAGE"
mkdir -p "$RESULTS" "$COVERAGE"

ensure_apt_packages "${SOULKG_APT_PACKAGES[@]}"
ensure_dotnet_tools
ensure_postgres
export SOULKG_CHROMIUM=/usr/bin/chromium

_soulkg_quiet "dotnet build SoulKg.Blazor.sln -c Debug" \
    dotnet build "$REPO/SoulKg.Blazor.sln" -c Debug -nologo -tl:off -clp:ErrorsOnly </dev/null

mapfile -t PROJECTS < <(find "$REPO" \( -name bin -o -name obj -o -name .data -o -name .git -o -name node_modules \) -prune \
    -o -type f -name '*Tests*.csproj' -print | LC_ALL=C sort)

total_passed=0
total_failed=0
for proj in "${PROJECTS[@]}"; do
    name=$(basename "$proj" .csproj)
    log=$RESULTS/$name.log
    start=$SECONDS
    rc=0
    dotnet test "$proj" --no-build -c Debug --nologo \
        --logger "trx;LogFileName=$name.trx" \
        --results-directory "$RESULTS" \
        --collect:"XPlat Code Coverage" \
        --blame-hang-timeout "${SOULKG_TEST_HANG_TIMEOUT:-20m}" --blame-hang-dump-type none \
        </dev/null >"$log" 2>&1 || rc=$?

    trx=""
    for f in "$RESULTS/$name.trx" "$RESULTS/${name}"_*.trx; do
        if [[ -f $f ]]; then trx=$f; break; fi
    done
    passed=0 failed=0 skipped=0 note=""
    if [[ -n $trx ]]; then
        total=0 executed=0
        for a in total executed passed failed error timeout aborted; do
            v=$(trx_counter "$trx" "$a")
            v=${v:-0}
            case $a in
            total) total=$v ;;
            executed) executed=$v ;;
            passed) passed=$v ;;
            *) failed=$((failed + v)) ;;
            esac
        done
        skipped=$((total > executed ? total - executed : 0))
        if ((rc != 0 && failed == 0)); then
            failed=1
            note=" (test run crashed: exit $rc)"
        fi
    else
        failed=1
        note=" (no .trx produced: exit $rc)"
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    printf '[%s] passed=%d failed=%d skipped=%d%s in %ds\n' "$name" "$passed" "$failed" "$skipped" "$note" $((SECONDS - start))
    if ((rc != 0 || failed != 0)); then
        n=$(wc -l <"$log")
        {
            printf -- '---- dotnet test output for %s (%d lines; full log: %s) ----\n' "$name" "$n" "$log"
            head -n 400 "$log"
            if ((n > 400)); then printf -- '... (%d more lines in %s)\n' $((n - 400)) "$log"; fi
            printf -- '---- end of %s ----\n' "$name"
        } >&2
    fi
done
if ((${#PROJECTS[@]} == 0)); then
    printf 'error: no test project (*Tests*.csproj) found under %s\n' "$REPO" >&2
fi

# Coverage (informational: never fails the run)
mapfile -t COV < <(find "$RESULTS" -type f -name 'coverage.cobertura.xml' | LC_ALL=C sort)
pct=""
if ((${#COV[@]} > 0)); then
    reports=$(IFS=';' && printf '%s' "${COV[*]}")
    if (cd "$REPO" && DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 dotnet tool run reportgenerator \
        "-reports:$reports" "-targetdir:$COVERAGE" -reporttypes:TextSummary \
        "-assemblyfilters:+SoulKg.Web;+SoulKg.Domain;+SoulKg.Infrastructure" \
        "-classfilters:-*Migrations*" </dev/null >"$COVERAGE/reportgenerator.log" 2>&1); then
        pct=$(sed -n 's/^[[:space:]]*Line coverage:[[:space:]]*\([0-9][0-9.,]*\)%.*/\1/p' "$COVERAGE/Summary.txt" 2>/dev/null | head -n 1 | tr ',' '.')
    else
        printf 'warning: reportgenerator failed (see %s)\n' "$COVERAGE/reportgenerator.log" >&2
    fi
fi
if [[ -n $pct ]]; then
    LC_ALL=C printf 'coverage: %.1f%% lines (SoulKg.Web, SoulKg.Domain, SoulKg.Infrastructure)\n' "$pct"
else
    echo "coverage: n/a (no coverage data for SoulKg.Web, SoulKg.Domain, SoulKg.Infrastructure)"
fi

if [[ ${CI:-} == true ]]; then
    dotnet build-server shutdown >/dev/null 2>&1 || true
fi

status=0
if ((total_failed > 0)); then status=1; fi
if ((total_passed + total_failed == 0)); then
    echo "error: no test ran" >&2
    status=1
fi
summary "$total_passed" "$total_failed"
exit "$status"
