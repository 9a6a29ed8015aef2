/* Unit tests of what the answer to a browser repeats of its offer
 * (gst/core/sdp/mediaprofile.h, through the real answerer): the offers of
 * Chromium 156 and Firefox ESR 153 as they sent them (IP candidates only;
 * both browsers took the answers these tests check, setRemoteDescription)
 * get an answer with no rtx, red, ulpfec or flexfec, only `nack pli` and
 * `ccm fir` feedback, no a=extmap, a=ssrc or a=ssrc-group, no a=msid but
 * our own, with a=rtcp-rsize echoed and a=mid on every m-line, rejected
 * ones too; the
 * header-extension hook, the sdes:mid a=extmap alone where BUNDLE is
 * accepted, formats named by the application, an m-line left
 * with repair formats only, and a SIP offer that keeps its formats.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "mediaprofile.h"
#include "offerer.h"      /* check_answer_matches_offer */
#include "sdpfakes.h"
#include "sdpparse.h"

#include <string>
#include <vector>

using namespace comedia;

#define OUR_HEX "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:" \
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"

/* Chromium 156.0.8078.129 (Debian 12's chromium, headless, fake devices:
 * --use-fake-device-for-media-stream), bundlePolicy "balanced", audio,
 * video and a data channel, after gathering, as it sent it to
 * sdp-negotiator on 2026-12-07: BUNDLE, opus with red, VP8/H.264/AV1/VP9
 * each with rtx, red and ulpfec, transport-cc and goog-remb, a=rtcp-xr,
 * a=ssrc-group:FID, host candidates (its IPv4 and IPv6, UDP and
 * tcptype active). */
static const char *CHROMIUM_OFFER =
    "v=0\n"
    "o=- 4832770381250622358 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n"
    "a=group:BUNDLE 0 1 2\n"
    "a=extmap-allow-mixed\n"
    "a=msid-semantic: WMS 7fbf5bed-f4d3-4f19-8d15-88a2a530e35c\n"
    "m=audio 49325 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\n"
    "c=IN IP4 192.0.2.2\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=candidate:2304614317 1 udp 2122194687 192.0.2.2 49325 typ host generation 0 "
    "network-id 1\n"
    "a=candidate:1111187021 1 udp 2122265343 fd00::2 34036 typ host generation 0 "
    "network-id 2\n"
    "a=candidate:2012695353 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active "
    "generation 0 network-id 1\n"
    "a=candidate:3163654873 1 tcp 1518285567 fd00::2 9 typ host tcptype active "
    "generation 0 network-id 2\n"
    "a=ice-ufrag:IR2f\n"
    "a=ice-pwd:crh1sxVzrFcpg8AiPhn7n2dk\n"
    "a=ice-options:trickle\n"
    "a=fingerprint:sha-256 "
    "A1:92:AF:39:8A:98:57:B0:4A:F2:EA:8A:03:95:47:2D:8D:3E:7C:CD:CA:73:C1:AB:9F:8C:FA:C1:2A:3C:2E:C4\n"
    "a=setup:actpass\n"
    "a=mid:0\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\n"
    "a=extmap:3 "
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\n"
    "a=sendrecv\n"
    "a=msid:7fbf5bed-f4d3-4f19-8d15-88a2a530e35c 2e45ed95-e439-455a-a202-c6812244cafa\n"
    "a=rtcp-mux\n"
    "a=rtcp-rsize\n"
    "a=rtcp-xr:rcvr-rtt=all\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=rtcp-fb:111 transport-cc\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\n"
    "a=rtpmap:63 red/48000/2\n"
    "a=fmtp:63 111/111\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:13 CN/8000\n"
    "a=rtpmap:110 telephone-event/48000\n"
    "a=rtpmap:126 telephone-event/8000\n"
    "a=ssrc:3145827944 cname:K6Kl/x63lWqTSyJC\n"
    "a=ssrc:3145827944 msid:7fbf5bed-f4d3-4f19-8d15-88a2a530e35c "
    "2e45ed95-e439-455a-a202-c6812244cafa\n"
    "m=video 54548 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117 "
    "39 40 45 46 98 99 100 101 118 119 120\n"
    "c=IN IP4 192.0.2.2\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=candidate:2304614317 1 udp 2122194687 192.0.2.2 54548 typ host generation 0 "
    "network-id 1\n"
    "a=candidate:1111187021 1 udp 2122265343 fd00::2 50218 typ host generation 0 "
    "network-id 2\n"
    "a=candidate:2012695353 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active "
    "generation 0 network-id 1\n"
    "a=candidate:3163654873 1 tcp 1518285567 fd00::2 9 typ host tcptype active "
    "generation 0 network-id 2\n"
    "a=ice-ufrag:IR2f\n"
    "a=ice-pwd:crh1sxVzrFcpg8AiPhn7n2dk\n"
    "a=ice-options:trickle\n"
    "a=fingerprint:sha-256 "
    "A1:92:AF:39:8A:98:57:B0:4A:F2:EA:8A:03:95:47:2D:8D:3E:7C:CD:CA:73:C1:AB:9F:8C:FA:C1:2A:3C:2E:C4\n"
    "a=setup:actpass\n"
    "a=mid:1\n"
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\n"
    "a=extmap:13 urn:3gpp:video-orientation\n"
    "a=extmap:3 "
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
    "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\n"
    "a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type\n"
    "a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing\n"
    "a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\n"
    "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\n"
    "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\n"
    "a=sendrecv\n"
    "a=msid:7fbf5bed-f4d3-4f19-8d15-88a2a530e35c e044fd8d-f755-4fb9-bea7-7dfda4323f6b\n"
    "a=rtcp-mux\n"
    "a=rtcp-rsize\n"
    "a=rtcp-xr:rcvr-rtt=all\n"
    "a=rtpmap:96 VP8/90000\n"
    "a=rtcp-fb:96 goog-remb\n"
    "a=rtcp-fb:96 transport-cc\n"
    "a=rtcp-fb:96 ccm fir\n"
    "a=rtcp-fb:96 nack\n"
    "a=rtcp-fb:96 nack pli\n"
    "a=rtpmap:97 rtx/90000\n"
    "a=fmtp:97 apt=96\n"
    "a=rtpmap:102 H264/90000\n"
    "a=rtcp-fb:102 goog-remb\n"
    "a=rtcp-fb:102 transport-cc\n"
    "a=rtcp-fb:102 ccm fir\n"
    "a=rtcp-fb:102 nack\n"
    "a=rtcp-fb:102 nack pli\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\n"
    "a=rtpmap:103 rtx/90000\n"
    "a=fmtp:103 apt=102\n"
    "a=rtpmap:104 H264/90000\n"
    "a=rtcp-fb:104 goog-remb\n"
    "a=rtcp-fb:104 transport-cc\n"
    "a=rtcp-fb:104 ccm fir\n"
    "a=rtcp-fb:104 nack\n"
    "a=rtcp-fb:104 nack pli\n"
    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\n"
    "a=rtpmap:107 rtx/90000\n"
    "a=fmtp:107 apt=104\n"
    "a=rtpmap:108 H264/90000\n"
    "a=rtcp-fb:108 goog-remb\n"
    "a=rtcp-fb:108 transport-cc\n"
    "a=rtcp-fb:108 ccm fir\n"
    "a=rtcp-fb:108 nack\n"
    "a=rtcp-fb:108 nack pli\n"
    "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\n"
    "a=rtpmap:109 rtx/90000\n"
    "a=fmtp:109 apt=108\n"
    "a=rtpmap:114 H264/90000\n"
    "a=rtcp-fb:114 goog-remb\n"
    "a=rtcp-fb:114 transport-cc\n"
    "a=rtcp-fb:114 ccm fir\n"
    "a=rtcp-fb:114 nack\n"
    "a=rtcp-fb:114 nack pli\n"
    "a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\n"
    "a=rtpmap:115 rtx/90000\n"
    "a=fmtp:115 apt=114\n"
    "a=rtpmap:116 H264/90000\n"
    "a=rtcp-fb:116 goog-remb\n"
    "a=rtcp-fb:116 transport-cc\n"
    "a=rtcp-fb:116 ccm fir\n"
    "a=rtcp-fb:116 nack\n"
    "a=rtcp-fb:116 nack pli\n"
    "a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\n"
    "a=rtpmap:117 rtx/90000\n"
    "a=fmtp:117 apt=116\n"
    "a=rtpmap:39 H264/90000\n"
    "a=rtcp-fb:39 goog-remb\n"
    "a=rtcp-fb:39 transport-cc\n"
    "a=rtcp-fb:39 ccm fir\n"
    "a=rtcp-fb:39 nack\n"
    "a=rtcp-fb:39 nack pli\n"
    "a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f\n"
    "a=rtpmap:40 rtx/90000\n"
    "a=fmtp:40 apt=39\n"
    "a=rtpmap:45 AV1/90000\n"
    "a=rtcp-fb:45 goog-remb\n"
    "a=rtcp-fb:45 transport-cc\n"
    "a=rtcp-fb:45 ccm fir\n"
    "a=rtcp-fb:45 nack\n"
    "a=rtcp-fb:45 nack pli\n"
    "a=fmtp:45 level-idx=5;profile=0;tier=0\n"
    "a=rtpmap:46 rtx/90000\n"
    "a=fmtp:46 apt=45\n"
    "a=rtpmap:98 VP9/90000\n"
    "a=rtcp-fb:98 goog-remb\n"
    "a=rtcp-fb:98 transport-cc\n"
    "a=rtcp-fb:98 ccm fir\n"
    "a=rtcp-fb:98 nack\n"
    "a=rtcp-fb:98 nack pli\n"
    "a=fmtp:98 profile-id=0\n"
    "a=rtpmap:99 rtx/90000\n"
    "a=fmtp:99 apt=98\n"
    "a=rtpmap:100 VP9/90000\n"
    "a=rtcp-fb:100 goog-remb\n"
    "a=rtcp-fb:100 transport-cc\n"
    "a=rtcp-fb:100 ccm fir\n"
    "a=rtcp-fb:100 nack\n"
    "a=rtcp-fb:100 nack pli\n"
    "a=fmtp:100 profile-id=2\n"
    "a=rtpmap:101 rtx/90000\n"
    "a=fmtp:101 apt=100\n"
    "a=rtpmap:118 red/90000\n"
    "a=rtpmap:119 rtx/90000\n"
    "a=fmtp:119 apt=118\n"
    "a=rtpmap:120 ulpfec/90000\n"
    "a=ssrc-group:FID 3346705141 4023014904\n"
    "a=ssrc:3346705141 cname:K6Kl/x63lWqTSyJC\n"
    "a=ssrc:3346705141 msid:7fbf5bed-f4d3-4f19-8d15-88a2a530e35c "
    "e044fd8d-f755-4fb9-bea7-7dfda4323f6b\n"
    "a=ssrc:4023014904 cname:K6Kl/x63lWqTSyJC\n"
    "a=ssrc:4023014904 msid:7fbf5bed-f4d3-4f19-8d15-88a2a530e35c "
    "e044fd8d-f755-4fb9-bea7-7dfda4323f6b\n"
    "m=application 42142 UDP/DTLS/SCTP webrtc-datachannel\n"
    "c=IN IP4 192.0.2.2\n"
    "a=candidate:2304614317 1 udp 2122194687 192.0.2.2 42142 typ host generation 0 "
    "network-id 1\n"
    "a=candidate:1111187021 1 udp 2122265343 fd00::2 53179 typ host generation 0 "
    "network-id 2\n"
    "a=candidate:2012695353 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active "
    "generation 0 network-id 1\n"
    "a=candidate:3163654873 1 tcp 1518285567 fd00::2 9 typ host tcptype active "
    "generation 0 network-id 2\n"
    "a=ice-ufrag:IR2f\n"
    "a=ice-pwd:crh1sxVzrFcpg8AiPhn7n2dk\n"
    "a=ice-options:trickle\n"
    "a=fingerprint:sha-256 "
    "A1:92:AF:39:8A:98:57:B0:4A:F2:EA:8A:03:95:47:2D:8D:3E:7C:CD:CA:73:C1:AB:9F:8C:FA:C1:2A:3C:2E:C4\n"
    "a=setup:actpass\n"
    "a=mid:2\n"
    "a=sctp-port:5000\n"
    "a=max-message-size:262144\n";

/* Firefox 153.8.0esr (Debian 12's firefox-esr, headless, fake media:
 * media.navigator.streams.fake, host addresses not obfuscated so that the
 * candidates are IP addresses, not mDNS names), the same page, 2026-12-07:
 * session-level a=fingerprint and a=sendrecv, opus as 109 with
 * transport-cc, VP8/VP9/AV1 with rtx, red with its rtx, ulpfec,
 * component-2 candidates beside a=rtcp-mux and a=rtcp:, a=end-of-candidates,
 * a=extmap-allow-mixed per m-line. */
static const char *FIREFOX_OFFER =
    "v=0\n"
    "o=mozilla...THIS_IS_SDPARTA-99.0 3611074078390042585 0 IN IP4 0.0.0.0\n"
    "s=-\n"
    "t=0 0\n"
    "a=sendrecv\n"
    "a=fingerprint:sha-256 "
    "BF:99:2C:8C:AD:D0:1C:CE:5C:57:2C:B9:74:DC:4F:C8:C4:34:92:70:A6:86:D4:7B:50:6D:4F:1F:F8:8F:30:00\n"
    "a=group:BUNDLE 0 1 2\n"
    "a=ice-options:trickle\n"
    "a=msid-semantic:WMS *\n"
    "m=audio 60309 UDP/TLS/RTP/SAVPF 109 9 0 8 101\n"
    "c=IN IP4 192.0.2.2\n"
    "a=candidate:0 1 UDP 2122187007 192.0.2.2 60309 typ host\n"
    "a=candidate:1 1 UDP 2122252543 fd00::2 37528 typ host\n"
    "a=candidate:2 1 TCP 2105458943 192.0.2.2 9 typ host tcptype active\n"
    "a=candidate:3 1 TCP 2105524479 fd00::2 9 typ host tcptype active\n"
    "a=candidate:0 2 UDP 2122187006 192.0.2.2 58483 typ host\n"
    "a=candidate:1 2 UDP 2122252542 fd00::2 49581 typ host\n"
    "a=candidate:2 2 TCP 2105458942 192.0.2.2 9 typ host tcptype active\n"
    "a=candidate:3 2 TCP 2105524478 fd00::2 9 typ host tcptype active\n"
    "a=sendrecv\n"
    "a=end-of-candidates\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
    "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\n"
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\n"
    "a=extmap:7 "
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
    "a=extmap-allow-mixed\n"
    "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\n"
    "a=fmtp:101 0-15\n"
    "a=ice-pwd:a4ba303e4926ccc773e89a4eed4e5341\n"
    "a=ice-ufrag:064a26a0\n"
    "a=mid:0\n"
    "a=msid:{18099201-8f55-4be2-adcb-36c7dc77bbed} "
    "{03d382e5-4a03-44e2-b6ee-83f5732c64ea}\n"
    "a=rtcp:58483 IN IP4 192.0.2.2\n"
    "a=rtcp-fb:109 transport-cc\n"
    "a=rtcp-fb:9 transport-cc\n"
    "a=rtcp-fb:0 transport-cc\n"
    "a=rtcp-fb:8 transport-cc\n"
    "a=rtcp-mux\n"
    "a=rtpmap:109 opus/48000/2\n"
    "a=rtpmap:9 G722/8000/1\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=setup:actpass\n"
    "a=ssrc:4044184082 cname:{cf336cdf-ba86-460a-8626-21faa6bd487d}\n"
    "m=video 43511 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 119\n"
    "c=IN IP4 192.0.2.2\n"
    "a=candidate:0 1 UDP 2122187007 192.0.2.2 43511 typ host\n"
    "a=candidate:1 1 UDP 2122252543 fd00::2 55741 typ host\n"
    "a=candidate:2 1 TCP 2105458943 192.0.2.2 9 typ host tcptype active\n"
    "a=candidate:3 1 TCP 2105524479 fd00::2 9 typ host tcptype active\n"
    "a=candidate:0 2 UDP 2122187006 192.0.2.2 48595 typ host\n"
    "a=candidate:1 2 UDP 2122252542 fd00::2 33762 typ host\n"
    "a=candidate:2 2 TCP 2105458942 192.0.2.2 9 typ host tcptype active\n"
    "a=candidate:3 2 TCP 2105524478 fd00::2 9 typ host tcptype active\n"
    "a=sendrecv\n"
    "a=end-of-candidates\n"
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\n"
    "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\n"
    "a=extmap:5 urn:ietf:params:rtp-hdrext:toffset\n"
    "a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\n"
    "a=extmap:7 "
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
    "a=extmap-allow-mixed\n"
    "a=fmtp:120 max-fs=12288;max-fr=60\n"
    "a=fmtp:124 apt=120\n"
    "a=fmtp:121 max-fs=12288;max-fr=60\n"
    "a=fmtp:125 apt=121\n"
    "a=fmtp:100 apt=99\n"
    "a=fmtp:119 apt=122\n"
    "a=ice-pwd:a4ba303e4926ccc773e89a4eed4e5341\n"
    "a=ice-ufrag:064a26a0\n"
    "a=mid:1\n"
    "a=msid:{18099201-8f55-4be2-adcb-36c7dc77bbed} "
    "{3f41cbb7-93ae-4b43-8999-f4fd5d90cc59}\n"
    "a=rtcp:48595 IN IP4 192.0.2.2\n"
    "a=rtcp-fb:120 nack\n"
    "a=rtcp-fb:120 nack pli\n"
    "a=rtcp-fb:120 ccm fir\n"
    "a=rtcp-fb:120 goog-remb\n"
    "a=rtcp-fb:120 transport-cc\n"
    "a=rtcp-fb:121 nack\n"
    "a=rtcp-fb:121 nack pli\n"
    "a=rtcp-fb:121 ccm fir\n"
    "a=rtcp-fb:121 goog-remb\n"
    "a=rtcp-fb:121 transport-cc\n"
    "a=rtcp-fb:99 nack\n"
    "a=rtcp-fb:99 nack pli\n"
    "a=rtcp-fb:99 ccm fir\n"
    "a=rtcp-fb:99 goog-remb\n"
    "a=rtcp-fb:99 transport-cc\n"
    "a=rtcp-fb:123 nack\n"
    "a=rtcp-fb:123 nack pli\n"
    "a=rtcp-fb:123 ccm fir\n"
    "a=rtcp-fb:123 goog-remb\n"
    "a=rtcp-fb:123 transport-cc\n"
    "a=rtcp-fb:122 nack\n"
    "a=rtcp-fb:122 nack pli\n"
    "a=rtcp-fb:122 ccm fir\n"
    "a=rtcp-fb:122 goog-remb\n"
    "a=rtcp-fb:122 transport-cc\n"
    "a=rtcp-mux\n"
    "a=rtcp-rsize\n"
    "a=rtpmap:120 VP8/90000\n"
    "a=rtpmap:124 rtx/90000\n"
    "a=rtpmap:121 VP9/90000\n"
    "a=rtpmap:125 rtx/90000\n"
    "a=rtpmap:99 AV1/90000\n"
    "a=rtpmap:100 rtx/90000\n"
    "a=rtpmap:123 ulpfec/90000\n"
    "a=rtpmap:122 red/90000\n"
    "a=rtpmap:119 rtx/90000\n"
    "a=setup:actpass\n"
    "a=ssrc:1682133014 cname:{cf336cdf-ba86-460a-8626-21faa6bd487d}\n"
    "a=ssrc:2048157519 cname:{cf336cdf-ba86-460a-8626-21faa6bd487d}\n"
    "a=ssrc-group:FID 1682133014 2048157519\n"
    "m=application 60066 UDP/DTLS/SCTP webrtc-datachannel\n"
    "c=IN IP4 192.0.2.2\n"
    "a=candidate:0 1 UDP 2122187007 192.0.2.2 60066 typ host\n"
    "a=candidate:1 1 UDP 2122252543 fd00::2 49699 typ host\n"
    "a=candidate:2 1 TCP 2105458943 192.0.2.2 9 typ host tcptype active\n"
    "a=candidate:3 1 TCP 2105524479 fd00::2 9 typ host tcptype active\n"
    "a=sendrecv\n"
    "a=end-of-candidates\n"
    "a=ice-pwd:a4ba303e4926ccc773e89a4eed4e5341\n"
    "a=ice-ufrag:064a26a0\n"
    "a=mid:2\n"
    "a=setup:actpass\n"
    "a=sctp-port:5000\n"
    "a=max-message-size:1073741823\n";

/* As the sdp-negotiator answers with dtls=accept over nicesrc/nicesink. */
static AnswerOptions
browser_answer_options ()
{
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  o.session_id = 7;
  o.random = [] (uint8_t * out, size_t len) {
    for (size_t i = 0; i < len; i++)
      out[i] = (uint8_t) i;
  };
  std::string why;
  o.dtls_fingerprint = parse_fingerprint ("sha-256 " OUR_HEX, why);
  fail_unless (o.dtls_fingerprint.has_value (), "%s", why.c_str ());
  return o;
}

/* A pipeline with one ICE component (rtcp-mux) for streams 1 and 2, no
 * comedia-rtpsrc, nothing for stream 3. */
static FakePipeline
ice_pipeline ()
{
  FakePipeline p;
  p.n_streams = 0;
  p.ice[1] = 1;
  p.ice[2] = 1;
  return p;
}

/* The answer to @offer_text, checked to parse back and to answer it. */
static Negotiated
browser_answer (const std::string & offer_text, const AnswerOptions & options,
    FakePipeline pipeline = ice_pipeline ())
{
  SdpDocument offer = parse_ok (offer_text);
  Negotiated out;
  SdpError err;
  fail_unless (answer_offer (offer, pipeline, options, out, err), "%s", err.message.c_str ());
  SdpDocument reparsed = parse_ok (sdp_message_to_text (out.sdp.get ()));
  fail_unless (check_answer_matches_offer (offer, reparsed, err), "%s", err.message.c_str ());
  return out;
}

/* The a=@key values of answer m-line @i, in order. */
static std::vector<std::string>
values_of (const Negotiated & answer, guint i, const char *key)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (answer.sdp.get (), i);
  std::vector<std::string> out;
  for (guint n = 0;; n++) {
    const char *v = gst_sdp_media_get_attribute_val_n (m, key, n);
    if (v == nullptr)
      break;
    out.push_back (v);
  }
  return out;
}

/* "a b c": a list for comparisons. */
static std::string
joined (const std::vector<std::string> & items)
{
  std::string out;
  for (const auto & s : items)
    out += (out.empty () ? "" : " ") + s;
  return out;
}

static std::string
formats_of (const Negotiated & answer, guint i)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (answer.sdp.get (), i);
  std::vector<std::string> out;
  for (guint f = 0; f < gst_sdp_media_formats_len (m); f++)
    out.push_back (gst_sdp_media_get_format (m, f));
  return joined (out);
}

#define fail_unless_values(answer, i, key, expected) G_STMT_START { \
    std::string got_ = joined (values_of (answer, i, key)); \
    fail_unless (got_ == (expected), "m-line %u a=%s: '%s', expected '%s'", i, key, \
        got_.c_str (), (expected)); \
  } G_STMT_END

/* fail_unless_equals_string for a std::string that may be a temporary. */
#define fail_unless_text(got, expected) G_STMT_START { \
    std::string text_ = (got); \
    fail_unless (text_ == (expected), "'%s', expected '%s'", text_.c_str (), (expected)); \
  } G_STMT_END

/* What no browser answer carries, on any m-line: no repair format, no
 * header extension, none of the offer's a=ssrc or a=msid (ours only), only
 * the feedback rtpsession does. */
static void
check_nothing_unsupported (const Negotiated & answer)
{
  std::string text = media_text (answer.sdp.get ());
  for (const char *absent : {"rtx/", "apt=", "red/", "ulpfec", "flexfec", "a=extmap",
          "a=ssrc", "a=rtcp-xr", "goog-remb", "transport-cc", "a=sctp-port"})
    fail_if (text.find (absent) != std::string::npos, "the answer has '%s':\n%s", absent,
        text.c_str ());
  for (guint i = 0; i < gst_sdp_message_medias_len (answer.sdp.get ()); i++) {
    for (const std::string & fb : values_of (answer, i, "rtcp-fb")) {
      std::string kind = fb.substr (fb.find (' ') + 1);
      fail_unless (kind == "nack pli" || kind == "ccm fir", "m-line %u answers a=rtcp-fb:%s",
          i, fb.c_str ());
    }
    for (const std::string & msid : values_of (answer, i, "msid"))
      fail_unless (msid.rfind ("comedia ", 0) == 0, "m-line %u: a=msid:%s", i, msid.c_str ());
  }
}

/* The data channel of both browsers: port 0, its mid kept (RFC 5888 9.1),
 * nothing else. */
static void
check_data_channel_rejected (const Negotiated & out)
{
  fail_unless (out.streams[2].kind == StreamPlan::Kind::Rejected);
  fail_unless (out.streams[2].note.find ("protocol UDP/DTLS/SCTP") != std::string::npos,
      "%s", out.streams[2].note.c_str ());
  std::string media = media_text (out.sdp.get ());
  fail_unless (media.find ("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\na=mid:2\n")
      != std::string::npos, "%s", media.c_str ());
  fail_unless_equals_int (gst_sdp_media_attributes_len (gst_sdp_message_get_media
          (out.sdp.get (), 2)), 1);
}

GST_START_TEST (test_chromium_offer)
{
  Negotiated out = browser_answer (CHROMIUM_OFFER, browser_answer_options ());
  fail_unless_equals_int (out.streams.size (), 3);
  for (guint i = 0; i < 2; i++) {
    const StreamPlan & p = out.streams[i];
    fail_unless (p.kind == StreamPlan::Kind::Ice, "stream %u: %s (%s)", p.stream,
        stream_plan_kind_name (p.kind), p.note.c_str ());
    fail_unless (p.dtls.enabled);
    fail_unless (p.local.rtcp_mux);
  }
  check_nothing_unsupported (out);
  check_data_channel_rejected (out);

  /* Audio: red 63 (opus in opus) goes, the rest stays; transport-cc was
   * its only feedback. */
  fail_unless_text (formats_of (out, 0), "111 9 0 8 13 110 126");
  fail_unless_values (out, 0, "rtpmap", "111 opus/48000/2 9 G722/8000 0 PCMU/8000 "
      "8 PCMA/8000 13 CN/8000 110 telephone-event/48000 126 telephone-event/8000");
  fail_unless_values (out, 0, "fmtp", "111 minptime=10;useinbandfec=1");
  fail_unless_equals_int (values_of (out, 0, "rtcp-fb").size (), 0);
  fail_unless_values (out, 0, "mid", "0");
  fail_unless_equals_int (values_of (out, 0, "rtcp-rsize").size (), 1);
  fail_unless_equals_int (values_of (out, 0, "rtcp-mux").size (), 1);
  fail_unless (out.streams[0].note.find ("; not answered (no element here for them): red 63")
      != std::string::npos, "%s", out.streams[0].note.c_str ());

  /* Video: every codec, none of its rtx, red or ulpfec. */
  fail_unless_text (formats_of (out, 1), "96 102 104 108 114 116 39 45 98 100");
  fail_unless_values (out, 1, "rtcp-fb", "96 ccm fir 96 nack pli 102 ccm fir 102 nack pli "
      "104 ccm fir 104 nack pli 108 ccm fir 108 nack pli 114 ccm fir 114 nack pli "
      "116 ccm fir 116 nack pli 39 ccm fir 39 nack pli 45 ccm fir 45 nack pli "
      "98 ccm fir 98 nack pli 100 ccm fir 100 nack pli");
  fail_unless_values (out, 1, "fmtp", "102 level-asymmetry-allowed=1;packetization-mode=1;"
      "profile-level-id=42001f 104 level-asymmetry-allowed=1;packetization-mode=0;"
      "profile-level-id=42001f 108 level-asymmetry-allowed=1;packetization-mode=1;"
      "profile-level-id=42e01f 114 level-asymmetry-allowed=1;packetization-mode=0;"
      "profile-level-id=42e01f 116 level-asymmetry-allowed=1;packetization-mode=1;"
      "profile-level-id=4d001f 39 level-asymmetry-allowed=1;packetization-mode=0;"
      "profile-level-id=4d001f 45 level-idx=5;profile=0;tier=0 98 profile-id=0 "
      "100 profile-id=2");
  fail_unless_values (out, 1, "mid", "1");
  fail_unless_equals_int (values_of (out, 1, "rtcp-rsize").size (), 1);
  /* Ours: one media stream, audio and video together. */
  fail_unless_values (out, 0, "msid", "comedia audio1");
  fail_unless_values (out, 1, "msid", "comedia video2");
  fail_unless (out.streams[1].note.find ("not answered (no element here for them): "
          "rtx 97 103 107 109 115 117 40 46 99 101 119, red 118, ulpfec 120")
      != std::string::npos, "%s", out.streams[1].note.c_str ());

  /* What the agent gets: the peer's candidates and credentials, not
   * pruned by any of this. */
  fail_unless_equals_int (out.streams[0].remote_ice.candidates.size (), 4);
  fail_unless_equals_string (out.streams[1].remote_ice.ufrag.c_str (), "IR2f");
}
GST_END_TEST;

GST_START_TEST (test_firefox_offer)
{
  Negotiated out = browser_answer (FIREFOX_OFFER, browser_answer_options ());
  fail_unless_equals_int (out.streams.size (), 3);
  check_nothing_unsupported (out);
  check_data_channel_rejected (out);

  fail_unless (out.streams[0].kind == StreamPlan::Kind::Ice, "%s",
      out.streams[0].note.c_str ());
  fail_unless_text (formats_of (out, 0), "109 9 0 8 101");
  fail_unless_values (out, 0, "fmtp", "109 maxplaybackrate=48000;stereo=1;useinbandfec=1 "
      "101 0-15");
  /* transport-cc was all the audio feedback. */
  fail_unless_equals_int (values_of (out, 0, "rtcp-fb").size (), 0);
  fail_unless_values (out, 0, "mid", "0");
  /* Not offered on audio: not answered. */
  fail_unless_equals_int (values_of (out, 0, "rtcp-rsize").size (), 0);
  /* Muxed: one component; the offer's component-2 candidates go to the
   * agent as they came. */
  fail_unless (out.streams[0].local.rtcp_mux);
  fail_unless_equals_int (values_of (out, 0, "rtcp-mux").size (), 1);
  fail_unless_equals_int (values_of (out, 0, "rtcp").size (), 0);
  fail_unless_equals_int (out.streams[0].remote_ice.candidates.size (), 8);
  fail_unless (out.streams[0].note.find ("not answered") == std::string::npos, "%s",
      out.streams[0].note.c_str ());

  fail_unless (out.streams[1].kind == StreamPlan::Kind::Ice, "%s",
      out.streams[1].note.c_str ());
  fail_unless_text (formats_of (out, 1), "120 121 99");
  fail_unless_values (out, 1, "rtpmap", "120 VP8/90000 121 VP9/90000 99 AV1/90000");
  fail_unless_values (out, 1, "fmtp", "120 max-fs=12288;max-fr=60 121 max-fs=12288;max-fr=60");
  fail_unless_values (out, 1, "rtcp-fb", "120 nack pli 120 ccm fir 121 nack pli "
      "121 ccm fir 99 nack pli 99 ccm fir");
  fail_unless_values (out, 1, "mid", "1");
  fail_unless_equals_int (values_of (out, 1, "rtcp-rsize").size (), 1);
  fail_unless (out.streams[1].note.find ("rtx 124 125 100 119, ulpfec 123, red 122")
      != std::string::npos, "%s", out.streams[1].note.c_str ());
  /* The session-level fingerprint serves every m-line. */
  fail_unless (out.streams[0].dtls.enabled && out.streams[1].dtls.enabled);
  fail_unless_values (out, 1, "msid", "comedia video2");
}
GST_END_TEST;

/* a=mid on every m-line whatever rejects it: dtls=off, the offer disabled
 * it, the pipeline has no stream for it. */
GST_START_TEST (test_mid_on_rejected_lines)
{
  AnswerOptions off = browser_answer_options ();
  off.dtls = DtlsPolicy::Off;
  Negotiated out = browser_answer (CHROMIUM_OFFER, off);
  for (guint i = 0; i < 3; i++) {
    fail_unless (out.streams[i].kind == StreamPlan::Kind::Rejected);
    fail_unless_values (out, i, "mid", std::to_string (i).c_str ());
  }

  std::string disabled = FIREFOX_OFFER;
  disabled.replace (disabled.find ("m=video 43511"), 13, "m=video 0");
  out = browser_answer (disabled, browser_answer_options ());
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_unless_values (out, 1, "mid", "1");
  fail_unless_values (out, 2, "mid", "2");
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Ice);
}
GST_END_TEST;

/* A pipeline with component 2 (or rtcp-mux=false) answers no a=rtcp-mux,
 * which a browser refuses ("RTCP-MUX is not enabled when it is required",
 * Chromium 156): the stream's note says so and what to do. */
GST_START_TEST (test_rtcp_mux_required)
{
  FakePipeline two = ice_pipeline ();
  two.ice[1] = 2;
  Negotiated out = browser_answer (CHROMIUM_OFFER, browser_answer_options (), two);
  fail_unless_equals_int (values_of (out, 0, "rtcp-mux").size (), 0);
  fail_unless (out.streams[0].note.find ("; the offer has a=rtcp-mux and the answer not (the "
          "pipeline has component 2): a browser refuses this answer, give stream 1 "
          "component 1 only") != std::string::npos, "%s", out.streams[0].note.c_str ());
  fail_unless (out.streams[1].note.find ("rtcp-mux") == std::string::npos, "%s",
      out.streams[1].note.c_str ());

  AnswerOptions no_mux = browser_answer_options ();
  no_mux.rtcp_mux = false;
  out = browser_answer (FIREFOX_OFFER, no_mux);
  fail_unless (out.streams[1].note.find ("the answer not (rtcp-mux=false): a browser refuses")
      != std::string::npos, "%s", out.streams[1].note.c_str ());
}
GST_END_TEST;

/* Our a=msid only where we send: not on an m-line we answer recvonly
 * (Firefox's media-level direction wins over its session-level one). */
GST_START_TEST (test_msid_where_we_send)
{
  std::string offer = FIREFOX_OFFER;
  gsize audio = offer.find ("a=sendrecv\n", offer.find ("m=audio"));
  offer.replace (audio, 11, "a=sendonly\n");
  offer.replace (offer.find ("a=sendrecv\n", audio), 11, "a=recvonly\n");
  Negotiated out = browser_answer (offer, browser_answer_options ());
  fail_unless_equals_int (values_of (out, 0, "recvonly").size (), 1);
  fail_unless_equals_int (values_of (out, 0, "msid").size (), 0);
  fail_unless_equals_int (values_of (out, 1, "sendonly").size (), 1);
  fail_unless_values (out, 1, "msid", "comedia video2");
  fail_unless_equals_int (values_of (out, 2, "msid").size (), 0);
}
GST_END_TEST;

/* The hook BUNDLE uses: a=extmap of the URIs named, with the offer's id
 * and the direction mirrored; the others still go. */
GST_START_TEST (test_header_extension_hook)
{
  AnswerOptions o = browser_answer_options ();
  o.header_extensions = {RTP_HDREXT_SDES_MID};
  Negotiated out = browser_answer (CHROMIUM_OFFER, o);
  fail_unless_values (out, 0, "extmap", "4 urn:ietf:params:rtp-hdrext:sdes:mid");
  fail_unless_values (out, 1, "extmap", "4 urn:ietf:params:rtp-hdrext:sdes:mid");

  o.header_extensions.push_back ("urn:ietf:params:rtp-hdrext:csrc-audio-level");
  out = browser_answer (FIREFOX_OFFER, o);
  fail_unless_values (out, 0, "extmap", "2/sendonly urn:ietf:params:rtp-hdrext:csrc-audio-level "
      "3 urn:ietf:params:rtp-hdrext:sdes:mid");
  fail_unless_values (out, 1, "extmap", "3 urn:ietf:params:rtp-hdrext:sdes:mid");
  /* Not a=extmap-allow-mixed: we never mix one- and two-byte headers. */
  fail_unless_equals_int (values_of (out, 1, "extmap-allow-mixed").size (), 0);
}
GST_END_TEST;

/* BUNDLE accepted (bundle-policy=max-bundle): each bundled m-line keeps
 * the offer's sdes:mid a=extmap, with its id (Chromium 4, Firefox 3), and
 * no other (Chromium offers 4 on audio, 11 on video; Firefox 4 and 5);
 * comedia-dtlssrtpdec routes by that id.  Declined: no a=extmap at all. */
GST_START_TEST (test_bundle_keeps_mid_extension)
{
  struct {
    const char *offer, *mid_extmap;
    guint id;
  } browsers[] = {
    {CHROMIUM_OFFER, "4 urn:ietf:params:rtp-hdrext:sdes:mid", 4},
    {FIREFOX_OFFER, "3 urn:ietf:params:rtp-hdrext:sdes:mid", 3},
  };
  for (const auto & b : browsers) {
    AnswerOptions bundled = browser_answer_options ();
    bundled.bundle = BundlePolicy::MaxBundle;
    Negotiated out = browser_answer (b.offer, bundled);
    fail_unless_equals_string (gst_sdp_message_get_attribute_val (out.sdp.get (), "group"),
        "BUNDLE 0 1");
    fail_unless_equals_int (out.streams[1].bundle_tag, 1);
    fail_unless_values (out, 0, "extmap", b.mid_extmap);
    fail_unless_values (out, 1, "extmap", b.mid_extmap);
    fail_unless_equals_int (values_of (out, 1, "extmap-allow-mixed").size (), 0);
    check_data_channel_rejected (out);
    auto routes = bundle_routes_of (out.sdp.get (), out.streams);
    fail_unless_equals_int (routes[0].second.entries.size (), 2);
    fail_unless_equals_int (routes[0].second.mid_extension_id, b.id);

    Negotiated declined = browser_answer (b.offer, browser_answer_options ());
    fail_unless (gst_sdp_message_get_attribute_val (declined.sdp.get (), "group") == nullptr);
    for (guint i = 0; i < 3; i++)
      fail_unless_equals_int (values_of (declined, i, "extmap").size (), 0);
    fail_unless_equals_int (bundle_routes_of (declined.sdp.get (), declined.streams)[0]
        .second.mid_extension_id, 0);
  }
}
GST_END_TEST;

/* Formats the application names stay (its pipeline has the elements):
 * rtx for VP8 and H.264 with their nack, not the rtx of formats not
 * answered. */
GST_START_TEST (test_named_repair_formats)
{
  AnswerOptions o = browser_answer_options ();
  o.formats = {"opus", "VP8", "rtx", "H264"};
  Negotiated out = browser_answer (CHROMIUM_OFFER, o);
  fail_unless_text (formats_of (out, 0), "111");
  fail_unless_text (formats_of (out, 1), "96 97 102 103 104 107 108 109 114 115 116 117 39 40");
  std::string media = media_text (out.sdp.get ());
  fail_unless (media.find ("a=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\n") != std::string::npos);
  std::vector<std::string> fb = values_of (out, 1, "rtcp-fb");
  fail_unless_equals_string (fb[0].c_str (), "96 ccm fir");
  fail_unless_equals_string (fb[1].c_str (), "96 nack");
  fail_unless_equals_string (fb[2].c_str (), "96 nack pli");
  fail_unless_equals_int (fb.size (), 7 * 3);
  fail_unless (out.streams[1].note.find ("rtx 46 99 101 119") != std::string::npos, "%s",
      out.streams[1].note.c_str ());

  /* By payload type too: Firefox's red and the rtx that repeats it. */
  o.formats = {"120", "122", "119"};
  out = browser_answer (FIREFOX_OFFER, o);
  fail_unless_text (formats_of (out, 1), "120 122 119");
  fail_unless_values (out, 1, "rtcp-fb", "120 nack pli 120 ccm fir 122 nack 122 nack pli "
      "122 ccm fir");
}
GST_END_TEST;

/* An m-line left with repair formats only is rejected alone, with a note;
 * the others are answered. */
GST_START_TEST (test_repair_formats_only)
{
  std::string offer = CHROMIUM_OFFER;
  gsize video = offer.find ("m=video");
  offer.replace (video, offer.find ('\n', video) - video,
      "m=video 54548 UDP/TLS/RTP/SAVPF 97 118 120");
  Negotiated out = browser_answer (offer, browser_answer_options ());
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Ice);
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_unless_equals_string (out.streams[1].note.c_str (), "none of the offered formats is "
      "allowed; not answered (no element here for them): rtx 97, red 118, ulpfec 120");
  std::string media = media_text (out.sdp.get ());
  fail_unless (media.find ("m=video 0 UDP/TLS/RTP/SAVPF 97 118 120\na=mid:1\n")
      != std::string::npos, "%s", media.c_str ());
}
GST_END_TEST;

/* A SIP phone's RTP/AVPF offer is not a browser's: its rtx and feedback
 * are answered as offered (the application's pipeline decides), and its
 * extmap, ssrc and msid are not. */
GST_START_TEST (test_sip_offer_keeps_its_formats)
{
  const char *offer = "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\n"
      "t=0 0\nm=video 5004 RTP/AVPF 96 97\na=rtpmap:96 VP8/90000\na=rtcp-fb:96 nack\n"
      "a=rtcp-fb:96 goog-remb\na=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:toffset\na=ssrc:5 cname:x\n"
      "a=msid:a b\na=rtcp-rsize\n";
  FakePipeline pipeline;
  Negotiated out;
  SdpError err;
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  fail_unless (answer_offer (parse_ok (offer), pipeline, o, out, err), "%s",
      err.message.c_str ());
  fail_unless_text (media_text (out.sdp.get ()),
      "m=video 40000 RTP/AVPF 96 97\na=rtpmap:96 VP8/90000\na=rtcp-fb:96 nack\n"
      "a=rtcp-fb:96 goog-remb\na=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\na=rtcp-rsize\n"
      "a=rtcp:40001\n");
  fail_unless (out.streams[0].note.find ("not answered") == std::string::npos);
}
GST_END_TEST;

/* The profile's rules one by one. */
GST_START_TEST (test_profile_rules)
{
  SdpDocument doc = parse_ok ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99\na=rtpmap:96 VP8/90000\n"
      "a=rtpmap:97 RTX/90000\na=fmtp:97 apt=96\na=rtpmap:98 flexfec-03/90000\n"
      "a=fmtp:98 repair-window=10000000\na=rtpmap:99 rtx/90000\n"
      "m=video 9 RTP/SAVPF 96\na=rtpmap:96 VP8/90000\n");
  const GstSDPMedia *webrtc = gst_sdp_message_get_media (doc.message (), 0);
  const GstSDPMedia *sip = gst_sdp_message_get_media (doc.message (), 1);
  fail_unless (uses_webrtc_profile (webrtc));
  fail_if (uses_webrtc_profile (sip));

  std::vector<std::string> formats = {"96", "97", "98", "99"};
  std::string note = prune_repair_formats (webrtc, {}, formats);
  fail_unless_text (joined (formats), "96");
  fail_unless_equals_string (note.c_str (),
      "not answered (no element here for them): rtx 97 99, flexfec-03 98");
  /* rtx named: 97 stays with its VP8, 99 (no apt=) goes. */
  formats = {"96", "97", "98", "99"};
  prune_repair_formats (webrtc, {"rtx"}, formats);
  fail_unless_text (joined (formats), "96 97");
  formats = {"96"};
  fail_unless_text (prune_repair_formats (sip, {}, formats), "");

  const std::vector<std::string> vp8 = {"96"}, vp8_rtx = {"96", "97"};
  const struct {
    const char *value;
    bool answered, answered_with_rtx;
  } feedback[] = {
    {"96 nack pli", true, true},
    {"96 ccm fir", true, true},
    {"* ccm fir", true, true},
    {"96 NACK PLI", true, true},
    {"96 nack", false, true},
    {"* nack", false, true},
    {"98 nack", false, false},      /* no rtx of 98 */
    {"96 goog-remb", false, false},
    {"96 transport-cc", false, false},
    {"96 ccm tmmbr", false, false},
    {"96 nack sli", false, false},
    {"96 trr-int 100", false, false},
  };
  for (const auto & f : feedback) {
    fail_unless (rtcp_feedback_answered (webrtc, f.value, vp8) == f.answered, "%s", f.value);
    fail_unless (rtcp_feedback_answered (webrtc, f.value, vp8_rtx) == f.answered_with_rtx,
        "%s with rtx", f.value);
  }
}
GST_END_TEST;

static Suite *
browser_profile_suite (void)
{
  Suite *s = suite_create ("browser-profile");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_chromium_offer);
  tcase_add_test (tc, test_firefox_offer);
  tcase_add_test (tc, test_mid_on_rejected_lines);
  tcase_add_test (tc, test_rtcp_mux_required);
  tcase_add_test (tc, test_msid_where_we_send);
  tcase_add_test (tc, test_header_extension_hook);
  tcase_add_test (tc, test_bundle_keeps_mid_extension);
  tcase_add_test (tc, test_named_repair_formats);
  tcase_add_test (tc, test_repair_formats_only);
  tcase_add_test (tc, test_sip_offer_keeps_its_formats);
  tcase_add_test (tc, test_profile_rules);
  return s;
}

GST_CHECK_MAIN (browser_profile);
