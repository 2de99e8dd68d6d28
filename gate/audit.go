package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// AppendJSON appends v to the file at path as one line of JSON (JSON Lines),
// creating the file and its directory if needed. The line goes out in a
// single write to a file opened with O_APPEND, under an exclusive lock on the
// file, so that any number of processes appending at once never lose or
// interleave lines.
func AppendJSON(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("could not encode the audit record: %w", err)
	}
	if bytes.ContainsAny(line, "\n\r") {
		// json.Marshal escapes newlines in strings; this cannot happen.
		return fmt.Errorf("could not encode the audit record: it spans lines")
	}
	line = append(line, '\n')
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("could not create the audit log directory: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("could not open the audit log: %w", err)
	}
	if err := lock(f); err != nil {
		f.Close()
		return fmt.Errorf("could not lock the audit log %s: %w", path, err)
	}
	n, werr := f.Write(line)
	unlock(f)
	cerr := f.Close()
	switch {
	case werr != nil:
		return fmt.Errorf("could not append to the audit log %s: %w", path, werr)
	case n != len(line):
		return fmt.Errorf("could not append to the audit log %s: wrote %d of %d bytes", path, n, len(line))
	case cerr != nil:
		return fmt.Errorf("could not append to the audit log %s: %w", path, cerr)
	}
	return nil
}
