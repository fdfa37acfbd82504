package argostest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jarcoal/httpmock"
)

// ErrNoFixture matches the error a Replayer returns for a request it has no
// fixture for.
var ErrNoFixture = errors.New("argostest: no recorded fixture")

// Replayer is an http.RoundTripper that answers requests from the fixture
// files a Recorder wrote, offline. Use it as the client's transport, or
// register its fixtures on an httpmock.MockTransport with Register.
//
// A request matches fixtures with the same method, path (version prefix
// included, host ignored) and query string, compared after scrubbing the
// request's query the way the Recorder did: a query by the real email or
// user ID matches, and so does one by the pseudonym a replayed response
// carried. Fixtures with the same key answer in the order they were
// recorded (a polled submission goes from pending to approved); the last
// one then repeats. The request body is read to its end and discarded. A
// request without a fixture fails with an error that matches ErrNoFixture
// and names the method and path only.
//
// A Replayer is safe for concurrent use.
type Replayer struct {
	sc *scrubber

	mu     sync.Mutex
	routes map[string]*replayRoute
	paths  []replayPath // distinct method and path, in fixture order
}

type replayRoute struct {
	fixtures []*Fixture
	next     int
}

type replayPath struct{ method, path string }

// NewReplayer loads every fixture file (named "NNN_…json") in dir, in
// sequence order. Pass the scrubbing options the fixtures were recorded
// with (WithSalt, WithScrubKeys); others are ignored. It fails when dir
// holds no fixture or a fixture does not parse.
func NewReplayer(dir string, opts ...RecordOption) (*Replayer, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("argostest: NewReplayer: %w", err)
	}
	type file struct {
		seq  int
		name string
	}
	var files []file
	for _, e := range entries {
		m := fixtureNameRE.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		files = append(files, file{n, e.Name()})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("argostest: NewReplayer: no fixture files in %s", dir)
	}
	slices.SortFunc(files, func(a, b file) int {
		if a.seq != b.seq {
			return a.seq - b.seq
		}
		return strings.Compare(a.name, b.name)
	})
	r := &Replayer{sc: newScrubber(newFixtureConfig(opts)), routes: map[string]*replayRoute{}}
	for _, f := range files {
		fx, err := readFixture(filepath.Join(dir, f.name))
		if err != nil {
			return nil, fmt.Errorf("argostest: NewReplayer: %s: %w", f.name, err)
		}
		key := replayKey(fx.Request.Method, fx.Request.Path, fx.Request.Query)
		route := r.routes[key]
		if route == nil {
			route = &replayRoute{}
			r.routes[key] = route
		}
		route.fixtures = append(route.fixtures, fx)
		p := replayPath{fx.Request.Method, fx.Request.Path}
		if !slices.Contains(r.paths, p) {
			r.paths = append(r.paths, p)
		}
	}
	return r, nil
}

// replayKey is method, path and the query with its keys sorted.
func replayKey(method, path string, query map[string][]string) string {
	return strings.ToUpper(method) + " " + path + "?" + url.Values(query).Encode()
}

// Client returns an *http.Client that answers from the fixtures, for
// argos.WithHTTPClient.
func (r *Replayer) Client() *http.Client { return &http.Client{Transport: r} }

// RoundTrip answers req from the next matching fixture.
func (r *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, err := io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	path := req.URL.EscapedPath()
	var query map[string][]string
	if q := req.URL.Query(); len(q) > 0 {
		query = r.sc.values(q)
	}

	r.mu.Lock()
	route := r.routes[replayKey(method, path, query)]
	var fx *Fixture
	if route != nil {
		fx = route.fixtures[min(route.next, len(route.fixtures)-1)]
		route.next++
	}
	r.mu.Unlock()
	if fx == nil {
		// The query is left out: it may hold an email or a user ID.
		return nil, fmt.Errorf("%w for %s %s", ErrNoFixture, method, path)
	}
	return fixtureResponse(req, &fx.Response), nil
}

// fixtureResponse builds the response a fixture recorded.
func fixtureResponse(req *http.Request, fr *FixtureResponse) *http.Response {
	var body []byte
	switch {
	case len(fr.Body) > 0:
		var b bytes.Buffer
		if err := json.Compact(&b, fr.Body); err == nil {
			body = b.Bytes()
		} else {
			body = bytes.Clone(fr.Body)
		}
	case fr.BodyText != "":
		body = []byte(fr.BodyText)
	default:
		body = bytes.Clone(fr.BodyBase64)
	}
	h := http.Header{}
	for k, v := range fr.Headers {
		h.Set(k, v)
	}
	resp := &http.Response{
		Status:        strconv.Itoa(fr.Status) + " " + http.StatusText(fr.Status),
		StatusCode:    fr.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	if fr.Incomplete {
		resp.ContentLength = -1
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), &errReader{io.ErrUnexpectedEOF}))
	} else {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return resp
}

// Register registers a responder on mt for each method and path the
// fixtures hold (path only, so any host matches), answering as RoundTrip
// does. Responders the test registers for a full URL or a path with a query
// take precedence, so a test can override single answers.
func (r *Replayer) Register(mt *httpmock.MockTransport) {
	r.mu.Lock()
	paths := slices.Clone(r.paths)
	r.mu.Unlock()
	for _, p := range paths {
		mt.RegisterResponder(p.method, p.path, r.RoundTrip)
	}
}

// Reset rewinds every sequence of fixtures to its first answer.
func (r *Replayer) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, route := range r.routes {
		route.next = 0
	}
}

// Unused returns the names ("METHOD /path") of the fixtures no request has
// been answered with yet, in recording order: a check that a replayed test
// still makes every call it made when it was recorded.
func (r *Replayer) Unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.paths {
		for key, route := range r.routes {
			if !strings.HasPrefix(key, strings.ToUpper(p.method)+" "+p.path+"?") {
				continue
			}
			for i := route.next; i < len(route.fixtures); i++ {
				out = append(out, p.method+" "+p.path)
			}
		}
	}
	return out
}
