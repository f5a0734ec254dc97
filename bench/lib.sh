# bench/lib.sh - sourced by the bench scripts: wrk, the queries every backend is
# measured with, and a server's memory.

# "cores, memory, system, SQLite x" for a results file's Machine line
machine() {
    echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/SQLite /')"
}

urlq() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
rss_of() { awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} END {printf "%.0f MB (heap %.0f MB)", r/1024, a/1024}' /proc/$1/status; }

# run wrk; print "req/s p50 p99 non-2xx" (ms)
wrk_run() {
    wrk --timeout 30s "$@" --latency 2>&1 | awk '
        /Requests\/sec/ {rps=$2}
        /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
        /Non-2xx/ {bad=$NF}
        function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v/1000); if (v ~ /ms$/) return sprintf("%.2f", v+0); if (v ~ /s$/) return sprintf("%.0f", v*1000); return v }
        END { printf "%.0f %s %s %s\n", rps, ms(p50), ms(p99), bad+0 }'
}

VIEW='種別 in ("転倒") and 報告日 >= "2025-01-01" and 報告日 <= "2025-12-31" order by 報告日 desc limit 100'
USERV='担当者 in ("staff07") order by 発生日時 desc limit 100'
LIKE='概要 like "車椅子" order by $id desc limit 100'
LISTPAGE='種別 in ("転倒") order by 報告日 desc, 発生日時 asc limit 40 offset 40'
ADHOCSORT='状態 in ("未対応") order by 報告日 desc, 発生日時 asc limit 40 offset 40'
CALMONTH='報告日 >= "2025-06-01" and 報告日 <= "2025-07-05" order by 報告日 asc, $id asc limit 500'
KANBANCOL='状態 in ("未対応") order by $id desc limit 21'
# ad-hoc: a different value each time, so no remembered total answers it
adhoc() { echo "関係者数 = $1 and 重症度 in (\"重度\") limit 100"; }
