package argostest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// raw talks to a fake server with plain net/http, for wire-level tests.
type raw struct {
	t   testing.TB
	srv *argostest.Server
	key string
}

func newRaw(t testing.TB, opts ...argostest.ServerOption) *raw {
	t.Helper()
	srv := argostest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return &raw{t: t, srv: srv, key: srv.APIKey}
}

// response is a read response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r *response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// Message returns the body's "message".
func (r *response) Message(t testing.TB) string {
	t.Helper()
	msg, _ := r.JSON(t)["message"].(string)
	return msg
}

// do sends a request to path (below /v2) and reads the whole response.
func (c *raw) do(method, path string, query url.Values, contentType string, body io.Reader) *response {
	c.t.Helper()
	u := c.srv.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(c.t, err)
	if c.key != "" {
		req.Header.Set("x-api-key", c.key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.srv.HTTPClient().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (c *raw) get(path string, query url.Values) *response {
	c.t.Helper()
	return c.do(http.MethodGet, path, query, "", nil)
}

// file is a file field of a multipart form.
type file struct {
	name, contentType string
	data              []byte
}

func png(name string) file  { return file{name, "image/png", argostest.SamplePNG()} }
func jpeg(name string) file { return file{name, "image/jpeg", argostest.SampleJPEG()} }

// multipartBody builds a multipart/form-data body.
func multipartBody(t testing.TB, fields map[string]string, files map[string]file) (string, io.Reader) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for k, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+k+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = w.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), &b
}

func (c *raw) postMultipart(path string, fields map[string]string, files map[string]file) *response {
	c.t.Helper()
	ct, body := multipartBody(c.t, fields, files)
	return c.do(http.MethodPost, path, nil, ct, body)
}

func (c *raw) postForm(path string, form url.Values) *response {
	c.t.Helper()
	return c.do(http.MethodPost, path, nil, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// step1Fields are valid Step 1 text fields.
func step1Fields(email string) map[string]string {
	return map[string]string{"issuingCountry": "USA", "email": email, "idType": "passport", "userid": "user-1", "cf1": "test"}
}

// step1 runs a valid Step 1 and returns the submission ID.
func (c *raw) step1(email string) string {
	c.t.Helper()
	r := c.postMultipart("/submission/step1", step1Fields(email), map[string]file{"idImage": png("front.png")})
	require.Equal(c.t, http.StatusOK, r.Status, "step1: %s", r.Body)
	id, _ := r.JSON(c.t)["submissionId"].(string)
	require.NotEmpty(c.t, id)
	return id
}

// step2Fields are valid Step 2 text fields.
func step2Fields(id string) map[string]string {
	return map[string]string{"submissionId": id, "name": "John Smith", "date_of_birth": "1975-08-25", "gender": "male", "nationality": "USA"}
}

// step2 runs a Step 2 try and returns the decoded body.
func (c *raw) step2(id string) map[string]any {
	c.t.Helper()
	r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpeg("face.jpg")})
	require.Equal(c.t, http.StatusOK, r.Status, "step2: %s", r.Body)
	return r.JSON(c.t)
}

// item returns the submission as GET /submission?submission_id= shows it.
func (c *raw) item(id string) map[string]any {
	c.t.Helper()
	r := c.get("/submission", url.Values{"submission_id": {id}})
	require.Equal(c.t, http.StatusOK, r.Status)
	items, _ := r.JSON(c.t)["Items"].([]any)
	require.Len(c.t, items, 1)
	return items[0].(map[string]any)
}

// path follows keys into nested JSON objects.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

// fixedClock always says 2024-03-01T09:30:00.123Z.
func fixedClock() time.Time { return time.Date(2024, 3, 1, 9, 30, 0, 123456789, time.UTC) }

// sequence returns an ID generator: prefix0001, prefix0002, …
func sequence(prefix string) func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s%04d", prefix, n)
	}
}

// keys returns the keys of a JSON object.
func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
