# shellcheck shell=bash
# The waits of the API benchmarks (sourced by bench/api/run.sh and bench/analytics/run.sh): each
# polls once a second for up to 120 s and then returns either way, so what follows fails visibly
# when the server never came up.

# Until the file exists and is not empty (the audit broker writes its bootstrap address there).
await_file() { # file
  for _ in $(seq 1 120); do
    [ -s "$1" ] && return
    sleep 1
  done
}

# Until the URL answers 2xx (the API's /health/ready).
await_url() { # url
  for _ in $(seq 1 120); do
    curl -fsS "$1" >/dev/null 2>&1 && return
    sleep 1
  done
}
