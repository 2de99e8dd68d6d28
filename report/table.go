package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format.
type Format string

// Output formats. Not every command supports every format.
const (
	Table    Format = "table"
	JSON     Format = "json"
	CSV      Format = "csv"
	Markdown Format = "markdown"
)

// ParseFormat checks f against the formats a command allows.
func ParseFormat(f string, allowed ...Format) (Format, error) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if string(a) == f {
			return a, nil
		}
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown output format %q: use %s", f, strings.Join(names, ", "))
}

// Grid is a titled table of strings.
type Grid struct {
	Title  string
	Header []string
	Rows   [][]string
	// Notes are printed under the table (text and Markdown only).
	Notes []string
}

// Write renders grids in format f (table, markdown or csv). CSV writes a blank
// line between grids.
func Write(w io.Writer, f Format, grids ...Grid) error {
	for i, g := range grids {
		var err error
		switch f {
		case Table:
			err = writeText(w, g, i > 0)
		case Markdown:
			err = writeMarkdown(w, g, i > 0)
		case CSV:
			if i > 0 {
				if _, err = io.WriteString(w, "\n"); err != nil {
					break
				}
			}
			err = writeCSV(w, g)
		default:
			err = fmt.Errorf("format %q cannot render a table", f)
		}
		if err != nil {
			return fmt.Errorf("could not write %s output: %w", f, err)
		}
	}
	return nil
}

// writeText is the one place that knows tablewriter: its API changed
// completely between v0 and v1. Every cell is escaped (Escape), so that no
// cell spans lines.
func writeText(w io.Writer, g Grid, gap bool) error {
	if gap {
		fmt.Fprintln(w)
	}
	if g.Title != "" {
		fmt.Fprintln(w, Escape(g.Title))
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off, ShowHeader: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
	)
	t.Header(escapeAll(g.Header))
	for _, r := range g.Rows {
		if err := t.Append(escapeAll(r)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	for _, n := range g.Notes {
		fmt.Fprintln(w, Escape(n))
	}
	return nil
}

// escapeAll is cells, each escaped (Escape).
func escapeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = Escape(c)
	}
	return out
}

func writeMarkdown(w io.Writer, g Grid, gap bool) error {
	var b strings.Builder
	if gap {
		b.WriteString("\n")
	}
	if g.Title != "" {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(g.Title))
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" ")
			b.WriteString(mdEscape(c))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	row(g.Header)
	b.WriteString("|")
	for range g.Header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range g.Rows {
		row(r)
	}
	if len(g.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range g.Notes {
			fmt.Fprintf(&b, "%s\n", mdEscape(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCSV writes g as CSV, every cell escaped (Escape): a quoted field
// could span lines, and CSV is printed too.
func writeCSV(w io.Writer, g Grid) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(escapeAll(g.Header)); err != nil {
		return err
	}
	for _, r := range g.Rows {
		if err := cw.Write(escapeAll(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
