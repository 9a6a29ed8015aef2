#!/bin/bash
# headless-browser.sh chromium|firefox URL DIR [PREF=VALUE...]
#
# Opens URL in Debian's chromium or firefox-esr, headless, with fake camera
# and microphone granted without asking, in a throwaway profile under DIR
# (HOME is DIR too), and runs until killed (exec: the caller's pid is the
# browser's).  Everything that would phone home is off: no updates, no
# telemetry, no sync, no component or remote-settings downloads (the lab's
# namespaces have no way out anyway; this keeps the browser from trying, and
# its start-up short).  PREF=VALUE (Firefox only) adds a user.js line, e.g.
# media.peerconnection.ice.obfuscate_host_addresses=false.
# Used by tests/lab/test-browser-nat.sh and scripts/demo.sh's third act.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
BROWSER=${1:?usage: headless-browser.sh chromium|firefox URL DIR [PREF=VALUE...]}
URL=${2:?URL}
DIR=${3:?DIR}
shift 3
ORIGIN=$(sed -E 's|^([a-z]+://[^/?#]+).*|\1|' <<<"$URL")
mkdir -p "$DIR/profile"
export HOME=$DIR XDG_CONFIG_HOME=$DIR/.config XDG_CACHE_HOME=$DIR/.cache

case $BROWSER in
chromium)
    # --headless=new            the full browser, without a display
    # --no-sandbox              we run as root (network namespaces need it); the sandbox refuses root
    # --use-fake-ui-for-media-stream      grant getUserMedia without a prompt
    # --use-fake-device-for-media-stream  a synthetic camera (moving pattern) and microphone (beeps)
    # --unsafely-treat-insecure-origin-as-secure  getUserMedia needs a secure context: the
    #                          lab's page is plain http:// from the server's address
    # --autoplay-policy=...     the remote <video> plays without a click
    # --user-data-dir           a fresh profile per run
    # --disable-background-networking, --disable-component-update, --disable-sync,
    # --disable-default-apps, --no-first-run, --no-default-browser-check,
    # --disable-domain-reliability, --disable-client-side-phishing-detection,
    # --disable-breakpad, --metrics-recording-only (metrics kept local, never sent),
    # --disable-features=...   no updates, telemetry, Safe Browsing lists, translate,
    #                          optimisation hints or media router discovery
    # --password-store=basic    no keyring daemon asked
    # --disable-gpu, --disable-dev-shm-usage   no GPU here; /dev/shm may be small in CI
    exec chromium --headless=new --no-sandbox \
        --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \
        --unsafely-treat-insecure-origin-as-secure="$ORIGIN" \
        --autoplay-policy=no-user-gesture-required \
        --user-data-dir="$DIR/profile" \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-default-apps --no-first-run --no-default-browser-check \
        --disable-domain-reliability --disable-client-side-phishing-detection \
        --disable-breakpad --metrics-recording-only \
        --disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater \
        --password-store=basic --disable-gpu --disable-dev-shm-usage \
        "$URL" ;;
firefox)
    {
        # Fake media, granted without a prompt; autoplay allowed.
        echo 'user_pref("media.navigator.streams.fake", true);'
        echo 'user_pref("media.navigator.permission.disabled", true);'
        echo 'user_pref("media.autoplay.default", 0);'
        # getUserMedia outside a secure context (the lab's page is plain http://).
        echo 'user_pref("media.devices.insecure.enabled", true);'
        echo 'user_pref("media.getusermedia.insecure.enabled", true);'
        # No updates, telemetry, studies or remote settings.
        for p in app.update.auto app.update.enabled app.update.service.enabled app.update.checkInstallTime \
                datareporting.healthreport.uploadEnabled datareporting.policy.dataSubmissionEnabled \
                toolkit.telemetry.enabled toolkit.telemetry.unified toolkit.telemetry.archive.enabled \
                toolkit.telemetry.updatePing.enabled toolkit.telemetry.shutdownPingSender.enabled \
                toolkit.telemetry.newProfilePing.enabled toolkit.telemetry.firstShutdownPing.enabled \
                toolkit.telemetry.bhrPing.enabled app.normandy.enabled app.shield.optoutstudies.enabled \
                browser.shell.checkDefaultBrowser browser.safebrowsing.malware.enabled \
                browser.safebrowsing.phishing.enabled browser.safebrowsing.downloads.enabled \
                browser.safebrowsing.update.enabled extensions.update.enabled extensions.getAddons.cache.enabled \
                network.captive-portal-service.enabled network.connectivity-service.enabled \
                browser.region.network.enabled browser.region.update.enabled geo.enabled \
                browser.newtabpage.enabled browser.startup.homepage_override.mstone.ignore \
                browser.aboutwelcome.enabled datareporting.healthreport.service.enabled \
                media.gmp-manager.updateEnabled media.gmp-gmpopenh264.enabled media.gmp-gmpopenh264.autoupdate \
                network.prefetch-next \
                messaging-system.rsexperimentloader.enabled \
                browser.ping-centre.telemetry; do
            echo "user_pref(\"$p\", false);"
        done
        echo 'user_pref("toolkit.telemetry.server", "");'
        echo 'user_pref("app.normandy.api_url", "");'
        echo 'user_pref("services.settings.server", "http://127.0.0.1:1/");'
        echo 'user_pref("browser.startup.page", 0);'
        echo 'user_pref("network.proxy.type", 0);'
        for kv in "$@"; do echo "user_pref(\"${kv%%=*}\", ${kv#*=});"; done
    } >"$DIR/profile/user.js"
    exec firefox-esr --headless --no-remote --profile "$DIR/profile" "$URL" ;;
*) echo "headless-browser.sh: unknown browser '$BROWSER' (chromium|firefox)" >&2; exit 2 ;;
esac
