//go:build !unix

package argos_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// closedPort returns an address nothing listens on: one a listener had. (On
// Unix it is held by a bound socket until the test ends; see
// closedport_unix_test.go.)
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}
