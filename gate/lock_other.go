//go:build !unix

package gate

import "os"

// lock is a no-op where flock(2) does not exist: a single write with O_APPEND
// is then all that keeps lines whole.
func lock(*os.File) error { return nil }

func unlock(*os.File) {}

func lockFile(string) (func(), error) { return func() {}, nil }
