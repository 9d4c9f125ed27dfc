#!/usr/bin/env bash
# Refresh the committed front-end assets in static/ from the pinned npm packages
# (package.json / package-lock.json). Run through `make assets`; nothing needs
# npm at run time, so the copied files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "build-assets: npm is not installed (apt-get install -y npm)." >&2
    exit 1
fi

npm ci --no-audit --no-fund

src=node_modules/govuk-frontend/dist/govuk
dest=static/govuk-frontend
rm -rf "$dest"
mkdir -p "$dest" static/vendor static/js
cp -R "$src/assets" "$dest/assets"
cp "$src"/govuk-frontend.min.css "$src"/govuk-frontend.min.css.map \
   "$src"/govuk-frontend.min.js "$src"/govuk-frontend.min.js.map "$dest/"
# The CSS hard-codes /assets/...; make it relative to the CSS file so fonts and
# images resolve under STATIC_URL (and whitenoise's manifest storage hashes them).
sed -i 's#url(/assets/#url(assets/#g' "$dest/govuk-frontend.min.css"
if grep -q 'url(/assets/' "$dest/govuk-frontend.min.css"; then
    echo "build-assets: absolute asset URLs remain in the CSS" >&2
    exit 1
fi

cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

version=$(node -p 'require("./node_modules/govuk-frontend/package.json").version')
htmx=$(node -p 'require("./node_modules/htmx.org/package.json").version')
echo "build-assets: govuk-frontend $version -> $dest/, htmx.org $htmx -> static/vendor/htmx.min.js"
