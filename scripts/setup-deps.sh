#!/bin/bash
# Installs every Debian package needed to build comedia and run all its tests,
# including the NAT lab.  Idempotent: when everything is already installed it
# touches nothing (no apt-get update), so it is cheap to call before each run.
set -euo pipefail

PACKAGES=(
    # build
    meson ninja-build pkg-config g++
    ccache        # meson uses it: the newcomer test's fresh clone rebuilds the same sources
    libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libnice-dev
    libsrtp2-dev  # SRTP (gst/runtime/srtpsession.*)
    libssl-dev    # DTLS-SRTP's handshake and keys, OpenSSL 3 (gst/runtime/dtls*)
    # runtime elements: rtpbin, udpsrc/udpsink, vp8enc/vp8dec, videotestsrc, nicesrc
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-nice
    # NAT lab: namespaces, nftables masquerade, the NAT's mapping table
    iproute2 nftables conntrack coreutils
    coturn        # ICE lab: the STUN/TURN server (scripts/lab/turnserver.conf)
    baresip-core  # NAT lab: a real SIP softphone behind the NAT (test-sip-phone-nat.sh)
    ffmpeg        # NAT lab: a camera behind the NAT, key frames in bursts (attack-ffmpeg-burst)
    # NAT lab's active peer and the test summary
    python3 python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
    gir1.2-gst-plugins-bad-1.0  # NAT lab: webrtcbin from Python (tests/lab/webrtc_peer.py)
    openssl       # NAT lab: openssl s_client is the DTLS-SRTP peer of the attack scenarios (test-dtls-nat.sh)
    python3-pylibsrtp  # NAT lab: libsrtp2 for the SRTP peer and attacker (test-srtp-nat.sh)
    # NAT lab and the demo's third act: real browsers behind the NAT, headless with fake
    # camera and microphone (examples/browser/headless-browser.sh, test-browser-nat.sh)
    chromium firefox-esr
    # NAT lab: a server that resolves Firefox's mDNS host candidates (test-browser-mdns-lan.sh):
    # a stock avahi-daemon run inside the lab's namespace only, NSS's mdns4_minimal, and
    # tcpdump to see Firefox answer the query on the lab's link
    avahi-daemon libnss-mdns tcpdump
    gnuplot-nox   # comedia-bench writes its PNG plot with it (bench/)
    rtpengine-daemon  # relay bench: the reference relay, userspace (bench/relay-rtpengine.cpp)
    # CI's fuzz stage: clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
    echo "setup-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# avahi-daemon is for the lab, started by the test inside its own namespaces.
# On a machine with systemd, the package would also start (and enable) it on
# the host's own network, announcing the machine and answering there: mask
# its units first, so that the install leaves no daemon running.  (libnss-mdns's
# own postinst adds mdns4_minimal to the host's hosts: line, Debian's default;
# with no daemon it answers "unavailable" and lookups go on to dns as before.)
if [[ " ${missing[*]} " == *" avahi-daemon "* ]] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl mask avahi-daemon.service avahi-daemon.socket >/dev/null 2>&1 || true
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
