package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README marks what this test checks with HTML comments, invisible on
// GitHub:
//
//	<!-- README test: every command below runs -->
//	```sh
//	./nines burn --source demo --at 2026-10-14T12:00:00Z   # comment
//	```
//
// runs each line of the block that calls nines (as nines, ./nines or go run
// ./cmd/nines) with the built binary and requires exit 0, and
//
//	<!-- README test: stdout of nines burn --source demo --at 2026-10-14T12:00:00Z -->
//	```
//	SERVICE ...
//	```
//
// requires the block to be exactly what that command prints (and the
// command to be one the README shows). -update rewrites those blocks.
var (
	readmeRuns   = regexp.MustCompile("(?m)^<!-- README test: every command below runs -->\n```sh\n((?s:.*?))```")
	readmeOutput = regexp.MustCompile("(?m)^<!-- README test: stdout of (nines [^>]*?) -->\n```\n((?s:.*?))```")
	readmeNines  = regexp.MustCompile(`^(?:nines|\./nines|go run \./cmd/nines)( .*)?$`)
)

// TestREADME runs the README's commands with the built binary as a user
// would after cloning (from a directory holding the repository's specs/),
// so that neither its commands nor its sample outputs can drift.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bin := buildNines(t, t.TempDir())
	specsDir, err := filepath.Abs(filepath.Join("..", "..", "specs"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(specsDir, filepath.Join(work, "specs")); err != nil {
		t.Fatal(err)
	}

	shown := map[string]bool{}
	blocks := readmeRuns.FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("the README marks no command block to run")
	}
	ran := 0
	for _, b := range blocks {
		for _, line := range strings.Split(string(b[1]), "\n") {
			args, ok := readmeCommand(line)
			if !ok {
				continue
			}
			shown["nines "+strings.Join(args, " ")] = true
			ran++
			res := runIn(t, work, bin, args...)
			if res.code != 0 {
				t.Errorf("README command %q exits %d:\n%s", line, res.code, res.stderr)
			}
		}
	}
	if ran == 0 {
		t.Fatal("the README's marked blocks hold no nines command")
	}

	outputs := readmeOutput.FindAllSubmatchIndex(readme, -1)
	if len(outputs) == 0 {
		t.Fatal("the README marks no sample output")
	}
	updated := append([]byte(nil), readme...)
	// Rewrite from the end, so earlier offsets stay valid.
	for i := len(outputs) - 1; i >= 0; i-- {
		m := outputs[i]
		command := string(readme[m[2]:m[3]])
		want := readme[m[4]:m[5]]
		if !shown[command] {
			t.Errorf("the README shows the output of %q but not the command in a marked block", command)
		}
		res := runIn(t, work, bin, strings.Fields(command)[1:]...)
		if res.code != 0 {
			t.Errorf("%q exits %d:\n%s", command, res.code, res.stderr)
			continue
		}
		if *update {
			updated = append(updated[:m[4]:m[4]], append([]byte(res.stdout), updated[m[5]:]...)...)
			continue
		}
		if !bytes.Equal([]byte(res.stdout), want) {
			t.Errorf("the README's output of %q is out of date (run go test ./cmd/nines -run TestREADME -update):\n%s",
				command, lineDiff(string(want), res.stdout))
		}
	}
	if *update && !bytes.Equal(updated, readme) {
		if err := os.WriteFile(path, updated, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readmeCommand reads a README line that runs nines into its arguments,
// without a trailing comment.
func readmeCommand(line string) ([]string, bool) {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	m := readmeNines.FindStringSubmatch(line)
	if m == nil {
		return nil, false
	}
	return strings.Fields(m[1]), true
}

// runIn runs the binary in dir with a clean environment.
func runIn(t *testing.T, dir, bin string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("could not run %s: %v", bin, err)
	}
	return binResult{code, stdout.String(), stderr.String()}
}
