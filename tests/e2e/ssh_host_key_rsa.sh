#!/usr/bin/env bash
# ssh_host_key_rsa.sh - a server whose host key file holds an RSA key (an installed
# server's existing key, which its users' known_hosts hold) keeps serving with it: the
# start says the key is not ed25519, OpenSSH's ssh (in tmux) sees that RSA key, signed
# with SHA-2 (rsa-sha2-512/256, never ssh-rsa), and the agent reaches his queue.  Until
# the host key algorithms followed the key's type, only ssh-ed25519 was offered and such
# a server closed every connection at the key exchange.  Loopback only.
source "$(dirname "$0")/lib.sh"
export WATIQA_DETACH_SECONDS=0

# wq_start_server points WATIQA_HOST_KEY at $T/host_key: the RSA key is there first
ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C 'existing rsa host key' -f "$T/host_key" ||
	fail "ssh-keygen"
wq_start_server
grep -q "host key $T/host_key is not ed25519" "$T/serve.log" || fail "no warning about the RSA key"
ok "an RSA host key is kept, with a warning at start"

# the key the client is shown is that RSA key, and SHA-1 ssh-rsa is not accepted
known=$T/known_hosts
ssh-keyscan -p "$WQ_SSH_PORT" -t rsa 127.0.0.1 >"$known" 2>/dev/null || true
[ "$(awk '{ print $3 }' "$known")" = "$(awk '{ print $2 }' "$T/host_key.pub")" ] ||
	fail "the server's key is not the RSA key: $(cat "$known")"
if ssh -p "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o HostKeyAlgorithms=ssh-rsa -o BatchMode=yes probe@127.0.0.1 true 2>"$T/sha1.err"; then
	fail "a client offering only ssh-rsa (SHA-1) got in"
fi
grep -q "no matching host key type" "$T/sha1.err" || fail "ssh-rsa refused how? $(cat "$T/sha1.err")"
ok "the RSA key is offered with rsa-sha2 only"

wq_login a agent1 watiqa-demo
wq_screen_wait a "Queue" 15
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: login ok (password)" 5
ok "agent1 logs in to the server with the RSA host key and sees the queue"
