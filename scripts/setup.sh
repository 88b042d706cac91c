#!/usr/bin/env bash
# One-time (and idempotent) setup for the mcp-gateway monorepo.
#
#   bash scripts/setup.sh && pnpm start
#
# Needs: Node >= 20.19 and npm. Installs pnpm (version pinned in package.json
# "packageManager"), Debian's Chromium for the e2e tests (via apt, as root or
# with sudo), seeds node-gyp's header cache so better-sqlite3 compiles offline,
# then runs `pnpm install --frozen-lockfile` and `pnpm build`.
#
# Quiet: one progress line per step; each step's full output goes to a log file
# whose tail is printed if the step fails. Works from any current directory.
set -euo pipefail

# --- locate the repo root from this script's own path ------------------------
SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
cd "$REPO_ROOT"

LOG_FILE="$(mktemp "${TMPDIR:-/tmp}/mcp-gateway-setup.XXXXXX")"
mv "$LOG_FILE" "$LOG_FILE.log" && LOG_FILE="$LOG_FILE.log"
START_TIME=$(date +%s)
STEP_NO=0
STEP_TOTAL=5
STEP_START=0

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  C_OK=$'\033[32m' C_WARN=$'\033[33m' C_ERR=$'\033[31m' C_DIM=$'\033[2m' C_OFF=$'\033[0m'
else
  C_OK='' C_WARN='' C_ERR='' C_DIM='' C_OFF=''
fi

step() { # step "description"
  STEP_NO=$((STEP_NO + 1))
  STEP_START=$(date +%s)
  printf '[%d/%d] %s ... ' "$STEP_NO" "$STEP_TOTAL" "$1"
  printf '\n===== [%d/%d] %s =====\n' "$STEP_NO" "$STEP_TOTAL" "$1" >>"$LOG_FILE"
}
ok() { # ok ["detail"]
  local secs=$(( $(date +%s) - STEP_START ))
  printf '%sok%s%s %s(%ss)%s\n' "$C_OK" "$C_OFF" "${1:+ ($1)}" "$C_DIM" "$secs" "$C_OFF"
}
warn() { printf '%swarning%s: %s\n' "$C_WARN" "$C_OFF" "$*" >&2; }
die() { # die "what failed" "how to fix"
  printf '%sFAILED%s\n' "$C_ERR" "$C_OFF"
  printf '\n%serror%s: %s\n' "$C_ERR" "$C_OFF" "$1" >&2
  if [ -s "$LOG_FILE" ]; then
    printf '%s--- last 40 lines of %s ---%s\n' "$C_DIM" "$LOG_FILE" "$C_OFF" >&2
    tail -n 40 "$LOG_FILE" >&2
    printf '%s--- end of log ---%s\n' "$C_DIM" "$C_OFF" >&2
  fi
  printf '%sfix%s: %s\n' "$C_WARN" "$C_OFF" "$2" >&2
  exit 1
}
run() { "$@" >>"$LOG_FILE" 2>&1 </dev/null; } # run a command quietly, output to the log

# How to run a command as root: "" (already root), "sudo -n" / "sudo", or "none".
as_root_prefix() {
  if [ "$(id -u)" -eq 0 ]; then echo ""; return; fi
  if command -v sudo >/dev/null 2>&1; then
    if sudo -n true >/dev/null 2>&1; then echo "sudo -n"; return; fi
    if [ -t 0 ]; then echo "sudo"; return; fi # interactive: sudo may prompt
  fi
  echo "none"
}

# --- preflight: node ----------------------------------------------------------
command -v node >/dev/null 2>&1 || { echo "error: node not found. Install Node.js >= 20.19 first." >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "error: npm not found. Install Node.js >= 20.19 (with npm) first." >&2; exit 1; }
NODE_VERSION="$(node -p 'process.versions.node')"
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "error: Node $NODE_VERSION is too old; this repo needs Node >= 20.19." >&2
  exit 1
fi

echo "mcp-gateway setup in $REPO_ROOT (node $NODE_VERSION; log: $LOG_FILE)"

# --- 1. pnpm -----------------------------------------------------------------
PNPM_WANTED="$(node -p 'const pm = require("./package.json").packageManager || ""; (pm.match(/^pnpm@(\d+\.\d+\.\d+)/) || [, ""])[1]')"
[ -n "$PNPM_WANTED" ] || { echo "error: package.json has no \"packageManager\": \"pnpm@x.y.z\" field." >&2; exit 1; }

pnpm_version() { # prints the pnpm version on PATH, or nothing
  command -v pnpm >/dev/null 2>&1 || return 0
  pnpm -v 2>/dev/null </dev/null | grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+' | tail -n 1 || true
}

step "pnpm $PNPM_WANTED"
PNPM_HAVE="$(pnpm_version)"
if [ "$PNPM_HAVE" = "$PNPM_WANTED" ]; then
  ok "already installed"
else
  NPM_PREFIX="$(npm prefix -g 2>/dev/null || echo /usr/local)"
  SUDO=""
  for d in "$NPM_PREFIX/lib/node_modules" "$NPM_PREFIX/lib" "$NPM_PREFIX"; do
    if [ -e "$d" ]; then [ -w "$d" ] || SUDO="$(as_root_prefix)"; break; fi
  done
  if [ -z "$SUDO" ] && [ -e "$NPM_PREFIX/bin" ] && [ ! -w "$NPM_PREFIX/bin" ]; then SUDO="$(as_root_prefix)"; fi
  if [ "$SUDO" = "none" ]; then
    die "npm's global prefix ($NPM_PREFIX) is not writable and sudo is unavailable, so pnpm@$PNPM_WANTED cannot be installed." \
        "run 'sudo npm i -g pnpm@$PNPM_WANTED' once (or 'npm config set prefix ~/.local' and put ~/.local/bin on PATH), then re-run: bash scripts/setup.sh"
  fi
  # never corepack: the registry serves no npm signatures (toolchain.md §2)
  run $SUDO npm i -g "pnpm@$PNPM_WANTED" \
    || die "npm i -g pnpm@$PNPM_WANTED failed${PNPM_HAVE:+ (currently installed: $PNPM_HAVE)}." \
           "check access to the npm registry (npm ping), then run 'npm i -g pnpm@$PNPM_WANTED' and re-run: bash scripts/setup.sh"
  hash -r
  PNPM_HAVE="$(pnpm_version)"
  if [ "$PNPM_HAVE" != "$PNPM_WANTED" ]; then
    die "installed pnpm@$PNPM_WANTED, but 'pnpm -v' on PATH reports '${PNPM_HAVE:-nothing}' ($(command -v pnpm || echo 'pnpm not on PATH'))." \
        "put $NPM_PREFIX/bin first on PATH (or remove the other pnpm at $(command -v pnpm || echo '?')), then re-run: bash scripts/setup.sh"
  fi
  ok "installed"
fi

# --- 2. Chromium (for the Playwright e2e tests) ------------------------------
step "Chromium (/usr/bin/chromium, for the e2e tests)"
if [ -x /usr/bin/chromium ]; then
  ok "already installed"
else
  SUDO="$(as_root_prefix)"
  if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    printf '%sskipped%s\n' "$C_WARN" "$C_OFF"
    warn "cannot install Chromium (needs apt-get and root or sudo). The e2e tests (pnpm test / pnpm e2e) need /usr/bin/chromium:"
    warn "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"
  elif run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update \
      && run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
      && [ -x /usr/bin/chromium ]; then
    ok "installed with apt"
  else
    printf '%sfailed%s\n' "$C_WARN" "$C_OFF"
    KEEP_LOG=1
    warn "apt-get install chromium failed (see $LOG_FILE). Continuing, but the e2e tests need /usr/bin/chromium:"
    warn "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"
  fi
fi

# --- 3. node-gyp headers (better-sqlite3 compiles without nodejs.org) ---------
step "node-gyp headers for node $NODE_VERSION"
export npm_config_nodedir=/usr
if [ ! -f /usr/include/node/node.h ]; then
  printf '%sskipped%s\n' "$C_WARN" "$C_OFF"
  warn "/usr/include/node/node.h is missing; node-gyp will try to download headers from nodejs.org when compiling better-sqlite3."
  warn "  if the install fails, install the headers (Debian: sudo apt-get install -y libnode-dev) and re-run."
  unset npm_config_nodedir
else
  GYP_DIR="${npm_config_devdir:-${XDG_CACHE_HOME:-$HOME/.cache}/node-gyp}/$NODE_VERSION"
  mkdir -p "$GYP_DIR/include"
  if [ -L "$GYP_DIR/include/node" ] || [ ! -e "$GYP_DIR/include/node" ]; then
    ln -sfn /usr/include/node "$GYP_DIR/include/node"
  fi # else: a real header download is already there; keep it
  [ "$(cat "$GYP_DIR/installVersion" 2>/dev/null || true)" = "11" ] || printf '11\n' >"$GYP_DIR/installVersion"
  ok "$GYP_DIR -> /usr/include/node, npm_config_nodedir=/usr"
fi

# --- 4. dependencies ---------------------------------------------------------
if [ -d node_modules/.pnpm ]; then
  step "pnpm install --frozen-lockfile"
else
  step "pnpm install --frozen-lockfile (a cold store compiles better-sqlite3: ~1 min)"
fi
run pnpm install --frozen-lockfile \
  || die "pnpm install --frozen-lockfile failed." \
         "if the lockfile is out of date, run 'pnpm install' and commit pnpm-lock.yaml; if better-sqlite3 failed to compile, check gcc/make/python3 are installed; then re-run: bash scripts/setup.sh"
# pnpm only *warns* about skipped build scripts; catch a missing native binding now, not at runtime
GATEWAY_DIR="$REPO_ROOT/packages/gateway"
if [ -f "$GATEWAY_DIR/package.json" ] && grep -q '"better-sqlite3"' "$GATEWAY_DIR/package.json"; then
  check_sqlite() { (cd "$GATEWAY_DIR" && node -e 'new (require("better-sqlite3"))(":memory:").close()') >>"$LOG_FILE" 2>&1; }
  if ! check_sqlite; then
    run pnpm --filter "$(node -p 'require("./packages/gateway/package.json").name')" rebuild better-sqlite3 || true
    check_sqlite || die "better-sqlite3's native module does not load after install." \
      "make sure pnpm-workspace.yaml has 'allowBuilds: { better-sqlite3: true }' and gcc/make/python3 are installed, then run: pnpm --filter @mcp-gateway/gateway rebuild better-sqlite3"
  fi
fi
ok

# --- 5. build ----------------------------------------------------------------
step "pnpm build"
run pnpm build \
  || die "pnpm build failed (the compiler errors are in the log tail above)." \
         "fix the build errors, then run 'pnpm build' (re-running setup is not needed)"
ok

printf '%sSetup complete%s in %ss. Next: pnpm start   (tests: pnpm test)\n' "$C_OK" "$C_OFF" "$(( $(date +%s) - START_TIME ))"
[ -n "${KEEP_LOG:-}" ] || rm -f "$LOG_FILE"
