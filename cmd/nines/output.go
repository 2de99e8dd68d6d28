package main

import (
	"fmt"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

// tableFormats are the formats of commands that print tables.
var tableFormats = []report.Format{report.Table, report.Wide, report.JSON, report.CSV, report.Markdown}

// outputFormat reads -o against the formats a command allows; a bad one is a
// usage error.
func outputFormat(output string, allowed ...report.Format) (report.Format, error) {
	f, err := report.ParseFormat(output, allowed...)
	if err != nil {
		return "", &usageError{err: err}
	}
	return f, nil
}

// export hands a command's result to the one exporter, prints the use
// case's warnings on stderr, once each, and returns its source errors: the
// output is written, but the command fails.
func export(s *streams, f report.Format, v any, notes app.Notes) error {
	for _, w := range notes.Warnings {
		fmt.Fprintf(s.ErrOut, "warning: %s\n", report.Escape(w))
	}
	if err := report.Export(s.Out, f, v); err != nil {
		return err
	}
	return notes.Err()
}
