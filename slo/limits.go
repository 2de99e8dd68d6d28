package slo

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limits of what the loaders read. Specs are written by people and reviewed
// in a repository, so real ones stay far below every limit; the limits keep
// a mistake (a generated file, a directory of unrelated YAML, a query built
// by a script) from making `nines validate` or a deploy gate run for minutes
// or exhaust memory, and say what to do instead. The README lists them
// (Specs, Limits).
const (
	// MaxSpecFileBytes is the size a spec file (tiers or service) may have.
	MaxSpecFileBytes = 1 << 20
	// MaxSpecFiles is the number of spec files one load may read, over all
	// the files and directories given.
	MaxSpecFiles = 1000
	// MaxSpecBytes is the size the spec files of one load may have together.
	MaxSpecBytes = 64 << 20
	// MaxSLOsPerFile is the number of SLOs a service file may define.
	MaxSLOsPerFile = 1000
	// MaxAlerts is the number of burn-rate alerts a tier or SLO may define:
	// each distinct alert window is a query per SLO.
	MaxAlerts = 16
	// MaxQueryBytes is the length of a PromQL expression in a spec (a query
	// template, and the query nines builds from a latency or probe SLI). It
	// is checked before the expression is parsed.
	MaxQueryBytes = 16 << 10
	// MaxIncidentsFileBytes is the size an incidents file may have.
	MaxIncidentsFileBytes = 1 << 20
)

// readLimited reads the file name (from fsys, or the operating system's files
// when fsys is nil), at most max bytes. A longer file is a *TooLargeError,
// found without reading more than max+1 bytes (the file may be a pipe or a
// device that never ends).
func readLimited(fsys fs.FS, name string, max int64) ([]byte, error) {
	var f fs.File
	var err error
	if fsys == nil {
		f, err = os.Open(name)
	} else {
		f, err = fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Limit: max}
	}
	return data, nil
}

// TooLargeError is a file longer than the loader reads.
type TooLargeError struct {
	// Limit is the size in bytes the file may have.
	Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s", byteSize(e.Limit))
}

// byteSize renders a limit in bytes as 1 MiB, 16 KiB or 100 bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
