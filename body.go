package argos

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"sync/atomic"

	"github.com/kycgo/argos/internal/endpoint"
)

// newCall is a call of ep's row: its name, method, path (ids fill the
// path's {segments}, in order), wire mode with Secure Data Transmission and,
// for a download, the Accept its answer is asked with and checked against.
// q is the query; masking reads the row's Personal fields.
func newCall(ep *endpoint.Endpoint, q query, ids ...string) *call {
	r := &call{op: ep.Name, method: ep.Method, path: ep.Path, query: q, ep: ep, secure: ep.Wire, accept: ep.Download}
	if len(ids) > 0 {
		r.path, r.route = ep.Fill(ids...), ep.Path
	}
	return r
}

// newJSONCall is a call of ep (newCall) whose body is v marshalled once to
// JSON; each attempt reads the same bytes afresh. contentType "" is
// application/json. The values under ep's Personal keys are masked wherever
// Argos echoes them into an error string.
func newJSONCall(ep *endpoint.Endpoint, contentType string, v any, ids ...string) (*call, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &ValidationError{Field: ep.Name + " request", Reason: "cannot be encoded as JSON"}
	}
	if contentType == "" {
		contentType = "application/json"
	}
	r := newCall(ep, nil, ids...)
	body := &bytesBody{b: b}
	r.body, r.bodyLen, r.contentType, r.started, r.jsonBody = body.open, int64(len(b)), contentType, body.started, b
	return r, nil
}

// bytesBody hands out readers over one encoded body and remembers whether
// any of them was read from (by the transport's goroutine).
type bytesBody struct {
	b    []byte
	read atomic.Bool
}

func (r *bytesBody) open() io.ReadCloser {
	return &trackedReader{Reader: bytes.NewReader(r.b), body: r}
}

func (r *bytesBody) started() bool { return r.read.Load() }

type trackedReader struct {
	*bytes.Reader
	body *bytesBody
}

func (t *trackedReader) Read(p []byte) (int, error) {
	n, err := t.Reader.Read(p)
	if n > 0 {
		t.body.read.Store(true)
	}
	return n, err
}

func (t *trackedReader) Close() error { return nil }

// begin is the prologue of every call of an endpoint: its per-call
// options, then what the endpoint's row of the table (internal/endpoint)
// requires before anything is built — a call the vendor documents only
// under /v3 is refused on a /v2 base, and the FaceAuth calls carry the
// Add-on key.
func (c *Client) begin(ep *endpoint.Endpoint, opts []Option) (*Client, error) {
	c, err := c.with(opts)
	if err != nil {
		return nil, err
	}
	if ep.V3Only {
		if err := c.requireV3(ep.Name); err != nil {
			return nil, err
		}
	}
	if ep.Key == endpoint.AddOnKey {
		return c.addOn(ep.Name)
	}
	return c, nil
}

// requireV3 refuses, before anything is sent, a call the vendor documents
// only under /v3 when the client's base URL ends in /v2: the gateway's
// answer to an unknown route is a 403 that would read as a wrong API key.
func (c *Client) requireV3(op string) error {
	if strings.HasSuffix(c.baseURL.Path, "/v2") {
		return &ValidationError{Field: "base URL", Reason: op + " is documented only for the v3 API; " +
			"create the client with WithBaseURL(BaseURLV3) (the base URL ends in /v2)"}
	}
	return nil
}
