#!/bin/bash
# test-dtls-nat.sh [--build DIR] SCENARIO
#
# DTLS-SRTP (issue 26) through the port-random NAT of scripts/lab/natlab.sh,
# with peers nobody here wrote.  Scenarios:
#   webrtcbin-baseline  stock webrtcbin behind the NAT offers to a public stock
#                       webrtcbin (tests/lab/webrtc_peer.py both sides): the
#                       harness on its own, Opus and VP8 decoded both ways.
#   webrtcbin-offers    webrtcbin behind the NAT offers to a comedia answerer:
#                       sdp-negotiator, nicesrc ! comedia-dtlssrtpdec ! rtpbin
#                       ! comedia-dtlssrtpenc ! nicesink, audio and video.
#   webrtcbin-bundle    webrtcbin behind the NAT (bundle-policy=max-bundle)
#                       offers to a comedia answerer with bundle-policy=
#                       max-bundle: audio and video over one nicesrc/nicesink
#                       and one DTLS association (the decoder's src_2, the
#                       encoder's sink_2), both decoded on both sides.
#   comedia-offers-webrtcbin  comedia behind the NAT offers (transport=ice
#                       dtls=require) to a public webrtcbin answerer.
#   comedia-offers-webrtcbin-bundle  the same with bundle-policy=max-bundle:
#                       one a=group:BUNDLE, the video m-line bundle-only, one
#                       nicesrc/nicesink (stream 1) and one DTLS association
#                       for audio and video (the decoder's src_2, the
#                       encoder's sink_2), both decoded on both sides.
#   comedia-comedia     two comedia peers, DTLS over COMEDIA, the active one
#                       (dtls=require, gst-launch) behind the NAT, the passive
#                       one latch_server.py --negotiate: verified before it
#                       latches, on the NAT's mapping; PCMU both ways.
#   baresip             baresip (mediaenc=dtls_srtp, no ICE) behind the NAT
#                       calls latch_server.py's SIP responder, answered by
#                       sdp-negotiator: two-way audio.
#   attack-mismatch     a client with another certificate than the one the
#                       server expects, from the public segment: it fails, the
#                       comedia-dtls failed message names both fingerprints,
#                       nothing latches or passes, then the real peer gets in.
#   attack-spray        one real ClientHello replayed from 128 public sources
#                       at 2000/s, before and during the call: the latch never
#                       moves, the call loses nothing, the server's RSS and CPU
#                       stay bounded (measured, printed, asserted generously).
#   attack-copycat      after the handshake, a public attacker sends RTP with
#                       the real peer's SSRC and next sequence numbers: dropped
#                       and counted as auth failures.
# The attack scenarios run latch_server.py (comedia-rtpsrc with
# dtls-fingerprint, the server role) and, as the real peer behind the NAT,
# `openssl s_client -dtls1_2 -use_srtp SRTP_AES128_CM_SHA1_80` for the
# handshake (its keys from -keymatexport EXTRACTOR-dtls_srtp) followed by
# rtp_peer.py sending and receiving SRTP with those keys from the same port.
# GStreamer's own dtlssrtpenc cannot be that peer: 1.22 splits its ClientHello
# into datagrams of 255 and 72 bytes (OpenSSL's minimum MTU behind a BIO
# that answers no MTU query), which comedia's stateless cookie exchange over
# COMEDIA does not take (seen in this lab, 2026-12-07).
#
# What the peers offer (captured in this lab, 2026-12-07):
# webrtcbin 1.22, bundle-policy=max-compat, non-trickle (shortened; the
# webrtcbin-offers scenario uses bundle-policy=none: see webrtc_peer.py):
#   a=group:BUNDLE audio0 video1          (still offered under max-compat)
#   m=audio 9 UDP/TLS/RTP/SAVPF 111       c=IN IP4 0.0.0.0
#   a=setup:actpass a=ice-ufrag a=ice-pwd a=rtcp-mux a=rtcp-rsize a=sendrecv
#   a=rtpmap:111 OPUS/48000/2 a=rtcp-fb:111 transport-cc a=fmtp:111 ...
#   a=ssrc:... msid/cname a=mid:audio0
#   a=fingerprint:sha-256 63:F0:...       a=rtcp-mux-only
#   a=candidate:1 1 UDP 2015363327 192.168.77.2 59110 typ host (+TCP, IPv6)
#   m=video 9 UDP/TLS/RTP/SAVPF 96 ... a=rtpmap:96 VP8/90000, nack pli,
#   ccm fir, transport-cc, a=mid:video1 -- and no a=candidate at all: 1.22
#   puts the video transport's candidates in the audio m-line (the answerer
#   learns the video path peer-reflexively).
# webrtcbin as the answerer: a=setup:active per m-line, BUNDLE kept.
# comedia's answer to webrtcbin (bundle-policy=none): no a=group, per m-line
#   m=audio PORT UDP/TLS/RTP/SAVPF 111 a=mid:audio0 a=ice-ufrag/pwd (its own)
#   a=candidate:1 1 UDP ... 203.0.113.10 PORT typ host a=end-of-candidates
#   a=rtcp-mux a=sendrecv a=fingerprint:sha-256 ... a=setup:passive
# comedia's offer (transport=ice dtls=require), per m-line:
#   m=audio PORT UDP/TLS/RTP/SAVPF 111 c=IN IP4 192.168.77.2 a=rtpmap:111
#   OPUS/48000/2 a=mid:0 a=ice-ufrag/pwd a=candidate (host) a=end-of-candidates
#   a=rtcp-mux a=fingerprint a=setup:actpass a=sendrecv (webrtcbin 1.22 refuses
#   an offer without a=mid and answers port 0 to an m-line without direction);
#   webrtcbin answers m=audio 9 ... a=mid:0 a=setup:active, its candidates.
# comedia's offer with bundle-policy=max-bundle: a=group:BUNDLE 0 1, m=audio
#   PORT with the candidates, m=video 0 ... a=bundle-only a=mid:1 with the
#   same ice-ufrag/pwd, fingerprint, a=setup:actpass and rtcp-mux, no
#   candidate; webrtcbin 1.22 answers a=group:BUNDLE 0 1, m=audio 9 and
#   m=video 9, both a=setup:active with the same ice-ufrag, its candidates
#   in the audio m-line only.
# baresip 1.0 (mediaenc=dtls_srtp, no ICE) behind the NAT:
#   c=IN IP4 192.168.77.2   a=setup:actpass (session level)
#   a=fingerprint:SHA-256 67:A4:...       (session level, upper-case hash name)
#   m=audio 18978 UDP/TLS/RTP/SAVPF 0 8 101   no rtcp-mux, no a=crypto
#   a=rtcp-rsize a=ssrc:... a=ptime:20
# baresip with ICE too (medianat=ice, no STUN server; scenario baresip-ice,
# not registered: it prints what happens): the same plus session-level
# a=ice-ufrag/a=ice-pwd, a=rtcp:PORT+1 (still no rtcp-mux) and host
# candidates only, components 1 and 2 of its private address.  Answered by
# latch_server.py (COMEDIA, no ICE: passive, a=rtcp:5005, our fingerprint)
# it logs "ice: audio.1: no remote candidates found", "ICE not supported by
# peer", "Call established", and then sends nothing at all, neither DTLS nor
# RTP, for the whole call (0 bit/s; comedia-rtpsink drops its media awaiting
# the keys): baresip 1.0 does not fall back from ICE to the plain path.
# comedia's answer to the baresip offer above (no ICE, 2026-12-07):
#   m=audio 5004 UDP/TLS/RTP/SAVPF 0 8 101   c=IN IP4 203.0.113.10
#   a=rtcp:5005 a=rtcp-rsize a=ptime:20 a=sendrecv
#   a=fingerprint:sha-256 BB:88:...  a=setup:passive
# then two handshakes (RTP and RTCP ports), AEAD_AES_256_GCM, both verified.
# LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-dtls-nat.sh webrtcbin-baseline|webrtcbin-offers|webrtcbin-bundle|comedia-offers-webrtcbin|comedia-offers-webrtcbin-bundle|comedia-comedia|baresip|baresip-ice|attack-mismatch|attack-spray|attack-copycat}
case $SCENARIO in
    webrtcbin-baseline|webrtcbin-offers|webrtcbin-bundle|comedia-offers-webrtcbin*) ;;
    comedia-comedia|baresip|baresip-ice) ;;
    attack-mismatch|attack-spray|attack-copycat) ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
SDP_IN=7000 SDP_OUT=7001           # the public side's TCP ports: offers in, answers out
RTP=5004 RTCP=5005                 # the public side's media ports
CRTP=6000                          # the peer behind the NAT (attacks, comedia-comedia)
SIP=5060
ATTACKER_IP=203.0.113.66
CALL_S=6

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
need() { lab_need "$@"; }  # a missing peer FAILS under CI=true
case $SCENARIO in
    webrtcbin-*|comedia-offers-webrtcbin*)
        need "webrtcbin's GObject introspection (gir1.2-gst-plugins-bad-1.0)" \
            "$LAB_PY" -c 'import gi; gi.require_version("GstWebRTC", "1.0")' ;;
    baresip*) need "baresip (Debian baresip-core) with its dtls_srtp module" \
            test -f /usr/lib/baresip/modules/dtls_srtp.so -a -x "$(command -v baresip)" ;;
    attack-*) need "openssl (its s_client is the DTLS peer)" command -v openssl
              need "python3-pylibsrtp" "$LAB_PY" -c 'import pylibsrtp' ;;
esac
lab_gst_env "$BUILD"
lab_up random
SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log ALOG=$LAB_TMP/attacker.log

OPUS="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111,encoding-params=(string)2"
VP8="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
has() { grep -aq -- "$2" "$1"; }
count() { grep -ac -- "$2" "$1" || true; }
frames() { count "$1" "$2: last-message = chain"; }
decoded() { sed -n "s/^decoded $2 \([0-9]*\) .*/\1/p" "$1" | tail -1; }
problems() { cat "$@" | grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|Segmentation' || true; }
dump() { lab_show_logs 'comedia-dtls|comedia-latched|sdp-negotiator|event=|decoded|error' "$@"; lab_dump_tails 25 "$@"; }
finish() {
    if [ "$LAB_FAILS" -gt 0 ]; then
        dump "$SLOG" "$CLOG" "$ALOG" "$LAB_TMP"/*.sdp "$LAB_TMP/phone.log"
        echo "dtls-nat $SCENARIO: $LAB_FAILS check(s) FAILED"
        exit 1
    fi
    echo "dtls-nat $SCENARIO: all checks passed"
    exit 0
}
run_gst() {  # run_gst NS LOG SECONDS PIPELINE...: the comedia plugin's gst-launch -m -v
    local ns=$1 log=$2 s=$3; shift 3
    # shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
    lab_bg "$ns" "$log" env $(lab_asan_env) timeout --foreground -s INT -k 3 "$s" gst-launch-1.0 -m -v "$@"
}
webrtc_peer() {  # webrtc_peer NS LOG ARGS...: stock webrtcbin, never the comedia plugin
    local ns=$1 log=$2; shift 2
    lab_bg "$ns" "$log" "${LAB_STOCK[@]}" timeout -k 3 $((CALL_S + 30)) "$LAB_PY" -u "$HERE/webrtc_peer.py" \
        --seconds $CALL_S "$@"
}
# webrtcbin_offers SDP_LOG: webrtcbin behind the NAT offers to the public
# side's SDP ports, for the call; then the public side ($S) is stopped
# (its exit status in LAB_STOP_RC).  Further webrtc_peer.py options after SDP_LOG.
webrtcbin_offers() {
    webrtc_peer "$LAB_NS_CLIENT" "$CLOG" --role offerer --send connect:$LAB_SERVER_IP:$SDP_IN \
        --recv connect:$LAB_SERVER_IP:$SDP_OUT --sdp-log "$@"
    wait "$LAB_LAST_PID" || true
    lab_stop "$S" 5
}
# A -m log's element message field: msg_field LOG MESSAGE-REGEX FIELD
msg_field() {
    grep -am1 -E "$2" "$1" | sed -n "s/.*[ ,]$3=([a-z]*)\"\{0,1\}\([^,;\"]*\).*/\1/p" || true
}

# --- webrtcbin ------------------------------------------------------------------
# The comedia ICE endpoint (scripts/lab/natlab.sh): stream 1 Opus, stream 2
# VP8, RTCP muxed, each stream's DTLS on its component 1.
ice_dtls_media() { lab_ice_dtls_media "$OPUS" "$VP8"; }
# The same with BUNDLE: one nicesrc/nicesink (stream 1, Opus), VP8 on the
# decoder's src_2 and the encoder's sink_2.
ice_bundle_media() {
    echo "rtpbin name=rb
        nicesrc stream=1 component=1 ! comedia-dtlssrtpdec name=dec1 session=s stream=1 component=1
        ! $OPUS ! rb.recv_rtp_sink_0 dec1.rtcp_src ! rb.recv_rtcp_sink_0
        dec1.src_2 ! $VP8 ! rb.recv_rtp_sink_1 dec1.rtcp_src_2 ! rb.recv_rtcp_sink_1
        audiotestsrc is-live=true ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! rb.send_rtp_sink_0
        videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1
        ! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96 ! rb.send_rtp_sink_1
        rb.send_rtp_src_0 ! comedia-dtlssrtpenc name=enc1 session=s stream=1 component=1
        ! nicesink stream=1 component=1 sync=false async=false
        rb.send_rtcp_src_0 ! enc1.rtcp_sink
        rb.send_rtp_src_1 ! enc1.sink_2 rb.send_rtcp_src_1 ! enc1.rtcp_sink_2
        rb. ! rtpopusdepay ! opusdec ! fakesink name=adec silent=false sync=false async=false
        rb. ! rtpvp8depay ! vp8dec ! fakesink name=vdec silent=false sync=false async=false"
}
webrtc_checks() {  # webrtc_checks LOG WHO [TRANSPORTS]: the webrtcbin peer decoded both kinds
    local a v
    a=$(decoded "$1" audio) v=$(decoded "$1" video)
    lab_check "$2 decoded audio (${a:-0} buffers of 20 ms)" [ "${a:-0}" -ge 100 ]
    lab_check "$2 decoded video (${v:-0} frames)" [ "${v:-0}" -ge 30 ]
    lab_check "$2's DTLS connected on each transport" \
        [ "$(count "$1" 'event=dtls-state .*state=connected')" -ge "${3:-2}" ]
}
comedia_ice_checks() {  # comedia_ice_checks LOG [ASSOCIATIONS]: the comedia side verified and decoded
    local a v ilog=$1 n=${2:-2}   # ilog: the eval'd checks run inside lab_check, where $1 is not LOG
    a=$(frames "$1" adec) v=$(frames "$1" vdec)
    lab_check "comedia decoded webrtcbin's Opus ($a buffers)" [ "$a" -ge 100 ]
    lab_check "comedia decoded webrtcbin's VP8 ($v frames)" [ "$v" -ge 30 ]
    lab_check "comedia-dtls verified on each of the $n association(s)" \
        eval '[ "$(grep -aE "comedia-dtls.*state=\(string\)verified" "$ilog" | grep -ac "stream=(uint)[12]")" -ge $n ]'
    lab_check "no comedia-dtls failed" eval '! grep -aqE "comedia-dtls.*state=\(string\)failed" "$ilog"'
}
# comedia_answers MEDIA POLICY: comedia's ICE answerer on the public side
# (MEDIA: ice_dtls_media or ice_bundle_media; sdp-negotiator bundle-policy
# POLICY), webrtcbin behind the NAT offers with the same bundle-policy; its
# view of the answer into answer.sdp.
comedia_answers() {
    # shellcheck disable=SC2207  # word splitting of the pipeline is the point
    server=($($1) tcpserversrc host=0.0.0.0 port=$SDP_IN ! sdp-negotiator session=s
        public-address=$LAB_SERVER_IP bundle-policy=$2 ! tcpserversink host=0.0.0.0 port=$SDP_OUT
        async=false)
    run_gst "$LAB_NS_SERVER" "$SLOG" $((CALL_S + 25)) "${server[@]}"
    S=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || { lab_fail "the comedia answerer did not start"; finish; }
    webrtcbin_offers "$LAB_TMP/webrtcbin.sdp" --bundle-policy "$2"
    lab_check "comedia ended cleanly (exit $LAB_STOP_RC, $(problems "$SLOG") error lines)" \
        [ "$LAB_STOP_RC" = 0 -a "$(problems "$SLOG")" = 0 ]
    # The answer: what webrtcbin's log has after "--- remote".
    sed -n '/^--- remote/,/^--- local/p' "$LAB_TMP/webrtcbin.sdp" >"$LAB_TMP/answer.sdp"
}

case $SCENARIO in
webrtcbin-baseline)
    webrtc_peer "$LAB_NS_SERVER" "$SLOG" --role answerer --recv listen:$SDP_IN --send listen:$SDP_OUT \
        --sdp-log "$LAB_TMP/answerer.sdp"
    S=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || { lab_fail "the answerer did not start"; finish; }
    webrtcbin_offers "$LAB_TMP/offerer.sdp"
    lab_check "no crash or critical warning ($(problems "$SLOG" "$CLOG"))" [ "$(problems "$SLOG" "$CLOG")" = 0 ]
    lab_check "the offer is UDP/TLS/RTP/SAVPF with a=setup:actpass" \
        eval 'grep -q "^m=audio 9 UDP/TLS/RTP/SAVPF 111" "$LAB_TMP/offerer.sdp" && grep -q "a=setup:actpass" "$LAB_TMP/offerer.sdp"'
    webrtc_checks "$CLOG" "webrtcbin behind the NAT"
    webrtc_checks "$SLOG" "the public webrtcbin"
    finish ;;

webrtcbin-offers)
    # bundle-policy none: comedia declines BUNDLE, which webrtcbin 1.22's
    # max-compat offer does not survive (see webrtc_peer.py).
    comedia_answers ice_dtls_media none
    lab_check "the answer is UDP/TLS/RTP/SAVPF with a=setup:passive and a fingerprint" \
        eval 'grep -Eq "^m=audio [0-9]{2,} UDP/TLS/RTP/SAVPF 111" "$LAB_TMP/answer.sdp" &&
              grep -q "a=setup:passive" "$LAB_TMP/answer.sdp" && grep -q "a=fingerprint:sha-256" "$LAB_TMP/answer.sdp"'
    lab_check "the answer accepts video too" grep -Eq "^m=video [0-9]{2,} UDP/TLS/RTP/SAVPF 96" "$LAB_TMP/answer.sdp"
    webrtc_checks "$CLOG" "webrtcbin behind the NAT"
    comedia_ice_checks "$SLOG"
    finish ;;

webrtcbin-bundle)
    comedia_answers ice_bundle_media max-bundle
    lab_check "the answer bundles both m-lines" grep -Eq "^a=group:BUNDLE [^ ]+ [^ ]+" "$LAB_TMP/answer.sdp"
    lab_check "both m-lines on one port" \
        eval '[ "$(grep -E "^m=(audio|video) " "$LAB_TMP/answer.sdp" | cut -d" " -f2 | sort -u | wc -l)" = 1 ]'
    webrtc_checks "$CLOG" "webrtcbin behind the NAT" 1
    comedia_ice_checks "$SLOG" 1
    finish ;;

comedia-offers-webrtcbin|comedia-offers-webrtcbin-bundle)
    media=ice_dtls_media policy=none associations=2
    if [ "$SCENARIO" = comedia-offers-webrtcbin-bundle ]; then
        media=ice_bundle_media policy=max-bundle associations=1
    fi
    webrtc_peer "$LAB_NS_SERVER" "$SLOG" --role answerer --recv listen:$SDP_IN --send listen:$SDP_OUT \
        --sdp-log "$LAB_TMP/webrtcbin.sdp"
    S=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || { lab_fail "the webrtcbin answerer did not start"; finish; }
    # shellcheck disable=SC2207
    client=($($media) tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT !
        sdp-negotiator session=s role=offerer transport=ice dtls=require bundle-policy=$policy
        "offer-caps=$OPUS;$VP8" ! tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    run_gst "$LAB_NS_CLIENT" "$CLOG" $((CALL_S + 6)) "${client[@]}"
    C=$LAB_LAST_PID
    wait "$C" || true
    lab_stop "$S" 5
    lab_check "no crash or critical warning ($(problems "$SLOG" "$CLOG"))" [ "$(problems "$SLOG" "$CLOG")" = 0 ]
    sed -n "/^--- remote/,/^--- local/p" "$LAB_TMP/webrtcbin.sdp" > "$LAB_TMP/offer.sdp"
    sed -n "/^--- local/,\$p" "$LAB_TMP/webrtcbin.sdp" > "$LAB_TMP/answer.sdp"
    lab_check "comedia offered UDP/TLS/RTP/SAVPF with a=setup:actpass and a fingerprint" \
        eval 'grep -q "UDP/TLS/RTP/SAVPF" "$LAB_TMP/offer.sdp" && grep -q "a=setup:actpass" "$LAB_TMP/offer.sdp" &&
              grep -q "a=fingerprint:sha-256" "$LAB_TMP/offer.sdp"'
    if [ "$policy" = max-bundle ]; then
        lab_check "the offer bundles both m-lines (a=group:BUNDLE 0 1)" grep -q "^a=group:BUNDLE 0 1" "$LAB_TMP/offer.sdp"
        lab_check "the video m-line is bundle-only, port 0, without candidates" \
            eval 'sed -n "/^m=video/,\$p" "$LAB_TMP/offer.sdp" > "$LAB_TMP/offer-video.sdp" &&
                  grep -q "^m=video 0 " "$LAB_TMP/offer-video.sdp" && grep -q "^a=bundle-only" "$LAB_TMP/offer-video.sdp" &&
                  ! grep -q "^a=candidate" "$LAB_TMP/offer-video.sdp"'
        lab_check "webrtcbin's answer keeps the group" grep -Eq "^a=group:BUNDLE [^ ]+ [^ ]+" "$LAB_TMP/answer.sdp"
        lab_check "comedia bundled the video on stream 1's transport" \
            grep -aqE "sdp-negotiator-stream.*stream=\(uint\)2.*plan=\(string\)ice.*bundle-tag=\(uint\)1" "$CLOG"
        lab_check "no BUNDLE declined warning" eval '! grep -aq "BUNDLE declined" "$CLOG"'
    fi
    webrtc_checks "$SLOG" "the public webrtcbin" $associations
    comedia_ice_checks "$CLOG" $associations
    finish ;;
esac

# --- comedia both sides -------------------------------------------------------------
# The passive side is latch_server.py --negotiate (it stamps each bus message
# with the time it was posted); the active one a gst-launch line, PCMU both ways.
if [ "$SCENARIO" = comedia-comedia ]; then
    PCMU="application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0"
    # shellcheck disable=SC2046
    lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env_python) "$LAB_PY" -u "$HERE/latch_server.py" \
        --address 0.0.0.0 --port $RTP --negotiate $SDP_IN --public-address "$LAB_SERVER_IP" \
        --seconds $((CALL_S + 10))
    S=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || { lab_fail "the passive peer did not start"; finish; }
    client=(rtpbin name=rb
        comedia-rtpsrc session=s stream=1 component=1 port=$CRTP caps=$PCMU ! rb.recv_rtp_sink_0
        comedia-rtpsrc session=s stream=1 component=2 port=$((CRTP + 1)) ! rb.recv_rtcp_sink_0
        audiotestsrc is-live=true samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc
        ! rtppcmupay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 async=false
        rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false
        rb. ! rtppcmudepay ! mulawdec ! fakesink name=decoded silent=false async=false
        tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! sdp-negotiator role=offerer session=s dtls=require
        ! tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    run_gst "$LAB_NS_CLIENT" "$CLOG" $CALL_S "${client[@]}"
    C=$LAB_LAST_PID
    lab_wait_nat_mapping $CRTP 10 || true
    MAP=$LAB_MAPPING
    wait "$C" || true
    lab_stop "$S" 5
    sval() { sed -n "s/^$1=//p" "$SLOG" | tail -1; }
    lab_check "the passive peer ended cleanly (exit $LAB_STOP_RC, $(sval errors) errors)" \
        [ "$LAB_STOP_RC" = 0 -a "$(sval errors)" = 0 -a "$(problems "$SLOG")" = 0 ]
    lab_sdp_of "$CLOG" sdp-negotiator-offer-created >"$LAB_TMP/offer.sdp"
    lab_sdp_of "$CLOG" sdp-negotiator-answer-received >"$LAB_TMP/answer.sdp"
    lab_check "the offer was DTLS over COMEDIA (UDP/TLS/RTP/SAVP, a=setup:active, a fingerprint)" \
        eval 'grep -q "^m=audio 9 UDP/TLS/RTP/SAVP" "$LAB_TMP/offer.sdp" && grep -q "^a=setup:active" "$LAB_TMP/offer.sdp" &&
              grep -q "^a=fingerprint:sha-256" "$LAB_TMP/offer.sdp"'
    lab_check "the answer was a=setup:passive with a fingerprint" \
        eval 'grep -q "^a=setup:passive" "$LAB_TMP/answer.sdp" && grep -q "^a=fingerprint:sha-256" "$LAB_TMP/answer.sdp"'
    for c in 1 2; do
        v=$(grep -anE "event=comedia-dtls time=[0-9.]* component=$c .*state=verified" "$SLOG" | head -1 | cut -d: -f1 || true)
        l=$(grep -anE "event=comedia-latched time=[0-9.]* component=$c " "$SLOG" | head -1 | cut -d: -f1 || true)
        lab_check "component $c: comedia-dtls verified (line ${v:-none}) before comedia-latched (line ${l:-none})" \
            eval '[ -n "$v" ] && [ -n "$l" ] && [ "$v" -lt "$l" ]'
    done
    latched=$(grep -am1 'event=comedia-latched time=[0-9.]* component=1 ' "$SLOG" | sed -n 's/.*address=\([^ ]*\) port=\([0-9]*\).*/\1 \2/p' || true)
    lab_check "latched on the NAT's mapping (${latched/ /:} = ${MAP/ /:})" [ -n "$latched" -a "$latched" = "$MAP" ]
    lab_check "the active side verified the passive one" has "$CLOG" 'comedia-dtls.*state=(string)verified'
    passed=$(sval src.1.passed) cf=$(frames "$CLOG" decoded)
    lab_check "the passive peer passed the active one's audio ($passed packets)" [ "${passed:-0}" -ge 200 ]
    lab_check "the active peer decoded the passive one's audio ($cf buffers)" [ "$cf" -ge 200 ]
    lab_check "nothing failed or went unauthenticated (failed: $(count "$SLOG" 'state=failed'), auth-failed $(sval src.1.auth-failed))" \
        [ "$(count "$SLOG" 'state=failed')" = 0 -a "$(sval src.1.auth-failed)" = 0 ]
    # The server role posts no "started" (the client's side does): the
    # handshake is timed from the answer (the stream's plan) to verified,
    # i.e. the answer's way to the peer, its ClientHello, the cookie
    # exchange and the handshake, through the NAT.
    t_a=$(grep -am1 'event=sdp-negotiator-stream' "$SLOG" | sed -n 's/.* time=\([0-9.]*\) .*/\1/p' || true)
    t_v=$(grep -am1 'event=comedia-dtls time=[0-9.]* component=1 .*state=verified' "$SLOG" | sed -n 's/.* time=\([0-9.]*\) .*/\1/p' || true)
    [ -n "$t_a" ] && [ -n "$t_v" ] &&
        lab_log "handshake through the NAT (passive side, answer -> comedia-dtls verified): $(awk -v a="$t_a" -v b="$t_v" 'BEGIN{printf "%.1f", (b - a) * 1000}') ms"
    finish
fi

# --- baresip ---------------------------------------------------------------------
if [ "${SCENARIO%-ice}" = baresip ]; then
    PHONE=$LAB_TMP/phone
    mkdir -p "$PHONE"
    "${LAB_STOCK[@]}" gst-launch-1.0 -q audiotestsrc num-buffers=60 samplesperbuffer=800 freq=440 \
        ! audio/x-raw,rate=8000,channels=1,format=S16LE ! wavenc ! filesink location="$PHONE/tone.wav"
    if [ "$SCENARIO" = baresip-ice ]; then
        lab_baresip_config "$PHONE" dtls_srtp.so ice.so
        echo "<sip:phone@$LAB_CLIENT_IP>;regint=0;mediaenc=dtls_srtp;medianat=ice" >"$PHONE/accounts"
    else
        lab_baresip_config "$PHONE" dtls_srtp.so
        echo "<sip:phone@$LAB_CLIENT_IP>;regint=0;mediaenc=dtls_srtp" >"$PHONE/accounts"
    fi
    # shellcheck disable=SC2046
    lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env_python) "$LAB_PY" -u "$HERE/latch_server.py" \
        --address 0.0.0.0 --port $RTP --sip $SIP --public-address "$LAB_SERVER_IP" \
        --sdp-log "$LAB_TMP/sip.sdp" --seconds $((CALL_S + 10))
    S=$LAB_LAST_PID
    lab_wait_udp "$LAB_NS_SERVER" $SIP 15 || { lab_fail "the server did not start"; finish; }
    lab_baresip_dial "$PHONE" "$LAB_TMP/phone.log" $CALL_S "sip:server@$LAB_SERVER_IP:$SIP"
    P=$LAB_LAST_PID
    lab_wait_offer_mapping "$LAB_TMP/sip.sdp" 10 || true
    MAP=$LAB_MAPPING
    wait "$P" || true
    lab_stop "$S" 5
    val() { sed -n "s/^$1=//p" "$SLOG" | tail -1; }
    PLOG=$LAB_TMP/phone.log
    phone_rx=$(sed -n 's/^packets: *[0-9]* *\([0-9]*\).*/\1/p' "$PLOG" | tail -1)
    phone_tx=$(sed -n 's/^packets: *\([0-9]*\).*/\1/p' "$PLOG" | tail -1)
    latched=$(grep -m1 'event=comedia-latched.*component=1' "$SLOG" | sed -n 's/.*address=\([^ ]*\) port=\([0-9]*\).*/\1 \2/p' || true)

    passed=$(val src.1.passed)
    if [ "$SCENARIO" = baresip-ice ]; then
        # Not an assertion: what baresip does with ICE from behind the NAT.
        echo "baresip with ICE: phone sent ${phone_tx:-?} received ${phone_rx:-?}; server passed ${passed:-0}"
        cat "$LAB_TMP/sip.sdp"
        grep -aE 'event=|ice|ICE|dtls|DTLS' "$SLOG" "$PLOG" | grep -v comedia-rejected | tail -30 || true
        exit 0
    fi
    lab_check "server ended cleanly (exit $LAB_STOP_RC, $(problems "$SLOG") error lines)" \
        [ "$LAB_STOP_RC" = 0 -a "$(problems "$SLOG")" = 0 ]
    lab_check "the answer is UDP/TLS/RTP/SAVPF with a=setup:passive" \
        eval 'awk "/^--- answer/{a=1} /^--- offer/{a=0} a" "$LAB_TMP/sip.sdp" > "$LAB_TMP/answer.sdp" &&
              grep -q "^m=audio [1-9][0-9]* UDP/TLS/RTP/SAVPF" "$LAB_TMP/answer.sdp" && grep -q "a=setup:passive" "$LAB_TMP/answer.sdp"'
    lab_check "the call was established" grep -q 'Call established' "$PLOG"
    lab_check "comedia-dtls verified for RTP" grep -q 'event=comedia-dtls.*component=1 .*state=verified' "$SLOG"
    lab_check "RTP latched on the NAT's mapping (${latched:-none} = ${MAP:-?})" [ -n "$latched" -a "$latched" = "$MAP" ]
    lab_check "the server received the phone's audio (${passed:-0} packets; the phone sent ${phone_tx:-?})" \
        [ "${passed:-0}" -ge 200 ]
    lab_check "the phone received the server's audio (${phone_rx:-0} packets)" [ "${phone_rx:-0}" -ge 200 ]
    lab_check "nothing failed to authenticate from the phone ($(val src.1.auth-failed-peer))" [ "$(val src.1.auth-failed-peer)" = 0 ]
    finish
fi

# --- attacks: latch_server.py with dtls-fingerprint, openssl s_client + rtp_peer.py ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=peer \
    -keyout "$LAB_TMP/peer.key" -out "$LAB_TMP/peer.pem" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=peer \
    -keyout "$LAB_TMP/other.key" -out "$LAB_TMP/other.pem" 2>/dev/null
fp_of() { echo "sha-256 $(openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2)"; }
PEER_FP=$(fp_of "$LAB_TMP/peer.pem") OTHER_FP=$(fp_of "$LAB_TMP/other.pem")
lab_add_public_host attacker $ATTACKER_IP
ATTACKER_NS=$LAB_LAST_NS
SPRAY_IPS=$ATTACKER_IP
if [ "$SCENARIO" = attack-spray ]; then
    for i in 67 68 69; do
        ip -n "$ATTACKER_NS" addr add 203.0.113.$i/24 dev eth0
        SPRAY_IPS+=",203.0.113.$i"
    done
fi
# Under AddressSanitizer the server runs with a small quarantine (the
# default keeps 256 MiB of freed blocks: 198 MiB of RSS seen under the spray)
# and unwinds fast at each malloc (the suite's slow unwinding made OpenSSL's
# cookie check ~1 ms: the server read 480 ClientHellos a second and the real
# peer's were lost among the rest); reports keep shorter stack traces.  Its
# allocator still keeps size-class regions and shadow memory: +19-21 MiB of
# RSS (+3.3 MiB plain), so the RSS bound is 64 MiB there, which still tells a
# bounded server from one that keeps anything per ClientHello (20 000 of them
# at even 4 KiB each would be 78 MiB).  The other bounds are the same.
SERVER_ASAN=() RSS_BOUND_MIB=16
if [ -n "${COMEDIA_ASAN_LIB:-}" ]; then
    SERVER_ASAN=(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:quarantine_size_mb=4:fast_unwind_on_malloc=1")
    RSS_BOUND_MIB=64
fi
# shellcheck disable=SC2046
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env_python) "${SERVER_ASAN[@]}" "$LAB_PY" -u "$HERE/latch_server.py" \
    --address 0.0.0.0 --port $RTP --props "dtls-fingerprint=\"$PEER_FP\"" --seconds $((CALL_S + 14)) \
    --recv-log "$LAB_TMP/recv.log"
S=$LAB_LAST_PID
lab_wait_udp "$LAB_NS_SERVER" $RTP 15 || { lab_fail "the server did not start"; finish; }
for _ in $(seq 50); do has "$SLOG" '^dtls-local-fingerprint=' && break; sleep 0.1; done
lab_proc_sampler "$S" "$LAB_TMP/usage.log"
now() { "$LAB_PY" -c 'import time; print("%.6f" % time.monotonic())'; }

# dtls_client NS IP PORT CERT KEY LOG: a DTLS-SRTP handshake with the server from
# IP:PORT (openssl s_client); on success TX_KEY and RX_KEY (base64 key||salt,
# AES_CM_128_HMAC_SHA1_80) from the exporter, and s_client is killed without
# a close_notify, so that rtp_peer.py takes its port.  T_HELLO: when it started.
dtls_client() {
    local ns=$1 ip=$2 port=$3 cert=$4 key=$5 log=$6 pid km i
    TX_KEY= RX_KEY=
    T_HELLO=$(now)
    ip netns exec "$ns" bash -c 'exec openssl s_client -dtls1_2 -use_srtp SRTP_AES128_CM_SHA1_80 \
        -cert "$1" -key "$2" -bind "$3:$4" -connect "$5" -keymatexport EXTRACTOR-dtls_srtp \
        -keymatexportlen 60 < <(sleep 30)' _ "$cert" "$key" "$ip" "$port" "$LAB_SERVER_IP:$RTP" >"$log" 2>&1 &
    pid=$!
    LAB_PIDS+=("$pid")
    for ((i = 0; i < 80; i++)); do
        grep -q 'Keying material:' "$log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    km=$(sed -n 's/.*Keying material: *\([0-9A-Fa-f]*\).*/\1/p' "$log" | head -1)
    [ ${#km} = 120 ] || return 1
    # RFC 5764 4.2: client key, server key, client salt, server salt.
    TX_KEY=$(echo "${km:0:32}${km:64:28}" | xxd -r -p | base64)
    RX_KEY=$(echo "${km:32:32}${km:92:28}" | xxd -r -p | base64)
}
# rtp_peer.py as the call's media, from the handshake's port.
media_peer() {  # media_peer SECONDS
    lab_bg "$LAB_NS_CLIENT" "$CLOG" "$LAB_PY" -u "$HERE/rtp_peer.py" --server "$LAB_SERVER_IP" \
        --rtp-port $RTP --local "$LAB_CLIENT_IP" --local-port $CRTP --srtp-key "$TX_KEY" --srtp-rx-key "$RX_KEY" \
        --status "$LAB_TMP/peer.status" --seconds "$1"
    M=$LAB_LAST_PID
}
sval() { sed -n "s/^$1=//p" "$SLOG" | tail -1; }
pval() { sed -n "s/^$1=//p" "$CLOG" | tail -1; }
aval() { sed -n "s/^$1=//p" "$ALOG" | tail -1; }
ev_time() { grep -am1 -E "$1" "$SLOG" | sed -n 's/.* time=\([0-9.]*\) .*/\1/p' || true; }

case $SCENARIO in
attack-mismatch)
    # The attacker, public, with a certificate the server was not told of.
    lab_nsexec "$ATTACKER_NS" bash -c 'timeout 4 openssl s_client -dtls1_2 -use_srtp SRTP_AES128_CM_SHA1_80 \
        -cert "$1" -key "$2" -connect "$3" < <(sleep 3)' _ "$LAB_TMP/other.pem" "$LAB_TMP/other.key" \
        "$LAB_SERVER_IP:$RTP" >"$ALOG" 2>&1 || true
    # ... then RTP toward the same port, plain and as SRTP under a key of its own.
    lab_nsexec "$ATTACKER_NS" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
        --rtp-port $RTP --rate 50 --seconds 1 >>"$ALOG" 2>&1
    lab_nsexec "$ATTACKER_NS" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
        --rtp-port $RTP --rate 50 --seconds 1 --srtp-key "$(head -c 30 /dev/urandom | base64)" >>"$ALOG" 2>&1
    failed=$(grep -am1 'event=comedia-dtls.*state=failed' "$SLOG" || true)
    lab_check "the attacker's handshake failed (comedia-dtls failed)" [ -n "$failed" ]
    lab_check "... from the attacker's address" eval '[[ "$failed" == *"address=$ATTACKER_IP "* ]]'
    lab_check "... naming the certificate it showed (${OTHER_FP:0:24}...)" eval '[[ "$failed" == *"${OTHER_FP#sha-256 }"* ]]'
    lab_check "... and the one the SDP expects (${PEER_FP:0:24}...)" eval '[[ "$failed" == *"${PEER_FP#sha-256 }"* ]]'
    lab_check "nothing latched on the attacker" eval '! grep -aq "event=comedia-latched" "$SLOG"'
    lab_check "nothing passed ($(wc -l <"$LAB_TMP/recv.log") RTP packets downstream)" [ ! -s "$LAB_TMP/recv.log" ]
    # Then the real peer, behind the NAT, gets in.
    if dtls_client "$LAB_NS_CLIENT" "$LAB_CLIENT_IP" $CRTP "$LAB_TMP/peer.pem" "$LAB_TMP/peer.key" "$LAB_TMP/handshake.log"; then
        media_peer 2
        wait "$M" || true
    fi
    lab_wait_nat_mapping $CRTP 1 || true
    lab_stop "$S" 5
    v=$(grep -am1 'event=comedia-dtls.*state=verified' "$SLOG" || true)
    lab_check "then the real peer was verified, on the NAT's mapping (${LAB_MAPPING/ /:})" \
        eval '[[ -n "$LAB_MAPPING" && "$v" == *"address=${LAB_MAPPING% *} port=${LAB_MAPPING#* } "* ]]'
    lab_check "and its audio passed ($(wc -l <"$LAB_TMP/recv.log") packets)" [ "$(wc -l <"$LAB_TMP/recv.log")" -ge 50 ]
    lab_check "no error from the server ($(sval errors))" [ "$(sval errors)" = 0 ]
    finish ;;

attack-spray|attack-copycat)
    if [ "$SCENARIO" = attack-spray ]; then
        # Before the call: 1.5 s of spray alone, then the call in it.
        SPRAY_S=$((CALL_S + 4))
        T_SPRAY=$(now)
        lab_bg "$ATTACKER_NS" "$ALOG" "$LAB_PY" -u "$HERE/rtp_attacker.py" hello --server "$LAB_SERVER_IP" \
            --rtp-port $RTP --ips "$SPRAY_IPS" --sockets 32 --rate 2000 --seconds $SPRAY_S \
            --hello "$LAB_TMP/client-hello.bin"
        A=$LAB_LAST_PID
        sleep 1.5
    fi
    dtls_client "$LAB_NS_CLIENT" "$LAB_CLIENT_IP" $CRTP "$LAB_TMP/peer.pem" "$LAB_TMP/peer.key" "$LAB_TMP/handshake.log" ||
        lab_fail "the real peer's handshake did not complete ($(tail -1 "$LAB_TMP/handshake.log"))"
    T_KEYS=$(now)
    media_peer $CALL_S
    if [ "$SCENARIO" = attack-copycat ]; then
        sleep 2
        # The peer's SSRC and next sequence numbers, as an on-path observer sees
        # them: plain RTP first, then SRTP under a key of its own.
        lab_bg "$ATTACKER_NS" "$ALOG" "$LAB_PY" -u "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
            --rtp-port $RTP --rate 50 --seconds 1.5 --copy-from "$LAB_TMP/peer.status" --copy-at 0 --copy-seq
        A=$LAB_LAST_PID
        wait "$A" || true
        lab_nsexec "$ATTACKER_NS" "$LAB_PY" -u "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
            --rtp-port $RTP --rate 50 --seconds 1.5 --copy-from "$LAB_TMP/peer.status" --copy-at 0 --copy-seq \
            --srtp-key "$(head -c 30 /dev/urandom | base64)" >"$LAB_TMP/attacker2.log" 2>&1
    fi
    lab_wait_nat_mapping $CRTP 1 || true
    MAP=$LAB_MAPPING
    wait "$M" || true
    T_END=$(now)
    [ "$SCENARIO" = attack-spray ] && { wait "$A" || true; }
    lab_stop "$S" 5
    v=$(grep -am1 'event=comedia-dtls.*state=verified' "$SLOG" || true)
    lab_check "the real peer was verified, on the NAT's mapping (${MAP/ /:})" \
        eval '[[ -n "$MAP" && "$v" == *"address=${MAP% *} port=${MAP#* } "* ]]'
    lab_check "latched once, on the peer, never moved ($(count "$SLOG" 'event=comedia-latched') latch, $(count "$SLOG" 'event=comedia-relatched') relatch)" \
        eval '[ "$(count "$SLOG" "event=comedia-latched.*component=1")" = 1 ] && ! grep -aq "event=comedia-relatched" "$SLOG" &&
              grep -a "event=comedia-latched.*component=1" "$SLOG" | grep -q "address=${MAP% *} port=${MAP#* } "'
    ssrc=$(pval ssrc) sent=$(pval sent.rtp)
    got=$(sval "rtp.passed.$ssrc")
    lab_check "the server passed every packet of the call (${got:-0} of ${sent:-?})" \
        eval '[ -n "$sent" ] && [ "${got:-0}" -ge "$((sent - 2))" ]'
    lab_check "only the peer's SSRC passed ($(sval rtp.ssrcs))" [ "$(sval rtp.ssrcs)" = "$ssrc" ]
    lab_check "the peer received the server's audio ($(pval rx.rtp) packets, $(pval rx.auth-failed) not authentic)" \
        [ "$(pval rx.rtp)" -ge $((CALL_S * 40)) -a "$(pval rx.auth-failed)" = 0 ]
    t_v=$(ev_time 'event=comedia-dtls.*state=verified')
    lab_log "handshake through the NAT: s_client start -> comedia-dtls verified $(awk -v a="$T_HELLO" -v b="$t_v" 'BEGIN{printf "%.0f", (b - a) * 1000}') ms"
    if [ "$SCENARIO" = attack-spray ]; then
        sent_hello=$(aval sent.hello) secs=$(aval seconds)
        read -r rss0 rssmax cpu < <(lab_proc_usage "$LAB_TMP/usage.log" "$T_SPRAY" "$T_END")
        lab_log "spray: $sent_hello ClientHellos in ${secs}s from $(aval sources | tr ',' '\n' | wc -l) sources, $(aval rx) datagrams back;" \
            "server RSS ${rss0} -> max ${rssmax} KiB, CPU ${cpu}% of a core;" \
            "dtls-received $(sval src.1.dtls-received) dtls-candidates $(sval src.1.dtls-candidates) dtls-dropped $(sval src.1.dtls-dropped)"
        lab_check "the spray ran ($sent_hello ClientHellos, ${secs}s)" [ "${sent_hello:-0}" -ge 10000 ]
        lab_check "the server's RSS grew less than $RSS_BOUND_MIB MiB under the spray (${rss0} -> ${rssmax} KiB)" \
            [ $((rssmax - rss0)) -lt $((RSS_BOUND_MIB * 1024)) ]
        lab_check "the server used less than 60% of a core during the spray (${cpu}%)" \
            awk -v c="$cpu" 'BEGIN{exit !(c < 60)}'
        lab_check "no spray source became more than a candidate it could not finish ($(sval src.1.dtls-failed) failed)" \
            [ "$(sval src.1.dtls-candidates)" -le 64 ]
    else
        copied=$(aval sent.copied) copied2=$(sed -n 's/^sent.copied=//p' "$LAB_TMP/attacker2.log")
        af=$(sval src.1.auth-failed)
        lab_check "the copycat sent the peer's SSRC (${copied:-0} plain, ${copied2:-0} SRTP)" \
            [ "${copied:-0}" -ge 50 -a "${copied2:-0}" -ge 50 ]
        # All of it is dropped by SRTP: auth-failed, or replayed when the peer's
        # own packet with that sequence number came first (libsrtp checks the
        # replay window before the tag).  A datagram may be lost on a busy
        # machine, hence 95 %.
        rp=$(sval src.1.replayed)
        lab_check "dropped by SRTP: $af auth-failed + ${rp:-0} replayed of $((copied + copied2)) sent" \
            [ $((af + rp)) -ge $(((copied + copied2) * 95 / 100)) ]
        lab_check "none of it passed: the peer's SSRC passed only the peer's packets ($got of $sent)" [ "${got:-0}" -le "$sent" ]
        lab_check "none counted against the peer ($(sval src.1.auth-failed-peer))" [ "$(sval src.1.auth-failed-peer)" = 0 ]
    fi
    lab_check "no error from the server ($(sval errors))" [ "$(sval errors)" = 0 ]
    finish ;;
esac
