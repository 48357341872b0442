package cli

// metricsFlagUsage describes --metrics-file, the same for renew and check --expiring.
const metricsFlagUsage = "write the state as Prometheus metrics to `FILE` (for node_exporter's textfile collector: a .prom file in its directory)"
