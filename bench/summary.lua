-- wrk script: prints one machine-readable line at the end. Every response that is not an
-- error is a redirect here (/click and /bench/302 answer 302 or an error page), so
-- redirects = requests - non-2xx/3xx responses.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non3xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
