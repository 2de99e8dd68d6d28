package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The JUnit XML that GitLab (artifacts:reports:junit) and Jenkins (junit
// step) read: one test suite for the decision, one test case per SLO. A test
// case fails when the decision blocks because of it; its warnings and passing
// reasons go to system-out.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitSkipped marks a test case skipped (verify: inconclusive).
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteGateJUnit writes the decision as a JUnit XML report. Every string
// is escaped (Escape): the XML stays valid (it can hold no control
// character) and each line of a failure or system-out is one reason.
func WriteGateJUnit(w io.Writer, g GateDecision) error {
	s := junitSuite{
		Name:      Escape("nines gate " + g.Service),
		Timestamp: g.Time.Format("2006-01-02T15:04:05"),
		Time:      "0",
		Properties: []junitProperty{
			{"decision_id", g.ID},
			{"service", g.Service},
			{"change_type", g.ChangeType},
			{"verdict", g.Verdict},
			{"policy_verdict", g.PolicyVerdict},
			{"exit_code", fmt.Sprint(g.ExitCode)},
			{"dry_run", fmt.Sprint(g.DryRun)},
			{"fallback", g.Fallback.Path},
			{"at", g.At.Format("2006-01-02T15:04:05Z07:00")},
			{"source", g.Source},
		},
	}
	if g.Override != nil {
		s.Properties = append(s.Properties, junitProperty{"override_actor", g.Override.Actor},
			junitProperty{"override_reason", g.Override.Reason})
	}
	for i, p := range s.Properties {
		s.Properties[i].Value = Escape(p.Value)
	}
	// A reason fails its test case when the decision blocks because of its
	// effect: blocks, and warnings under --fail-on-warn.
	failing := func(effect string) bool {
		if !g.Blocked() {
			return false
		}
		return effect == VerdictBlock || (g.Escalated && effect == VerdictWarn)
	}
	for _, o := range g.SLOs {
		c := junitCase{Name: Escape(o.SLO), Classname: Escape("nines.gate." + g.Service), Time: "0"}
		var failed, out []string
		var first *GateReason
		for i, r := range g.Reasons {
			if r.SLO != o.SLO {
				continue
			}
			line := Escape(fmt.Sprintf("%s %s: %s", r.Effect, r.Rule, r.Message))
			if failing(r.Effect) {
				failed = append(failed, line)
				if first == nil {
					first = &g.Reasons[i]
				}
			} else {
				out = append(out, line)
			}
		}
		if first != nil {
			c.Failure = &junitFailure{Message: Escape(first.Message), Type: Escape(first.Rule), Text: strings.Join(failed, "\n")}
			s.Failures++
		}
		if g.DryRun && len(out) > 0 {
			out = append([]string{"dry run: not enforced"}, out...)
		}
		c.SystemOut = strings.Join(out, "\n")
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	doc := junitSuites{Name: "nines gate", Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}
	return writeJUnit(w, doc)
}

// writeJUnit writes doc as a JUnit XML document with its header.
func writeJUnit(w io.Writer, doc junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("could not write the JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("could not write the JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("could not write the JUnit report: %w", err)
	}
	return nil
}
