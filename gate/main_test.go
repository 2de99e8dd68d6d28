package gate_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/nines-sre/nines/gate"
)

// helperEnv makes the test binary act as a helper process: with
// helperEnv=PATH, it appends one audit record to PATH and exits.
const helperEnv = "NINES_GATE_TEST_APPEND"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		if err := gate.AppendJSON(path, record(os.Getpid())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
