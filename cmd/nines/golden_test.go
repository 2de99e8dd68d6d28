package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with the file testdata/golden/<name>. With -update it
// writes got there instead, so every golden file can be regenerated with
//
//	go test ./cmd/nines -run TestName -update
//
// On a mismatch it reports a line diff: "-" lines are in the golden file
// only, "+" lines in the output only.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("could not read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept it):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff is a minimal line diff (longest common subsequence) of two short
// texts, with two lines of context around each change. Trailing spaces show
// as "·" and a missing final newline as "⏎", since both are otherwise invisible.
func lineDiff(want, got string) string {
	a, b := splitLines(want), splitLines(got)
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			lines = append(lines, line{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			lines = append(lines, line{'-', a[i]})
			i++
		default:
			lines = append(lines, line{'+', b[j]})
			j++
		}
	}
	const context = 2
	var out strings.Builder
	last := -1
	for k, l := range lines {
		near := false
		for d := -context; d <= context; d++ {
			if k+d >= 0 && k+d < len(lines) && lines[k+d].op != ' ' {
				near = true
				break
			}
		}
		if !near {
			continue
		}
		if last >= 0 && k > last+1 {
			out.WriteString("  ...\n")
		}
		last = k
		out.WriteByte(l.op)
		out.WriteByte(' ')
		out.WriteString(visible(l.text))
		out.WriteByte('\n')
	}
	return out.String()
}

func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// visible marks what a diff would otherwise hide at the end of a line.
func visible(l string) string {
	text, nl := strings.CutSuffix(l, "\n")
	trimmed := strings.TrimRight(text, " \t")
	text = trimmed + strings.Repeat("·", len(text)-len(trimmed))
	if !nl {
		text += "⏎ (no newline at end)"
	}
	return text
}

func TestLineDiffShowsWhatChanged(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		diff      string
	}{
		{
			"a changed line shows as removed and added, with context",
			"a\nb\nc\nd\n", "a\nB\nc\nd\n",
			"  a\n- b\n+ B\n  c\n  d\n",
		},
		{
			"far-apart changes are separated by an ellipsis",
			"1\n2\n3\n4\n5\n6\n7\n8\n", "0\n2\n3\n4\n5\n6\n7\n9\n",
			"- 1\n+ 0\n  2\n  3\n  ...\n  6\n  7\n- 8\n+ 9\n",
		},
		{
			"trailing spaces and a missing final newline are made visible",
			"x\n", "x  ",
			"- x\n+ x··⏎ (no newline at end)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineDiff(tt.want, tt.got); got != tt.diff {
				t.Errorf("lineDiff() =\n%s\nwant\n%s", got, tt.diff)
			}
		})
	}
}
