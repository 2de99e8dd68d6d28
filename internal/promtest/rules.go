package promtest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Promtool returns the path of promtool, or skips the test (fails it when
// RequireEnv is "1").
func Promtool(t testing.TB) string {
	t.Helper()
	return lookPath(t, "promtool")
}

// CheckRules runs `promtool check rules` on files and fails the test with
// its output when promtool rejects one. It returns promtool's output.
func CheckRules(t testing.TB, files ...string) string {
	t.Helper()
	promtool := Promtool(t)
	cmd := exec.CommandContext(t.Context(), promtool, append([]string{"check", "rules"}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtest: promtool check rules rejected the rules: %v\n%s", err, bytes.TrimSpace(out))
	}
	return string(out)
}

// WithRecordingRules evaluates the recording rules of rulesFile over the
// data of s from start to end, as Prometheus's rule engine would have at
// each group's interval (`promtool tsdb create-blocks-from rules`, which
// ignores alerting rules), and starts a second Prometheus serving the data
// and the recorded series together. s keeps running; both stop in
// t.Cleanup.
func (s *Server) WithRecordingRules(t testing.TB, rulesFile string, start, end time.Time) *Server {
	t.Helper()
	prometheus := lookPath(t, "prometheus")
	promtool := lookPath(t, "promtool")

	dir := t.TempDir()
	recorded := filepath.Join(dir, "recorded")
	dataDir := filepath.Join(dir, "data")
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, []byte(prometheusConfig), 0o644); err != nil {
		t.Fatalf("promtest: could not write prometheus config: %v", err)
	}
	unix := func(tm time.Time) string { return strconv.FormatInt(tm.Unix(), 10) }
	backfill := exec.CommandContext(t.Context(), promtool, "tsdb", "create-blocks-from", "rules",
		"--quiet", "--url="+s.URL, "--start="+unix(start), "--end="+unix(end), "--output-dir="+recorded, rulesFile)
	if out, err := backfill.CombinedOutput(); err != nil {
		t.Fatalf("promtest: could not backfill recording rules: %s: %v\n%s",
			strings.Join(backfill.Args, " "), err, bytes.TrimSpace(out))
	}
	// The blocks of both: s's backfilled blocks are never written again
	// (no compaction merges blocks that large), so copying them is safe.
	for _, from := range []string{s.DataDir, recorded} {
		if err := copyBlocks(from, dataDir); err != nil {
			t.Fatalf("promtest: %v", err)
		}
	}
	return serveDir(t, prometheus, config, dataDir)
}

// copyBlocks copies the TSDB blocks (directories with a meta.json) of from
// into to.
func copyBlocks(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return fmt.Errorf("could not read blocks of %s: %w", from, err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		block := filepath.Join(from, e.Name())
		if _, err := os.Stat(filepath.Join(block, "meta.json")); err != nil {
			continue
		}
		err := filepath.WalkDir(block, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(from, path)
			if err != nil {
				return err
			}
			dst := filepath.Join(to, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			return copyFile(path, dst)
		})
		if err != nil {
			return fmt.Errorf("could not copy block %s: %w", block, err)
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
