package report

import (
	"fmt"
	"io"
)

// WriteVerifyJUnit writes the verification as a JUnit XML report: one test
// suite, one test case per SLO. A failing SLO is a failure; an
// inconclusive one is skipped, or a failure under --inconclusive fail.
// Every string is escaped (Escape).
func WriteVerifyJUnit(w io.Writer, v Verification) error {
	decision := ""
	if v.DecisionID != nil {
		decision = *v.DecisionID
	}
	s := junitSuite{
		Name:      Escape("nines verify " + v.Service),
		Timestamp: v.Time.Format("2006-01-02T15:04:05"),
		Time:      "0",
		Properties: []junitProperty{
			{"verify_id", v.ID},
			{"decision_id", decision},
			{"service", v.Service},
			{"verdict", v.Verdict},
			{"exit_code", fmt.Sprint(v.ExitCode)},
			{"since", v.Since.Format("2006-01-02T15:04:05Z07:00")},
			{"at", v.At.Format("2006-01-02T15:04:05Z07:00")},
			{"baseline", v.Baseline},
			{"confidence", trimFloat(v.Confidence)},
			{"source", v.Source},
		},
	}
	for i, p := range s.Properties {
		s.Properties[i].Value = Escape(p.Value)
	}
	for _, o := range v.SLOs {
		c := junitCase{Name: Escape(o.SLO), Classname: Escape("nines.verify." + v.Service), Time: "0"}
		msg := Escape(o.Message)
		switch {
		case o.Verdict == VerifyFail, o.Verdict == VerifyInconclusive && v.OnInconclusive == VerifyFail:
			c.Failure = &junitFailure{Message: msg, Type: Escape(o.Rule), Text: Escape(o.Verdict + " " + o.Rule + ": " + o.Message)}
			s.Failures++
		case o.Verdict == VerifyInconclusive:
			c.Skipped = &junitSkipped{Message: msg}
			s.Skipped++
		default:
			c.SystemOut = Escape(o.Verdict + " " + o.Rule + ": " + o.Message)
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	doc := junitSuites{Name: "nines verify", Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}
	return writeJUnit(w, doc)
}
