#!/bin/bash
# test-browser-nat.sh [--build DIR] SCENARIO
#
# Real browsers behind the port-random NAT of scripts/lab/natlab.sh call a
# gst-launch-style comedia server line (ICE + DTLS-SRTP, Opus and VP8):
# examples/browser/signalling.py in the server namespace serves
# examples/browser/index.html, the browser (headless, fake camera and
# microphone, examples/browser/headless-browser.sh) runs in the client
# namespace behind the NAT, the page's own JavaScript makes the offer,
# POSTs it and reports its getStats() every second; the server decodes what
# the browser sends.  No stub stands in for the browsers.  The steps and
# checks of a call, shared with test-deploy-nat.sh: tests/lab/browser.sh.
# Scenarios:
#   browser-chromium              Chromium, bundlePolicy balanced, non-trickle
#   browser-firefox               Firefox ESR as shipped (mDNS host candidates),
#                                 balanced, non-trickle
#   browser-chromium-trickle      the offer POSTed before gathering completes (trickle ICE)
#   browser-firefox-trickle       Firefox the same
#   browser-chromium-max-bundle   bundlePolicy max-bundle, non-trickle
#   browser-firefox-max-bundle    Firefox the same
#   browser-chromium-tcp          Chromium as browser-chromium, the NAT drops every
#                                 UDP packet from the client's side (a firewall that
#                                 lets only TCP out): the call connects over ICE-TCP
#                                 (RFC 6544, sdp-negotiator's ice-tcp, on by default)
# Every answer accepts the offer's BUNDLE (signalling.py --bundle-policy
# max-bundle, its default): one nicesrc/nicesink, one DTLS association, the
# video through the decoder's src_2 and the encoder's sink_2.
# The others check that with ice-tcp on (our answer has TCP candidates too)
# the pair is still UDP; browser-chromium-tcp that the NAT dropped the
# browser's UDP, that the offer has its tcptype active candidates and the
# answer our tcptype passive ones, and that both sides' selected pair is TCP
# (the page's candidate protocol, the server's local-transport).
# The trickle scenarios also check that the offer left before gathering was
# complete and that the candidates the browser trickled after it (POSTed to
# /candidate) were applied through sdp-negotiator's add-ice-candidate.
# Each checks: an answer came (UDP/TLS/RTP/SAVPF, a=setup:passive), the
# browser's ICE and DTLS connected, the browser decoded the server's VP8
# (framesDecoded) and received its Opus (packets, bytes, audio energy), the
# server decoded the browser's VP8 frames and Opus (level above silence).
#
# Firefox: as shipped, its host candidates are mDNS names (<uuid>.local),
# which sdp-negotiator tries to resolve in the background (resolve-mdns);
# from behind the NAT they cannot be (mDNS is link-local; in the lab the
# server's lookups fail at once, scripts/lab/lab-resolver.sh): each ends in a
# warning "not resolved" (candidates-skipped), and the call
# connects through the peer-reflexive candidate its checks make at the NAT.
#
# What the browsers offer here (captured in this lab, 2026-12-07), key lines
# (LAB_KEEP=1 keeps offer.sdp and answer.sdp):
# Chromium 156 (Debian chromium), bundlePolicy balanced, non-trickle:
#   a=group:BUNDLE 0 1   a=extmap-allow-mixed   a=msid-semantic: WMS <id>
#   m=audio 48932 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126   c=IN IP4 192.168.77.2
#   a=rtcp:9 IN IP4 0.0.0.0
#   a=candidate:... 1 udp 2122260223 192.168.77.2 48932 typ host generation 0 network-id 1
#   a=candidate:... 1 tcp 1518280447 192.168.77.2 9 typ host tcptype active ...
#   a=ice-ufrag/a=ice-pwd (the same on both m-lines)  a=ice-options:trickle
#   a=fingerprint:sha-256 ...  a=setup:actpass  a=mid:0  a=extmap:1..4 (audio-level,
#   abs-send-time, transport-wide-cc, sdes:mid)  a=sendrecv  a=msid  a=rtcp-mux
#   a=rtcp-rsize  a=rtcp-xr:rcvr-rtt=all  a=rtpmap:111 opus/48000/2
#   a=rtcp-fb:111 transport-cc  a=fmtp:111 minptime=10;useinbandfec=1, red/48000/2,
#   G722, PCMU, PCMA, CN, telephone-event  a=ssrc:... cname/msid
#   m=video 44286 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117
#   39 40 45 46 98 99 100 101 118 119 120: VP8 96 (rtx 97), H264 x6, AV1 45,
#   VP9 98/100, red 118, ulpfec 120, each with rtcp-fb goog-remb, transport-cc,
#   ccm fir, nack, nack pli; 11 a=extmap; a=ssrc-group:FID (rtx); the same
#   candidates (its own port), a=mid:1.
# Firefox ESR 153 (Debian firefox-esr), balanced, non-trickle, with
# media.peerconnection.ice.obfuscate_host_addresses=false:
#   session level: a=sendrecv a=fingerprint:sha-256 ... a=group:BUNDLE 0 1
#   a=ice-options:trickle a=msid-semantic:WMS *
#   m=audio 59297 UDP/TLS/RTP/SAVPF 109 9 0 8 101   c=IN IP4 192.168.77.2
#   a=candidate:0 1 UDP 2122252543 192.168.77.2 59297 typ host
#   a=candidate:1 1 TCP 2105524479 192.168.77.2 9 typ host tcptype active
#   a=candidate:0 2 UDP 2122252542 192.168.77.2 56920 typ host   (component 2
#   next to a=rtcp-mux) + its TCP twin   a=end-of-candidates   a=extmap (4)
#   a=rtcp:56920 IN IP4 192.168.77.2  a=rtcp-mux  a=rtpmap:109 opus/48000/2
#   a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1  a=setup:actpass
#   a=mid:0  a=msid  a=ssrc:... cname
#   m=video 49254 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 119: VP8 120
#   (rtx 124), VP9 121, AV1 99, ulpfec 123, red 122; no H.264; a=rtcp-rsize,
#   a=ssrc-group:FID, a=mid:1.
#   With mDNS on (as shipped) its host candidates are <uuid>.local names.
# Chromium 156, bundlePolicy max-bundle: as balanced, but candidates only in
#   m=audio; m=video 9 UDP/TLS/RTP/SAVPF 96 ... c=IN IP4 0.0.0.0, no candidate,
#   the same ice-ufrag, NO a=bundle-only, a=mid:1.
# Firefox ESR 153, bundlePolicy max-bundle: m=audio 9 with the candidates
#   (mDNS), m=video 0 ... a=bundle-only, the same ice-ufrag, a=mid:1.
# In balanced + trickle, Chromium trickles a candidate for each m-line's own
#   transport before our answer: those of m-line 1 (bundled away by the
#   answer) are ignored quietly (negotiatortrickle.cpp), not warned about.
# comedia's answer (both browsers alike, either policy; formats=OPUS,VP8):
#   a=group:BUNDLE 0 1 (--bundle-policy none: no a=group, each m-line its
#   own ICE transport and DTLS, as before)
#   c=IN IP4 203.0.113.10
#   m=audio 56021 UDP/TLS/RTP/SAVPF 111   a=mid:0 a=rtcp-rsize a=rtpmap:111
#   opus/48000/2 a=fmtp:111 minptime=10;useinbandfec=1 a=ice-ufrag/a=ice-pwd
#   a=candidate:1 1 UDP 2015363327 203.0.113.10 56021 typ host
#   a=ice-options:trickle a=rtcp-mux a=sendrecv a=msid:comedia audio1
#   a=fingerprint:sha-256 ... a=setup:passive
#   m=video 56021 UDP/TLS/RTP/SAVPF 96   a=mid:1 a=rtcp-rsize a=rtpmap:96 VP8/90000
#   a=rtcp-fb:96 ccm fir, nack pli, and the same port and ICE/DTLS lines
#   (ufrag, pwd, fingerprint, setup:passive), no candidate (bundled: m=audio's
#   transport); on both m-lines the offer's sdes:mid a=extmap (Chromium's
#   id 4, Firefox's 3) and no other.  The browsers then put the mid in their
#   first packets of each SSRC (Chromium 93 of 740 RTP packets, Firefox 245
#   of 788 here, dec1's bundle-routed-by-mid) and dec1 routes the rest by
#   the SSRC learnt (bundle-unrouted=0: nothing lost); comedia-dtlssrtpenc
#   writes the mid into every packet it sends: with the extension
#   negotiated and without it there, Chromium received none of the server's
#   audio or video (inAudio/inVideo empty: no mid, no a=ssrc for the SSRC,
#   no payload-type fallback).  Bundled, only stream 1 is in the
#   agent (one ice-selected-pair) and "dtls stream 1" counts both m-lines.
#   The browser's checks arrive from the NAT: prflx 203.0.113.1:PORT -> host
#   203.0.113.10.  The answerer's agent is controlled from before it gathers
#   (IceAgent::gather): libnice 0.1.21 ignores a change of controlling-mode
#   once its checks began ("role switch requested but conncheck already
#   started", NICE_DEBUG=all), and when the role came only with the remote
#   description Chromium first got a 487 "Role conflict" from libnice and
#   had to switch itself.  Chromium sends its first VP8 key frame the moment
#   its side of DTLS ends, before comedia-dtlssrtpdec has its keys: the
#   decoder holds what comes before them and unprotects it once they come
#   (held-before-handshake 4, dropped-before-handshake 0 here; Firefox 5),
#   so that key frame is decoded and no PLI is needed (the browser's
#   outbound pliCount 0, keyFramesEncoded 1; before the hold: 1 and 2).
#   The other way, comedia-dtlssrtpenc never sends before its keys, so the
#   browser asks for the server's key frame once (inbound pliCount 1).
# browser-chromium-tcp (2026-12-07, Chromium 156, UDP from the client dropped
#   at the NAT): the offer is browser-chromium's; its TCP candidates, one per
#   m-line (balanced bundle):
#     a=candidate:4289596891 1 tcp 1518280447 192.168.77.2 9 typ host tcptype active
#     generation 0 network-id 1
#   The answer adds to its UDP host candidate our two TCP ones:
#     a=candidate:2 1 TCP 1015021823 203.0.113.10 9 typ host tcptype active
#     a=candidate:3 1 TCP 1010827519 203.0.113.10 42029 typ host tcptype passive
#   The NAT drops the browser's UDP checks (17 packets counted); Chromium
#   connects to the passive candidate, its pair "prflx 203.0.113.1:45495 ->
#   host 203.0.113.10:35397" protocol tcp (the NAT's TCP mapping), ours
#   local-transport tcp-passive; media and DTLS over it as over UDP.  The
#   test took 20-27 s (the call 10 s of it).  In browser-chromium the
#   answer has the same TCP lines and the pair stays udp on both sides.
# Before BUNDLE was accepted (2026-12-07), max-bundle Chromium refused the
#   answer: "Failed to set remote answer sdp: Answer cannot remove m= section
#   with mid='0' from already-established BUNDLE group."
#
# LAB_KEEP=1 keeps the logs (and the offer/answer in $LAB_TMP/*.sdp).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-browser-nat.sh browser-chromium|browser-firefox|browser-chromium-max-bundle|browser-firefox-max-bundle|browser-chromium-trickle|browser-firefox-trickle|browser-chromium-tcp}
HTTP=8080
CALL_S=${BROWSER_CALL_S:-10}     # from the answer on
case $SCENARIO in
    browser-chromium)            BROWSER=chromium QUERY="bundlePolicy=balanced&trickle=off" ;;
    browser-chromium-max-bundle) BROWSER=chromium QUERY="bundlePolicy=max-bundle&trickle=off" ;;
    browser-chromium-trickle)    BROWSER=chromium QUERY="bundlePolicy=balanced&trickle=on" ;;
    browser-firefox)             BROWSER=firefox QUERY="bundlePolicy=balanced&trickle=off" ;;
    browser-firefox-trickle)     BROWSER=firefox QUERY="bundlePolicy=balanced&trickle=on" ;;
    browser-firefox-max-bundle)  BROWSER=firefox QUERY="bundlePolicy=max-bundle&trickle=off" ;;
    browser-chromium-tcp)        BROWSER=chromium QUERY="bundlePolicy=balanced&trickle=off" ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
# shellcheck source=browser.sh
source "$HERE/browser.sh"
lab_trap
lab_require
BIN=$BROWSER; [ "$BROWSER" = firefox ] && BIN=firefox-esr
browser_require "$BIN"
lab_gst_env "$BUILD"
lab_up random
[ "$SCENARIO" = browser-chromium-tcp ] && lab_block_client_udp
SLOG=$LAB_TMP/server.log BLOG=$LAB_TMP/browser.log

finish() { browser_finish "browser-nat $SCENARIO" "$SLOG" "$BLOG"; }

browser_signalling "$LAB_NS_SERVER" "$SLOG" $HTTP --public-address "$LAB_SERVER_IP" --snapshot "$LAB_TMP/frame.png" ||
    { lab_fail "signalling.py did not start"; finish; }
S=$LAB_LAST_PID
browser_open "$LAB_NS_CLIENT" "$BLOG" $BROWSER "http://$LAB_SERVER_IP:$HTTP/?$QUERY" "$LAB_TMP/home"
B=$LAB_LAST_PID

# The call: from the answer on, CALL_S seconds.
browser_wait_answer "$SLOG"
lab_log "the call runs ${CALL_S} s from here"
sleep "$CALL_S"
lab_stop "$B" 3
lab_stop "$S" 5
SERVER_RC=$LAB_STOP_RC

# The offer and the answer, as signalling.py printed them; the verdicts.
browser_results "$SLOG" "$LAB_TMP"
browser_checks "$SLOG" "$LAB_TMP" "$SERVER_RC" "$LAB_SERVER_IP"
# BUNDLE's mid header extension (RFC 9143 9.2): the answer keeps the offer's
# sdes:mid a=extmap, its id, on both m-lines and no other extmap; the browser
# then names the m-line in its packets and dec1 routes by it (its stats
# bundle-routed-by-mid), nothing lost (bundle-unrouted).
mid_id=$(sed -n 's|^a=extmap:\([0-9]*\) urn:ietf:params:rtp-hdrext:sdes:mid.*|\1|p' "$LAB_TMP/offer.sdp" | head -1)
lab_check "the answer keeps the offer's sdes:mid a=extmap (id ${mid_id:-none}) on both m-lines, no other a=extmap" \
    eval '[ -n "$mid_id" ] && [ "$(grep -c "^a=extmap:$mid_id urn:ietf:params:rtp-hdrext:sdes:mid" "$LAB_TMP/answer.sdp")" = 2 ] &&
          [ "$(grep -c "^a=extmap" "$LAB_TMP/answer.sdp")" = 2 ]'
dec1=$(grep -a '^dtls stream 1:' "$SLOG" | tail -1)
by_mid=$(sed -n 's/.* bundle-routed-by-mid=\([0-9]*\).*/\1/p' <<<"$dec1")
unrouted=$(sed -n 's/.* bundle-unrouted=\([0-9]*\).*/\1/p' <<<"$dec1")
lab_check "dec1 routed the browser's RTP by its mid extension (${by_mid:-no} packets of $(sed -n 's/.* passed-rtp=\([0-9]*\).*/\1/p' <<<"$dec1"), bundle-unrouted ${unrouted:-none})" \
    [ "${by_mid:-0}" -ge 1 -a "${unrouted:-x}" = 0 ]
# What the browser sent before dec1 had its keys (its handshake ends first)
# was held, not lost: the first key frame among it.
held=$(sed -n 's/.* held-before-handshake=\([0-9]*\).*/\1/p' <<<"$dec1")
early_lost=$(sed -n 's/.* dropped-before-handshake=\([0-9]*\).*/\1/p' <<<"$dec1")
lab_check "dec1 lost nothing that came before its keys (held ${held:-?}, dropped-before-handshake ${early_lost:-none})" \
    [ "${early_lost:-x}" = 0 ]
if [ "${SCENARIO%-trickle}" != "$SCENARIO" ]; then
    # Without the add-ice-candidate signal these calls still connect: the
    # server learns the browser's address from its checks (peer-reflexive).
    later=$(grep -ac '^trickled by the browser: m-line [0-9]*: candidate:' "$SLOG" || true)
    lab_check "the offer left before gathering was complete: $later candidates came after it ($(grep -c '^a=candidate' "$LAB_TMP/offer.sdp" || true) in it)" \
        [ "$later" -ge 1 ]
    lab_check "and their end (end-of-candidates POSTed)" grep -aq '^trickled by the browser: .*end-of-candidates' "$SLOG"
    # Skipped (an mDNS name, a TCP candidate): a warning, and the call goes on.
    lab_check "sdp-negotiator took them ($(grep -ac '^  applied' "$SLOG" || true) applied, $(grep -ac '^  skipped' "$SLOG" || true) skipped, $(grep -ac '^  not applied' "$SLOG" || true) without add-ice-candidate)" \
        eval 'grep -aq "^  applied" "$SLOG" && ! grep -aq "^  not applied" "$SLOG"'
fi
# The server's selected pairs, our side's transport of each (udp,
# tcp-passive, tcp-active), in order.
pairs=$(sed -n 's/^event sdp-negotiator-ice-selected-pair.*local-transport=(string)\([a-z-]*\).*/\1/p' "$SLOG" | tr '\n' ' ')
if [ "$SCENARIO" = browser-chromium-tcp ]; then
    dropped=$(lab_counter "$LAB_NS_NAT" lab_block client_udp_dropped)
    lab_check "the NAT dropped the browser's UDP (${dropped:-0} packets)" [ "${dropped:-0}" -ge 1 ]
    lab_log "the offer's TCP candidates: $(grep -a '^a=candidate:.* tcp ' "$LAB_TMP/offer.sdp" | tr -d '\r' | tr '\n' '|')"
    lab_log "the answer's TCP candidates: $(grep -ai '^a=candidate:.* tcp ' "$LAB_TMP/answer.sdp" | tr -d '\r' | tr '\n' '|')"
    lab_check "the offer has Chromium's ICE-TCP candidates (tcptype active)" \
        grep -aqiE '^a=candidate:.* tcp .* tcptype active' "$LAB_TMP/offer.sdp"
    lab_check "the answer has our passive TCP candidates (tcptype passive)" \
        grep -aqiE '^a=candidate:.* tcp .* tcptype passive' "$LAB_TMP/answer.sdp"
    lab_check "the server's selected pair is TCP (local transports: ${pairs:-none})" \
        eval '[[ " $pairs" == *" tcp-passive "* ]] && ! [[ " $pairs" == *" udp "* ]]'
    lab_check "the browser's selected pair is TCP (protocol '$(browser_field pairProtocol)')" \
        [ "$(browser_field pairProtocol)" = tcp ]
else
    lab_check "with ice-tcp on, the server's selected pair is still UDP (local transports: ${pairs:-none})" \
        eval '[ -n "$pairs" ] && [[ " $pairs" == *" udp " ]]'
fi
if [ "$BROWSER" = firefox ]; then
    # As shipped, Firefox hides its host addresses behind mDNS names: the
    # offer has them (or trickles them); behind the NAT the server cannot
    # resolve them (mDNS is link-local), each lookup ends in a warning, and
    # the call connected without them.
    mdns=$(cat "$LAB_TMP/offer.sdp" "$SLOG" | grep -Eac '(^a=|^trickled by the browser: .*)candidate:.* [0-9a-f-]+\.local [0-9]+ typ host' || true)
    unresolved=$(grep -Eac 'warning from .*ICE candidate [0-9a-f-]+\.local not resolved: ' "$SLOG" || true)
    lab_check "Firefox offered mDNS host candidates ($mdns <uuid>.local lines), not resolvable behind the NAT ($unresolved 'not resolved' warnings), skipped, not refused" \
        [ "${mdns:-0}" -ge 1 -a "${unresolved:-0}" -ge 1 ]
fi
lab_check "the server saved a PNG of the browser's camera" \
    eval '[ "$(head -c 8 "$LAB_TMP/frame.png" 2>/dev/null | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'
lab_log "took $(browser_since) s from the browser's start"
finish
