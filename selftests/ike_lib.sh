# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154,SC2034,SC2016
#
# strongSwan helpers for the ike_*.sh selftests (not a test itself).
# Sourced after lib.sh and esp_lib.sh.  Topology: esp_two_sites; site A is
# the customer gateway (charon + an s2svpn tunnel "vpn0" with if-id 42),
# site B the cloud VPN endpoint (charon + a native XFRM interface "xfrm0",
# if_id 42), both offering AWS's proposals.
#
# Each charon runs in its namespace with its own strongswan.conf
# (STRONGSWAN_CONF), swanctl directory (SWANCTL_DIR), vici socket, and a
# private tmpfs on /run (charon's pid file is fixed there; the VM's root is
# read-only): "unshare -m" + "mount -t tmpfs".

IKE_IFID=42
IKE_PSK="s2svpn-selftest-psk-0123456789"
IKE_CHARON=${IKE_CHARON:-/usr/lib/ipsec/charon}
# AWS: AES-256-GCM-16 or AES-128 + SHA2-256, DH 14 (modp2048) or 20 (ecp384)
IKE_PROPOSALS="aes256gcm16-prfsha256-modp2048,aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048,aes128-sha256-ecp384"
IKE_ESP_PROPOSALS="aes256gcm16-modp2048,aes256gcm16-ecp384,aes128-sha256-modp2048,aes128-sha256-ecp384"

ike_require() {
	s2s_require_cmd swanctl jq ping iperf3 tcpdump unshare
	[ -x "$IKE_CHARON" ] || s2s_skip "$IKE_CHARON is not installed (strongswan-charon)"
}

# ike_dir SITE: the site's configuration directory
ike_dir() { echo "$IKE_TMP/$1"; }
ike_uri() { echo "unix://$(ike_dir "$1")/charon.vici"; }

# ike_conf SITE LOCAL REMOTE CHILD_EXTRA: strongswan.conf and swanctl.conf
# of one site.  CHILD_EXTRA: more "key = value" lines for the CHILD_SA;
# IKE_CHARON_EXTRA: more for strongswan.conf's charon section.
ike_conf() {
	local site=$1 l=$2 r=$3 extra=$4 d
	d=$(ike_dir "$site")
	mkdir -p "$d/swanctl/conf.d" "$d/swanctl/x509" "$d/swanctl/x509ca" \
		"$d/swanctl/private" || return 1
	cat >"$d/strongswan.conf" <<-EOF
	charon {
		# what an IKEv2 gateway with PSK or X.509 needs, nothing else
		# (openssl: ECP groups; libstrongswan-standard-plugins)
		load = random nonce aes sha1 sha2 hmac gmp openssl x509 pem pkcs1 pkcs8 pubkey revocation constraints kdf kernel-netlink socket-default vici
		install_routes = no
		install_virtual_ip = no
		retransmit_timeout = 1.0
		retransmit_base = 1.4
		retransmit_tries = 5
		${IKE_CHARON_EXTRA:-}
		plugins {
			vici {
				socket = unix://$d/charon.vici
			}
		}
		filelog {
			log {
				path = $d/charon.log
				flush_line = yes
				default = 1
				ike = 2
				chd = 2
				knl = 2
				time_format = %T
			}
		}
		syslog {
			daemon {
				default = -1
			}
		}
	}
	swanctl {
		load = random nonce aes sha1 sha2 hmac gmp openssl x509 pem pkcs1 pkcs8 pubkey revocation constraints
	}
	EOF
	cat >"$d/swanctl/swanctl.conf" <<-EOF
	connections {
		cloud {
			version = 2
			local_addrs = $l
			remote_addrs = $r
			proposals = $IKE_PROPOSALS
			dpd_delay = 10s
			local {
				auth = ${IKE_AUTH:-psk}
				id = ${IKE_LOCAL_ID:-$l}
	${IKE_LOCAL_EXTRA:-}
			}
			remote {
				auth = ${IKE_AUTH:-psk}
				id = ${IKE_REMOTE_ID:-$r}
			}
			children {
				net {
					local_ts = ${IKE_LOCAL_TS:-0.0.0.0/0}
					remote_ts = ${IKE_REMOTE_TS:-0.0.0.0/0}
					esp_proposals = $IKE_ESP_PROPOSALS
					if_id_in = $IKE_IFID
					if_id_out = $IKE_IFID
					dpd_action = restart
	$extra
				}
			}
		}
	}
	secrets {
		ike-psk {
			id-1 = $l
			id-2 = $r
			secret = "$IKE_PSK"
		}
	}
	EOF
}

# ike_start SITE NS: charon in NS, its configuration loaded
ike_start() {
	local site=$1 ns=$2 d
	d=$(ike_dir "$site")
	rm -f "$d/charon.vici"
	ip netns exec "$ns" unshare -m sh -c "mount -t tmpfs none /run &&
		STRONGSWAN_CONF='$d/strongswan.conf' exec '$IKE_CHARON'" \
		>>"$d/charon.out" 2>&1 &
	echo $! >"$d/charon.pid"
	# a starved guest took 14 s to load charon's plugins
	s2s_wait 60 test -S "$d/charon.vici" || { echo "charon did not start"; tail -20 "$d/charon.out"; return 1; }
	s2s_wait 10 ike_swanctl "$site" --stats || return 1
	ike_swanctl "$site" --load-all --noprompt
}

# ike_swanctl SITE ARGS...: swanctl against the site's charon
ike_swanctl() {
	local site=$1
	shift
	SWANCTL_DIR="$(ike_dir "$site")/swanctl" \
		STRONGSWAN_CONF="$(ike_dir "$site")/strongswan.conf" \
		swanctl "$@" --uri "$(ike_uri "$site")"
}

# ike_preload: the kernel modules xfrm and the AWS algorithms need, loaded
# before charon runs.  Loaded on first use instead, they cost the first
# CHILD_SA several seconds in the VM (each modprobe starts from the 9p root),
# longer than charon's larval SPI lives.
ike_preload() {
	modprobe -q -a xfrm_user xfrm_interface esp4 gcm ghash_generic \
		ghash_clmulni_intel aesni_intel seqiv echainiv authenc authencesn \
		cbc hmac sha256_generic sha512_generic 2>/dev/null
	return 0
}

# ike_stop SITE [SIGNAL]: stops the site's charon (default SIGTERM)
ike_stop() {
	local d pid
	d=$(ike_dir "$1")
	pid=$(cat "$d/charon.pid" 2>/dev/null) || return 0
	# the pid is unshare's, which exec'd sh, which exec'd charon
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$d/charon.pid"
	return 0
}

# ike_sites: the two sites, a temporary directory for the charons, and
# their stop at exit.
ike_sites() {
	ike_preload
	IKE_TMP=$(mktemp -d /tmp/ike.XXXXXX)
	s2s_defer rm -rf "$IKE_TMP"
	esp_two_sites || return 1
	s2s_defer ike_stop b
	s2s_defer ike_stop a
}

# ike_setup CHILD_EXTRA_A CHILD_EXTRA_B: the two sites, A's s2svpn tunnel,
# B's XFRM interface, both charons running with their configuration.
ike_setup() {
	ike_sites || return 1
	ike_conf a $ESP_OUT4_A $ESP_OUT4_B "$1" &&
	ike_conf b $ESP_OUT4_B $ESP_OUT4_A "$2" || return 1
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B \
		if-id $IKE_IFID || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link set vpn0 up
	route add $ESP_NET4_B dev vpn0 src $ESP_LAN4_A
	EOF
	ip -n "$b" -batch - <<-EOF || return 1
	link add xfrm0 type xfrm dev ul if_id $IKE_IFID
	link set xfrm0 up
	route add $ESP_NET4_A dev xfrm0 src $ESP_LAN4_B
	EOF
	ike_start a "$a" && ike_start b "$b"
}

# ike_initiate: A brings the CHILD_SA up
ike_initiate() {
	ike_swanctl a --initiate --child net --timeout 30 >/dev/null
}

# ike_sa_count NS: "IN OUT" number of vpn0's SAs in NS
ike_sa_count() {
	s2sctl -j -n "$1" sa show vpn0 2>/dev/null |
		jq -r '"\([.[] | select(.dir == "in")] | length) \([.[] | select(.dir == "out")] | length)"'
}

# ike_has_sas: vpn0 on A has an inbound and an outbound SA
ike_has_sas() {
	local n
	n=$(ike_sa_count "$a")
	[ "${n% *}" -ge 1 ] 2>/dev/null && [ "${n#* }" = 1 ]
}

ike_kill() {
	kill "$@" 2>/dev/null
	return 0
}

# ike_logs: the charon logs' tails (for a failure's diagnosis)
ike_logs() {
	local s
	for s in a b; do
		echo "--- charon $s"
		tail -n 30 "$(ike_dir $s)/charon.log" 2>/dev/null
	done
}

# ike_s2s_sa_counts NS: "DIR SPI BYTES PACKETS" of vpn0's SAs in NS, sorted
ike_s2s_sa_counts() {
	s2sctl -j -n "$1" sa show vpn0 | jq -r '.[] |
		if .dir == "out" then "out \(.spi) \(.stats.tx_bytes) \(.stats.tx_packets)"
		else "in \(.spi) \(.stats.rx_bytes) \(.stats.rx_packets)" end' | sort
}

# ike_xfrm_sa_counts NS LOCAL: the same from NS's xfrm states (outbound:
# source LOCAL), as "ip -s xfrm state" counts them
ike_xfrm_sa_counts() {
	ip -n "$1" -s xfrm state list |
		awk -v local="$2" '
		/^src / { dir = ($2 == local) ? "out" : "in" }
		/proto esp spi/ { spi = $4 }
		/lifetime current:/ { getline; gsub(/\(bytes\),|\(packets\)/, "");
				      print dir, spi, $1, $2 }' |
		while read -r d s n p; do s=${s%%(*}; echo "$d $((s)) $n $p"; done | sort
}

# --- without a daemon: xfrm states and policies as charon installs them ----
# For the key manager's tests (ike_xfrm_km.sh, ike_km_replay.sh): site B a
# native XFRM interface with its states and policies, site A the states
# and policies of if_id IKE_IFID that an s2svpn tunnel takes over.

# ike_xfrm_b_setup: site B's XFRM interface, states and policies
ike_xfrm_b_setup() {
	{
		echo "link add xfrm0 type xfrm dev ul if_id $IKE_IFID"
		echo "link set xfrm0 up"
		echo "route replace $ESP_NET4_A dev xfrm0 src $ESP_LAN4_B"
		esp_xfrm_state_lines $ESP_OUT4_B $ESP_OUT4_A $ESP_SPI_BA 2 $ESP_SPI_AB 1 gcm128-128 0 if_id $IKE_IFID
		esp_xfrm_policy_lines $ESP_OUT4_B $ESP_OUT4_A 0.0.0.0/0 0.0.0.0/0 if_id $IKE_IFID
	} | ip -n "$b" -batch -
}

# ike_xfrm_a_state DIR [EXTRA...]: one of site A's states as "ip -batch"
# words (EXTRA: more words of "ip xfrm state add")
ike_xfrm_a_state() {
	local dir=$1
	shift
	esp_algo gcm128-128 "$([ "$dir" = out ] && echo 1 || echo 2)"
	if [ "$dir" = out ]; then
		esp_words xfrm state add src $ESP_OUT4_A dst $ESP_OUT4_B proto esp spi $ESP_SPI_AB reqid 1 \
			mode tunnel replay-window 32 if_id $IKE_IFID "${ESP_XFRM_ALGO[@]}" "$@"
	else
		esp_words xfrm state add src $ESP_OUT4_B dst $ESP_OUT4_A proto esp spi $ESP_SPI_BA reqid 1 \
			mode tunnel replay-window 32 if_id $IKE_IFID "${ESP_XFRM_ALGO[@]}" "$@"
	fi
}

# ike_xfrm_a_setup: site A's two states and its policies
ike_xfrm_a_setup() {
	{
		ike_xfrm_a_state out
		ike_xfrm_a_state in
		esp_xfrm_policy_lines $ESP_OUT4_A $ESP_OUT4_B 0.0.0.0/0 0.0.0.0/0 if_id $IKE_IFID
	} | ip -n "$a" -batch -
}
