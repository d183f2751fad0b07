#!/usr/bin/env bash
# screenshot-report.sh renders a vgmsynth HTML report (vgmsynth evaluate
# --report) in headless Chromium, saves a screenshot of the page and checks
# that every <img> on it loaded and that nothing refers to an outside URL.
#
# Usage: scripts/screenshot-report.sh REPORT.html [OUT.png]
#
# OUT.png defaults to REPORT.png beside the report. Chromium is Debian's
# "chromium" package, installed with apt-get when missing. Exit status: 0 when
# the page rendered with no broken image, 1 otherwise, 2 on bad usage.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: $0 REPORT.html [OUT.png]" >&2
	exit 2
fi
report=$1
out=${2:-${report%.html}.png}
if [[ ! -f $report ]]; then
	echo "$0: $report: no such file" >&2
	exit 2
fi

if ! command -v chromium >/dev/null 2>&1; then
	echo "installing chromium (apt-get)" >&2
	if ! apt-get install -y chromium >/dev/null 2>&1; then
		apt-get update >/dev/null
		apt-get install -y chromium >/dev/null
	fi
fi

abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
case $out in
/*) ;;
*) out=$PWD/$out ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chrome() {
	local profile
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$profile" "$@"
}

# 1. The screenshot.
rm -f "$out"
if ! chrome --screenshot="$out" --window-size=1400,4000 "file://$abs" >"$work/shot.log" 2>&1; then
	cat "$work/shot.log" >&2
	echo "$0: chromium failed to take the screenshot" >&2
	exit 1
fi
if [[ ! -s $out ]]; then
	cat "$work/shot.log" >&2
	echo "$0: no screenshot written to $out" >&2
	exit 1
fi
echo "screenshot: $out"

# 2. The image check: a copy of the page with a script that, once the page
# has loaded, counts the images that did not decode (naturalWidth 0) and
# the elements whose src or href is neither inline data nor a fragment.
check=$work/check.html
cp "$report" "$check"
cat >>"$check" <<'JS'
<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  var outside = Array.prototype.slice.call(document.querySelectorAll("[src],[href]")).filter(function (e) {
    var u = e.getAttribute("src") || e.getAttribute("href") || "";
    return !/^(data:|#)/.test(u);
  });
  var p = document.createElement("pre");
  p.id = "imgcheck";
  p.textContent = "IMGCHECK images=" + imgs.length + " broken=" + broken.length +
    " svg=" + document.querySelectorAll("svg").length + " outside=" + outside.length +
    broken.map(function (i) { return " broken:" + (i.alt || "?"); }).join("") +
    outside.map(function (e) { return " outside:" + (e.getAttribute("src") || e.getAttribute("href")); }).join("");
  document.body.appendChild(p);
});
</script>
JS
if ! chrome --dump-dom --virtual-time-budget=10000 "file://$check" >"$work/dom.html" 2>"$work/dom.log"; then
	cat "$work/dom.log" >&2
	echo "$0: chromium failed to load the page" >&2
	exit 1
fi
result=$(grep -o '<pre id="imgcheck">IMGCHECK[^<]*' "$work/dom.html" | sed 's/^<pre id="imgcheck">//' || true)
if [[ -z $result ]]; then
	echo "$0: the page's load event never fired (no IMGCHECK line in the DOM)" >&2
	exit 1
fi
echo "$result"
if [[ $result != *" broken=0 "* || $result != *" outside=0"* ]]; then
	echo "$0: broken images or outside references" >&2
	exit 1
fi
echo "ok: every image loaded, nothing outside the page"
