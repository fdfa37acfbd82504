package pipenet

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestADialIsAcceptedAndCarriesBytes(t *testing.T) {
	l := New()
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	client, err := l.Dial(context.Background(), "tcp", "ignored")
	require.NoError(t, err)
	server := <-accepted
	go func() { _, _ = client.Write([]byte("ping")); _ = client.Close() }()
	got, err := io.ReadAll(server)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(got))
}

func TestCloseEndsAcceptAndDial(t *testing.T) {
	l := New()
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "a second Close is no error")
	_, err := l.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
	_, err = l.Dial(context.Background(), "tcp", "")
	assert.ErrorIs(t, err, net.ErrClosed)
}

func TestDialEndsWithItsContext(t *testing.T) {
	l := New()
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Dial(ctx, "tcp", "")
	assert.ErrorIs(t, err, context.Canceled)
}
