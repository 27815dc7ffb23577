#!/bin/sh
# One backup of Học Tập Suốt Đời: create it, verify it, keep BACKUP_KEEP_DAYS days of them here, and
# copy it to BACKUP_OFFSITE (an rsync destination on another machine). Run by hoctap-backup.timer.
set -eu
cd "$(dirname "$0")/.."
root="${BACKUP_DIR:-/var/backups/hoctap}"
dir="$root/$(date -u +%Y-%m-%dT%H%MZ)"
.venv/bin/flask --app lms backup create "$dir"
.venv/bin/flask --app lms backup verify "$dir"
find "$root" -mindepth 1 -maxdepth 1 -type d -mtime +"${BACKUP_KEEP_DAYS:-14}" -exec rm -rf {} +
if [ -n "${BACKUP_OFFSITE:-}" ]; then
    rsync -a "$dir" "$BACKUP_OFFSITE"
fi
