# shellcheck shell=bash
# scripts/lab/natlab.sh — a real Linux NAT built from network namespaces,
# shared by the demo (scripts/demo.sh, the README's first command) and the
# tests that run through a NAT (tests/lab, tests/docs/test-guide.sh,
# tests/newcomer).  It lives beside the demo because the demo is what a user
# runs; a change here is a change to both.  Source it; it defines functions
# and variables only (prefix lab_ / LAB_), it runs nothing by itself.
# scripts/lab/ also holds the other pieces the demo and the tests share:
# nat_outbound_refresh.py (run by lab_nat_udp_timeout), turnserver.conf
# (coturn) and sdp_relay.py (signalling between two NATted peers).
#
#   client ns                nat ns                          server ns
#   priv0 192.168.77.2/24 -- lan0 192.168.77.1 | pub0 203.0.113.1/24 -- wan0 203.0.113.10/24
#   default via .77.1         ip_forward=1, nftables:          (a bridge: the public segment)
#                             masquerade on pub0 (+random)     default via 203.0.113.1
#                             forward: from pub0 only est/rel
#
# More public hosts (lab_add_public_host: a plain peer, an attacker) hang on
# the server's bridge wan0, beside the NAT's public side.
#
# Every address lives in a namespace that this file creates: lab traffic
# cannot leave the lab (the nat ns has no default route at all).
#
# IPv6 (lab_up_ipv6, after lab_up): the same lab over IPv6 as well, the
# client on a ULA behind NAT66 (nftables ip6 masquerade), the public segment
# on 2001:db8:113::/64.  Room for later: a second NAT would chain another ns
# like `nat`.

LAB_CLIENT_IP=192.168.77.2
LAB_NAT_LAN_IP=192.168.77.1
LAB_NAT_PUB_IP=203.0.113.1
LAB_SERVER_IP=203.0.113.10
LAB_CLIENT_IP6=fd00:77::2        # lab_up_ipv6
LAB_NAT_LAN_IP6=fd00:77::1
LAB_NAT_PUB_IP6=2001:db8:113::1
LAB_SERVER_IP6=2001:db8:113::10
LAB_PUB_IF=pub0          # nat's interface on the public side (masquerade, filter)
LAB_NFT_TABLE=comedia_lab

# Unique per run: pid + random suffix, so parallel or stale runs never collide.
LAB_ID="cml$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
LAB_NS_CLIENT="$LAB_ID-client"
LAB_NS_NAT="$LAB_ID-nat"
LAB_NS_SERVER="$LAB_ID-server"
LAB_NAMESPACES=()        # filled as they are created, so teardown removes exactly those
LAB_PIDS=()              # background processes we started (lab_bg)
LAB_TMP=                 # logs and the private registry of this run (lab_trap)
LAB_STOCK=()             # command prefix: stock GStreamer only (lab_trap)
LAB_FAILS=0
LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # scripts/lab
LAB_PY=/usr/bin/python3  # Debian's python: it has python3-gi (a pyenv shim may not)

lab_log()  { printf '[lab %s] %s\n' "$(date +%T)" "$*"; }
lab_pass() { printf 'PASS: %s\n' "$*"; }
lab_fail() { printf 'FAIL: %s\n' "$*"; LAB_FAILS=$((LAB_FAILS + 1)); LAB_FAILED+=("$*"); }
LAB_FAILED=()
# lab_check DESCRIPTION COMMAND...: PASS/FAIL line from a command's status.
lab_check() { local d=$1; shift; if "$@"; then lab_pass "$d"; else lab_fail "$d"; fi; }

# A missing capability is a skip (77, meson's code) on a developer's machine,
# but a failure under CI=true: CI must never go green by not testing.
lab_require() {
    local missing=() c
    [ "$(id -u)" = 0 ] || missing+=("root (network namespaces and nftables need it)")
    for c in ip nft conntrack gst-launch-1.0 timeout; do
        command -v "$c" >/dev/null 2>&1 || missing+=("command $c")
    done
    if [ ${#missing[@]} = 0 ]; then
        local probe="$LAB_ID-probe"
        LAB_NAMESPACES+=("$probe")   # lab_down removes it if we are interrupted here
        if ip netns add "$probe" 2>/dev/null; then
            ip -n "$probe" link set lo up 2>/dev/null || missing+=("ip netns (cannot configure a namespace)")
            ip netns exec "$probe" nft add table ip probe 2>/dev/null || missing+=("nftables inside a namespace")
            ip netns del "$probe" 2>/dev/null || true
        else
            missing+=("ip netns (cannot create a network namespace)")
        fi
    fi
    "$LAB_PY" -c 'import gi; gi.require_version("Gst", "1.0")' 2>/dev/null \
        || missing+=("$LAB_PY with python3-gi and gir1.2-gstreamer-1.0 (scripts/setup-deps.sh)")
    [ ${#missing[@]} = 0 ] && return 0
    local m
    for m in "${missing[@]}"; do echo "lab requirement missing: $m" >&2; done
    if [ "${CI:-}" = true ]; then
        echo "FAIL: CI=true and the NAT lab cannot run (see above); not skipping" >&2
        exit 1
    fi
    echo "SKIP: NAT lab needs the above (set CI=true to make this a failure)" >&2
    exit 77
}

lab_nsexec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# lab_bg NS LOGFILE CMD...: run CMD in NS in the background, remember its pid.
# `ip netns exec` execs CMD, so $! is CMD's own pid (and a timeout(1) wrapper
# forwards the signals we send it).
lab_bg() {
    local ns=$1 log=$2; shift 2
    ip netns exec "$ns" "$@" >"$log" 2>&1 &
    LAB_PIDS+=("$!")
    LAB_LAST_PID=$!
}

# lab_stop PID [GRACE_S]: SIGINT, then SIGKILL.  LAB_STOP_RC: its exit status
# (137 if it had to be killed).  A pipeline whose rtpbin sends is run without
# gst-launch's -e: on EOS, rtpbin (1.22) may send its RTCP BYE before it marks
# its send_rtp_sink EOS and then never sends EOS on send_rtcp_src, so the EOS
# wait can hang (5 of 40 runs of one test with two cores kept busy).
lab_stop() {
    local pid=$1 grace=${2:-3} i
    LAB_STOP_RC=0
    if kill -0 "$pid" 2>/dev/null; then
        kill -INT "$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || LAB_STOP_RC=$?
}

lab_down() {
    local pid ns
    trap '' INT TERM   # a second Ctrl-C must not cut the cleanup short
    for pid in "${LAB_PIDS[@]}"; do lab_stop "$pid" 1; done
    LAB_PIDS=()
    for ns in "${LAB_NAMESPACES[@]}"; do
        # Anything still alive inside our own namespaces was started by this run.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    LAB_NAMESPACES=()
    # The failed checks once more, last: meson shows only a failed test's
    # last 100 lines, and the logs printed after a failure are longer.
    local f
    for f in "${LAB_FAILED[@]}"; do printf 'FAILED CHECK: %s\n' "$f"; done
    # Logs stay only when asked for (LAB_KEEP=1), for a look after a failure.
    if [ -n "$LAB_TMP" ] && [ -z "${LAB_KEEP:-}" ]; then rm -rf "$LAB_TMP"; fi
}

# Teardown on any exit, also on Ctrl-C / SIGTERM (meson's timeout): the INT and
# TERM traps exit, which runs the EXIT trap.  Call it before anything else
# (lab_require included: its probe namespace is cleaned up too).
lab_trap() {
    LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/comedia-lab.XXXXXX")
    # Prefix for the active peer: stock GStreamer only.  It must be made of
    # stock elements, and must never dlopen the comedia plugin (in a sanitizer
    # build that aborts a process without the ASan runtime).
    LAB_STOCK=(env -u GST_PLUGIN_PATH -u GST_PLUGIN_PATH_1_0 -u LD_PRELOAD
        GST_REGISTRY="$LAB_TMP/stock-registry.bin" GST_REGISTRY_1_0="$LAB_TMP/stock-registry.bin")
    trap 'lab_down' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# lab_up MODE: MODE=preserve (plain masquerade: keeps the source port when it
# can) or random (masquerade random: a fresh port per flow, i.e. a symmetric NAT).
lab_up() {
    local mode=$1 masq
    case $mode in
        preserve) masq="masquerade" ;;
        random)   masq="masquerade random" ;;
        *) echo "lab_up: unknown NAT mode '$mode' (preserve|random)" >&2; return 2 ;;
    esac
    local ns
    for ns in "$LAB_NS_CLIENT" "$LAB_NS_NAT" "$LAB_NS_SERVER"; do
        ip netns add "$ns"
        LAB_NAMESPACES+=("$ns")
        ip -n "$ns" link set lo up
    done
    # veth ends are created directly inside their namespaces: no names ever
    # appear in the root namespace, so concurrent runs cannot clash.
    ip -n "$LAB_NS_CLIENT" link add priv0 type veth peer name lan0 netns "$LAB_NS_NAT"
    ip -n "$LAB_NS_NAT" link add "$LAB_PUB_IF" type veth peer name pub0 netns "$LAB_NS_SERVER"

    ip -n "$LAB_NS_CLIENT" addr add "$LAB_CLIENT_IP/24" dev priv0
    ip -n "$LAB_NS_NAT"    addr add "$LAB_NAT_LAN_IP/24" dev lan0
    ip -n "$LAB_NS_NAT"    addr add "$LAB_NAT_PUB_IP/24" dev "$LAB_PUB_IF"
    # The server's end is a port of a bridge, so that more public hosts can
    # join the segment; bridged frames skip the server's ip hooks.
    ip -n "$LAB_NS_SERVER" link add wan0 type bridge
    ip -n "$LAB_NS_SERVER" link set pub0 master wan0
    ip -n "$LAB_NS_SERVER" link set wan0 up
    ip -n "$LAB_NS_SERVER" addr add "$LAB_SERVER_IP/24" dev wan0
    ip -n "$LAB_NS_CLIENT" link set priv0 up
    ip -n "$LAB_NS_NAT"    link set lan0 up
    ip -n "$LAB_NS_NAT"    link set "$LAB_PUB_IF" up
    ip -n "$LAB_NS_SERVER" link set pub0 up
    ip -n "$LAB_NS_CLIENT" route add default via "$LAB_NAT_LAN_IP"
    # The server routes everything via the NAT too, so a probe aimed straight
    # at the private address really reaches the NAT and meets its filter.
    ip -n "$LAB_NS_SERVER" route add default via "$LAB_NAT_PUB_IP"
    ip netns exec "$LAB_NS_NAT" sysctl -qw net.ipv4.ip_forward=1

    lab_nat_rules "$LAB_NS_NAT" "$LAB_PUB_IF" "$masq"
    LAB_MASQ=$masq   # lab_up_ipv6 masquerades the same way
    lab_log "lab $LAB_ID up: NAT mode $mode ($masq)"
}

# lab_nat_rules NS PUB_IF MASQ: the NAT of NS: masquerade (MASQ) out of
# PUB_IF, and nothing new in from it.
lab_nat_rules() {
    local ns=$1 pub_if=$2 masq=$3
    # Named counters let tests prove *where* a packet was stopped.
    ip netns exec "$ns" nft -f - <<EOF
table ip $LAB_NFT_TABLE {
    counter fwd_new_from_public_dropped { }
    counter public_to_nat_itself { }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "$pub_if" ct state established,related accept
        iifname "$pub_if" counter name fwd_new_from_public_dropped drop
    }
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "$pub_if" meta l4proto udp counter name public_to_nat_itself
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "$pub_if" $masq
    }
}
EOF
}

# lab_up_ipv6: after lab_up, IPv6 on the same links, with NAT66 in the nat
# namespace: the same masquerade (random or not) and forward filter, in an
# nftables ip6 table with the same counter names.  Addresses skip duplicate
# address detection (nodad), so they work at once.
lab_up_ipv6() {
    local ns
    for ns in "$LAB_NS_CLIENT" "$LAB_NS_NAT" "$LAB_NS_SERVER"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.all.accept_ra=0
    done
    ip -n "$LAB_NS_CLIENT" -6 addr add "$LAB_CLIENT_IP6/64" dev priv0 nodad
    ip -n "$LAB_NS_NAT"    -6 addr add "$LAB_NAT_LAN_IP6/64" dev lan0 nodad
    ip -n "$LAB_NS_NAT"    -6 addr add "$LAB_NAT_PUB_IP6/64" dev "$LAB_PUB_IF" nodad
    ip -n "$LAB_NS_SERVER" -6 addr add "$LAB_SERVER_IP6/64" dev wan0 nodad
    ip -n "$LAB_NS_CLIENT" -6 route add default via "$LAB_NAT_LAN_IP6"
    ip -n "$LAB_NS_SERVER" -6 route add default via "$LAB_NAT_PUB_IP6"
    ip netns exec "$LAB_NS_NAT" sysctl -qw net.ipv6.conf.all.forwarding=1
    ip netns exec "$LAB_NS_NAT" nft -f - <<EOF
table ip6 $LAB_NFT_TABLE {
    counter fwd_new_from_public_dropped { }
    counter public_to_nat_itself { }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "$LAB_PUB_IF" ct state established,related accept
        iifname "$LAB_PUB_IF" counter name fwd_new_from_public_dropped drop
    }
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "$LAB_PUB_IF" meta l4proto udp counter name public_to_nat_itself
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "$LAB_PUB_IF" $LAB_MASQ
    }
}
EOF
    lab_log "lab $LAB_ID: IPv6 too, $LAB_CLIENT_IP6 behind NAT66 ($LAB_MASQ) as $LAB_NAT_PUB_IP6"
}

# lab_public_host_ipv6 NS IP6: gives a public host (lab_add_public_host) an
# IPv6 address on the public segment, routed via the NAT like its IPv4.
lab_public_host_ipv6() {
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.all.accept_ra=0
    ip -n "$1" -6 addr add "$2/64" dev eth0 nodad
    ip -n "$1" -6 route add default via "$LAB_NAT_PUB_IP6"
}

# lab_up_lan: instead of lab_up, an office LAN without any NAT: the server
# namespace (LAB_LAN_SERVER_IP on lan0) and the client namespace
# (LAB_LAN_CLIENT_IP on eth0) on one veth link, one subnet.  Multicast
# works on it (mDNS, 224.0.0.251): both ends are up with MULTICAST (a veth's
# default), the client routes everything via the server (a multicast
# socket joined on INADDR_ANY needs a route), the server has a multicast
# route on lan0.  Nothing routes out of the two namespaces.
LAB_LAN_SERVER_IP=192.168.88.10
LAB_LAN_CLIENT_IP=192.168.88.20
lab_up_lan() {
    local ns
    for ns in "$LAB_NS_CLIENT" "$LAB_NS_SERVER"; do
        ip netns add "$ns"
        LAB_NAMESPACES+=("$ns")
        ip -n "$ns" link set lo up
    done
    ip -n "$LAB_NS_CLIENT" link add eth0 type veth peer name lan0 netns "$LAB_NS_SERVER"
    ip -n "$LAB_NS_CLIENT" addr add "$LAB_LAN_CLIENT_IP/24" dev eth0
    ip -n "$LAB_NS_SERVER" addr add "$LAB_LAN_SERVER_IP/24" dev lan0
    ip -n "$LAB_NS_CLIENT" link set eth0 up
    ip -n "$LAB_NS_SERVER" link set lan0 up
    ip -n "$LAB_NS_CLIENT" route add default via "$LAB_LAN_SERVER_IP"
    ip -n "$LAB_NS_SERVER" route add 224.0.0.0/4 dev lan0
    lab_log "lab $LAB_ID up: LAN $LAB_LAN_CLIENT_IP -- $LAB_LAN_SERVER_IP, no NAT"
}

# lab_add_public_host NAME IP: one more host on the public segment (the
# server's bridge), as namespace $LAB_ID-NAME, left in LAB_LAST_NS (not
# printed: a $(...) subshell would lose it from LAB_NAMESPACES, and the
# teardown with it).  Like the server, it routes everything via the NAT.
lab_add_public_host() {
    local name=$1 ip=$2 ns="$LAB_ID-$1" port="p$((${#LAB_NAMESPACES[@]}))"
    ip netns add "$ns"
    LAB_NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    ip -n "$ns" link add eth0 type veth peer name "$port" netns "$LAB_NS_SERVER"
    ip -n "$LAB_NS_SERVER" link set "$port" master wan0
    ip -n "$LAB_NS_SERVER" link set "$port" up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$LAB_NAT_PUB_IP"
    LAB_LAST_NS=$ns
    lab_log "public host $name: $ip (namespace $ns)"
}

# lab_block_client_udp: the NAT forwards no UDP from the client's side
# (a corporate firewall that lets only TCP out), counted in the named
# counter client_udp_dropped of table ip lab_block (lab_counter "$LAB_NS_NAT"
# lab_block client_udp_dropped).  TCP and the rest go on as before.
lab_block_client_udp() {
    ip netns exec "$LAB_NS_NAT" nft -f - <<EOF
table ip lab_block {
    counter client_udp_dropped { }
    chain forward {
        type filter hook forward priority filter - 10; policy accept;
        iifname "lan0" meta l4proto udp counter name client_udp_dropped drop
    }
}
EOF
    lab_log "NAT: UDP from the client side dropped (ICE-TCP only)"
}

# lab_count_in NS NAME MATCH...: count packets arriving in NS (input hook) that
# match an nft expression, e.g. lab_count_in client probe udp sport 6666.
lab_count_in() {
    local ns=$1 name=$2; shift 2
    ip netns exec "$ns" nft add table ip lab_obs
    ip netns exec "$ns" nft add chain ip lab_obs input '{ type filter hook input priority -10; policy accept; }'
    ip netns exec "$ns" nft add counter ip lab_obs "$name"
    ip netns exec "$ns" nft add rule ip lab_obs input "$@" counter name "$name"
}

# lab_count_in6 NS NAME MATCH...: lab_count_in for IPv6 (table ip6 lab_obs).
lab_count_in6() {
    local ns=$1 name=$2; shift 2
    ip netns exec "$ns" nft add table ip6 lab_obs
    ip netns exec "$ns" nft add chain ip6 lab_obs input '{ type filter hook input priority -10; policy accept; }'
    ip netns exec "$ns" nft add counter ip6 lab_obs "$name"
    ip netns exec "$ns" nft add rule ip6 lab_obs input "$@" counter name "$name"
}

# lab_counter NS TABLE NAME [FAMILY]: packets seen by a named nft counter
# (FAMILY: ip by default, ip6 for lab_count_in6 and lab_up_ipv6's table).
lab_counter() {
    ip netns exec "$1" nft list counter "${4:-ip}" "$2" "$3" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# lab_nat_mapping SPORT [DST_IP]: "ip port" the NAT maps client:SPORT -> DST_IP
# (the server by default) to, read from the NAT's own conntrack table (reply
# tuple's destination), i.e. what DST_IP must see as the packet source.
# lab_nat_mapping6 SPORT: the same for the client's IPv6 flow (NAT66).
lab_nat_mapping() {
    local sport=$1 dst=${2:-$LAB_SERVER_IP}
    ip netns exec "$LAB_NS_NAT" conntrack -L -p udp --orig-src "$LAB_CLIENT_IP" \
        --orig-dst "$dst" --sport "$sport" 2>/dev/null | lab_reply_dst
}
lab_nat_mapping6() {
    ip netns exec "$LAB_NS_NAT" conntrack -L -f ipv6 -p udp --orig-src "$LAB_CLIENT_IP6" \
        --orig-dst "$LAB_SERVER_IP6" --sport "$1" 2>/dev/null | lab_reply_dst
}
# conntrack -L lines on stdin: "ip port" of the first one's reply destination.
lab_reply_dst() {
    awk '{ n = 0; for (i = 1; i <= NF; i++) {
                   if ($i ~ /^dst=/)   { if (++d == 2) ip = substr($i, 5) }
                   if ($i ~ /^dport=/) { if (++p == 2) port = substr($i, 7) } }
               if (ip != "" && port != "") { print ip, port; exit } }'
}

# lab_wait_udp NS PORT [TIMEOUT_S]: wait until something listens on UDP PORT in NS.
lab_wait_udp() {
    local ns=$1 port=$2 t=${3:-10} i
    for ((i = 0; i < t * 10; i++)); do
        ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# lab_wait_tcp NS PORT [TIMEOUT_S]: wait until something listens on TCP PORT in NS.
lab_wait_tcp() {
    local ns=$1 port=$2 t=${3:-10} i
    for ((i = 0; i < t * 10; i++)); do
        ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# lab_show_logs PATTERN LOG...: after a failure, the lines of each log that
# match PATTERN (an ERE) besides errors and sanitizer reports, last 40 each.
lab_show_logs() {
    local pattern=$1 f; shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        echo "----- $(basename "$f") -----"
        grep -aE "$pattern|ERROR|WARN|CRITICAL|rror|Sanitizer" "$f" |
            grep -av last-message | cut -c1-400 | tail -40 || true
    done
}

# lab_dump_tails LINES LOG...: after a failure, the last LINES of each log
# (the per-packet comedia-rejected events left out), then the NAT's UDP
# conntrack table.
lab_dump_tails() {
    local lines=$1 f; shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        echo "----- $(basename "$f") -----"
        grep -av '^event=comedia-rejected' "$f" | tail -"$lines" || true
    done
    echo "----- NAT conntrack -----"
    lab_nsexec "$LAB_NS_NAT" conntrack -L -p udp 2>/dev/null || true
    [ -n "${LAB_KEEP:-}" ] && echo "logs kept in $LAB_TMP"
    return 0
}

# lab_baresip_config DIR MODULE...: a baresip configuration in DIR for the
# client namespace: SIP on LAB_CLIENT_IP:5070, DIR/tone.wav as the microphone
# and DIR/received.wav as the speaker (aufile), RTP statistics at hang-up,
# G.711, and the extra MODULEs (srtp.so, say).
lab_baresip_config() {
    local dir=$1 m; shift
    {
        printf '%s\t\t%s\n' sip_listen "$LAB_CLIENT_IP:5070" net_interface priv0 \
            dns_server "$LAB_CLIENT_IP:53" audio_source "aufile,$dir/tone.wav" \
            audio_player "aufile,$dir/received.wav" audio_alert aufile,/dev/null \
            rtp_stats yes module_path /usr/lib/baresip/modules
        for m in g711.so aufile.so "$@" account.so; do printf 'module\t\t\t%s\n' "$m"; done
        printf 'module_app\t\tmenu.so\n'
    } >"$dir/config"
}

# lab_udp_send NS SRC_PORT DST_IP DST_PORT [COUNT]: send small UDP probes from a
# chosen source port (inside the lab only).
lab_udp_send() {
    ip netns exec "$1" "$LAB_PY" - "$2" "$3" "$4" "${5:-3}" <<'EOF'
import socket, sys, time
sport, dst, dport, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
for _ in range(count):
    s.sendto(b"comedia-lab-probe", (dst, dport))
    time.sleep(0.05)
EOF
}

# The comedia plugin from a build dir, with a private registry so a stale
# registry can never hide or fake the plugin.
lab_gst_env() {
    local build
    build=$(cd "$1" 2>/dev/null && pwd) || build=$1
    [ -f "$build/gst/libgstcomedia.so" ] || { echo "FAIL: no plugin at $build/gst/libgstcomedia.so (build first)" >&2; return 1; }
    # The _1_0 variants win over the plain ones, so set both.
    export GST_PLUGIN_PATH="$build/gst" GST_PLUGIN_PATH_1_0="$build/gst"
    export GST_REGISTRY="$LAB_TMP/registry.bin" GST_REGISTRY_1_0="$LAB_TMP/registry.bin"
    export GST_REGISTRY_FORK=no
    # Fill the private registry now, leak checking off: later gst-launch runs
    # then find it up to date and do not scan (and load) every system plugin,
    # whose never-freed allocations would drown a sanitizer build's leak
    # report.  Also fails early and clearly if the plugin does not load.
    # shellcheck disable=SC2046
    if ! env $(lab_asan_env) ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
            gst-inspect-1.0 comedia-rtpsrc >/dev/null 2>"$LAB_TMP/inspect.log"; then
        cat "$LAB_TMP/inspect.log" >&2
        echo "FAIL: gst-inspect-1.0 cannot load comedia-rtpsrc from $build/gst" >&2
        return 1
    fi
}

# Gst run under AddressSanitizer builds: gst-launch-1.0 is not instrumented,
# so the ASan runtime must be preloaded (tests/meson.build sets COMEDIA_ASAN_LIB).
lab_asan_env() {
    if [ -n "${COMEDIA_ASAN_LIB:-}" ]; then
        echo "LD_PRELOAD=$COMEDIA_ASAN_LIB"
    fi
}

# The same for python3: the interpreter keeps most of what it allocates until
# exit, so no leak report there (memory errors still abort).
lab_asan_env_python() {
    if [ -n "${COMEDIA_ASAN_LIB:-}" ]; then
        echo "LD_PRELOAD=$COMEDIA_ASAN_LIB ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    fi
}


# lab_nat_udp_timeout SECONDS: the NAT forgets a UDP mapping after SECONDS
# without an *outgoing* packet, as home routers do (RFC 4787 REQ-6: outbound
# refresh).  Linux conntrack alone would also refresh a mapping on incoming
# packets, so a server's media would keep it alive for ever and hide the very
# problem NAT keepalives solve; a watcher in the nat namespace therefore
# deletes a client flow whose outgoing packet counter (conntrack accounting)
# has not moved for SECONDS.  The kernel's own UDP timeouts are shortened to
# the same value for flows silent both ways.  Expiries are logged to
# $LAB_TMP/nat-expiry.log as "expired SRC:SPORT -> DST:DPORT after ...".
lab_nat_udp_timeout() {
    local t=$1
    ip netns exec "$LAB_NS_NAT" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
        net.netfilter.nf_conntrack_udp_timeout="$t" net.netfilter.nf_conntrack_udp_timeout_stream="$t"
    lab_bg "$LAB_NS_NAT" "$LAB_TMP/nat-expiry.log" "$LAB_PY" -u "$LAB_HERE/nat_outbound_refresh.py" \
        "$t" "$LAB_CLIENT_IP"
    lab_log "NAT: a UDP mapping expires after ${t}s without an outgoing packet"
}

# lab_routed_host NS ROUTER HOST_IF HOST_IP ROUTER_IP PUB_IP: namespaces NS
# (a host on HOST_IP/24 at HOST_IF) and ROUTER (ROUTER_IP/24 at lan0 inside,
# PUB_IP/24 at LAB_PUB_IF, a port of the server's bridge: the public
# segment; forwarding on), the host's default route via the router.  The
# router's nftables rules are the caller's.
lab_routed_host() {
    local ns=$1 nat=$2 host_if=$3 host_ip=$4 router_ip=$5 pub_ip=$6
    local port="p$((${#LAB_NAMESPACES[@]}))"
    ip netns add "$nat"
    LAB_NAMESPACES+=("$nat")
    ip netns add "$ns"
    LAB_NAMESPACES+=("$ns")
    ip -n "$nat" link set lo up
    ip -n "$ns" link set lo up
    ip -n "$ns" link add "$host_if" type veth peer name lan0 netns "$nat"
    ip -n "$nat" link add "$LAB_PUB_IF" type veth peer name "$port" netns "$LAB_NS_SERVER"
    ip -n "$LAB_NS_SERVER" link set "$port" master wan0
    ip -n "$LAB_NS_SERVER" link set "$port" up
    ip -n "$ns" addr add "$host_ip/24" dev "$host_if"
    ip -n "$nat" addr add "$router_ip/24" dev lan0
    ip -n "$nat" addr add "$pub_ip/24" dev "$LAB_PUB_IF"
    ip -n "$ns" link set "$host_if" up
    ip -n "$nat" link set lan0 up
    ip -n "$nat" link set "$LAB_PUB_IF" up
    ip -n "$ns" route add default via "$router_ip"
    ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1
}

# lab_need DESCRIPTION COMMAND...: a peer program the test needs; missing,
# the test skips (77) on a developer's machine and FAILS under CI=true.
lab_need() {
    "${@:2}" >/dev/null 2>&1 && return 0
    echo "lab requirement missing: $1 (scripts/setup-deps.sh)" >&2
    [ "${CI:-}" = true ] && { echo "FAIL: CI=true; not skipping" >&2; exit 1; }
    exit 77
}

# lab_add_natted_host NAME NAT_PUB_IP MODE: one more private host, behind a
# NAT of its own on the public segment (MODE preserve|random, the same rules
# as lab_up's NAT): namespaces $LAB_ID-NAME-nat (NAT_PUB_IP on the server's
# bridge, 192.168.78.1 inside) and $LAB_ID-NAME (192.168.78.2).  Leaves them
# in LAB_LAST_NAT_NS and LAB_LAST_NS.
LAB_CLIENT2_IP=192.168.78.2
lab_add_natted_host() {
    local name=$1 pub_ip=$2 mode=$3 masq ns="$LAB_ID-$1" nat="$LAB_ID-$1-nat"
    case $mode in
        preserve) masq="masquerade" ;;
        random)   masq="masquerade random" ;;
        *) echo "lab_add_natted_host: unknown NAT mode '$mode'" >&2; return 2 ;;
    esac
    lab_routed_host "$ns" "$nat" priv0 "$LAB_CLIENT2_IP" 192.168.78.1 "$pub_ip"
    lab_nat_rules "$nat" "$LAB_PUB_IF" "$masq"
    LAB_LAST_NS=$ns LAB_LAST_NAT_NS=$nat
    lab_log "natted host $name: $LAB_CLIENT2_IP behind a NAT at $pub_ip ($masq)"
}

# lab_add_cloud_host NAME PUB_IP ALLOW...: a server in a cloud VPC: namespace
# $LAB_ID-NAME on a private address (LAB_CLOUD_PRIV_IP) behind a 1:1 NAT,
# $LAB_ID-NAME-nat, that holds PUB_IP on the public segment (the server's
# bridge), as a cloud's elastic/external IP does: whatever comes to PUB_IP
# goes to the private address (dnat), whatever the private address sends
# leaves from PUB_IP (snat, ports kept).  The NAT's filter is the cloud's
# firewall (security group): from the public side only established flows
# and what an ALLOW names (an nft match, e.g. "udp dport 40000-40019") get
# in; the rest is counted (named counter cloud_dropped) and dropped.  Leaves
# the namespaces in LAB_LAST_NS and LAB_LAST_NAT_NS.
LAB_CLOUD_PRIV_IP=10.0.0.10
lab_add_cloud_host() {
    local name=$1 pub_ip=$2 ns="$LAB_ID-$1" nat="$LAB_ID-$1-nat" allow rules=
    shift 2
    for allow in "$@"; do rules+="        iifname \"$LAB_PUB_IF\" $allow accept"$'\n'; done
    lab_routed_host "$ns" "$nat" eth0 "$LAB_CLOUD_PRIV_IP" 10.0.0.1 "$pub_ip"
    ip netns exec "$nat" nft -f - <<EOF
table ip $LAB_NFT_TABLE {
    counter cloud_dropped { }
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        iifname "$LAB_PUB_IF" ip daddr $pub_ip dnat to $LAB_CLOUD_PRIV_IP
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "$LAB_PUB_IF" ct state established,related accept
$rules        iifname "$LAB_PUB_IF" counter name cloud_dropped drop
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "$LAB_PUB_IF" ip saddr $LAB_CLOUD_PRIV_IP snat to $pub_ip
    }
}
EOF
    LAB_LAST_NS=$ns LAB_LAST_NAT_NS=$nat
    lab_log "cloud host $name: $LAB_CLOUD_PRIV_IP behind a 1:1 NAT at $pub_ip (open: $*)"
}

# lab_ice_dtls_media OPUS_CAPS VP8_CAPS: the comedia ICE endpoint's media, a
# gst-launch description to put beside an sdp-negotiator of session s:
# stream 1 Opus, stream 2 VP8 (nicesrc ! comedia-dtlssrtpdec ! rtpbin !
# comedia-dtlssrtpenc ! nicesink), RTCP muxed, each stream's DTLS on its
# component 1; what arrives is decoded into fakesinks adec and vdec
# (silent=false: "adec: last-message = chain" per buffer in a -v log).  The
# peer is webrtcbin (tests/lab/webrtc_peer.py) or a browser.
lab_ice_dtls_media() {
    local opus=$1 vp8=$2 n pay src caps depay dec recv=
    echo "rtpbin name=rb"
    for n in 1 2; do
        if [ $n = 1 ]; then
            caps=$opus depay="rtpopusdepay ! opusdec" dec=adec
            src="audiotestsrc is-live=true ! audioconvert ! audioresample ! opusenc" pay="rtpopuspay pt=111"
        else
            caps=$vp8 depay="rtpvp8depay ! vp8dec" dec=vdec
            src="videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1 ! vp8enc deadline=1 keyframe-max-dist=15"
            pay="rtpvp8pay pt=96"
        fi
        echo "nicesrc stream=$n component=1 ! comedia-dtlssrtpdec name=dec$n session=s stream=$n component=1
            ! $caps ! rb.recv_rtp_sink_$((n - 1)) dec$n.rtcp_src ! rb.recv_rtcp_sink_$((n - 1))
            $src ! $pay ! rb.send_rtp_sink_$((n - 1))
            rb.send_rtp_src_$((n - 1)) ! comedia-dtlssrtpenc name=enc$n session=s stream=$n component=1
            ! nicesink stream=$n component=1 sync=false async=false
            rb.send_rtcp_src_$((n - 1)) ! enc$n.rtcp_sink"
        recv+=" rb. ! $depay ! fakesink name=$dec silent=false sync=false async=false"
    done
    # The decoders last: a delayed "rb. ! depay" takes the first pad that
    # appears after it, a send_rtp_src too (its caps unknown yet).
    echo "$recv"
}

# lab_wait_nat_mapping SPORT [TIMEOUT_S] [DST_IP]: wait until the NAT has a
# mapping for the client's UDP SPORT toward DST_IP (the server by default),
# and leave it in LAB_MAPPING ("ip port", empty on a timeout: status 1).
lab_wait_nat_mapping() {
    local sport=$1 t=${2:-10} dst=${3:-$LAB_SERVER_IP} i
    LAB_MAPPING=
    for ((i = 0; i < t * 10; i++)); do
        LAB_MAPPING=$(lab_nat_mapping "$sport" "$dst")
        [ -n "$LAB_MAPPING" ] && return 0
        sleep 0.1
    done
    return 1
}

# lab_proc_sampler PID FILE: every 0.2 s, "monotonic-s rss-kib cpu-ticks" of
# PID (VmRSS; utime + stime in clock ticks) appended to FILE, until PID ends.
# Runs in the background (remembered in LAB_PIDS); returns after its first sample.
lab_proc_sampler() {
    local pid=$1 file=$2
    "$LAB_PY" - "$pid" "$file" <<'PYEOF' &
import os, sys, time
pid, path = sys.argv[1], sys.argv[2]
with open(path, "w") as out:
    while True:
        try:
            with open(f"/proc/{pid}/status") as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])
        except (OSError, StopIteration, ValueError, IndexError):
            break
        out.write("%.3f %d %d\n" % (time.monotonic(), rss, ticks))
        out.flush()
        time.sleep(0.2)
PYEOF
    LAB_PIDS+=("$!")
    # Its first sample before the caller measures anything (python starts slowly on a busy machine).
    local i
    for ((i = 0; i < 100; i++)); do [ -s "$file" ] && break; sleep 0.05; done
}

# lab_proc_usage FILE FROM TO: from lab_proc_sampler's FILE, between the
# monotonic times FROM and TO: "rss-before-kib rss-max-kib cpu-percent"
# (the CPU of one core the process used in that window).
lab_proc_usage() {
    awk -v from="$2" -v to="$3" -v hz="$(getconf CLK_TCK)" '
        $1 <= from { rss0 = $2; t0 = $1; c0 = $3 }
        $1 >= from && $1 <= to { if ($2 > max) max = $2; t1 = $1; c1 = $3 }
        END { if (rss0 == "") { rss0 = max }
              if (t1 > t0 && t0 != "") printf "%d %d %.1f\n", rss0, max, 100 * (c1 - c0) / hz / (t1 - t0)
              else printf "%d %d 0\n", rss0, max }' "$1"
}

# lab_wait_offer_mapping SDP_LOG [TIMEOUT_S]: a SIP phone behind the NAT (the
# client) offers its own RTP port: wait until SDP_LOG (latch_server.py's
# --sdp-log) holds the first offer's m=audio port and the NAT has mapped it
# toward the server; the mapping in LAB_MAPPING ("ip port", empty on a
# timeout: status 1).
lab_wait_offer_mapping() {
    local log=$1 t=${2:-10} port i
    LAB_MAPPING=
    for ((i = 0; i < t * 10; i++)); do
        port=$(sed -n 's/^m=audio \([0-9]*\) .*/\1/p' "$log" 2>/dev/null | head -1 || true)
        [ -n "$port" ] && LAB_MAPPING=$(lab_nat_mapping "$port") && [ -n "$LAB_MAPPING" ] && return 0
        sleep 0.1
    done
    return 1
}

# lab_baresip_dial DIR LOG SECONDS URI: baresip (lab_baresip_config's DIR) in
# the client namespace calls URI and hangs up after SECONDS, in the
# background (LAB_LAST_PID); its RTP statistics at hang-up end LOG.
lab_baresip_dial() {
    lab_bg "$LAB_NS_CLIENT" "$2" timeout -k 3 $(($3 + 5)) baresip -f "$1" -t "$3" -e "/dial $4"
}

# lab_sdp_of LOG MESSAGE: the SDP text of the first MESSAGE (e.g.
# sdp-negotiator-offer-created) in a gst-launch-1.0 -m log, as SDP lines.
lab_sdp_of() {
    grep -am1 "$2" "$1" | sed -n 's/.*text=(string)"\(.*\)";$/\1/p' |
        sed 's/\\015\\012/\n/g; s/\\\(.\)/\1/g' || true
}
