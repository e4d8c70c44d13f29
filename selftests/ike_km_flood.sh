#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The key manager (kmod/km.c) keeps namespaces apart.  Root of an
# unprivileged user namespace installs, in a network namespace it owns,
# FLOOD inbound xfrm states for its tunnel fx and, last, an outbound one for
# its tunnel fy; then both interface IDs are bound at once.  The key
# manager walks the namespace's states in the order they were installed:
# every one of fx's costs a transform (fx takes 8 inbound SAs, the others
# are built and refused), and fy's state is reached at the end, where it
# replaces fy's outbound SA ("sa-rekey").  Right after the binding, site
# y's daemon installs a CHILD_SA whose outbound state replaces y's
# outbound SA ("sa-rekey" in y).
#
#  - y's CHILD_SA is carried and its sa-rekey is heard; each namespace's
#    monitor stamps its events, and the test logs how far apart y's and
#    fy's came.  Namespaces are served in turns (16 events or one 32-state
#    walk batch per turn), but a walk here is too quick (about 60 us per
#    refused state in the VM, 0.4 s for 6000) to assert that y came first
#    from userspace: a state costs xfrm more to install than to walk;
#  - the walk ends: fy's state becomes its outbound SA, fx holds 8;
#  - the flooder's namespace recovers: its states flushed, its SAs go, and
#    a new pair of states is carried; it goes away cleanly.

# shellcheck disable=SC2154  # lib.sh's s2s_setup_ns sets $y
. "$(dirname "$0")/lib.sh"

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# fx's states
FLOOD=${S2S_KM_FLOOD:-2000}
factor=${S2S_TIMEOUT_FACTOR:-1}
KEY=0x00112233445566778899aabbccddeeff01020304
GCM="aead rfc4106(gcm(aes)) $KEY 128"
GCM_SA="aead rfc4106(gcm(aes)) $KEY 128"

s2s_require_cmd unshare setpriv nsenter jq
s2s_require_s2sctl
s2s_require_module
s2s_setup_ns y
S2S_TMP=$(mktemp -d /tmp/kmflood.XXXXXX)
chmod 755 "$S2S_TMP"
s2s_defer rm -rf "$S2S_TMP"

"${NOBODY[@]}" unshare -U -r -n true 2>/dev/null ||
	s2s_skip "unprivileged user namespaces are disabled"

# The flooder's states, written beforehand (a shell loop in the VM is slow)
for ((i = 1; i <= FLOOD; i++)); do
	echo "xfrm state add src 198.51.100.2 dst 198.51.100.1 proto esp spi $((0x100000 + i)) mode tunnel if_id 7 $GCM"
done >"$S2S_TMP/states"
echo "xfrm state add src 198.51.100.1 dst 198.51.100.3 proto esp spi 0x8001 mode tunnel if_id 8 $GCM" \
	>>"$S2S_TMP/states"
chmod 644 "$S2S_TMP/states"

# The flooder keeps its namespace until killed.
cat >"$S2S_TMP/flood.sh" <<'EOF'
set -e
ip link set lo up
"$S2SCTL" -b - <<EOB
tunnel add fx local 198.51.100.1 remote 198.51.100.2
tunnel add fy local 198.51.100.1 remote 198.51.100.3
sa add fy dir out spi 0x9000 $GCM_SA
EOB
ip -batch "$DIR/states"
echo added
exec sleep 900
EOF
S2SCTL=$S2SCTL DIR=$S2S_TMP GCM_SA=$GCM_SA \
	"${NOBODY[@]}" unshare -U -r -n bash "$S2S_TMP/flood.sh" \
	>"$S2S_TMP/flood.log" 2>&1 &
xpid=$!
# stop_flooder: ends the flooder, and its namespace with it
stop_flooder() { kill -KILL "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null; true; }
s2s_defer stop_flooder

# in_x CMD...: CMD in the flooder's network namespace
in_x() { nsenter -t "$xpid" -n "$@"; }
# x_sas TUNNEL: how many SAs the flooder's tunnel has
x_sas() { in_x "$S2SCTL" -j sa show "$@" 2>/dev/null | jq length; }
# x_out TUNNEL: the SPI the flooder's tunnel sends with
x_out() { in_x "$S2SCTL" -j sa show "$1" 2>/dev/null | jq '[.[] | select(.dir == "out") | .spi][0] // 0'; }

s2s_check "site y: tunnel with if-id 42 and an outbound SA" s2sctl -n "$y" -b - <<EOF
tunnel add vpn0 local 192.0.2.1 remote 192.0.2.2 if-id 42
sa add vpn0 dir out spi 0x4200 $GCM_SA
EOF
s2s_wait $((300 * factor)) grep -q '^added' "$S2S_TMP/flood.log"
s2s_result $? "the flooder (userns root) installed $((FLOOD + 1)) states" \
	"$(tail -n 5 "$S2S_TMP/flood.log")"

# stamp NAME CMD...: CMD's output lines in NAME.mon, each after the time
# (microseconds) it was read; CMD is stopped at exit
stamp() {
	local name=$1
	shift
	"$@" > >(while IFS= read -r line; do
		echo "${EPOCHREALTIME/./} $line"
	done >"$S2S_TMP/$name.mon") 2>&1 &
	s2s_defer stop_pid $!
}
# stop_pid PID: PID is stopped if it still runs
stop_pid() { kill "$1" 2>/dev/null; true; }
stamp y ip netns exec "$y" "$S2SCTL" monitor
stamp x nsenter -t "$xpid" -n "$S2SCTL" monitor
sleep 2		# both monitors have joined the events group

# the flooder's tunnels bind their interface IDs: its states are walked;
# right after, site y's daemon installs a CHILD_SA: inbound, then outbound
in_x "$S2SCTL" -b - <<EOF
tunnel set fx if-id 7
tunnel set fy if-id 8
EOF
s2s_result $? "the flooder's tunnels bind if-ids 7 and 8"
ip -n "$y" -batch - <<EOF
xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x4201 mode tunnel if_id 42 $GCM
xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x4202 mode tunnel if_id 42 $GCM
EOF
s2s_result $? "site y installs a CHILD_SA"

# when NAME PATTERN: the time the monitor NAME heard PATTERN
when() { grep -m 1 -- "$2" "$S2S_TMP/$1.mon" | cut -d' ' -f1; }
y_rekey() { [ -n "$(when y 'sa-rekey tunnel vpn0')" ]; }
fy_rekey() { [ -n "$(when x 'sa-rekey tunnel fy')" ]; }
s2s_check "site y's new outbound SA replaces its old one" s2s_wait $((120 * factor)) y_rekey
s2s_check "the walk ends: fy's state replaces fy's outbound SA" \
	s2s_wait $((300 * factor)) fy_rekey
ty=$(when y 'sa-rekey tunnel vpn0')
tf=$(when x 'sa-rekey tunnel fy')
s2s_log "site y's rekey came $(((${tf:-0} - ${ty:-0}) / 1000)) ms before the end of the flooder's walk"
s2s_check_eq "fy sends with its state's SA" "$(x_out fy)" $((0x8001))
s2s_check_eq "fx holds its 8 inbound SAs" "$(x_sas fx)" 8
s2s_check_eq "site y's tunnel has its CHILD_SA" \
	"$(s2sctl -n "$y" -j sa show vpn0 | jq -c '[.[].spi] | sort')" "[$((0x4201)),$((0x4202))]"

# the flooder's namespace still works
s2s_check "flush the flooder's states" in_x ip xfrm state flush
x_fx_none() { [ "$(x_sas fx)" = 0 ]; }
s2s_check "the flooder's SAs go" s2s_wait $((120 * factor)) x_fx_none
in_x ip -batch - <<EOF
xfrm state add src 198.51.100.2 dst 198.51.100.1 proto esp spi 0x7001 mode tunnel if_id 7 $GCM
xfrm state add src 198.51.100.1 dst 198.51.100.2 proto esp spi 0x7002 mode tunnel if_id 7 $GCM
EOF
x_two() { [ "$(x_sas fx)" = 2 ]; }
s2s_check "a new pair of fx's states is carried" s2s_wait $((60 * factor)) x_two

stop_flooder
s2s_check "site y's tunnel goes" s2sctl -n "$y" tunnel del vpn0

s2s_exit
