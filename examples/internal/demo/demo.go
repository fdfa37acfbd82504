// Package demo holds what the examples share: the choice between the real
// Argos API and argostest's fake server started in-process, the sample
// images, and the step log they print.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// Main runs run with a context that ends on Ctrl-C or SIGTERM, stdout and
// os.Getenv, and exits with status 1 (printing "name: error") when it fails.
func Main(name string, run func(ctx context.Context, stdout io.Writer, env func(string) string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// UsesRealAPI reports whether Connect will talk to the real API: whether
// ARGOS_API_KEY is set.
func UsesRealAPI(env func(string) string) bool { return env("ARGOS_API_KEY") != "" }

// Conn is a client and, without ARGOS_API_KEY, the fake server it talks to.
type Conn struct {
	Client *argos.Client
	// Fake is the in-process fake server, nil against the real API.
	Fake *argostest.Server
}

// Options are what Connect adds to the client and to the fake server.
type Options struct {
	Client []argos.Option           // in both cases
	Fake   []argostest.ServerOption // when the fake is started
}

// Connect returns a client for the real API when ARGOS_API_KEY is set
// (ARGOS_BASE_URL overrides the base URL), and otherwise one for argostest's
// fake server, started here and trusted through WithRootCAs so the client
// keeps its pooled transport. Close the Conn when done.
func Connect(env func(string) string, o Options) (*Conn, error) {
	if key := env("ARGOS_API_KEY"); key != "" {
		opts := o.Client
		if u := env("ARGOS_BASE_URL"); u != "" {
			opts = append([]argos.Option{argos.WithBaseURL(u)}, opts...)
		}
		client, err := argos.NewClient(key, opts...)
		if err != nil {
			return nil, fmt.Errorf("creating the client: %w", err)
		}
		return &Conn{Client: client}, nil
	}
	srv := argostest.NewServer(o.Fake...)
	opts := append([]argos.Option{argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs())}, o.Client...)
	client, err := argos.NewClient(srv.APIKey, opts...)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("creating the client: %w", err)
	}
	return &Conn{Client: client, Fake: srv}, nil
}

// Where names the API the client talks to, for a log line: "the real Argos
// API" or "the in-process fake Argos server".
func (c *Conn) Where() string {
	if c.Fake != nil {
		return "the in-process fake Argos server"
	}
	return "the real Argos API"
}

// Describe is Where with the base URL.
func (c *Conn) Describe() string { return c.Where() + " at " + c.Client.BaseURL() }

// Close stops the fake server, if any, and the client's idle connections.
func (c *Conn) Close() {
	c.Client.CloseIdleConnections()
	if c.Fake != nil {
		c.Fake.Close()
	}
}

// Image is a sample image: drawn by internal/cmd/genimages, it shows no real
// person or document.
type Image struct {
	Name string
	Data []byte
}

// File returns the image as an upload, reading from the start.
func (i Image) File() *argos.File {
	return &argos.File{Name: i.Name, Body: bytes.NewReader(i.Data)}
}

var (
	//go:embed id_front.png
	idFront []byte
	//go:embed selfie.jpg
	selfie []byte

	// IDFront is the front of a sample ID card.
	IDFront = Image{Name: "id_front.png", Data: idFront}
	// Selfie is a sample selfie.
	Selfie = Image{Name: "selfie.jpg", Data: selfie}
)

// errNoEmail is Email's error against the real API without ARGOS_EMAIL.
var errNoEmail = errors.New("ARGOS_API_KEY is set, so the real API would be used: " +
	"set ARGOS_EMAIL to the applicant email to submit with (or unset ARGOS_API_KEY to use the fake server)")

// Email returns ARGOS_EMAIL, or fallback against the fake server. Against
// the real API the email is required: an example that submits must not make
// one up.
func Email(env func(string) string, fallback string) (string, error) {
	if e := env("ARGOS_EMAIL"); e != "" {
		return e, nil
	}
	if UsesRealAPI(env) {
		return "", errNoEmail
	}
	return fallback, nil
}
