#!/usr/bin/env bash
# engine.sh ENGINE COMMAND: a real Flink or Spark engine on this machine,
# behind Beam's portable job server, for vgmsynth's --runner=flink|spark.
#
#   scripts/engine.sh flink|spark fetch   resolve the job server with Maven, cache it
#   scripts/engine.sh flink|spark start   fetch, start it on loopback, wait until it
#                                         answers; the last line is localhost:PORT
#   scripts/engine.sh flink|spark stop    stop exactly the processes start started
#
# Flink runs as Flink's embedded local cluster inside the job server's JVM
# (--flink-master=[local]); Spark as a local master (local[2]). Submit with
#   vgmsynth run --runner=flink --endpoint=localhost:PORT --environment_type=LOOPBACK ...
#
# The job server: Beam's job-server jar
# (org.apache.beam:beam-runners-flink-1.19-job-server,
# org.apache.beam:beam-runners-spark-3-job-server) at the Beam version in
# go.mod when Maven Central serves it; it serves none today (no version of
# either artifact), so the script falls back to the same job server built
# from its parts: the runner artifact (beam-runners-flink-1.19,
# beam-runners-spark-3, which hold FlinkJobServerDriver and
# SparkJobServerDriver) with its dependencies, at BEAM_JAVA_VERSION, the
# newest Beam release whose runner and job service both resolve there
# (2.62.0: beam-runners-java-job-service, which the runners need, is served
# at 2.62.0 and 2.65.0 only, the runners at 2.62.0 and 2.70.0). Spark itself
# is a "provided" dependency of the runner: Spark 3.2.2, the version the
# runner's POM names. docs/runners.md has the measured versions and times.
#
# Environment (all optional):
#   VGMSYNTH_CACHE             cache of classpaths (default ~/.cache/vgmsynth)
#   VGMSYNTH_ENGINE_STATE      pid, port and log files (default $VGMSYNTH_CACHE/run)
#   VGMSYNTH_JOB_PORT          job port (default: a free loopback port)
#   VGMSYNTH_ENGINE_HEAP       the JVM's -Xmx (default 768m)
#   VGMSYNTH_ENGINE_WATCH_PID  stop the engine when this process exits (tests)
#   BEAM_JAVA_VERSION          Beam version of the assembled job server (default 2.62.0)
set -euo pipefail

usage() {
	echo "usage: $0 flink|spark fetch|start|stop" >&2
	exit 2
}
[ $# -eq 2 ] || usage
engine=$1 cmd=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${VGMSYNTH_CACHE:-$HOME/.cache/vgmsynth}
state=${VGMSYNTH_ENGINE_STATE:-$cache/run}
beam_go=$(awk '$1 == "github.com/apache/beam/sdks/v2" {sub(/^v/, "", $2); print $2}' "$root/go.mod")
beam_java=${BEAM_JAVA_VERSION:-2.62.0}

case $engine in
flink)
	flink_version=1.19
	jobserver=beam-runners-flink-$flink_version-job-server
	runner=beam-runners-flink-$flink_version
	main=org.apache.beam.runners.flink.FlinkJobServerDriver
	provided=""
	logging="<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-jdk14</artifactId><version>1.7.30</version></dependency>"
	engine_flags=(--flink-master='[local]')
	# Flink 1.19 runs these jobs on Java 17 without --add-opens.
	java_flags=()
	;;
spark)
	spark_version=3.2.2
	jobserver=beam-runners-spark-3-job-server
	runner=beam-runners-spark-3
	main=org.apache.beam.runners.spark.SparkJobServerDriver
	provided=""
	for a in spark-core_2.12 spark-streaming_2.12; do
		provided+="<dependency><groupId>org.apache.spark</groupId><artifactId>$a</artifactId><version>$spark_version</version></dependency>"
	done
	logging="" # Spark brings log4j 1.2 and its slf4j binding
	engine_flags=(--spark-master-url='local[2]')
	# Spark 3.2 on Java 17: without this export its block manager fails
	# with "cannot access class sun.nio.ch.DirectBuffer". The properties
	# keep the driver on loopback and without its web UI.
	java_flags=(--add-exports=java.base/sun.nio.ch=ALL-UNNAMED
		-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false)
	export SPARK_LOCAL_IP=127.0.0.1
	;;
*) usage ;;
esac

dir=$cache/$engine
classpath_file=$dir/classpath
pid_file=$state/$engine.pid
watch_file=$state/$engine.watch.pid
port_file=$state/$engine.port
log_file=$state/$engine.log

# classpath_ok: the cached classpath exists and every entry on it too.
classpath_ok() {
	[ -s "$classpath_file" ] || return 1
	local IFS=:
	for f in $(cat "$classpath_file"); do
		[ -e "$f" ] || return 1
	done
}

fetch() {
	classpath_ok && return 0
	mkdir -p "$dir"
	command -v mvn >/dev/null || { echo "engine.sh: mvn not found (Maven is needed to fetch the job server)" >&2; exit 1; }
	local log=$dir/mvn.log
	echo "engine.sh: fetching org.apache.beam:$jobserver:$beam_go with Maven" >&2
	if mvn -B -q dependency:copy -Dartifact="org.apache.beam:$jobserver:$beam_go:jar" \
		-DoutputDirectory="$dir" >"$log" 2>&1; then
		echo "$dir/$jobserver-$beam_go.jar" >"$classpath_file"
		echo "org.apache.beam:$jobserver:$beam_go (Beam's job-server jar)" >"$dir/source"
		return 0
	fi
	echo "engine.sh: $jobserver:$beam_go is not served ($(grep -m1 -o 'Could not find artifact [^ ]*\|Could not transfer artifact [^ ]*' "$log" || echo "see $log")); assembling the job server from org.apache.beam:$runner:$beam_java and its dependencies" >&2
	cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vgmsynth.engine</groupId><artifactId>$engine-job-server</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.beam</groupId><artifactId>$runner</artifactId><version>$beam_java</version></dependency>
    $provided
    $logging
  </dependencies>
</project>
EOF
	if ! mvn -B -q -f "$dir/pom.xml" dependency:build-classpath -DincludeScope=runtime \
		-Dmdep.outputFile="$classpath_file.new" >"$log" 2>&1; then
		tail -20 "$log" >&2
		echo "engine.sh: Maven could not resolve org.apache.beam:$runner:$beam_java (log: $log)" >&2
		exit 1
	fi
	mv "$classpath_file.new" "$classpath_file"
	echo "org.apache.beam:$runner:$beam_java with its dependencies${provided:+ and Spark $spark_version} (assembled: $jobserver:$beam_go is not served)" >"$dir/source"
}

# running: the started JVM is alive (and is still ours: same main class).
running() {
	[ -s "$pid_file" ] || return 1
	local pid
	pid=$(cat "$pid_file")
	kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$main"
}

# free_port prints a loopback port nothing listens on.
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "engine.sh: no free port found" >&2
	exit 1
}

start() {
	command -v java >/dev/null || { echo "engine.sh: java not found (a JDK 17 is needed)" >&2; exit 1; }
	if running; then
		echo "engine.sh: $engine job server already running (pid $(cat "$pid_file"))" >&2
		echo "localhost:$(cat "$port_file")"
		return
	fi
	fetch
	mkdir -p "$state"
	local port=${VGMSYNTH_JOB_PORT:-$(free_port)}
	# Its own session, so that stop also ends the workers it may start
	# (PROCESS environment); all output to the log, none to our caller.
	(
		cd "$state"
		exec setsid java -Xmx"${VGMSYNTH_ENGINE_HEAP:-768m}" ${java_flags[@]+"${java_flags[@]}"} \
			-cp "$(cat "$classpath_file")" "$main" --job-host=127.0.0.1 --job-port="$port" \
			--artifact-port=0 --expansion-port=0 "${engine_flags[@]}"
	) </dev/null >"$log_file" 2>&1 &
	local pid=$!
	echo "$pid" >"$pid_file"
	echo "$port" >"$port_file"
	if [ -n "${VGMSYNTH_ENGINE_WATCH_PID:-}" ]; then
		local watched=$VGMSYNTH_ENGINE_WATCH_PID
		(
			while kill -0 "$watched" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 2; done
			kill -TERM -- "-$pid" 2>/dev/null || true
		) </dev/null >/dev/null 2>&1 &
		echo $! >"$watch_file"
	fi
	local deadline=$((SECONDS + ${VGMSYNTH_ENGINE_WAIT:-180}))
	until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -30 "$log_file" >&2
			rm -f "$pid_file" "$port_file"
			echo "engine.sh: the $engine job server exited (log: $log_file)" >&2
			exit 1
		fi
		if [ $SECONDS -ge $deadline ]; then
			stop
			echo "engine.sh: the $engine job server did not answer on 127.0.0.1:$port (log: $log_file)" >&2
			exit 1
		fi
		sleep 0.5
	done
	echo "engine.sh: $engine job server: $(cat "$dir/source"); pid $pid, log $log_file" >&2
	echo "localhost:$port"
}

stop() {
	if [ -s "$watch_file" ]; then
		kill "$(cat "$watch_file")" 2>/dev/null || true
		rm -f "$watch_file"
	fi
	if ! running; then
		rm -f "$pid_file" "$port_file"
		echo "engine.sh: no $engine job server started by this script is running" >&2
		return
	fi
	local pid
	pid=$(cat "$pid_file")
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
	for _ in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$pid_file" "$port_file"
	echo "engine.sh: stopped the $engine job server (pid $pid)" >&2
}

case $cmd in
fetch) fetch && echo "engine.sh: $engine job server: $(cat "$dir/source")" >&2 ;;
start) start ;;
stop) stop ;;
*) usage ;;
esac
