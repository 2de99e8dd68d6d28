package promtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Serve starts prometheus on dataDir, a TSDB directory that holds blocks
// already (copied from Server.DataDir, or written by `promtool tsdb
// create-blocks-from rules`), as Start does, and stops it in t.Cleanup.
// Prometheus takes the directory's lock: no other server may serve it.
func Serve(t testing.TB, dataDir string) *Server {
	t.Helper()
	prometheus := lookPath(t, "prometheus")
	config := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(config, []byte(prometheusConfig), 0o644); err != nil {
		t.Fatalf("promtest: could not write prometheus config: %v", err)
	}
	return serveDir(t, prometheus, config, dataDir)
}

// serveDir starts prometheus with config on the TSDB in dataDir, on a free
// 127.0.0.1 port, and stops it in t.Cleanup.
func serveDir(t testing.TB, prometheus, config, dataDir string) *Server {
	t.Helper()
	url := startDaemon(t, prometheus, func(addr string) []string {
		return []string{
			"--config.file=" + config,
			"--storage.tsdb.path=" + dataDir,
			"--storage.tsdb.retention.time=" + retention,
			"--web.listen-address=" + addr,
		}
	})
	return &Server{URL: url, DataDir: dataDir}
}
