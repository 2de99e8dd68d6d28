package prom

// SetChunkSize sets how much text the embedded loader parses at a time, so
// that tests can cut small files into many chunks. It returns a function
// that restores the previous size.
func SetChunkSize(n int) (restore func()) {
	old := chunkSize
	chunkSize = n
	return func() { chunkSize = old }
}
