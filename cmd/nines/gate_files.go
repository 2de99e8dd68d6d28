package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileWith creates (or truncates) the file at path, creating its
// directory, and writes it with fn.
func writeFileWith(path string, fn func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("could not create the directory of %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return finish(f, fn)
}

// appendFileWith appends what fn writes to the file at path, which must
// be creatable.
func appendFileWith(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return finish(f, fn)
}

// finish writes f through a buffer with fn and closes it.
func finish(f *os.File, fn func(io.Writer) error) error {
	w := bufio.NewWriter(f)
	if err := fn(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("could not write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("could not write %s: %w", f.Name(), err)
	}
	return nil
}
