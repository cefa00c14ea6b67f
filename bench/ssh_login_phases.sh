#!/usr/bin/env bash
# ssh_login_phases.sh - where a Watiqa login's time goes, from the client's start to
# "authenticated", with the client of bench/ssh_sessions.sh's login figure (sshpass +
# OpenSSH's ssh, openssh_lib.sh's login_ms).  The listener and its session processes run
# under strace, stopped only at the system calls that mark the phases (seccomp-bpf:
# accept, recvfrom, recvmsg, sendto, fdatasync, mmap, munmap, openat, clone3); each login's
# phases are read from the trace and their medians printed:
#   accept -> session process       the listener's fork, or its hand-over to the spare
#                                   (the spare's recvmsg returns)
#   banners and key exchange        to the client's NEWKEYS (the client computes too)
#   NEWKEYS -> password             the client: host key, "none", the prompt, sshpass
#   password -> hash                the first transaction: the try counted
#   the hash                        yescrypt at the account's cost (its 16 MB unmapped
#                                   included; mapped and faulted in by the spare before
#                                   the connection)
#   hash -> success sent            the outcome's transaction (fsyncs on the session's
#                                   own thread counted; the count's runs on another
#                                   beside the hash, the outcome's after the answer)
#   the rest (client)               the login's total less accept -> success: the client's
#                                   start, its TCP connect, its LocalCommand
# The trace slows what it stops a little; the totals are printed beside the login times
# taken without it.  Root (strace attaches to the listener).  Loopback only.
#   WATIQA_BIN=build/watiqa bash bench/ssh_login_phases.sh
#   WQ_BENCH_LOGINS=31 WATIQA_BIN=build/watiqa bash bench/ssh_login_phases.sh
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tests/e2e/lib.sh"
source "$HERE/openssh_lib.sh"
RUNS=${WQ_BENCH_LOGINS:-15}
export WATIQA_DETACH_SECONDS=0
command -v strace >/dev/null || fail "strace is needed (apt-get install strace)"
wq_start_server
"$WATIQA_BIN" user add bench1 agent RBT-HAS-1 --password watiqa-demo >/dev/null || fail "user add bench1"
echo "ssh_login_phases: $RUNS logins, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
	"$(grep -o 'one password check costs [0-9]* ms' "$T/serve.log")"

: >"$T/plain"
for ((i = 0; i < RUNS; i++)); do login_ms "$WQ_SSH_PORT" bench1 watiqa-demo >>"$T/plain"; done
: >"$T/strace.err"
strace -f --seccomp-bpf -ttt -T -e trace=accept,recvfrom,recvmsg,sendto,fdatasync,mmap,munmap,openat,clone3 \
	-p "$(wq_ssh_listener)" -o "$T/trace" 2>"$T/strace.err" &
SP=$!
trap 'kill $SP 2>/dev/null || true; wq_cleanup' EXIT
for ((k = 0; k < 50; k++)); do grep -q attached "$T/strace.err" && break; sleep 0.1; done
: >"$T/traced"
for ((i = 0; i < RUNS; i++)); do login_ms "$WQ_SSH_PORT" bench1 watiqa-demo >>"$T/traced"; done
kill "$SP"
wait "$SP" 2>/dev/null || true

python3 - "$T/trace" "$T/plain" "$T/traced" <<'PY'
import re, statistics, sys
from collections import defaultdict
events = defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r'(\d+)\s+(\d+\.\d+) (\w+)\((.*)', line)
    if not m:
        # a call another process interrupted in the trace: its end, for the spare's
        # wait (recvmsg), which starts long before its connection
        m = re.match(r'(\d+)\s+(\d+\.\d+) <\.\.\. (recvmsg) resumed>(.*)', line)
        if m:
            events[m.group(1)].append((float(m.group(2)), 'recvmsg_end', m.group(4), 0.0))
        continue
    pid, t, call, rest = m.group(1), float(m.group(2)), m.group(3), m.group(4)
    d = re.search(r'<(\d+\.\d+)>\s*$', rest)
    events[pid].append((t, call, rest, float(d.group(1)) if d else 0.0))
accepts = sorted(t for pid, ev in events.items() for (t, c, r, d) in ev
                 if c == 'accept' and '= -1' not in r)
phases = defaultdict(list)
for pid, ev in events.items():
    recvs = [e for e in ev if e[1] == 'recvfrom']
    # the hash's region unmapped by libcrypt as the hash ends (src/hash_region.c)
    unmaps = [e for e in ev if e[1] == 'munmap'
              and int(re.match(r'0x[0-9a-f]+, (\d+)', e[2]).group(1)) >= 8 << 20]
    if not recvs or not unmaps:
        continue  # the listener, or a session that checked no password
    unmap = unmaps[0]
    pw = [e for e in recvs if e[0] < unmap[0]][-1]
    # its start: the thread that fsyncs the try, made just before the hash (the region
    # and the thread's stack are the spare's, made before the connection:
    # hash_region_reserve, src/ssh_spare_warm.c); else the first mmap after the password
    start_hash = next((e for e in ev if e[1] == 'clone3' and e[0] > pw[0]), None) or \
        next(e for e in ev if e[1] == 'mmap' and e[0] > pw[0])
    # a spare starts its connection when the listener's hand-over arrives
    handed = [e[0] + (e[3] if e[1] == 'recvmsg' else 0) for e in ev
              if e[1] in ('recvmsg', 'recvmsg_end') and '= -1' not in e[2]
              and 'unfinished' not in e[2]]
    start = handed[0] if handed else ev[0][0]
    acc = max((a for a in accepts if a <= start), default=start)
    # NEWKEYS, on whichever descriptor the connection got (the listener's own count of
    # open descriptors decides it: it was 7, it is 8 since the log keeps one)
    newkeys = next(e for e in recvs if re.match(r'\d+, "\\0\\0\\0\\f\\n\\25', e[2]))
    ok = next(e for e in ev if e[1] == 'sendto' and e[0] > unmap[0])
    syncs = [e for e in ev if e[1] == 'fdatasync' and pw[0] < e[0] < ok[0]]
    ms = lambda a, b: (b - a) * 1000
    phases['accept -> session process'].append(ms(acc, start))
    phases['banners and key exchange'].append(ms(start, newkeys[0]))
    phases['NEWKEYS -> password'].append(ms(newkeys[0], pw[0]))
    phases['password -> hash'].append(ms(pw[0], start_hash[0]))
    phases['the hash'].append(ms(start_hash[0], unmap[0]) + unmap[3] * 1000)
    phases['hash -> success sent'].append(ms(unmap[0], ok[0]) - unmap[3] * 1000)
    phases['  of which fsync (n)'].append(len(syncs))
    phases['  of which fsync (ms)'].append(sum(e[3] for e in syncs) * 1000)
    phases['accept -> success sent'].append(ms(acc, ok[0]))
plain = [float(x) for x in open(sys.argv[2]) if x.strip()]
traced = [float(x) for x in open(sys.argv[3]) if x.strip()]
med = statistics.median
for k, v in phases.items():
    unit = '' if k.endswith('(n)') else ' ms'
    print(f"{k:30s} median {med(v):7.1f}{unit}  (n={len(v)})")
if traced and phases:
    print(f"{'the rest (client)':30s} median {med(traced) - med(phases['accept -> success sent']):7.1f} ms"
          "  (traced login median less accept -> success sent)")
if plain:
    print(f"{'login, not traced':30s} median {med(plain):7.1f} ms  (n={len(plain)})")
if traced:
    print(f"{'login, traced':30s} median {med(traced):7.1f} ms  (n={len(traced)})")
PY
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
