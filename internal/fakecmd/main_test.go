package fakecmd

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a server, webhook or connection
// goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
