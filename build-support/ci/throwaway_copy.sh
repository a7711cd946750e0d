# Sourced by the prove_*.sh scripts. `make_throwaway_copy` sets $copy to a fresh copy of the repo
# (tracked and untracked-but-not-ignored files), removed, with any Pants daemon it started, when
# the calling script exits.
make_throwaway_copy() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
  copy="$(mktemp -d)/repo"
  mkdir -p "$copy"
  # shellcheck disable=SC2064 # expand now: the path is fixed at creation
  trap "stop_pantsd_of '$copy'; rm -rf '$(dirname "$copy")'" EXIT
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar -cf - --null -T -) \
    | tar -xf - -C "$copy"
}

stop_pantsd_of() { # stop_pantsd_of BUILDROOT: stop that buildroot's daemon and wait until it is gone
  local pattern="pantsd \\[$1\\]" tries=0
  pkill -f "$pattern" 2>/dev/null || return 0
  while pgrep -f "$pattern" >/dev/null && ((tries++ < 100)); do sleep 0.1; done
}
