-- wrk reporter for bench/run.py: one parseable line with p50, p95 and p99 (wrk's own --latency
-- output has no p95), the request rate and the errors. Latencies are in microseconds.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.2f p50_us=%d p95_us=%d p99_us=%d bytes=%d "
      .. "status_errors=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.bytes,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout
  ))
end
