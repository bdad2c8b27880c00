#!/usr/bin/env bash
# Proves FastBroker.ClientLite works as a NuGet package: packs it (with FastBroker.Wire) into a temporary folder feed,
# creates a fresh console project outside the repository, adds the package by version through a nuget.config
# (that feed + nuget.org), makes the README's ClientLite sample (the block between its sample-begin: clientlite and
# sample-end markers) its Program.cs, and runs it twice against a real broker with a throwaway data directory,
# checking exit codes and output. Exits non-zero on any failure; always stops the broker.
# usage: tests/package-smoke.sh [BROKER_BINARY]
#   default artifacts/aot/fastbroker, else artifacts/bin/fastbroker, else the framework-dependent Release build
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=${1:-}
if [ -z "$bin" ]; then for b in artifacts/aot/fastbroker artifacts/bin/fastbroker; do [ -x "$b" ] && { bin=$b; break; }; done; fi
if [ -n "$bin" ]; then serve=("$bin" serve); else serve=(dotnet src/Server/bin/Release/net10.0/fastbroker.dll serve); fi
work=$(mktemp -d /tmp/fastbroker-package-smoke.XXXXXX)
broker=
stop_broker() {
  if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; broker=; fi
}
trap 'stop_broker; rm -rf "$work"' EXIT
fail() { echo "package smoke: $*" >&2; exit 1; }

version=$(sed -nE 's:.*<VersionPrefix>([^<]+)</VersionPrefix>.*:\1:p' Directory.Build.props)
[ -n "$version" ] || fail "no <VersionPrefix> in Directory.Build.props"

# Packing ClientLite packs Wire too (its package dependency); NuGet's pack warnings (NU5xxx) are failures here.
dotnet pack src/ClientLite -c Release -o "$work/feed" > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack failed"; }
if grep -E "warning [A-Z]+[0-9]+" "$work/pack.log"; then fail "dotnet pack printed warnings"; fi
for id in FastBroker.ClientLite FastBroker.Wire; do
  [ -f "$work/feed/$id.$version.nupkg" ] || { ls "$work/feed"; fail "no $id.$version.nupkg"; }
done

# The README's block without its fences: exactly the code a reader copies.
awk '/^<!-- sample-begin: clientlite /{on=1; next} /^<!-- sample-end -->/{on=0} on' README.md > "$work/block.md"
[ "$(head -n 1 "$work/block.md")" = '```csharp' ] && [ "$(tail -n 1 "$work/block.md")" = '```' ] \
  || fail "README.md has no \`\`\`csharp block between <!-- sample-begin: clientlite ... --> and <!-- sample-end -->"
sed '1d;$d' "$work/block.md" > "$work/Program.cs"

# A fresh project outside the repository (no Directory.Build.props, no central package versions), restoring into
# its own packages folder so a package of the same version cached by an earlier pack is never used.
export NUGET_PACKAGES="$work/nuget-packages"
(cd "$work" && dotnet new console -o app -n PackageSmoke --no-restore > new.log 2>&1) || { cat "$work/new.log"; fail "dotnet new console failed"; }
cat > "$work/app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="fastbroker-local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="fastbroker-local"><package pattern="FastBroker.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
(cd "$work/app" && dotnet add package FastBroker.ClientLite --version "$version" > ../add.log 2>&1) || { cat "$work/add.log"; fail "dotnet add package failed"; }
grep -q "Include=\"FastBroker.ClientLite\" Version=\"$version\"" "$work/app/PackageSmoke.csproj" || fail "the package reference was not added"
cp "$work/Program.cs" "$work/app/Program.cs"
dotnet build "$work/app" -c Release > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the README sample does not build against the package"; }
[ -f "$work/nuget-packages/fastbroker.wire/$version/lib/net10.0/FastBroker.Wire.dll" ] || fail "FastBroker.Wire was not restored as a package"

if [ -z "$bin" ]; then
  dotnet build src/Server -c Release > "$work/server-build.log" 2>&1 || { cat "$work/server-build.log"; fail "building the broker failed"; }
fi
"${serve[@]}" --listen 127.0.0.1:0 --data "$work/data" --log-level warning > "$work/broker.out" 2>&1 &
broker=$!
for _ in $(seq 100); do grep -q "listening on" "$work/broker.out" && break; sleep 0.1; done
address=$(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$work/broker.out")
[ -n "$address" ] || { cat "$work/broker.out"; fail "the broker did not start"; }

# One run of the sample: exit code 0, "hello" stored and read once, every "order i" read once, all 10,001 counted.
run_sample() {
  local out=$work/run$1.out
  local status=0
  FASTBROKER_SERVER=$address timeout 120 dotnet "$work/app/bin/Release/net10.0/PackageSmoke.dll" > "$out" 2>&1 || status=$?
  [ "$status" -eq 0 ] || { tail -n 20 "$out"; fail "run $1 of the README sample exited with $status"; }
  grep -qE '^hello stored at offset [0-9]+$' "$out" || { head -n 5 "$out"; fail "run $1: no 'hello stored at offset N'"; }
  [ "$(tail -n 1 "$out")" = "read 10001 messages" ] || { tail -n 5 "$out"; fail "run $1: last line is not 'read 10001 messages'"; }
  [ "$(grep -cE '^[0-3]/[0-9]+: hello$' "$out")" -eq 1 ] || fail "run $1: 'hello' was not read exactly once"
  [ "$(grep -E '^[0-3]/[0-9]+: order [0-9]+$' "$out" | sed 's/.*: //' | sort -u | wc -l)" -eq 10000 ] \
    || fail "run $1: did not read each of the 10,000 orders"
  grep -E '^[0-3]/[0-9]+: ' "$out" | cut -d: -f1 | sort > "$work/positions$1"
}
run_sample 1
run_sample 2
# The second run found the topic and resumed the group after the first: it read only messages it had published.
[ -z "$(comm -12 "$work/positions1" "$work/positions2")" ] || fail "run 2 read messages that run 1 had already read"
stop_broker
echo "package smoke: FastBroker.ClientLite $version restored from a folder feed into a new console project; the README sample ran twice against $address"
