package main

import (
	"bytes"
	"io"
	"os"
)

// streams carries the standard streams so that every command is testable.
// Results go to Out; logs, progress and hints to ErrOut.
type streams struct {
	In          io.Reader
	Out         io.Writer
	ErrOut      io.Writer
	OutIsTTY    bool
	ErrOutIsTTY bool
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

func systemStreams() *streams {
	return &streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		ErrOut:      os.Stderr,
		OutIsTTY:    isTerminal(os.Stdout),
		ErrOutIsTTY: isTerminal(os.Stderr),
		Getenv:      os.Getenv,
	}
}

// testStreams returns streams backed by buffers and an environment map.
func testStreams(env map[string]string) (*streams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &streams{
		In:     &bytes.Buffer{},
		Out:    out,
		ErrOut: errOut,
		Getenv: func(k string) string { return env[k] },
	}, out, errOut
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}
