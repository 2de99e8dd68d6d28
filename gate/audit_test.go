package gate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nines-sre/nines/gate"
)

// auditRecord is big enough (about 16 KiB) that a torn or interleaved write
// would show.
type auditRecord struct {
	Writer  string `json:"writer"`
	Payload string `json:"payload"`
}

func record(n int) auditRecord {
	return auditRecord{Writer: fmt.Sprint(n), Payload: strings.Repeat(fmt.Sprintf("%d\n", n%10), 8<<10)}
}

// checkLines asserts that path holds exactly the records of writers, one
// intact JSON line each.
func checkLines(t *testing.T, path string, writers []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		t.Error("the audit log does not end with a newline")
	}
	want := map[string]bool{}
	for _, w := range writers {
		want[w] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var r auditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d is not one JSON record: %v", n, err)
		}
		var id int
		fmt.Sscan(r.Writer, &id)
		if r.Payload != record(id).Payload {
			t.Errorf("line %d: the payload of writer %s is damaged", n, r.Writer)
		}
		if !want[r.Writer] {
			t.Errorf("line %d: unexpected or repeated writer %q", n, r.Writer)
		}
		delete(want, r.Writer)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(writers) || len(want) != 0 {
		t.Errorf("%d lines, want %d; missing writers %v", n, len(writers), want)
	}
}

func TestAppendJSONFromManyGoroutinesKeepsEveryLineWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "audit.jsonl")
	var wg sync.WaitGroup
	var writers []string
	for i := range 50 {
		writers = append(writers, fmt.Sprint(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := gate.AppendJSON(path, record(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	checkLines(t, path, writers)
}

// The test binary re-executes itself 50 times at once; each process appends
// one record (see TestMain).
func TestAppendJSONFromFiftyProcessesAtOnceKeepsEveryLineWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmds := make([]*exec.Cmd, 50)
	for i := range cmds {
		c := exec.Command(exe)
		c.Env = append(os.Environ(), helperEnv+"="+path)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		cmds[i] = c
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var writers []string
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("helper %d: %v: %s", c.Process.Pid, err, c.Stderr)
		}
		writers = append(writers, fmt.Sprint(c.Process.Pid))
	}
	checkLines(t, path, writers)
}

func TestAppendJSONKeepsNewlinesInsideOneLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := gate.AppendJSON(path, map[string]string{"reason": "line one\nline two\r\n"}); err != nil {
		t.Fatal(err)
	}
	if err := gate.AppendJSON(path, map[string]string{"reason": "second"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if got := strings.Count(string(data), "\n"); got != 2 {
		t.Errorf("%d newlines, want 2:\n%s", got, data)
	}
}

func TestAppendJSONReportsWhatFailed(t *testing.T) {
	dir := t.TempDir()
	err := gate.AppendJSON(dir, map[string]string{}) // a directory cannot be appended to
	if err == nil || !strings.Contains(err.Error(), "could not open the audit log") {
		t.Errorf("error %v, want one saying the audit log could not be opened", err)
	}
	err = gate.AppendJSON(filepath.Join(dir, "a.jsonl"), func() {})
	if err == nil || !strings.Contains(err.Error(), "could not encode the audit record") {
		t.Errorf("error %v, want an encoding error", err)
	}
}
