//go:build race

package newsletter

// raceDetector: the race detector instruments every memory access of the
// pure-Go SQLite, which then runs 10–20 times slower.
const raceDetector = true
