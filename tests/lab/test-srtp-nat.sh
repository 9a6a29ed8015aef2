#!/bin/bash
# test-srtp-nat.sh [--build DIR] SCENARIO
#
# SRTP (issue 16) through the real port-random NAT of scripts/lab/natlab.sh.  The
# passive server is latch_server.py (comedia-rtpsrc/-rtpsink around rtpbin,
# PCMU out at 50 packets/s) with fixed keys (srtp-suite, srtp-key) or, for the
# phone, the keys sdp-negotiator settles.  Keys are fresh for every run.
#
#   ffmpeg            ffmpeg behind the NAT sends SRTP (its srtp:// output,
#                     AES_CM_128_HMAC_SHA1_80) of a 440 Hz sine: the server
#                     latches the NAT's mapping and decodes the sine (level)
#   copycat-plain     the copycat of docs/threat-model.md: an attacker on the
#   copycat-wrongkey  public segment streams before the legitimate peer
#                     (rtp_peer.py, SRTP both ways), then copies its SSRC and
#                     next sequence numbers, as plain RTP/RTCP or as SRTP with
#                     a key of its own.  Default policy, no allowed-source: the
#                     only thing between it and the latch is authentication
#   sip-phone         baresip (srtp module, mediaenc=srtp-mand) behind the NAT
#                     calls latch_server.py's SIP responder: RTP/SAVP with
#                     a=crypto, answered by sdp-negotiator; SRTP both ways
#
# LAB_KEEP=1 keeps the logs (their directory is printed on a failure).
# SRTP_SERVER_KEYS=none runs the server without its fixed keys, to see the
# checks fail (copycat-*: the attacker that came first is latched).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-srtp-nat.sh [--build DIR] ffmpeg|copycat-plain|copycat-wrongkey|sip-phone}
case $SCENARIO in ffmpeg|copycat-plain|copycat-wrongkey|sip-phone) ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;; esac
RTP=5004 RTCP=5005 SIP=5060 RATE=50
ATTACKER_IP=203.0.113.66 ATTACKER_PORT=40000
MARKER=a77ac0de           # the attacker's RTP payload, counted downstream

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
# need WHAT COMMAND...: a missing tool skips here, and fails under CI=true
need() {
    local what=$1; shift
    "$@" >/dev/null 2>&1 && return 0
    echo "lab requirement missing: $what (scripts/setup-deps.sh)" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
}
case $SCENARIO in
    ffmpeg)    need "ffmpeg with srtp://" sh -c 'ffmpeg -hide_banner -protocols | grep -qx " *srtp"' ;;
    copycat-*) need "python3-pylibsrtp (libsrtp2 for the lab's peers)" "$LAB_PY" -c 'import pylibsrtp' ;;
    sip-phone) need "baresip with its srtp module (baresip-core)" test -f /usr/lib/baresip/modules/srtp.so ;;
esac
lab_gst_env "$BUILD"
lab_up random
T=$LAB_TMP SLOG=$LAB_TMP/server.log PLOG=$LAB_TMP/peer.log ALOG=$LAB_TMP/attacker.log

newkey() { head -c 30 /dev/urandom | base64; }
KEY=$(newkey)     # peer -> server
SKEY=$(newkey)    # server -> peer
WRONG=$(newkey)   # the attacker's
SUITE=aes-cm-128-hmac-sha1-80
SRC_SRTP="srtp-suite=$SUITE srtp-key=$KEY"
SINK_SRTP="srtp-suite=$SUITE srtp-key=$SKEY"
[ "${SRTP_SERVER_KEYS:-}" = none ] && SRC_SRTP="" SINK_SRTP=""

value() { sed -n "s/^$2=//p" "$1" | tail -1; }
is_int() { [[ ${1:-} =~ ^[0-9]+$ ]]; }
ge() { is_int "$1" && is_int "$2" && [ "$1" -ge "$2" ]; }
# in_range X LO HI: decimals
in_range() { awk -v x="${1:-x}" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x == x + 0 && x + 0 >= lo && x + 0 <= hi) }'; }
event() { grep -m1 "^event=comedia-$1 .* component=$2 " "$SLOG" | sed -n "s/.* $3=\([^ ]*\).*/\1/p" || true; }
events() { grep -c "^event=comedia-$1 .* component=$2 " "$SLOG" || true; }
passed_from() { awk -v ip="$1" '$4 == ip { n++ } END { print n + 0 }' "$T/recv.log"; }
sent_lost() {
    awk -v s="$2" 'NR == FNR { if ($1 == s) got[$2] = 1; next } !($1 in got) { n++ } END { print n + 0 }' \
        "$T/recv.log" "$1"
}
mapping() {   # the NAT's public "ip port" for the client's flow from port $1
    local m i
    for i in $(seq 50); do
        m=$(lab_nat_mapping "$1")
        [ -n "$m" ] && { echo "$m"; return 0; }
        sleep 0.1
    done
}
dump_logs() { lab_dump_tails 60 "$SLOG" "$PLOG" "$ALOG" "$T/sdp.log"; }

# start_server SECONDS ARGS...: latch_server.py in the server namespace
start_server() {
    local seconds=$1; shift
    # shellcheck disable=SC2046  # lab_asan_env_python prints nothing or VAR=value words
    lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env_python) timeout --foreground -s INT -k 3 $((seconds + 10)) \
        "$LAB_PY" -u "$HERE/latch_server.py" --address 0.0.0.0 --port $RTP --seconds "$seconds" \
        --recv-log "$T/recv.log" "$@"
    SERVER_PID=$LAB_LAST_PID
    if ! lab_wait_udp "$LAB_NS_SERVER" $RTP 15 || ! lab_wait_udp "$LAB_NS_SERVER" $RTCP 5; then
        lab_fail "server did not bind udp $RTP and $RTCP"; dump_logs; exit 1
    fi
}
stop_server() {
    lab_stop "$SERVER_PID" 8
    local rc=$LAB_STOP_RC problems
    problems=$(grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^error=' "$SLOG" || true)
    lab_check "server kept PLAYING and ended cleanly (exit $rc, state $(value "$SLOG" state), $(value "$SLOG" errors) errors, $problems problem lines)" \
        [ "$rc" = 0 -a "$(value "$SLOG" state)" = PLAYING -a "$(value "$SLOG" errors)" = 0 -a "$problems" = 0 ]
}
# latched_once C WANT: component C latched WANT ("ip port") once and never moved
latched_once() {
    local addr port
    addr=$(event latched "$1" address) port=$(event latched "$1" port)
    lab_check "component $1 latched the NAT's mapping: $addr:$port = ${2/ /:}" \
        [ -n "$addr" -a "$addr $port" = "$2" -a "$addr" = "$LAB_NAT_PUB_IP" ]
    lab_check "component $1 latched once and never moved ($(events latched "$1") latched, $(events relatched "$1") relatched)" \
        [ "$(events latched "$1")" = 1 -a "$(events relatched "$1")" = 0 ]
}

case $SCENARIO in
ffmpeg)
    # ffmpeg 5.1's RTP muxer behind srtp://, from the ports it is told (so
    # symmetric), one 20 ms PCMU packet each (pkt_size = 12 + 160), RTCP SR
    # (SRTCP) from the next port.
    start_server 12 --props "$SRC_SRTP" --sink-props "$SINK_SRTP" --decode
    lab_bg "$LAB_NS_CLIENT" "$PLOG" timeout -k 3 20 ffmpeg -hide_banner -loglevel warning -nostdin \
        -re -f lavfi -i sine=frequency=440:sample_rate=8000 -t 5 -ac 1 -c:a pcm_mulaw \
        -f rtp -srtp_out_suite AES_CM_128_HMAC_SHA1_80 -srtp_out_params "$KEY" \
        "srtp://$LAB_SERVER_IP:$RTP?localrtpport=$RTP&localrtcpport=$RTCP&pkt_size=172"
    FF_PID=$LAB_LAST_PID
    MAP_RTP=$(mapping $RTP)
    rc=0; wait "$FF_PID" || rc=$?
    lab_check "ffmpeg ran cleanly (exit $rc)" [ $rc = 0 ]
    MAP_RTCP=$(lab_nat_mapping $RTCP)
    sleep 0.5
    stop_server
    lab_check "ffmpeg announced the suite it used ($(grep -a -o 'a=crypto:[0-9]* [A-Z0-9_]*' "$PLOG" || echo none))" \
        grep -aq "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$KEY" "$PLOG"
    latched_once 1 "$MAP_RTP"
    passed=$(value "$SLOG" src.1.passed) af=$(value "$SLOG" src.1.auth-failed) rp=$(value "$SLOG" src.1.replayed)
    lab_check "ffmpeg's SRTP was decrypted and passed downstream ($passed packets, 5 s at 50/s)" ge "$passed" 240
    lab_check "none failed authentication or was replayed (auth-failed $af, replayed $rp)" [ "$af" = 0 -a "$rp" = 0 ]
    # ffmpeg sends an SR first and then every few seconds: at least one, as SRTCP.
    lab_check "ffmpeg's SRTCP authenticated and latched component 2 ($(event latched 2 address):$(event latched 2 port) = ${MAP_RTCP/ /:}; passed $(value "$SLOG" src.2.passed), auth-failed $(value "$SLOG" src.2.auth-failed))" \
        eval '[ -n "$MAP_RTCP" ] && [ "$(event latched 2 address) $(event latched 2 port)" = "$MAP_RTCP" ] && ge "$(value "$SLOG" src.2.passed)" 1 && [ "$(value "$SLOG" src.2.auth-failed)" = 0 ]'
    # ffmpeg's sine is 1/8 of full scale: -21 dB RMS.  Audio still encrypted
    # would decode as noise, far louder.
    n=$(value "$SLOG" level.messages) lo=$(value "$SLOG" level.rms.min) hi=$(value "$SLOG" level.rms.max)
    lab_check "the audio decoded is ffmpeg's sine: $n level messages, RMS $lo..$hi dB (-21 expected)" \
        eval 'ge "$n" 30 && in_range "$lo" -23 -19 && in_range "$hi" -23 -19'
    ;;

copycat-plain|copycat-wrongkey)
    start_server 25 --props "$SRC_SRTP" --sink-props "$SINK_SRTP" --marker $MARKER
    lab_add_public_host attacker "$ATTACKER_IP"
    NS_ATK=$LAB_LAST_NS
    lab_count_in "$NS_ATK" from_server ip saddr "$LAB_SERVER_IP"
    atk_srtp=()
    [ "$SCENARIO" = copycat-wrongkey ] && atk_srtp=(--srtp-key "$WRONG")
    # Its own sequence numbers 30000 away from the peer's until it copies;
    # then the peer's SSRC and, packet by packet, its next sequence number.
    lab_bg "$NS_ATK" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
        --rtp-port $RTP --ips "$ATTACKER_IP" --local-port $ATTACKER_PORT --rate $RATE --seconds 25 \
        --seq 1000 --copy-from "$T/peer.status" --copy-at 2.5 --copy-seq --payload-marker $MARKER \
        "${atk_srtp[@]}"
    ATTACKER_PID=$LAB_LAST_PID
    sleep 1                          # the attacker streams first
    lab_bg "$LAB_NS_CLIENT" "$PLOG" "$LAB_PY" "$HERE/rtp_peer.py" --server "$LAB_SERVER_IP" \
        --rtp-port $RTP --local "$LAB_CLIENT_IP" --local-port $RTP --rate $RATE --seconds 4 \
        --seq 31000 --status "$T/peer.status" --sent-log "$T/sent.log" \
        --srtp-key "$KEY" --srtp-rx-key "$SKEY"
    PEER_PID=$LAB_LAST_PID
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    rc=0; wait "$PEER_PID" || rc=$?
    lab_check "legitimate peer ran cleanly (exit $rc)" [ $rc = 0 ]
    sleep 0.3
    lab_stop "$ATTACKER_PID" 3
    lab_check "attacker ran cleanly (exit $LAB_STOP_RC)" [ "$LAB_STOP_RC" = 0 ]
    stop_server
    ssrc=$(value "$PLOG" ssrc) copied=$(value "$ALOG" ssrc.copied) ncopied=$(value "$ALOG" sent.copied)
    lab_check "the attacker copied the legitimate SSRC and sequence numbers ($copied = $ssrc, $ncopied packets)" \
        eval '[ "$copied" = "$ssrc" ] && ge "$ncopied" 50'
    for c in 1 2; do
        if [ $c = 1 ]; then want=$MAP_RTP mine=$(value "$PLOG" sent.rtp) theirs=$(value "$ALOG" sent.rtp)
        else want=$MAP_RTCP mine=$(value "$PLOG" sent.rtcp) theirs=$(value "$ALOG" sent.rtcp); fi
        latched_once $c "$want"
        got=$(value "$SLOG" src.$c.received) af=$(value "$SLOG" src.$c.auth-failed) rp=$(value "$SLOG" src.$c.replayed)
        lab_check "positive control: the attack reached component $c ($((got - mine)) of $theirs)" \
            eval 'ge "$theirs" 1 && ge "$((got - mine))" "$((theirs * 9 / 10))"'
        # Every attacker datagram, and nothing of the peer's, was dropped by
        # libsrtp: as a bad tag, or (its replay check comes first) as a
        # replay when a copied sequence number arrives after the peer's own.
        lab_check "component $c: auth-failed and replayed count the attacker's datagrams ($af + $rp of $theirs sent)" \
            eval 'ge "$((af + rp))" "$((theirs * 9 / 10))" && [ "$((af + rp))" -le "$theirs" ]'
    done
    lab_check "nothing from the attacker went downstream ($(passed_from "$ATTACKER_IP") packets from its address, $(value "$SLOG" rtp.marked) with its payload)" \
        [ "$(passed_from "$ATTACKER_IP")" = 0 -a "$(value "$SLOG" rtp.marked)" = 0 ]
    lab_check "only the legitimate SSRC $ssrc went downstream (RTP: $(value "$SLOG" rtp.ssrcs); RTCP: $(value "$SLOG" rtcp.ssrcs))" \
        [ "$(value "$SLOG" rtp.ssrcs)" = "$ssrc" -a "$(value "$SLOG" rtcp.ssrcs)" = "$ssrc" ]
    sent=$(value "$PLOG" sent.rtp) lost=$(sent_lost "$T/sent.log" "$ssrc")
    lab_check "the legitimate stream lost nothing: $lost of $sent RTP packets" eval 'ge "$sent" 190 && [ "$lost" = 0 ]'
    arx=$(value "$ALOG" rx) nft=$(lab_counter "$NS_ATK" lab_obs from_server)
    lab_check "the server sent nothing to the attacker (its sockets: $arx, its kernel: $nft datagrams)" \
        [ "$arx" = 0 -a "$nft" = 0 ]
    rx=$(value "$PLOG" rx.rtp) missing=$(value "$PLOG" rx.rtp.missing) rtcp=$(value "$PLOG" rx.rtcp) paf=$(value "$PLOG" rx.auth-failed)
    lab_check "the server's SRTP reached the peer and authenticated: $rx RTP ($missing missing), $rtcp SRTCP, $paf failed" \
        eval 'ge "$rx" 150 && [ "$missing" = 0 ] && ge "$rtcp" 1 && [ "$paf" = 0 ]'
    ;;

sip-phone)
    # As test-sip-phone-nat.sh, with baresip's srtp module and
    # mediaenc=srtp-mand: it offers RTP/SAVP with a=crypto and sends SRTP only.
    PHONE=$T/phone
    mkdir -p "$PHONE"
    # A quiet tone (-23 dB RMS): audio left encrypted would decode as far louder noise.
    "${LAB_STOCK[@]}" gst-launch-1.0 -q audiotestsrc num-buffers=60 samplesperbuffer=800 freq=440 volume=0.1 \
        ! audio/x-raw,rate=8000,channels=1,format=S16LE ! wavenc ! filesink location="$PHONE/tone.wav"
    lab_baresip_config "$PHONE" srtp.so
    echo "<sip:phone@$LAB_CLIENT_IP>;regint=0;mediaenc=srtp-mand" >"$PHONE/accounts"
    CALL_S=8
    start_server $((CALL_S + 4)) --sip $SIP --public-address "$LAB_SERVER_IP" --sdp-log "$T/sdp.log" --decode
    # The SIP side comes up after the media ports (and slowly under ASan).
    lab_wait_udp "$LAB_NS_SERVER" $SIP 15 || { lab_fail "the server's SIP side did not start"; dump_logs; exit 1; }
    lab_baresip_dial "$PHONE" "$PLOG" $CALL_S "sip:server@$LAB_SERVER_IP:$SIP"
    PHONE_PID=$LAB_LAST_PID
    lab_wait_offer_mapping "$T/sdp.log" 10 || true
    MAP=$LAB_MAPPING
    wait "$PHONE_PID" || true
    stop_server
    # No log means no offer came: the checks below say so.
    offer=$(sed -n '/^--- offer/,/^--- answer/p' "$T/sdp.log" 2>/dev/null || true)
    answer=$(sed -n '/^--- answer/,/^--- offer/p' "$T/sdp.log" 2>/dev/null | head -40 || true)
    lab_check "the phone offered RTP/SAVP with a=crypto ($(grep -m1 '^m=audio' <<<"$offer"), $(grep -c '^a=crypto' <<<"$offer" || true) a=crypto)" \
        eval 'grep -q "^m=audio [0-9]* RTP/SAVP " <<<"$offer" && grep -q "^a=crypto:" <<<"$offer"'
    lab_check "sdp-negotiator answered RTP/SAVP with one a=crypto ($(grep -m1 '^m=audio' <<<"$answer"), $(grep -c '^a=crypto' <<<"$answer" || true) a=crypto)" \
        eval 'grep -q "^m=audio [1-9][0-9]* RTP/SAVP " <<<"$answer" && [ "$(grep -c "^a=crypto:" <<<"$answer")" = 1 ]'
    lab_check "the call was established" grep -q 'Call established' "$PLOG"
    latched=$(grep -m1 'event=comedia-latched.*component=1' "$SLOG" | sed -n 's/.*address=\([^ ]*\) port=\([0-9]*\).*/\1 \2/p' || true)
    lab_check "the server latched RTP on the NAT's mapping (${latched:-none} = ${MAP:-?})" \
        [ -n "$latched" -a "$latched" = "$MAP" ]
    passed=$(value "$SLOG" src.1.passed) af=$(value "$SLOG" src.1.auth-failed)
    lab_check "the phone's SRTP authenticated and went downstream ($passed packets, auth-failed $af)" \
        eval 'ge "$passed" 200 && [ "$af" = 0 ]'
    n=$(value "$SLOG" level.messages) hi=$(value "$SLOG" level.rms.max)
    lab_check "the audio decoded is the phone's tone: $n level messages, loudest $hi dB RMS (-23 expected)" \
        eval 'ge "$n" 30 && in_range "$hi" -25 -21'
    phone_rx=$(sed -n 's/^packets: *[0-9]* *\([0-9]*\).*/\1/p' "$PLOG" | tail -1)
    lab_check "the phone received the server's SRTP (${phone_rx:-0} packets)" [ "${phone_rx:-0}" -ge 200 ]
    errs=$(grep -aic 'srtp.*\(fail\|error\|auth\)' "$PLOG" || true)
    lab_check "the phone reported no SRTP errors ($errs lines)" [ "$errs" = 0 ]
    ;;
esac

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "srtp-nat $SCENARIO: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "srtp-nat $SCENARIO: all checks passed"
