package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON writes v as indented JSON: the one way every command's -o json is
// written, so that every schema looks alike.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("could not write JSON: %w", err)
	}
	return nil
}
