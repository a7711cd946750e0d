# Sourced by the prove_*.sh scripts. `make_throwaway_copy` sets $copy to a fresh copy of the repo
# (tracked and untracked-but-not-ignored files), removed when the calling script exits.
make_throwaway_copy() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
  copy="$(mktemp -d)/repo"
  mkdir -p "$copy"
  # shellcheck disable=SC2064 # expand now: the path is fixed at creation
  trap "rm -rf '$(dirname "$copy")'" EXIT
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar -cf - --null -T -) \
    | tar -xf - -C "$copy"
}
