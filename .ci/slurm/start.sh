#!/usr/bin/env bash
# Start a real one-node SLURM cluster on this machine (as root): munge, MariaDB + slurmdbd for
# accounting (the executor plugin asks `sacct` for job states), slurmctld and slurmd, with
# JZ_SLURM_GPUS GPUs declared as GRES backed by /dev/null links (scheduling only, no devices).
# Idempotent: running it again restarts the daemons with the same configuration.
set -euo pipefail

GPUS="${JZ_SLURM_GPUS:-2}"
CLUSTER=jiuzhang-ci
PARTITION="${JZ_SLURM_PARTITION:-debug}"
DB_PASS=jiuzhang-ci  # a local, loopback-only CI database

log() { echo "[slurm-start] $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmdbd >/dev/null \
    || ! command -v munged >/dev/null || ! command -v mariadbd >/dev/null; then
  log "installing slurm-wlm, slurmdbd, munge, mariadb-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm slurmdbd munge mariadb-server \
    >/dev/null
fi

"$(dirname "$0")/stop.sh" >/dev/null 2>&1 || true

host="$(hostname -s)"
node_line="$(slurmd -C | head -1)"
cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node_line")"
memory="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")"
memory=$((memory * 9 / 10))  # leave room for the OS and the submitting process

# munge: the key exists after installation; the daemon runs as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
runuser -u munge -- /usr/sbin/munged --force
log "munge up"

# MariaDB for slurmdbd.
install -d -o mysql -g mysql /run/mysqld
if ! mysqladmin ping --silent 2>/dev/null; then
  (mysqld_safe --skip-networking=0 --bind-address=127.0.0.1 >/var/log/jiuzhang-mysqld.log 2>&1 &)
  for _ in $(seq 60); do mysqladmin ping --silent 2>/dev/null && break; sleep 0.5; done
fi
mysql -u root <<SQL
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '${DB_PASS}';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
SQL
log "mariadb up"

install -d /var/log/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /etc/slurm
cat >/etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=${DB_PASS}
StorageLoc=slurm_acct_db
PidFile=/run/slurmdbd.pid
LogFile=/var/log/slurm/slurmdbd.log
CONF
chmod 600 /etc/slurm/slurmdbd.conf

gres=""
if [ "$GPUS" -gt 0 ]; then
  for i in $(seq 0 $((GPUS - 1))); do ln -sfn /dev/null "/dev/jiuzhang-gpu$i"; done
  gres="Gres=gpu:${GPUS}"
  cat >/etc/slurm/gres.conf <<CONF
AutoDetect=off
NodeName=${host} Name=gpu File=/dev/jiuzhang-gpu[0-$((GPUS - 1))]
CONF
else
  rm -f /etc/slurm/gres.conf
fi

cat >/etc/slurm/slurm.conf <<CONF
ClusterName=${CLUSTER}
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
MinJobAge=300
GresTypes=gpu
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageTRES=gres/gpu
JobAcctGatherType=jobacct_gather/linux
JobCompType=jobcomp/none
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory} ${gres} State=UNKNOWN
PartitionName=${PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

slurmdbd
for _ in $(seq 60); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.5; done
sacctmgr -i -Q add cluster "${CLUSTER}" >/dev/null 2>&1 || true
log "slurmdbd up"

slurmctld -c
slurmd
for _ in $(seq 60); do
  state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  case "$state" in idle*|mixed*|allocated*) break ;; drain*|down*|inval*)
    scontrol update nodename="$host" state=resume 2>/dev/null || true ;; esac
  sleep 0.5
done
sinfo -h -n "$host" -o "%P %T %c %m %G" | sed 's/^/[slurm-start] node: /'
state="$(sinfo -h -n "$host" -o %T)"
case "$state" in idle*|mixed*|allocated*) ;; *) echo "node state $state" >&2; exit 1 ;; esac
log "cluster ${CLUSTER} up: partition ${PARTITION}, ${cpus} CPUs, ${memory} MB, ${GPUS} GPUs"
