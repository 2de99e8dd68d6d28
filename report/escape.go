package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape makes s safe to print on one line of a terminal, a CI log or a
// file people read: every character that could end the line, move the
// cursor, recolour the screen or reorder what is shown is written as Go
// writes it in a quoted string (strconv.Quote's forms), and everything else
// is left as it is. Escaped are the control characters (C0, DEL and C1:
// "\n", "\r", "\t", "\x1b", "\u0085"), the format characters (Cf: bidi
// overrides such as "\u202e", zero-width characters, "\ufeff"), the line
// and paragraph separators ("\u2028", "\u2029") and bytes that are not
// UTF-8 ("\xff").
//
// Every renderer passes the strings it did not write itself through Escape
// (reasons, actors, owners, spec and source text, server messages), so no
// printed line can begin where the input chose, such as a GitHub Actions
// workflow command ("::error::..."). Backslashes are not doubled: the
// escaping is for display, and JSON output keeps the exact strings.
func Escape(s string) string {
	i := unsafeAt(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			q := strconv.Quote(s[i : i+1]) // "\xff"
			b.WriteString(q[1 : len(q)-1])
		case mustEscape(r):
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u2028'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeAt is the index of the first byte of s that Escape changes, or -1.
func unsafeAt(s string) int {
	for i, r := range s {
		if mustEscape(r) {
			return i
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i // not UTF-8; a real U+FFFD prints as itself
			}
		}
	}
	return -1
}

// mustEscape reports whether Escape writes r as an escape: control, format,
// line separator and paragraph separator characters.
func mustEscape(r rune) bool {
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// mdEscape makes s safe in a Markdown table cell or a line of Markdown
// prose: Escape first, so nothing ends the line or the row, then a
// backslash before each character that could end the cell or start markup
// reaching outside it: "|" (a cell), "\" (so that no escape can be undone),
// "<" (raw HTML and autolinks), "[" and "]" (links and images) and "`"
// (code spans, inside which escapes do not apply).
func mdEscape(s string) string {
	s = Escape(s)
	if !strings.ContainsAny(s, "\\|<[]`") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if strings.ContainsRune("\\|<[]`", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode is s as a Markdown code span, or as escaped text (mdEscape) when s
// holds a character that could end the span, the cell or the line.
func mdCode(s string) string {
	if s == "" || strings.ContainsAny(s, "`|\\") || Escape(s) != s {
		return mdEscape(s)
	}
	return "`" + s + "`"
}
