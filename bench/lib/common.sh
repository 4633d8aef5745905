# Shared helpers of the bench/ scripts. Sourced, not run.
# Every wait is bounded; every process is started here and stopped by its own PID.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
SAMPLE_JAR="${SAMPLE_JAR:-$REPO_DIR/graceful-shutdown-sample/target/graceful-shutdown-sample.jar}"
JAVA="${JAVA:-java}"

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die() {
	log "ERROR: $*"
	exit 1
}

# Milliseconds since the epoch (bash 5: no fork)
now_ms() {
	local us=${EPOCHREALTIME/[.,]/}
	echo $((us / 1000))
}

# Install the given Debian packages if their commands are missing: "command:package ..."
require_commands() {
	local missing=() pair
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	if ((${#missing[@]})); then
		log "installing ${missing[*]} with apt-get"
		if [[ $(id -u) -ne 0 ]]; then
			die "run as root or install first: apt-get install -y ${missing[*]}"
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } ||
			die "could not install ${missing[*]}"
	fi
}

require_sample_jar() {
	[[ -f $SAMPLE_JAR ]] || die "no sample jar at $SAMPLE_JAR: run './mvnw -q -DskipTests install' in $REPO_DIR first"
}

# A free TCP port on 127.0.0.1: bind to port 0 and print what the kernel picked.
# Falls back to random high ports checked free with ss.
free_port() {
	local port attempt
	if command -v python3 >/dev/null 2>&1 &&
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) &&
		[[ -n $port ]]; then
		echo "$port"
		return
	fi
	for attempt in $(seq 1 50); do
		port=$((20000 + RANDOM % 30000))
		if [[ -z $(ss -Htln "sport = :$port" 2>/dev/null) ]]; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

# Distinct free ports, one per line
free_ports() {
	local count=$1 ports=() port attempt
	for attempt in $(seq 1 $((count * 20))); do
		((${#ports[@]} == count)) && break
		port=$(free_port)
		[[ " ${ports[*]} " == *" $port "* ]] || ports+=("$port")
	done
	((${#ports[@]} == count)) || die "could not pick $count distinct free ports"
	printf '%s\n' "${ports[@]}"
}

# Arguments every sample instance gets. The default makes the sample a plain web application:
# no Kafka orders flow (an in-process KRaft broker per instance, heavy on a 2-core machine) and
# no outbox worker, neither of which the HTTP benchmarks measure. SAMPLE_ARGS='' keeps them.
SAMPLE_ARGS="${SAMPLE_ARGS-"--sample.orders.enabled=false --sample.outbox.enabled=false"}"

# start_sample LOGFILE PORT [application arguments...]
# Starts the sample jar in the background, in a working directory of its own next to the log
# (LOGFILE without .log, plus .d: the sample keeps files there); the PID is in STARTED_PID.
# JVM options come from SAMPLE_JAVA_OPTS (default: -Xmx256m).
start_sample() {
	local logfile=$1 port=$2 workdir jar
	shift 2
	workdir="${logfile%.log}.d"
	mkdir -p "$workdir"
	jar=$(realpath "$SAMPLE_JAR")
	logfile=$(realpath "$logfile" 2>/dev/null || echo "$PWD/$logfile")
	# shellcheck disable=SC2086
	(cd "$workdir" && exec "$JAVA" ${SAMPLE_JAVA_OPTS:--Xmx256m} -jar "$jar" --server.port="$port" $SAMPLE_ARGS "$@" \
		>"$logfile" 2>&1) &
	STARTED_PID=$!
}

# wait_ready PID PORT TIMEOUT_S: wait until /actuator/health/readiness answers 200
wait_ready() {
	local pid=$1 port=$2 timeout_s=${3:-120} deadline
	deadline=$(($(now_ms) + timeout_s * 1000))
	while (($(now_ms) < deadline)); do
		kill -0 "$pid" 2>/dev/null || return 1
		if [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness") == 200 ]]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_exit PID TIMEOUT_S: wait for a child of this shell to exit and set EXIT_CODE; SIGKILL
# it (by PID) if it has not exited by then. Polls /proc every 10 ms (an exited child stays a
# zombie until waited for, so kill -0 cannot tell). Not in $(...): wait needs this shell.
wait_exit() {
	local pid=$1 timeout_s=${2:-60} deadline stat now
	now=${EPOCHREALTIME/[.,]/}
	deadline=$((now + timeout_s * 1000000))
	while ((now < deadline)); do
		stat=""
		read -r stat 2>/dev/null </proc/"$pid"/stat || break
		[[ $stat == *") Z "* ]] && break
		sleep 0.01
		now=${EPOCHREALTIME/[.,]/}
	done
	if ((now >= deadline)); then
		log "pid $pid still running after ${timeout_s}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	EXIT_CODE=0
	wait "$pid" || EXIT_CODE=$?
}

# stop_pid PID: SIGTERM, then SIGKILL after 30 s; no output
stop_pid() {
	local pid=$1
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait_exit "$pid" 30
	fi
}

# 'Started SampleApplication in 3.456 seconds (process running for 3.9)' -> "3.456 3.9"
started_seconds() {
	sed -n 's/.*Started SampleApplication in \([0-9.]*\) seconds (process running for \([0-9.]*\)).*/\1 \2/p' "$1" | head -1
}

# mean, sample standard deviation, min, max of numbers on stdin: "mean sd min max n"
stats() {
	awk '{ x[NR] = $1; s += $1 } END {
		if (NR == 0) { print "nan nan nan nan 0"; exit }
		m = s / NR; v = 0; mn = x[1]; mx = x[1]
		for (i = 1; i <= NR; i++) { v += (x[i] - m) ^ 2; if (x[i] < mn) mn = x[i]; if (x[i] > mx) mx = x[i] }
		sd = NR > 1 ? sqrt(v / (NR - 1)) : 0
		printf "%.4f %.4f %.4f %.4f %d\n", m, sd, mn, mx, NR }'
}

machine_line() {
	local cpu jdk
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	jdk=$("$JAVA" -version 2>&1 | head -1)
	printf '%s, nproc %s, %s, %s, load average %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$jdk" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
}
