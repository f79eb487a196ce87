#!/usr/bin/env bash
# Load test over loopback: builds nashra, seeds a site of N generated Arabic
# articles in a temporary folder, then drives one article page with wrk
#   1. served by nginx as a static file (the same bytes), when nginx is installed,
#   2. served from memory by a bare Go net/http handler (bench/gostatic): the
#      ceiling for a net/http server, to tell Nashra's overhead from Go's,
#   3. served by Nashra with its page cache (the default: hits answered by
#      the fast lane),
#   4. the same through net/http alone (--no-fast-lane),
#   5. served by Nashra with --cache-mb 0 (every request renders).
# All run at once, idle but for the one measured. The machine is shared and
# its speed drifts by tens of percent within a minute, so the servers are
# measured in turn, ROUNDS times over, and each figure is the median of its
# rounds; each round also gives its own cached/nginx ratio. It prints req/s,
# p99 latency, the ratios to the goals (cached >= 0.8x nginx; uncached >=
# 2,000 req/s) and Nashra's memory (RSS).
#
#   bench/load.sh                                  # about 3 minutes
#   N=300 ROUNDS=1 DURATION=5s bench/load.sh       # quicker
#   KEEP=1 bench/load.sh                  # keep the temporary folder (site, logs, wrk output)
#
# Needs: go, wrk, curl; nginx is optional. Every process it starts is stopped
# on exit, failure or Ctrl-C.
set -euo pipefail

N=${N:-1000}                # articles in the site
DURATION=${DURATION:-5s}    # each measured wrk run
ROUNDS=${ROUNDS:-5}         # measurements of each server, taken in turn
WARMUP=${WARMUP:-3s}        # each server's warm-up wrk run
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
GOAL_UNCACHED=${GOAL_UNCACHED:-2000}
GOAL_CACHED_RATIO=${GOAL_CACHED_RATIO:-0.80}
KEEP=${KEEP:-0}
GO_BASELINE=${GO_BASELINE:-1} # 0 skips the bare Go server
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nashra-bench.XXXXXX")
PIDS=()

cleanup() {
	local rc=$?
	local pid
	for pid in ${PIDS[@]+"${PIDS[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in ${PIDS[@]+"${PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
	if [[ $KEEP == 1 ]]; then
		echo "kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'load.sh: %s\n' "$*" >&2; exit 1; }

for tool in go wrk curl; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done

# free_port prints a loopback port nobody is listening on.
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 12000)) # below the kernel's ephemeral range (32768-60999), which clients take from
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

# wait_http URL PID LOG: waits until URL answers, or fails showing LOG.
wait_http() {
	local url=$1 pid=$2 logf=$3
	for _ in $(seq 1 300); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then return; fi
		kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2; die "server exited before answering $url"; }
		sleep 0.1
	done
	cat "$logf" >&2
	die "no answer from $url after 30s"
}

# to_ms converts wrk's latency (850.00us, 12.34ms, 1.02s, 1.50m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

# measure NAME URL: runs wrk once and sets RPS, P99 and ERRORS.
measure() {
	local name=$1 url=$2 out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency "$url")
	printf '%s\n' "$out" >>"$WORK/wrk-$name.txt"
	RPS=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	P99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	ERRORS=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
	[[ -n $RPS ]] || die "could not read wrk's output for $name"
}

# median N...: the median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# rss PID: VmRSS and VmHWM (peak) of a process, in MB.
rss() {
	awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {printf "%.0f MB (peak %.0f MB)", r / 1024, h / 1024}' "/proc/$1/status"
}

cd "$ROOT"
log "building nashra and the seeder into $WORK"
go build -trimpath -o "$WORK/nashra" ./cmd/nashra
go build -trimpath -o "$WORK/seed" ./bench/seed
go build -trimpath -o "$WORK/gostatic" ./bench/gostatic

log "seeding $N articles"
ARTICLE=$("$WORK/seed" --data "$WORK/site" --n "$N")
[[ $ARTICLE == /* ]] || die "the seeder printed no article path"
# Build the search index now: a server would otherwise analyze every post at
# start, in the background, while it is being measured.
log "building the search index"
"$WORK/nashra" reindex --data "$WORK/site" | tail -1 >&2
# Each Nashra server gets its own copy of the site: one SQLite file, one job queue.
for name in nethttp uncached; do cp -a "$WORK/site" "$WORK/site-$name"; done
mv "$WORK/site" "$WORK/site-cached"

declare -A URL PID
SERVERS=()

# start_nashra NAME [FLAGS...]: starts nashra on a free port with its copy of the site.
start_nashra() {
	local name=$1 port
	shift
	port=$(free_port)
	"$WORK/nashra" serve --data "$WORK/site-$name" --addr "127.0.0.1:$port" "$@" >"$WORK/nashra-$name.log" 2>&1 &
	PID[$name]=$!
	PIDS+=("$!")
	wait_http "http://127.0.0.1:$port/healthz" "$!" "$WORK/nashra-$name.log"
	URL[$name]="http://127.0.0.1:$port$ARTICLE"
}

# Nashra's answer, saved, is the file nginx serves: the same bytes at the
# same address (DIR/index.html for /slug/), so that every server parses the
# same percent-encoded Arabic request line.
log "starting Nashra: cached, cached through net/http (--no-fast-lane), uncached (--cache-mb 0)"
start_nashra cached
start_nashra nethttp --no-fast-lane
start_nashra uncached --cache-mb 0
SLUG=${ARTICLE#/}
SLUG=${SLUG%/}
SLUG=$(printf '%b' "${SLUG//%/\\x}")
mkdir -p "$WORK/www/$SLUG"
PAGE="$WORK/www/$SLUG/index.html"
code=$(curl -sS -o "$PAGE" -w '%{http_code}' "${URL[cached]}")
[[ $code == 200 ]] || die "GET $ARTICLE: status $code"
PAGE_BYTES=$(stat -c %s "$PAGE")
log "article $ARTICLE: $PAGE_BYTES bytes"
cmp -s "$PAGE" <(curl -sS "${URL[cached]}") || log "warning: the cached page differs from the first answer"
cmp -s "$PAGE" <(curl -sS "${URL[nethttp]}") || log "warning: the page through net/http differs from the fast lane's"
# Each render signs a fresh comment-form token (time and nonce): compare the rest.
untoken() { sed -E 's/name="token" value="[^"]*"/name="token" value=""/'; }
cmp -s <(untoken <"$PAGE") <(curl -sS "${URL[uncached]}" | untoken) || log "warning: the uncached page differs from the cached one"

HAVE_NGINX=0
if [[ -x $NGINX ]]; then
	HAVE_NGINX=1
	XPORT=$(free_port)
	mkdir -p "$WORK/nginx/tmp"
	chmod 755 "$WORK" "$WORK/www" "$WORK/www/$SLUG"
	chmod 644 "$PAGE"
	user_line=""
	if [[ $(id -u) == 0 ]]; then # workers drop to nobody, who can read the folder above
		user_line="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
	fi
	cat >"$WORK/nginx/nginx.conf" <<-EOF
		$user_line
		worker_processes auto;
		daemon off;
		pid $WORK/nginx/nginx.pid;
		error_log $WORK/nginx/error.log warn;
		events { worker_connections 1024; }
		http {
		    default_type text/html;
		    charset utf-8;
		    access_log off;
		    sendfile on;
		    tcp_nopush on;
		    client_body_temp_path $WORK/nginx/tmp/body;
		    proxy_temp_path $WORK/nginx/tmp/proxy;
		    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
		    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
		    scgi_temp_path $WORK/nginx/tmp/scgi;
		    server {
		        listen 127.0.0.1:$XPORT;
		        root $WORK/www;
		    }
		}
	EOF
	"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
	PID[nginx]=$!
	PIDS+=("$!")
	URL[nginx]="http://127.0.0.1:$XPORT$ARTICLE"
	wait_http "${URL[nginx]}" "${PID[nginx]}" "$WORK/nginx/error.log"
	cmp -s "$PAGE" <(curl -sS "${URL[nginx]}") || die "nginx does not serve the same bytes"
	SERVERS+=(nginx)
else
	log "nginx not found ($NGINX): skipping the static-file baseline"
fi

if [[ $GO_BASELINE == 1 ]]; then
	GPORT=$(free_port)
	"$WORK/gostatic" --file "$PAGE" --addr "127.0.0.1:$GPORT" >"$WORK/gostatic.log" 2>&1 &
	PID[gostatic]=$!
	PIDS+=("$!")
	URL[gostatic]="http://127.0.0.1:$GPORT$ARTICLE"
	wait_http "${URL[gostatic]}" "${PID[gostatic]}" "$WORK/gostatic.log"
	SERVERS+=(gostatic)
fi
SERVERS+=(cached nethttp uncached)

for s in "${SERVERS[@]}"; do
	log "$s: warm-up ($WARMUP)"
	wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout 10s "${URL[$s]}" >/dev/null
done

declare -A L_RPS L_P99 R_ERR
ROUND_RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
	for s in "${SERVERS[@]}"; do
		measure "$s" "${URL[$s]}"
		log "round $round, $s: $RPS req/s, p99 $P99 ms, $ERRORS errors"
		L_RPS[$s]+="$RPS " L_P99[$s]+="$P99 " R_ERR[$s]=$((${R_ERR[$s]:-0} + ERRORS))
		[[ $s == nginx ]] && NGINX_RPS=$RPS
		[[ $s == cached && $HAVE_NGINX == 1 ]] && ROUND_RATIOS+=("$(awk -v a="$RPS" -v b="$NGINX_RPS" 'BEGIN {printf "%.2f", a / b}')")
	done
done

declare -A R_RPS R_P99 R_RSS
for s in "${SERVERS[@]}"; do
	# shellcheck disable=SC2086 # the lists are space-separated numbers
	R_RPS[$s]=$(median ${L_RPS[$s]})
	# shellcheck disable=SC2086
	R_P99[$s]=$(median ${L_P99[$s]})
	R_RSS[$s]="-"
	[[ $s == nginx ]] || R_RSS[$s]=$(rss "${PID[$s]}")
done

# The report, on standard output.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
meets() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "met" : "NOT met") }'; }
declare -A LABEL=([nginx]="nginx static" [gostatic]="bare Go net/http" [cached]="Nashra cached" [nethttp]="  via net/http" [uncached]="Nashra uncached")

echo
echo "Nashra load test: $N articles, article page $PAGE_BYTES bytes, wrk -t$THREADS -c$CONNS -d$DURATION over loopback, median of $ROUNDS rounds"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(go env GOVERSION)"
echo
printf '%-18s %12s %10s %8s  %-26s %s\n' "server" "req/s" "p99 ms" "errors" "RSS after the rounds" "req/s of each round"
for s in "${SERVERS[@]}"; do
	printf '%-18s %12s %10s %8s  %-26s %s\n' "${LABEL[$s]}" "${R_RPS[$s]}" "${R_P99[$s]}" "${R_ERR[$s]}" "${R_RSS[$s]}" "${L_RPS[$s]}"
done
echo
if [[ $HAVE_NGINX == 1 ]]; then
	r=$(ratio "${R_RPS[cached]}" "${R_RPS[nginx]}")
	echo "cached / nginx:        $r   (goal >= $GOAL_CACHED_RATIO: $(meets "$r" "$GOAL_CACHED_RATIO")); each round: ${ROUND_RATIOS[*]}"
	echo "cached via net/http / nginx: $(ratio "${R_RPS[nethttp]}" "${R_RPS[nginx]}")"
else
	echo "cached / nginx:        - (nginx not installed)"
fi
echo "cached: fast lane / net/http: $(ratio "${R_RPS[cached]}" "${R_RPS[nethttp]}")"
if [[ $GO_BASELINE == 1 ]]; then
	echo "cached / bare Go:      $(ratio "${R_RPS[cached]}" "${R_RPS[gostatic]}")"
	if [[ $HAVE_NGINX == 1 ]]; then
		echo "bare Go / nginx:       $(ratio "${R_RPS[gostatic]}" "${R_RPS[nginx]}")"
	fi
fi
r=$(ratio "${R_RPS[uncached]}" "$GOAL_UNCACHED")
echo "uncached / $GOAL_UNCACHED req/s: $r   (goal >= 1.00: $(meets "$r" 1))"
echo "uncached / cached:     $(ratio "${R_RPS[uncached]}" "${R_RPS[cached]}")"
