#!/usr/bin/env bash
# Stop the one-node SLURM cluster started by start.sh (daemons only; configuration stays).
set -u
for daemon in slurmd slurmctld slurmdbd; do
  pkill -x "$daemon" 2>/dev/null && echo "[slurm-stop] stopped $daemon"
done
for _ in $(seq 40); do
  pgrep -x slurmd >/dev/null || pgrep -x slurmctld >/dev/null || pgrep -x slurmdbd >/dev/null \
    || break
  sleep 0.25
done
mysqladmin shutdown 2>/dev/null && echo "[slurm-stop] stopped mariadb"
pkill -x munged 2>/dev/null && echo "[slurm-stop] stopped munged"
exit 0
