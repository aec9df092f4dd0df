#!/usr/bin/env bash
# Runs the README's test command again on Node 24 LTS, in a fresh clone of HEAD, so that
# native modules build for Node 24 without touching this tree's node_modules.
# Node 24 comes from the npm registry's `node` package (it ships the binary and headers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${NODE24_VERSION:-24.21.0}
tools="$root/.tools/node-$version"
if [ ! -x "$tools/node_modules/.bin/node" ]; then
  echo "> installing node@$version into .tools/"
  npm install --no-save --no-package-lock --prefix "$tools" "node@$version" >/dev/null
fi
# The `node` package pulls the platform package that holds bin/ and include/.
headers=$(dirname "$(dirname "$(find "$tools/node_modules" -path '*/node-linux-*/bin/node' | head -n 1)")")
bin_dir="$headers/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work/repo"
cd "$work/repo"
export PATH="$bin_dir:$PATH"
# node-gyp must build against Node 24's headers, not the machine's Node 20 ones.
export npm_config_nodedir="$headers"
echo "> npm test on $(node --version) in $work/repo"
npm test
