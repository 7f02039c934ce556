#!/usr/bin/env bash
# The sweep on a real Slurm: installs Debian's slurm-wlm and munge (apt-get) if missing, starts a one-node cluster
# on this machine (munged, slurmctld and slurmd on localhost, all configuration, state and logs in a temporary
# folder), then:
#   1. submits a small sweep (8 tiny runs) with sbatch, waits, checks every run finished and that `duet summarize`
#      of it equals, byte for byte, that of the same sweep run locally;
#   2. submits a sweep of 2 longer runs, cancels one array task mid-run with scancel (SIGTERM: the run checkpoints),
#      writes the job array again (it now lists only that run), resubmits it, and checks the run finished with the
#      same summary as an uninterrupted local run;
#   3. submits a run longer than its 2-minute time limit: signalled (SIGUSR1) before the limit, the task stops the
#      run (it checkpoints) and requeues itself, until the run finishes with the same summary as a local run;
# and shuts the cluster down. Skipped, saying why, only where it cannot run (not Linux; no slurm-wlm and no way
# to install it). Usage: scripts/slurm-test.sh [path/to/duet]   (default: .build/release/duet)
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$(pwd)
duet=$(realpath "${1:-.build/release/duet}")
export OPENBLAS_NUM_THREADS=1
started=$(date +%s)

skip() { echo "slurm-test: SKIPPED: $*"; exit 0; }
fail() { echo "slurm-test: FAILED: $*" >&2; keep=1; exit 1; }

[ "$(uname -s)" = Linux ] || skip "Slurm's single-node test needs Linux"
[ -x "$duet" ] || fail "no duet executable at $duet (build it with: swift build -c release)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "slurm-test: installing slurm-wlm and munge with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; }
    else
        skip "slurm-wlm and munge are not installed and cannot be (needs root and apt-get)"
    fi
fi

# MARK: A one-node cluster in a temporary folder

cluster=$(mktemp -d /tmp/duet-slurm.XXXXXX)
chmod 700 "$cluster"
pids=()
shutdown() {
    if [ -n "${local_run:-}" ]; then kill "$local_run" 2>/dev/null || true; fi  # part 3's local run, on a failure
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${keep:-0}" = 1 ]; then echo "slurm-test: logs kept in $cluster"; else rm -rf "$cluster"; fi
}
trap 'keep=1; shutdown' ERR
trap shutdown EXIT

mkdir -p "$cluster/state" "$cluster/spool" "$cluster/munge"
dd if=/dev/urandom of="$cluster/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$cluster/munge/munge.key"
munged --foreground --force --key-file="$cluster/munge/munge.key" --socket="$cluster/munge/munge.socket" \
    --pid-file="$cluster/munge/munged.pid" --log-file="$cluster/munge/munged.log" \
    --seed-file="$cluster/munge/munged.seed" >"$cluster/munge/munged.out" 2>&1 &
pids+=($!)

port=$((20000 + $$ % 20000))
cat > "$cluster/slurm.conf" <<EOF
ClusterName=duettest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$cluster/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=30
MinJobAge=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$cluster/slurm.conf"
for _ in $(seq 50); do [ -S "$cluster/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >"$cluster/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$cluster/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    sinfo -h -o %T 2>/dev/null | grep -q '^idle' && break
    sleep 0.2
done
sinfo -h -o %T | grep -q '^idle' || fail "the node did not come up (see $cluster/slurmctld.log, slurmd.log)"
echo "slurm-test: one-node cluster up ($(sinfo -h -o '%P %D %c %T'), Slurm $(slurmctld -V | cut -d' ' -f2))"

# MARK: Helpers

work="$cluster/work"
mkdir -p "$work/experiments/smoke"
cp experiments/smoke/pendulum-dual-tiny.yaml "$work/experiments/smoke/"
cd "$work"

# Submits a sweep's job array and waits until it has left the queue; prints the job id.
submit_and_wait() {
    local script=$1 job
    job=$(sbatch --parsable "$script")
    wait_for "$job"
    echo "$job"
}
wait_for() {
    local queued
    for _ in $(seq 1200); do
        queued=$(in_queue "$1") && [ -z "$queued" ] && return 0
        sleep 0.25
    done
    fail "job $1 did not end within 5 minutes"
}
# Prints job $1's queue lines, its array tasks' included (nothing once it has left the queue); fails when squeue
# cannot answer, so that a busy controller is never taken for an empty queue.
in_queue() {
    local all
    all=$(squeue -h -o '%i %F' 2>/dev/null) || return 1
    awk -v job="$1" '$1 == job || $2 == job' <<<"$all"
}
# Prints what the controller logged about job $1 (for a failure's diagnosis).
slurm_log() {
    echo "slurm-test: slurmctld.log on JobId=$1:"
    grep -E "JobId=$1[_(]|JobId=$1 " "$cluster/slurmctld.log" | tail -40 || true
}
# Checks that every run of the sweep in $1 finished.
all_finished() {
    local count
    count=$(tail -n +2 "$1/manifest.tsv" | wc -l)
    for folder in $(tail -n +2 "$1/manifest.tsv" | cut -f2); do
        grep -q '"finished"' "$folder/status.json" 2>/dev/null || { echo "not finished: $folder"; return 1; }
    done
    echo "slurm-test: all $count runs of $1 finished"
}
same_summary() {
    "$duet" summarize "$1" --reps 500 > "$1.summary.txt"
    "$duet" summarize "$2" --reps 500 > "$2.summary.txt"
    cmp "$1.summary.txt" "$2.summary.txt" || fail "the summaries of $1 and $2 differ"
    echo "slurm-test: summary of $1 equals the local run's byte for byte"
}

# MARK: 1. A small sweep through sbatch, against the same sweep run locally

sweep=(sweep experiments/smoke/pendulum-dual-tiny.yaml --seeds 0-1 --grid learner.batchSize=16,32 --arms on,off)
"$duet" "${sweep[@]}" --out slurm-small --emit slurm --jobs 2 --time 00:10:00 --mem 200M
bash -n slurm-small/sweep.sbatch
job=$(submit_and_wait slurm-small/sweep.sbatch)
all_finished slurm-small || { cat slurm-small/slurm/*.err >&2; fail "sweep 1 did not finish on Slurm"; }
[ "$(ls slurm-small/slurm/"${job}"_*.out | wc -l)" = 8 ] || fail "expected one output file per array task"
"$duet" "${sweep[@]}" --out local-small --jobs 2 >/dev/null
same_summary slurm-small local-small

# MARK: 2. One array task cancelled mid-run, then the array resubmitted

long=(sweep experiments/smoke/pendulum-dual-tiny.yaml --seeds 7-8 --set steps=6000 --set checkpoint.every=500)
"$duet" "${long[@]}" --out slurm-long --emit slurm --time 00:10:00 --mem 200M
job=$(sbatch --parsable slurm-long/sweep.sbatch)
victim=$(tail -n +2 slurm-long/manifest.tsv | sed -n 2p | cut -f2)
for _ in $(seq 600); do
    grep -qs '"checkpointStep" : [1-9]' "$victim/status.json" && break
    sleep 0.1
done
grep -qs '"running"' "$victim/status.json" || fail "task 1 was not running with a checkpoint when it was to be cancelled"
scancel "${job}_1"
wait_for "$job"
if grep -qs '"finished"' "$victim/status.json"; then fail "the cancelled run finished anyway (make it longer)"; fi
echo "slurm-test: task 1 cancelled mid-run: $(tr -d '\n ' < "$victim/status.json")"
"$duet" "${long[@]}" --out slurm-long --emit slurm --time 00:10:00 --mem 200M
grep -q '^#SBATCH --array=1%1$' slurm-long/sweep.sbatch || fail "the rewritten array should hold task 1 alone"
job=$(submit_and_wait slurm-long/sweep.sbatch)
grep -q "^Run 1: duet resume $victim\$" "slurm-long/slurm/${job}_1.out" || fail "the resubmitted task did not resume run 1"
all_finished slurm-long
"$duet" "${long[@]}" --out local-long >/dev/null
same_summary slurm-long local-long

# MARK: 3. A run longer than its time limit: signalled before the limit, it checkpoints and requeues itself

# Slurm checks time limits every 30 s and signals at the first check with now + 60 + 30 >= end, so 30-60 s into
# each 2-minute task; the run needs about 140 s alone here (3,300 steps/s), so at least one requeue even on a
# much faster machine.
limit=(sweep experiments/smoke/pendulum-dual-tiny.yaml --seeds 3 --set steps=450000 --set checkpoint.every=20000)
"$duet" "${limit[@]}" --out slurm-limit --emit slurm --time 00:02:00 --requeue-before 60 --mem 200M
grep -q '^#SBATCH --signal=B:USR1@60$' slurm-limit/sweep.sbatch || fail "the script does not ask for the signal"
job=$(sbatch --parsable slurm-limit/sweep.sbatch)
# The same run locally, on the other CPU meanwhile, for the summaries' comparison.
"$duet" "${limit[@]}" --out local-limit >local-limit.out 2>&1 &
local_run=$!
# Slurm holds a requeued job back for about two minutes (its begin time); the test lets it start again after 2 s.
# Not at once: slurmd revokes a killed job's credential with a resolution of one second, and refuses to launch the
# requeued job in the same second ("Job N already killed, do not launch batch job"), which fails the task.
for _ in $(seq 2400); do
    queued=$(in_queue "$job") || { sleep 0.25; continue; }
    [ -z "$queued" ] && break
    for task in $(squeue -h -j "$job" -t PENDING -o %i 2>/dev/null); do
        sleep 2
        scontrol update JobId="$task" StartTime=now >/dev/null 2>&1 || true
    done
    sleep 0.25
done
[ -z "$(in_queue "$job")" ] || fail "job $job did not end within 10 minutes"
all_finished slurm-limit || { cat slurm-limit/slurm/*; slurm_log "$job"; fail "the run over the time limit did not finish"; }
requeues=$(grep -c 'requeueing the task to resume it' "slurm-limit/slurm/${job}_0.out" || true)
[ "$requeues" -ge 1 ] || { cat slurm-limit/slurm/*; fail "the task was not requeued before its time limit"; }
grep -q "^Run 0: duet resume " "slurm-limit/slurm/${job}_0.out" || fail "the requeued task did not resume the run"
echo "slurm-test: the run over its 2-minute limit was requeued $requeues time(s) and finished"
wait "$local_run" || { local_run=; cat local-limit.out; fail "the local run of the same sweep failed"; }
local_run=
same_summary slurm-limit local-limit

cd "$repository"
echo "slurm-test: passed in $(( $(date +%s) - started )) s"
