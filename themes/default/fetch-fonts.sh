#!/usr/bin/env bash
# Refreshes the default theme's self-hosted Arabic web font from npm.
#
# The nashra binary embeds the files this script writes under static/fonts/;
# building never runs it and never needs npm or the network. Run it by hand
# only to refresh or re-verify the committed font files, then commit them.
#
# It takes @fontsource/noto-naskh-arabic at a pinned version, checks the
# tarball against a pinned SHA-256, and copies only the woff2 files for
# weights 400 and 700 (normal style) of the "arabic" and "latin" subsets,
# renamed to noto-naskh-arabic-SUBSET-WEIGHT.woff2, plus the font's licence
# as OFL.txt. static/css/style.css declares these four files in @font-face
# rules whose unicode-range values come from the package's unicode.json:
# when changing the version, compare that file with the stylesheet.
set -euo pipefail

PKG="@fontsource/noto-naskh-arabic"
VERSION="5.3.0"
TARBALL="fontsource-noto-naskh-arabic-${VERSION}.tgz"
SHA256="8e4d87d3ae28020665d61054e4262162797feee84f0f145502d15e769a5bbb73"
SUBSETS=(arabic latin)
WEIGHTS=(400 700)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${here}/static/fonts"

tmp="$(mktemp -d)"
trap 'rm -rf -- "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "${PKG}@${VERSION}" >/dev/null)
echo "${SHA256}  ${tmp}/${TARBALL}" | sha256sum --check --quiet -
tar -xzf "${tmp}/${TARBALL}" -C "$tmp"

mkdir -p "$dest"
for subset in "${SUBSETS[@]}"; do
	for weight in "${WEIGHTS[@]}"; do
		src="${tmp}/package/files/noto-naskh-arabic-${subset}-${weight}-normal.woff2"
		install -m 0644 "$src" "${dest}/noto-naskh-arabic-${subset}-${weight}.woff2"
	done
done
install -m 0644 "${tmp}/package/LICENSE" "${dest}/OFL.txt"

ls -l "$dest"
du -cb "$dest"/*.woff2 | tail -n 1
