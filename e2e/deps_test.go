package e2e

// The e2e tests build and run the nashra binary in a child process, which Go's
// test cache cannot see. Importing the application here makes any change to
// it invalidate the cached result, as it should.
import _ "nashra.dev/nashra/internal/app"
