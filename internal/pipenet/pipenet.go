// Package pipenet is an in-memory network for tests: a net.Listener whose
// connections are net.Pipe pairs a client dials. Under testing/synctest
// both ends live in the bubble, so time in a test of timeouts, stalls and
// retries is virtual.
package pipenet

import (
	"context"
	"net"
	"sync"
)

// Listener hands a server the server end of each net.Pipe Dial makes.
type Listener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

// New returns an open Listener.
func New() *Listener {
	return &Listener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for a Dial, or for Close.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close ends Accept and Dial; it may be called more than once.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is a loopback address (nothing listens there).
func (l *Listener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// Dial is a client's DialTLSContext (or DialContext): the connection is in
// memory and plain, which net/http takes as already secured when it is
// given as DialTLSContext.
func (l *Listener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
