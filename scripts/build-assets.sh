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
# Images only: the GDS Transport fonts are licensed for GOV.UK services alone.
mkdir -p "$dest/assets"
cp -R "$src/assets/images" "$dest/assets/images"
cp "$src/assets/manifest.json" "$dest/assets/"
cp "$src"/govuk-frontend.min.js "$src"/govuk-frontend.min.js.map "$dest/"
# The CSS is compiled from Sass (assets-src/govuk-frontend.scss) with Arial in
# place of GDS Transport and asset URLs relative to the CSS file, so they resolve
# under STATIC_URL and whitenoise's manifest storage hashes them.
npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
    assets-src/govuk-frontend.scss "$dest/govuk-frontend.min.css"
if grep -q -e 'url(/assets/' -e 'GDS Transport' "$dest/govuk-frontend.min.css"; then
    echo "build-assets: the CSS still has absolute asset URLs or the GDS Transport font" >&2
    exit 1
fi

cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

version=$(node -p 'require("./node_modules/govuk-frontend/package.json").version')
htmx=$(node -p 'require("./node_modules/htmx.org/package.json").version')
echo "build-assets: govuk-frontend $version -> $dest/, htmx.org $htmx -> static/vendor/htmx.min.js"
