//go:build unix

package argos_test

import (
	"net"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// closedPort returns a loopback address that refuses connections until the
// test ends: a TCP socket bound to it that never listens. A port closed
// after use could be taken by another test's listener (or be the source port
// the kernel picks for a dial) before the dial; a bound socket without
// SO_REUSEADDR keeps it from both, so every dial to it is refused
// (ECONNREFUSED).
func closedPort(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	require.NoError(t, err)
	syscall.CloseOnExec(fd)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	in4, ok := sa.(*syscall.SockaddrInet4)
	require.True(t, ok, "an IPv4 socket has an IPv4 address")
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(in4.Port))
}

func TestClosedPortRefusesAndStaysFree(t *testing.T) {
	addr := closedPort(t)
	for range 3 {
		_, err := net.Dial("tcp", addr)
		require.ErrorIs(t, err, syscall.ECONNREFUSED)
	}
	l, err := net.Listen("tcp", addr)
	if err == nil {
		_ = l.Close()
	}
	require.ErrorIs(t, err, syscall.EADDRINUSE, "no listener can take the port while the test holds it")
}
