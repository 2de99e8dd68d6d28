package main

import (
	"fmt"
	"strings"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

// csvHelp is the paragraph that ends the long help of every command that
// writes -o csv: what the CSV holds, then more (the command's rows),
// wrapped to 80 columns.
func csvHelp(more string) string {
	text := "-o csv is for tools: one table with a fixed header of unique snake_case columns, " +
		"ratios as decimals (0.9995), durations in seconds, amounts as plain decimals beside a " +
		"currency column, times in RFC 3339 with their offset, and an empty cell for a missing value. " +
		more + " docs/csv.md lists the columns."
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len(w) > 80 {
			b.WriteString("\n")
			n = 0
		} else if n > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

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
