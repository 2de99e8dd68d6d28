package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nines-sre/nines/report"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "payments (#payments-oncall)", "payments (#payments-oncall)"},
		{"non-ASCII letters, emoji and U+FFFD are kept", "équipe 支払い 🚀 \ufffd", "équipe 支払い 🚀 \ufffd"},
		{"a backslash is kept", `C:\deploy \n`, `C:\deploy \n`},
		{"line breaks and tabs", "a\nb\r\nc\td", `a\nb\r\nc\td`},
		{"a workflow command cannot start a line", "x\n::error::pwned", `x\n::error::pwned`},
		{"terminal escapes", "\x1b[31mred\x1b[0m\a\x00\x7f", `\x1b[31mred\x1b[0m\a\x00\x7f`},
		{"C1 controls", "\u0085\u009b", `\u0085\u009b`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bidi overrides, zero-width characters and BOM", "\u202eabc\u200b\u2066\ufeff", `\u202eabc\u200b\u2066\ufeff`},
		{"bytes that are not UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// hostileGrid is a table whose cells hold line breaks, escapes and markup.
var hostileGrid = report.Grid{
	Title:  "Owners",
	Header: []string{"SERVICE", "OWNER"},
	Rows: [][]string{
		{"checkout", "pay\n::error::pwned\r\x1b[31m\u2028|x"},
		{"search", `a\|b <img src=x> [l](u) ` + "`c|d`"},
	},
}

func TestGridsEscapeTheirCells(t *testing.T) {
	for _, f := range []report.Format{report.Table, report.Markdown, report.CSV} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := report.Write(&b, f, hostileGrid); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "::") {
					t.Errorf("a line starts with \"::\": %q", l)
				}
			}
			if strings.ContainsAny(out, "\r\x1b\u2028") {
				t.Errorf("raw control characters in:\n%q", out)
			}
			if n := strings.Count(out, "\n"); n != map[report.Format]int{report.Table: 4, report.Markdown: 6, report.CSV: 3}[f] {
				t.Errorf("%d lines, want one per row:\n%s", n, out)
			}
		})
	}
	var b bytes.Buffer
	if err := report.Write(&b, report.Markdown, hostileGrid); err != nil {
		t.Fatal(err)
	}
	want := "### Owners\n\n| SERVICE | OWNER |\n|---|---|\n" +
		`| checkout | pay\\n::error::pwned\\r\\x1b\[31m\\u2028\|x |` + "\n" +
		`| search | a\\\|b \<img src=x> \[l\](u) \` + "`" + `c\|d\` + "` |\n"
	if b.String() != want {
		t.Errorf("Markdown:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGateMarkdownCannotBreakOutOfItsTable(t *testing.T) {
	g := report.GateDecision{
		Service: "checkout", ChangeType: "normal", Verdict: "allow", PolicyVerdict: "block", ID: "id-1",
		Owner:    report.Owner{Team: "team|x", Contact: "<!-- hidden"},
		Override: &report.GateOverride{Actor: "eve\n| a | b |", Reason: "r\n\n# heading\n::error::x"},
		Fallback: report.GateFallback{Path: report.FallbackNone},
		Reasons:  []report.GateReason{{SLO: "availability", Rule: "budget_exhausted", Effect: "block", Message: "gone\n| x | y |"}},
	}
	var b bytes.Buffer
	if err := report.WriteGateMarkdown(&b, g); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"### nines gate: ALLOW (OVERRIDDEN) checkout",
		"",
		`Deploy of checkout (normal change) is allowed by an override from eve\\n\| a \| b \|; the policy says block.`,
		"",
		`Override reason: r\\n\\n# heading\\n::error::x`,
		"",
		"| Effect | SLO | Objective | Budget left | Firing | Evaluated | Reason |",
		"|---|---|---|---|---|---|---|",
		`| block | availability | 0% | - | - |  | gone\\n\| x \| y \| |`,
		"",
		"Owner: team\\|x (\\<!-- hidden) · Fallback: none, every SLO was evaluated live · Decision `id-1` at 0001-01-01T00:00:00Z · Source: ",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("Markdown:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
