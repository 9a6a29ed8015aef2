#!/bin/bash
# test-browser-mdns-lan.sh [--build DIR] SCENARIO
#
# Firefox ESR as shipped on the server's own office LAN (issue 27: mDNS host
# candidates are resolved where the host can resolve them, otherwise
# skipped with a note).  scripts/lab/natlab.sh lab_up_lan: the server
# namespace and Firefox's on one veth link, one subnet, no NAT.  Firefox
# hides its host address behind a <uuid>.local name and answers mDNS
# queries for it itself (its own responder on 224.0.0.251:5353).
# The server resolves it as a Debian server with libnss-mdns and
# avahi-daemon does: examples/browser/signalling.py's sdp-negotiator
# (resolve-mdns, on by default) asks GResolver, getaddrinfo asks NSS, NSS's
# mdns4_minimal asks avahi-daemon over /run/avahi-daemon/socket, avahi
# asks the LAN.  Stock avahi-daemon (scripts/lab/avahi-daemon.conf: lan0
# only, nothing published) and signalling.py run in ONE mount namespace of
# their own (one `ip netns exec`: it unshares the mounts), with a tmpfs on
# /run/avahi-daemon and scripts/lab/nsswitch-mdns.conf bind-mounted on
# /etc/nsswitch.conf: the host's avahi socket and nsswitch.conf are never
# seen or changed, and the daemon dies with the namespace.
# Scenarios:
#   browser-firefox-mdns-lan             avahi-daemon running: the names resolved,
#                                        the pair's remote a host candidate
#   browser-firefox-mdns-lan-unresolved  no avahi-daemon (the tmpfs without its
#                                        socket): the names skipped with the
#                                        warning, the call connects through the
#                                        peer-reflexive candidate of Firefox's checks
# tcpdump in Firefox's namespace records the mDNS traffic on the link
# ($LAB_TMP/mdns.txt) and the test checks that Firefox answered the query for
# its name with its LAN address; `getent hosts NAME` run in the server's
# mount namespace (nsenter) shows what NSS gives any program there.
# The call's checks are tests/lab/browser.sh's (media both ways, decoded).
#
# What Firefox ESR 153 (Debian firefox-esr 153.8.0esr) sent and answered here
# (2026-12-07), bundlePolicy balanced, non-trickle: every host candidate
# under one name, no raw address anywhere in the offer, per m-line
#   a=candidate:0 1 UDP 2122252543 cf89faab-8ddb-4e5c-ab05-c5675de83834.local 47305 typ host
#   a=candidate:1 1 TCP 2105524479 cf89faab-8ddb-4e5c-ab05-c5675de83834.local 9 typ host tcptype active
#   a=candidate:0 2 UDP 2122252542 cf89faab-8ddb-4e5c-ab05-c5675de83834.local 35711 typ host
#   a=candidate:1 2 TCP 2105524478 cf89faab-8ddb-4e5c-ab05-c5675de83834.local 9 typ host tcptype active
#   a=end-of-candidates
# (m=video the same name, its own ports); 8 candidate lines in all, and the
# address hidden in the m-line too: m=audio 9 ..., c=IN IP4 0.0.0.0,
# a=rtcp:35711 IN IP4 cf89faab-8ddb-4e5c-ab05-c5675de83834.local.  Firefox
# announces nothing and probes nothing on the link: the only mDNS traffic
# (tcpdump) is avahi-daemon's one query, made when the name is first
# looked up, and Firefox's answer within a millisecond, from its own responder:
#   192.168.88.10.5353 > 224.0.0.251.5353: 0 A (QM)? cf89faab-...-c5675de83834.local. (60)
#   192.168.88.20.5353 > 224.0.0.251.5353: 0*- [0q] 1/0/0
#       cf89faab-...-c5675de83834.local. (Cache flush) A 192.168.88.20 (70)
# (multicast, IP TTL 1 where RFC 6762 section 11 says 255; avahi-daemon takes
# it, its check-response-ttl being off by default).  avahi-daemon caches the
# answer: later lookups of the name send nothing.  Without avahi-daemon the
# link carries no mDNS at all (no query; nss-mdns finds no socket).
# Firefox's own pair names its candidate by the name: "host
# <uuid>.local:47305 -> host 192.168.88.10:47989".
# What the server did with them (h27-mdns's resolve-mdns, 2026-12-07):
# it resolves the two component-1 lines of m=audio (UDP, and TCP tcptype
# active): "resolved <uuid>.local to 192.168.88.20 (stream 1: a=candidate:0
# 1 UDP ...)", 0.12 s after the offer came (one mDNS query on the link for
# both, the later getent served from avahi's cache); its selected pair
# "host udp 192.168.88.10:42894 -> host udp 192.168.88.20:39732" 8 ms
# later; candidates-resolved 2, candidates-skipped 4: m=video's lines,
# bundled onto m=audio (no transport of their own), counted without a
# warning; the component-2 lines (rtcp-mux) neither.  Without avahi-daemon
# getaddrinfo fails at once ("Name or service not known": nss-mdns finds no
# socket, and the lab's nsswitch.conf has no dns), two
# warnings "ICE candidate <uuid>.local not resolved ...", candidates-skipped
# 6, the pair "host -> prflx udp 192.168.88.20:PORT".  Each scenario took
# 27-34 s under meson (Firefox's start 7-11 s, the call 10 s).
#
# LAB_KEEP=1 keeps the logs (offer.sdp, answer.sdp, server.log, avahi.log, mdns.txt).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-browser-mdns-lan.sh browser-firefox-mdns-lan|browser-firefox-mdns-lan-unresolved}
HTTP=8080
CALL_S=${BROWSER_CALL_S:-10}     # from the answer on
case $SCENARIO in
    browser-firefox-mdns-lan)            RESOLVER=avahi ;;
    browser-firefox-mdns-lan-unresolved) RESOLVER=none ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
# shellcheck source=browser.sh
source "$HERE/browser.sh"
lab_trap
lab_require
browser_require firefox-esr
lab_need "avahi-daemon" command -v avahi-daemon
# (not `ldconfig -p | grep -q`: grep's early exit can fail the pipe under pipefail)
lab_need "libnss-mdns (NSS's mdns4_minimal)" eval '[[ "$(ldconfig -p)" == *libnss_mdns4_minimal.so.2* ]]'
lab_need "tcpdump" command -v tcpdump
lab_need "nsenter (util-linux)" command -v nsenter
lab_gst_env "$BUILD"
lab_up_lan
SLOG=$LAB_TMP/server.log BLOG=$LAB_TMP/browser.log ALOG=$LAB_TMP/avahi.log MLOG=$LAB_TMP/mdns.txt

finish() { browser_finish "browser-mdns-lan $SCENARIO" "$SLOG" "$BLOG"; }

# What goes over the link, seen from Firefox's side: mDNS only.
lab_bg "$LAB_NS_CLIENT" "$MLOG" tcpdump -i eth0 -n -l -vv udp port 5353
TCPDUMP=$LAB_LAST_PID

# The server's mount namespace (scripts/lab/lab-resolver.sh): the tmpfs, the
# lab's nsswitch.conf, avahi-daemon (RESOLVER=avahi) in the background, then
# signalling.py in its place (LAB_LAST_PID is its pid: nsenter -t it -m
# reaches the namespace).
# shellcheck disable=SC2046  # lab_asan_env_python: nothing or one VAR=value
lab_bg "$LAB_NS_SERVER" "$SLOG" sh "$LAB_HERE/lab-resolver.sh" "$RESOLVER" "$ALOG" \
    env $(lab_asan_env_python) GST_DEBUG="${GST_DEBUG:+$GST_DEBUG,}sdp-negotiator:4" GST_DEBUG_NO_COLOR=1 \
    "$LAB_PY" -u "$BROWSER_EXAMPLE/signalling.py" --port "$HTTP" --snapshot "$LAB_TMP/frame.png"
S=$LAB_LAST_PID
lab_wait_tcp "$LAB_NS_SERVER" "$HTTP" 15 || { lab_fail "signalling.py did not start"; finish; }
in_server_mounts() { nsenter -t "$S" -m -n "$@"; }
if [ "$RESOLVER" = avahi ]; then
    for _ in $(seq 50); do in_server_mounts test -S /run/avahi-daemon/socket && break; sleep 0.1; done
    # Ours is the one in the server's network namespace; its mounts are
    # signalling.py's and not the host's.
    avahi_pid=$(for p in $(ip netns pids "$LAB_NS_SERVER"); do
        if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = avahi-daemon ]; then echo "$p"; fi; done | awk 'NR == 1')
    lab_check "avahi-daemon (pid ${avahi_pid:-none}) runs in the server's network and mount namespace, not the host's" \
        eval '[ -n "$avahi_pid" ] && in_server_mounts test -S /run/avahi-daemon/socket &&
              [ "$(readlink "/proc/$avahi_pid/ns/mnt")" = "$(readlink "/proc/$S/ns/mnt")" ] &&
              [ "$(readlink "/proc/$avahi_pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]'
fi

browser_open "$LAB_NS_CLIENT" "$BLOG" firefox "http://$LAB_LAN_SERVER_IP:$HTTP/?bundlePolicy=balanced&trickle=off" "$LAB_TMP/home"
B=$LAB_LAST_PID
browser_wait_answer "$SLOG"

# Firefox's names, and what NSS in the server's namespace makes of them (while
# the call runs: Firefox answers for its names only while it holds them).
names=$(awk '/^--- offer/{o=1; next} /^--- answer/{o=0} o' "$SLOG" |
    sed -n 's/^a=candidate:[^ ]* [0-9]* [A-Za-z]* [0-9]* \([0-9a-f-]*\.local\) .*/\1/p' | sort -u)
names_list=$(tr '\n' ' ' <<<"$names")
lab_log "Firefox's mDNS names: $names_list"
getent_out=
for n in $names; do
    getent_out+="$n: $(in_server_mounts timeout 10 getent ahostsv4 "$n" | awk '{print $1; exit}' || true)"$'\n'
done
lab_log "getent in the server's mount namespace: $(tr '\n' ' ' <<<"$getent_out")"

lab_log "the call runs ${CALL_S} s from here"
sleep "$CALL_S"
lab_stop "$B" 3
lab_stop "$S" 5
SERVER_RC=$LAB_STOP_RC
lab_stop "$TCPDUMP" 2

browser_results "$SLOG" "$LAB_TMP"
browser_checks "$SLOG" "$LAB_TMP" "$SERVER_RC" "$LAB_LAN_SERVER_IP"

cands=$(grep -ac '^a=candidate:.* [0-9a-f-]*\.local [0-9]* typ host' "$LAB_TMP/offer.sdp" || true)
lab_check "Firefox offered mDNS host candidates ($cands lines, names: $names_list)" \
    [ "${cands:-0}" -ge 1 -a -n "$names" ]
lab_check "Firefox's offer has no raw host address (its LAN address only behind a name)" \
    eval '! grep -aq "^a=candidate:.* $LAB_LAN_CLIENT_IP [0-9]* typ host" "$LAB_TMP/offer.sdp"'
# tcpdump -vv prints a packet on two lines: one line per packet.
mdns=$(awk '/^[0-9][0-9]:/ { if (r) print r; r = $0; next } { r = r " " $0 } END { if (r) print r }' "$MLOG" |
    sed 's/ \[bad udp cksum [^]]*\]//; s/  */ /g')
echo "----- mDNS on the link (tcpdump in Firefox's namespace) -----"
cut -c1-300 <<<"$mdns" | grep -a 5353 | head -10 || true
# Firefox's own responder answered the query for its name with its LAN address.
answered=0
for n in $names; do
    grep -aq "$LAB_LAN_CLIENT_IP\.5353 > .* $n\. .*A $LAB_LAN_CLIENT_IP" <<<"$mdns" && answered=$((answered + 1))
done
pair=$(grep -a '^event sdp-negotiator-ice-selected-pair' "$SLOG" | tail -1 || true)
remote=$(sed -n 's/.* remote=(string)\([^,]*\),.*/\1/p' <<<"$pair")
remote_type=$(sed -n 's/.* remote-type=(string)\([a-z]*\).*/\1/p' <<<"$pair")
counts=$(grep -a '^sdp-negotiator: ' "$SLOG" | tail -1 || true)
resolved=$(sed -n 's/.* candidates-resolved=\([0-9]*\).*/\1/p' <<<"$counts")
skipped=$(sed -n 's/.* candidates-skipped=\([0-9]*\).*/\1/p' <<<"$counts")
lab_log "${counts:-sdp-negotiator: no counts printed}; its selected pair: remote $remote_type $remote"
grep -aE 'resolved [0-9a-f-]+\.local|Skipped [0-9]+ ICE candidate|^warning from negotiator' "$SLOG" | cut -c1-300 | head -10 || true
if [ "$RESOLVER" = avahi ]; then
    lab_check "Firefox answered the mDNS query for its name(s) with its LAN address ($answered of $(wc -w <<<"$names"))" \
        [ "$answered" -ge 1 ]
    lab_check "getent in the server's mount namespace gives Firefox's LAN address for its names" \
        eval '[ -n "$names" ] && ! grep -qv ": $LAB_LAN_CLIENT_IP\$" <<<"${getent_out%$'"'\n'"'}"'
    lab_check "sdp-negotiator resolved them (candidates-resolved ${resolved:-none})" [ "${resolved:-0}" -ge 1 ]
    n1=$(head -1 <<<"$names")
    lab_check "its log names the name and Firefox's LAN address (resolved $n1 to $LAB_LAN_CLIENT_IP)" \
        grep -aqE "resolved $n1 to $LAB_LAN_CLIENT_IP\b" "$SLOG"
    lab_check "the server's selected pair's remote is Firefox's LAN address as a host candidate ($remote_type $remote)" \
        [ "$remote_type" = host -a "${remote%:*}" = "$LAB_LAN_CLIENT_IP" ]
    # A skipped candidate's note names its address after "skipped:" (docs/ice.md),
    # an unresolved one's warning "ICE candidate NAME not resolved".
    unresolved=$(for n in $names; do grep -aE "skipped: .*$n|ICE candidate $n not resolved" "$SLOG" || true; done | wc -l)
    # What candidates-skipped may count: the lines of the m-lines bundled onto
    # the first one (no transport of their own), never one that was resolved.
    bundled=$(awk '/^m=/{m++} m > 1 && /^a=candidate:/{n++} END{print n+0}' "$LAB_TMP/offer.sdp")
    lab_check "none of them skipped ($unresolved notes name a name; candidates-skipped ${skipped:-none}, $bundled lines on bundled m-lines)" \
        [ "$unresolved" = 0 -a -n "$skipped" ] && [ "${skipped:-0}" -le "$bundled" ]
else
    lab_check "nobody answered for Firefox's names on the server's side (getent: none)" \
        eval '! grep -q ": [0-9]" <<<"$getent_out"'
    lab_check "sdp-negotiator resolved none (candidates-resolved ${resolved:-none})" [ "${resolved:-x}" = 0 ]
    n1=$(head -1 <<<"$names")
    lab_check "and skipped them with its warning (candidates-skipped ${skipped:-none}: ICE candidate $n1 not resolved)" \
        eval '[ "${skipped:-0}" -ge 1 ] && grep -aq "^warning from negotiator: ICE candidate $n1 not resolved" "$SLOG"'
    lab_check "the call connected through the peer-reflexive candidate ($remote_type $remote)" \
        [ "$remote_type" = prflx -a "${remote%:*}" = "$LAB_LAN_CLIENT_IP" ]
fi
lab_check "the server saved a PNG of the browser's camera" \
    eval '[ "$(head -c 8 "$LAB_TMP/frame.png" 2>/dev/null | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'
lab_log "took $(browser_since) s from the browser's start"
finish
