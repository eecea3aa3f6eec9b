//go:build !linux && !darwin

package store

// freeDiskBytes is unknown here; the write probe still runs.
func freeDiskBytes(string) (uint64, bool) { return 0, false }
