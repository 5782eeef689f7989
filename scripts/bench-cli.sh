#!/usr/bin/env bash
# Times the graphshot CLI as a whole process per image (cold process: start-up, reading the
# widget and a get-metric-data file, render, PNG write) for the four benchmark workloads.
# Uses hyperfine when installed, else a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build -c release --product graphshot >/dev/null
swift build -c release --product graphshot-bench >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
.build/release/graphshot-bench --write-workloads "$dir" > "$dir/list.txt"
runs=${RUNS:-20}
while read -r widget nowarg; do
    name=$(basename "$widget" .widget.json)
    now=${nowarg#now=}
    cmd=("$PWD/.build/release/graphshot" render "$widget" --data "$dir/$name.data.json" --now "$now" -q -o "$dir/$name.png")
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$dir/$name.json" "${cmd[*]}" >/dev/null
        median=$(python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$dir/$name.json")
    else
        times=()
        for _ in $(seq 3); do "${cmd[@]}"; done
        for _ in $(seq "$runs"); do
            s=$(date +%s%N); "${cmd[@]}"; e=$(date +%s%N); times+=($(( (e - s) / 1000 )))
        done
        median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)/1000}')
    fi
    size=$(stat -c %s "$dir/$name.data.json")
    echo "$name  cold process median ${median} ms  (data file $(( size / 1024 )) KiB)"
done < "$dir/list.txt"
