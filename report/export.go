package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// More output formats: Wide is the table with every column; XLSX is an Excel
// workbook, written to a file only; Text is the gate's decision for people.
const (
	Wide Format = "wide"
	XLSX Format = "xlsx"
	Text Format = "text"
)

// GridOptions tune the tables a result gives.
type GridOptions struct {
	// Wide asks for every column (-o wide, csv, markdown); otherwise a
	// terminal table fits 120 columns.
	Wide bool
}

// Tabular is a result that renders as tables (table, wide, csv, markdown).
type Tabular interface {
	Grids(GridOptions) []Grid
}

// Renderer is a result that renders some formats itself (the gate's text,
// the summary's Markdown page). Render reports false for a format it leaves
// to Export's defaults.
type Renderer interface {
	Render(w io.Writer, f Format) (bool, error)
}

// Workbook is a result that can be written as an Excel workbook.
type Workbook interface {
	WriteXLSX(w io.Writer) error
}

// Describer says in a few words what a result holds, for the confirmation
// of a written file ("6 sheets, 2026-Q3").
type Describer interface {
	Describe(f Format) string
}

// Export writes v in format f: the one output seam of every command. JSON is
// indented JSON of v (every schema alike); csv is v's machine table when v
// implements Records; a Renderer renders what it knows; table, wide, csv and
// markdown go through v's Grids; xlsx through WriteXLSX.
func Export(w io.Writer, f Format, v any) error {
	if r, ok := v.(Records); ok && f == CSV {
		t, err := r.Records()
		if err != nil {
			return fmt.Errorf("could not write csv output: %w", err)
		}
		return t.Write(w)
	}
	if r, ok := v.(Renderer); ok {
		done, err := r.Render(w, f)
		if done || err != nil {
			return err
		}
	}
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("could not write JSON: %w", err)
		}
		return nil
	case XLSX:
		wb, ok := v.(Workbook)
		if !ok {
			return fmt.Errorf("this result has no workbook form")
		}
		return wb.WriteXLSX(w)
	case Table, Wide, CSV, Markdown:
		t, ok := v.(Tabular)
		if !ok {
			return fmt.Errorf("this result has no %s form", f)
		}
		tf := f
		if f == Wide {
			tf = Table
		}
		return Write(w, tf, t.Grids(GridOptions{Wide: f != Table})...)
	}
	return fmt.Errorf("unknown output format %q", f)
}

// ExportFile writes v to path in format f through Export, whole or not at
// all (a temporary file in the same directory, renamed into place), and
// returns the confirmation to print on stderr: "wrote PATH: WHAT".
func ExportFile(path string, f Format, v any) (string, error) {
	if err := WriteFileAtomic(path, func(w io.Writer) error { return Export(w, f, v) }); err != nil {
		return "", err
	}
	msg := "wrote " + path
	if d, ok := v.(Describer); ok {
		if what := d.Describe(f); what != "" {
			msg += ": " + what
		}
	}
	return msg, nil
}

// WriteFileAtomic writes path through a temporary file in the same
// directory, renamed into place once complete: a failed write leaves no
// half-written file.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
