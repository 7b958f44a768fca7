#!/usr/bin/env bash
# Builds the Debian packages with CPack, unpacks them into a scratch root (dpkg-deb -x: no
# root, nothing touches the machine) and runs the installed server from there: --validate
# against the installed catalog with the installed plugins, then a short serve with a health
# and a score check through the installed persona-cli. Also builds the template against the
# packaged SDK.
#
# Paths come from the environment (tests/sdk/CMakeLists.txt sets them for ctest).
set -euo pipefail

for var in PERSONA_SOURCE_DIR PERSONA_BUILD_DIR PERSONA_CPACK PERSONA_CMAKE PERSONA_GENERATOR \
           PERSONA_MAKE_PROGRAM PERSONA_CXX_COMPILER; do
  if [ -z "${!var:-}" ]; then echo "package_test: $var is not set" >&2; exit 2; fi
done
for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" > /dev/null || { echo "package_test: $tool is missing (scripts/bootstrap)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/persona-deb-test.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# Everything the tools and servers create on the side (the server's private plugin copies)
# lands in the scratch directory too, and goes with it even if a process is killed.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

step() { echo "== $*"; }
fail() {
  echo "FAILED: $*" >&2
  for log in "$work"/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}

# ---------------------------------------------------------------------------------------
step "cpack -G DEB"
"$PERSONA_CPACK" -G DEB --config "$PERSONA_BUILD_DIR/CPackConfig.cmake" -B "$work/out" \
  > "$work/cpack.log" 2>&1 || fail "cpack"
server_deb=$(ls "$work"/out/persona-server_*.deb 2>/dev/null | head -n 1)
sdk_deb=$(ls "$work"/out/persona-segmenter-sdk_*_all.deb 2>/dev/null | head -n 1)
[ -n "$server_deb" ] || fail "no persona-server_*.deb in $(ls "$work/out")"
[ -n "$sdk_deb" ] || fail "no persona-segmenter-sdk_*_all.deb in $(ls "$work/out")"
echo "built $(basename "$server_deb") $(basename "$sdk_deb")"

step "package metadata"
dpkg-deb -f "$server_deb" Package Version Architecture Depends > "$work/server-control.log"
cat "$work/server-control.log"
grep -q "^Depends: .*libc6" "$work/server-control.log" || fail "the server package has no shared-library Depends"
dpkg-deb -f "$sdk_deb" Architecture | grep -qx all || fail "the SDK package is not Architecture: all"
dpkg-deb --ctrl-tarfile "$server_deb" | tar -xO ./conffiles > "$work/conffiles.log" 2>/dev/null \
  || fail "the server package has no conffiles"
grep -qx "/etc/persona-server/catalog/catalog.json" "$work/conffiles.log" \
  || fail "the default catalog is not a conffile"
# Plugin files must not be writable by others once installed (the server refuses them).
if dpkg-deb -c "$server_deb" | grep 'usr/lib/persona-server/plugins/' | grep -q '^.......w'; then
  fail "a packaged plugin is world-writable"
fi

step "unpack both packages into a scratch root"
root="$work/root"
dpkg-deb -x "$server_deb" "$root"
dpkg-deb -x "$sdk_deb" "$root"
for f in usr/bin/persona-server usr/bin/persona-cli usr/bin/persona-plugin-check \
         usr/lib/persona-server/bin/persona-server \
         usr/lib/persona-server/plugins/libsegmenter_demographic.so \
         usr/lib/persona-server/plugins/libsegmenter_rfm.so \
         usr/lib/persona-server/plugins/libsegmenter_psychographic.so \
         usr/lib/persona-server/plugins/libsegmenter_behavioral.so \
         usr/lib/persona-server/plugins/libsegmenter_digital.so \
         usr/lib/persona-server/plugins/libsegmenter_triggers.so \
         etc/persona-server/catalog/catalog.json \
         usr/share/persona-server/examples/hemat-fred.json \
         usr/lib/systemd/system/persona-server.service \
         usr/include/persona/segmenter_abi.h usr/include/persona/segmenter.hpp \
         usr/share/cmake/PersonaSegmenterSDK/PersonaSegmenterSDKConfig.cmake \
         usr/share/doc/persona-segmenter-sdk/README.md \
         usr/share/persona-segmenter-sdk/template/firmographic.cc; do
  [ -e "$root/$f" ] || fail "the packages lack /$f"
done
# Every SDK header, the per-concept ones under persona/sdk/ included.
headers=$(cd "$PERSONA_SOURCE_DIR/plugins/sdk/include" && find persona -name '*.h' -o -name '*.hpp')
echo "$headers" | grep -q '^persona/sdk/' || fail "found no headers under plugins/sdk/include/persona/sdk"
for h in $headers; do
  [ -e "$root/usr/include/$h" ] || fail "the SDK package lacks /usr/include/$h"
done
[ -L "$root/usr/bin/persona-server" ] || fail "/usr/bin/persona-server is not a symlink"
[ "$(readlink "$root/usr/bin/persona-server")" = "../lib/persona-server/bin/persona-server" ] \
  || fail "/usr/bin/persona-server points to $(readlink "$root/usr/bin/persona-server")"
# No installed binary may look for libraries in the build tree.
for elf in "$root"/usr/lib/persona-server/bin/* "$root"/usr/lib/persona-server/plugins/*.so \
           "$root"/usr/bin/persona-cli "$root"/usr/bin/persona-plugin-check; do
  if readelf -d "$elf" | grep -E 'RPATH|RUNPATH' | grep -qF "$PERSONA_BUILD_DIR"; then
    fail "$elf has an RPATH into the build tree: $(readelf -d "$elf" | grep -E 'RPATH|RUNPATH')"
  fi
done

step "the systemd unit names paths the package installs"
unit="$root/usr/lib/systemd/system/persona-server.service"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || fail "the unit has no ExecStart"
binary=${exec_start%% *}
[ -x "$root$binary" ] || fail "ExecStart runs $binary, which the package does not install"
for flag in catalog plugin_dir; do
  value=$(echo "$exec_start" | grep -o -- "--$flag=[^ ]*" | cut -d= -f2)
  [ -n "$value" ] || fail "ExecStart passes no --$flag"
  [ -e "$root$value" ] || fail "ExecStart's --$flag=$value is not in the package"
done

# ---------------------------------------------------------------------------------------
step "the installed server validates the installed catalog with the installed plugins"
# No --plugin_dir: the default, ../plugins beside the binary, must resolve through the
# /usr/bin symlink to /usr/lib/persona-server/plugins of this root.
"$root/usr/bin/persona-server" --validate --catalog="$root/etc/persona-server/catalog" \
  > "$work/validate.log" 2>&1 || fail "installed persona-server --validate"
cat "$work/validate.log"
grep -q "OK" "$work/validate.log" || fail "--validate did not say OK"

step "serve from the scratch root; health and a score through the installed persona-cli"
"$root/usr/bin/persona-server" --listen=127.0.0.1:0 \
  --catalog="$root/etc/persona-server/catalog" \
  --plugin_dir="$root/usr/lib/persona-server/plugins" > "$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep -o '"port":"[0-9]*"' "$work/server.log" 2>/dev/null | head -n 1 | grep -o '[0-9][0-9]*' || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the installed persona-server exited early"
  sleep 0.1
done
[ -n "$port" ] || fail "the installed persona-server logged no port within 30 s"
target="127.0.0.1:$port"
ready=""
for _ in $(seq 1 300); do
  # Scoring RPCs answer UNAVAILABLE until a catalog is live.
  if "$root/usr/bin/persona-cli" personas --target="$target" --timeout_seconds=2 \
       > "$work/personas.log" 2>&1; then
    ready=1
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || fail "the installed persona-server exited"
  sleep 0.1
done
[ -n "$ready" ] || fail "the installed server had no live catalog within 30 s"
grep -q "hemat-fred" "$work/personas.log" || fail "the installed catalog's personas are not listed"
"$root/usr/bin/persona-cli" score --target="$target" --top_k=1 \
  --customer="$root/usr/share/persona-server/examples/hemat-fred.json" > "$work/score.log" 2>&1 \
  || fail "persona-cli score against the installed server"
grep -q '"persona_id": "hemat-fred"' "$work/score.log" || fail "hemat-fred did not match"
kill -TERM "$server_pid"
for _ in $(seq 1 150); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$server_pid" 2>/dev/null && fail "the installed server ignored SIGTERM for 15 s"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || fail "the installed server exited with $status after SIGTERM"

step "the installed persona-plugin-check judges an installed plugin"
"$root/usr/bin/persona-plugin-check" "$root/usr/lib/persona-server/plugins/libsegmenter_rfm.so" \
  --catalog="$root/etc/persona-server/catalog" --cost_seconds=0.05 > "$work/check.log" 2>&1 \
  || fail "persona-plugin-check on the installed rfm plugin"

# ---------------------------------------------------------------------------------------
step "the template (as packaged) builds against the packaged SDK"
cp -R "$root/usr/share/persona-segmenter-sdk/template" "$work/template"
"$PERSONA_CMAKE" -S "$work/template" -B "$work/template/build" -G "$PERSONA_GENERATOR" \
  -DCMAKE_MAKE_PROGRAM="$PERSONA_MAKE_PROGRAM" -DCMAKE_CXX_COMPILER="$PERSONA_CXX_COMPILER" \
  -DCMAKE_PREFIX_PATH="$root/usr" -DFIRMOGRAPHIC_BUILD_TESTS=OFF > "$work/template.log" 2>&1 \
  || fail "configuring the template against the packaged SDK"
"$PERSONA_CMAKE" --build "$work/template/build" -j2 >> "$work/template.log" 2>&1 \
  || fail "building the template against the packaged SDK"
"$root/usr/bin/persona-plugin-check" "$work/template/build/libsegmenter_firmographic.so" \
  --cost_seconds=0.05 > "$work/template-check.log" 2>&1 \
  || fail "the packaged persona-plugin-check refused the template"
echo "package_test: OK"
