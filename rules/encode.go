package rules

import (
	"bytes"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// header opens every file: what wrote it and how to write it again.
const header = `# Prometheus rules written by nines rules from the specs; do not edit, run
# nines rules again. Records: the events of each SLO over 5m, every 5m
# (docs/rules.md); alerts: multi-window, multi-burn-rate, built from them.
`

// Encode writes f as a Prometheus rule file: the header comment, then YAML
// indented by two spaces. The output depends only on f.
func Encode(w io.Writer, f File) error {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if f.Groups == nil {
		f.Groups = []Group{}
	}
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("could not encode rules: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("could not encode rules: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("could not write rules: %w", err)
	}
	return nil
}
