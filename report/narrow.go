package report

import (
	"strings"
	"unicode/utf8"
)

// NarrowWidth is the width, in characters, a terminal table fits by default
// (-o table); -o wide has no limit.
const NarrowWidth = 120

// wrapText breaks prose into lines of at most width characters at spaces:
// the first line starts with first, the others with rest (a hanging indent).
// A word longer than a line stays whole.
func wrapText(text, first, rest string, width int) []string {
	var lines []string
	line := first
	empty := true
	for _, w := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	return append(lines, line)
}

// wrapNotes wraps each note to width, continuation lines indented by two
// spaces.
func wrapNotes(notes []string, width int) []string {
	var out []string
	for _, n := range notes {
		out = append(out, wrapText(n, "", "  ", width)...)
	}
	return out
}

// clip cuts s to at most n characters, ending it with "..." when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}

// wideNote is the line under a narrow table that names what -o wide adds.
func wideNote(adds string) string { return "-o wide adds " + adds + "." }
