package prom_test

import (
	"strings"
	"testing"

	"github.com/nines-sre/nines/prom"
)

// A gzip stream that is cut short or fails its checksum is an error at the
// line where reading stopped, whatever the chunk size, even when the text
// read so far ends with "# EOF"; a syntax error before it comes first.
func TestOpenFileReportsBrokenGzipStreams(t *testing.T) {
	chunkSizes(t, testOpenFileReportsBrokenGzipStreams)
}

func testOpenFileReportsBrokenGzipStreams(t *testing.T) {
	text := "# TYPE x counter\nx_total 1 0\nx_total 2 60\n# EOF\n"
	whole := gzipped(t, text)
	badSum := append([]byte(nil), whole...)
	badSum[len(badSum)-8] ^= 0xff // the CRC-32 of the trailer
	syntax := gzipped(t, "# TYPE x counter\nx_total 1 0\nx_total{ 2 60\n# EOF\n")
	syntax[len(syntax)-8] ^= 0xff
	for _, tt := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"cut before the trailer", whole[:len(whole)-8], `at line 4: gzip: the compressed stream is cut short: the file is truncated`},
		{"cut in the middle", whole[:len(whole)/2], `gzip: the compressed stream is cut short: the file is truncated`},
		{"a wrong checksum", badSum, `at line 4: gzip: invalid checksum`},
		{"a syntax error before a wrong checksum", syntax, `line 3: `},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "m.om.gz", tt.content)
			e, err := prom.OpenFile(t.Context(), path, prom.EmbeddedOptions{})
			if err == nil {
				e.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "gzip: gzip") {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}
