#!/usr/bin/env bash
# Turns the repository's remote cache settings into Pants' environment for the rest of a CI job
# (see pants.ci.toml, "Remote cache"). Inputs, all optional:
#   REMOTE_ADDRESS   grpc(s)://host:port of the REAPI cache (CI variable); unset: stay local
#   REMOTE_TOKEN     bearer token (CI secret); written to a private file, never to the log/env
#   REMOTE_INSTANCE  REAPI instance name, if the server routes by it (CI variable)
#   REMOTE_WRITE     "true" to let this job write (pushes to main only)
# Pull requests from forks get no secrets: they try the cache without a token, and a cache that
# wants one answers with errors that Pants reports as warnings before running the work locally.
set -euo pipefail
: "${GITHUB_ENV:?run this inside a GitHub Actions job}"

if [[ -z "${REMOTE_ADDRESS:-}" ]]; then
  echo "No remote cache configured (variable PANTS_REMOTE_STORE_ADDRESS): local caches only."
  exit 0
fi
write=false
[[ "${REMOTE_WRITE:-false}" == true ]] && write=true
{
  echo "PANTS_REMOTE_STORE_ADDRESS=$REMOTE_ADDRESS"
  echo "PANTS_REMOTE_CACHE_READ=true"
  echo "PANTS_REMOTE_CACHE_WRITE=$write"
  if [[ -n "${REMOTE_INSTANCE:-}" ]]; then echo "PANTS_REMOTE_INSTANCE_NAME=$REMOTE_INSTANCE"; fi
} >>"$GITHUB_ENV"
if [[ -n "${REMOTE_TOKEN:-}" ]]; then
  token_file="${RUNNER_TEMP:?}/pants-remote-cache-token"
  (umask 077 && printf '%s' "$REMOTE_TOKEN" >"$token_file")
  echo "PANTS_REMOTE_OAUTH_BEARER_TOKEN_PATH=$token_file" >>"$GITHUB_ENV"
fi
echo "Remote cache at $REMOTE_ADDRESS: read, $([[ $write == true ]] && echo write || echo "no write")."
