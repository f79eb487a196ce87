//go:build !race

package newsletter

const raceDetector = false
