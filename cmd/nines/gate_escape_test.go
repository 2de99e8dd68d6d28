package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// The strings a hostile or careless user gives the gate: each would start a
// GitHub Actions workflow command on a line of its own, return the carriage,
// recolour a terminal, break a line in some viewers, and end a Markdown
// table cell.
const (
	hostileReason = "INC-1 fix\n::error::pwned\r\x1b[31mred\u2028sep|pipe <b>[x](y)`"
	hostileActor  = "eve\n::warning::pwned\x1b[0m|"
	hostileTeam   = "payments\n::error::pwned\r\x1b[31m\u2028|"
	hostileDesc   = "Pays.\n::error::pwned\x1b[31m\u2029|"
)

// hostileSpecs is payments (its budget overspent) owned by hostileTeam, with
// hostileDesc as the service's and the SLO's description.
func hostileSpecs(t *testing.T) string {
	t.Helper()
	q := func(s string) string {
		b, _ := json.Marshal(s) // a JSON string is a YAML double-quoted scalar
		return string(b)
	}
	svc := gateServiceSpec("payments", "critical",
		"description: "+q(hostileDesc)+"\nowner: {team: "+q(hostileTeam)+", contact: "+q("#pay\n::error::x")+"}\n", "availability")
	svc = strings.Replace(svc, "  - name: availability\n", "  - name: availability\n    description: "+q(hostileDesc)+"\n", 1)
	return gateWriteSpecs(t, map[string]string{"tiers.yaml": gateTestTiers, "payments.yaml": svc})
}

// noCommandLines fails when a line of text starts a workflow command (or
// any other line starts with "::"), or text holds a raw control, format or
// separator character.
func noCommandLines(t *testing.T, what, text string) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "::") {
			t.Errorf("%s: a line starts with \"::\": %q", what, l)
		}
	}
	if strings.ContainsAny(text, "\r\x1b\u2028\u2029") {
		t.Errorf("%s holds a raw control or separator character:\n%q", what, text)
	}
}

func TestGateOutputEscapesUserInput(t *testing.T) {
	srv := gateFakeProm(t, gateTestData())
	specs := hostileSpecs(t)
	dir := t.TempDir()
	summary, junit, audit := filepath.Join(dir, "summary.md"), filepath.Join(dir, "gate.xml"), filepath.Join(dir, "audit.jsonl")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	base := []string{"--specs", specs, "--prometheus.url", srv.URL, "--at", gateAt.Format(time.RFC3339), "--cache-dir", t.TempDir(),
		"--service", "payments", "--override", "--reason", hostileReason, "--actor", hostileActor, "--audit-log", audit}
	for _, f := range []struct{ output, golden string }{
		{"text", "gate/hostile.txt"}, {"wide", "gate/hostile_wide.txt"}, {"markdown", "gate/hostile.md"}, {"json", "gate/hostile.json"},
	} {
		t.Run(f.output, func(t *testing.T) {
			if err := os.Remove(summary); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			code, out, errOut := gateRun(t, env, append(base, "-o", f.output, "--junit", junit)...)
			if code != exitOK {
				t.Fatalf("exit code %d, want 0 (overridden)\n%s", code, errOut)
			}
			out = strings.ReplaceAll(out, srv.URL, "http://prometheus.test")
			golden(t, f.golden, []byte(out))
			noCommandLines(t, "stdout", out)

			// stderr: the annotations start with "::", and only they.
			var annotations int
			for _, l := range strings.Split(errOut, "\n") {
				switch {
				case strings.HasPrefix(l, "::error title=nines gate "), strings.HasPrefix(l, "::warning title=nines gate "):
					annotations++
				case strings.HasPrefix(l, "::"):
					t.Errorf("stderr: a line starts with \"::\": %q", l)
				}
			}
			if annotations == 0 {
				t.Errorf("no annotations on stderr, so they prove nothing:\n%s", errOut)
			}
			if strings.ContainsAny(errOut, "\r\x1b\u2028\u2029") {
				t.Errorf("stderr holds a raw control or separator character:\n%q", errOut)
			}

			data, err := os.ReadFile(summary)
			if err != nil {
				t.Fatal(err)
			}
			noCommandLines(t, "step summary", string(data))
			if f.output == "markdown" && strings.ReplaceAll(string(data), srv.URL, "http://prometheus.test") != out {
				t.Error("the step summary is not the -o markdown output")
			}

			x, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			noCommandLines(t, "JUnit", string(x))
			if err := xml.Unmarshal(x, new(struct{})); err != nil {
				t.Errorf("JUnit report is not XML: %v", err)
			}
			if f.output == "text" {
				golden(t, "gate/hostile_junit.xml", []byte(strings.ReplaceAll(string(x), srv.URL, "http://prometheus.test")))
			}

			if f.output == "json" {
				var d report.GateDecision
				if err := json.Unmarshal([]byte(out), &d); err != nil {
					t.Fatal(err)
				}
				if d.Override == nil || d.Override.Reason != hostileReason || d.Override.Actor != hostileActor || d.Owner.Team != hostileTeam {
					t.Errorf("JSON does not keep the exact strings: override %+v, owner %+v", d.Override, d.Owner)
				}
			}
		})
	}
	t.Run("the escaped forms are shown", func(t *testing.T) {
		text, err := os.ReadFile(filepath.Join("testdata", "golden", "gate", "hostile_wide.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`INC-1 fix\n::error::pwned\r\x1b[31mred\u2028sep|pipe`, `eve\n::warning::pwned\x1b[0m|`,
			`payments\n::error::pwned\r\x1b[31m\u2028|`} {
			if !strings.Contains(string(text), want) {
				t.Errorf("hostile_wide.txt does not show %s", want)
			}
		}
		md, err := os.ReadFile(filepath.Join("testdata", "golden", "gate", "hostile.md"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `INC-1 fix\\n::error::pwned\\r\\x1b\[31mred\\u2028sep\|pipe \<b>\[x\](y)\` + "`"; !strings.Contains(string(md), want) {
			t.Errorf("hostile.md does not show %s", want)
		}
	})
	t.Run("every audit line keeps the exact strings", func(t *testing.T) {
		data, err := os.ReadFile(audit)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 4 {
			t.Fatalf("%d audit lines, want 4", len(lines))
		}
		for _, l := range lines {
			var d report.GateDecision
			if err := json.Unmarshal([]byte(l), &d); err != nil {
				t.Fatal(err)
			}
			if d.Override == nil || d.Override.Reason != hostileReason || d.Override.Actor != hostileActor || d.Owner.Team != hostileTeam {
				t.Errorf("audit line does not keep the exact strings: %s", l)
			}
		}
	})
}

// TestOtherCommandsEscapeTheOwner: burn and status print the owner in every
// table format, escaped.
func TestOtherCommandsEscapeTheOwner(t *testing.T) {
	srv := gateFakeProm(t, gateTestData())
	specs := hostileSpecs(t)
	for _, cmd := range []string{"burn", "status"} {
		for _, o := range []string{"table", "wide", "markdown", "csv"} {
			t.Run(cmd+" -o "+o, func(t *testing.T) {
				s, out, errOut := testStreams(nil)
				code := run(context.Background(), []string{cmd, "--specs", specs, "--prometheus.url", srv.URL,
					"--at", gateAt.Format(time.RFC3339), "-o", o}, s)
				if code != exitOK {
					t.Fatalf("exit code %d\n%s", code, errOut)
				}
				noCommandLines(t, "stdout", out.String())
				noCommandLines(t, "stderr", errOut.String())
				want := `payments\n::error::pwned\r\x1b[31m\u2028|`
				if o == "markdown" {
					want = `payments\\n::error::pwned\\r\\x1b\[31m\\u2028\|`
				}
				if o != "table" && !strings.Contains(out.String(), want) {
					t.Errorf("the owner is not shown escaped (%s):\n%s", want, out)
				}
			})
		}
	}
}
