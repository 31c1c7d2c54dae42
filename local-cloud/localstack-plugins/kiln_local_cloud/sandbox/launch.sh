#!/bin/bash
# Runs a script in an instance's sandbox: instances.py starts this as the first process of new mount
# and PID namespaces (unshare), so every mount below and every process the script starts ends with it.
#   usage: launch.sh ROOT WORKDIR SCRIPT [SOURCE TARGET]...
# The host's /bin, /sbin, /lib and /lib64 are bound read-only (symbolic links are copied as links),
# its /usr is the lower layer of the instance's own /usr, each SOURCE is bound read-only at TARGET,
# /proc is the namespace's own and /dev holds only null, zero, full, random, urandom and tty. Then SCRIPT runs by bash in WORKDIR, chrooted into ROOT.
set -eu
root=$1 workdir=$2 script=$3
shift 3

read_only() {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mount -o remount,bind,ro "$2"
}

mount --make-rprivate /
# /usr is the host's under the instance's own layer (overlayfs; the layer lives beside ROOT), so that
# an install can write to /usr/share or /usr/local as on a machine and the host's /usr never changes
layer=$(dirname "$root")
mkdir -p "$layer/usr-changes" "$layer/usr-work" "$root/usr"
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$layer/usr-changes,workdir=$layer/usr-work" "$root/usr"
for dir in bin sbin lib lib64; do
  if [ -L "/$dir" ]; then
    ln -sfn "$(readlink "/$dir")" "$root/$dir"
  elif [ -d "/$dir" ]; then
    read_only "/$dir" "$root/$dir"
  fi
done
while [ $# -ge 2 ]; do
  read_only "$1" "$root$2"
  shift 2
done
mkdir -p "$root/proc" "$root/dev"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
for device in null zero full random urandom tty; do
  touch "$root/dev/$device"
  mount --bind "/dev/$device" "$root/dev/$device"
done
mkdir "$root/dev/shm" "$root/dev/pts"
ln -s /proc/self/fd "$root/dev/fd"
ln -s fd/0 "$root/dev/stdin"
ln -s fd/1 "$root/dev/stdout"
ln -s fd/2 "$root/dev/stderr"
exec chroot "$root" /bin/bash -c 'cd "$1" && exec /bin/bash "$2"' launch "$workdir" "$script"
