package argos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

type mwKey struct{}

// recording is a middleware that records what it saw, under a name.
type recording struct {
	name  string
	trail *[]string
	ops   []argos.Operation // op as it was after next returned
	errs  []error
}

func (m *recording) mw(ctx context.Context, op *argos.Operation, next func(context.Context) error) error {
	*m.trail = append(*m.trail, m.name+" in")
	err := next(ctx)
	*m.trail = append(*m.trail, m.name+" out")
	m.ops = append(m.ops, *op)
	m.errs = append(m.errs, err)
	return err
}

func TestMiddlewareRunsOncePerCallAroundEveryAttempt(t *testing.T) {
	var trail []string
	outer, inner := &recording{name: "outer", trail: &trail}, &recording{name: "inner", trail: &trail}
	// A middleware that adds to the context: every attempt's request sees it.
	tag := func(ctx context.Context, _ *argos.Operation, next func(context.Context) error) error {
		return next(context.WithValue(ctx, mwKey{}, "span"))
	}
	c, mt := newMockClient(t, argos.WithMiddleware(outer.mw, inner.mw), argos.WithMiddleware(tag))
	var seenValue []any
	answers := []httpmock.Responder{
		func(r *http.Request) (*http.Response, error) {
			seenValue = append(seenValue, r.Context().Value(mwKey{}))
			resp := httpmock.NewStringResponse(http.StatusServiceUnavailable, `{"message":"busy"}`)
			resp.Header.Set("X-Amzn-Requestid", "req-1")
			return resp, nil
		},
		func(r *http.Request) (*http.Response, error) {
			seenValue = append(seenValue, r.Context().Value(mwKey{}))
			resp := httpmock.NewStringResponse(http.StatusOK, `{"Items":[{"submission_id":"s1","kyc":{"result":"approved"}}]}`)
			resp.Header.Set("X-Amzn-Requestid", "req-2")
			return resp, nil
		},
	}
	n := 0
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		n++
		return answers[min(n, len(answers))-1](r)
	})

	s, err := c.GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, "s1", s.ID)

	assert.Equal(t, []string{"outer in", "inner in", "inner out", "outer out"}, trail, "outermost first, once per call")
	assert.Equal(t, []any{"span", "span"}, seenValue, "the context given to next reaches every attempt")
	require.Len(t, outer.ops, 1)
	op := outer.ops[0]
	assert.Equal(t, "GetSubmission", op.Name)
	assert.Equal(t, http.MethodGet, op.Method)
	assert.Equal(t, "/v2/submission", op.Path, "the path, without the query")
	assert.Equal(t, "/v2/submission", op.Route)
	assert.Equal(t, 2, op.Attempts)
	assert.Equal(t, http.StatusOK, op.StatusCode)
	assert.Equal(t, "req-2", op.RequestID, "the last answer's request ID")
	require.Len(t, op.Retries, 1)
	assert.Equal(t, 1, op.Retries[0].Attempt)
	assert.Equal(t, http.StatusServiceUnavailable, op.Retries[0].StatusCode)
	assert.Equal(t, "status 503", op.Retries[0].Reason)
	assert.Positive(t, op.Retries[0].Wait)
	assert.NotContains(t, fmt.Sprintf("%+v", op), "s1", "the submission ID travels in the query, which the operation leaves out")
}

func TestMiddlewareSeesTheErrorAndTheRequestID(t *testing.T) {
	var trail []string
	m := &recording{name: "m", trail: &trail}
	c, mt := newMockClient(t, argos.WithMiddleware(m.mw))
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusForbidden, `{"message":"Forbidden"}`)
		resp.Header.Set("Apigw-Requestid", "gw-7")
		return resp, nil
	})
	_, err := c.GetSubmission(context.Background(), "s1")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "gw-7", apiErr.RequestID)
	require.Len(t, m.errs, 1)
	assert.ErrorIs(t, m.errs[0], err, "the middleware sees the call's error")
	assert.Equal(t, "gw-7", m.ops[0].RequestID)
	assert.Equal(t, http.StatusForbidden, m.ops[0].StatusCode)
}

func TestMiddlewareNextRunsTheCallAtMostOnce(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var second error
	twice := func(ctx context.Context, _ *argos.Operation, next func(context.Context) error) error {
		err := next(ctx)
		second = next(ctx)
		return err
	}
	c3, err := argos.NewClient(testKey, argos.WithBaseURL("https://api.argos.test/v3"),
		argos.WithHTTPClient(&http.Client{Transport: mt}), argos.WithMiddleware(twice))
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodPost, "https://api.argos.test/v3/submission/review",
		httpmock.NewStringResponder(http.StatusOK, `{"submissionId":"s1","message":"ok","finalStatus":"approved"}`))
	_, err = c3.ReviewSubmission(context.Background(), &argos.ReviewRequest{SubmissionID: "s1", Status: argos.KYCApproved, Admin: "ops@example.com"})
	require.NoError(t, err)
	assert.ErrorIs(t, second, argos.ErrMiddlewareNextTwice)
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST https://api.argos.test/v3/submission/review"], "a write is sent once")
}

func TestMiddlewareWrapsDownloads(t *testing.T) {
	var trail []string
	m := &recording{name: "m", trail: &trail}
	c, mt := newMockClient(t, argos.WithMiddleware(m.mw))
	png := readImage(t, "id_front.png")
	mt.RegisterResponder(http.MethodGet, mockBase+"/image", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(http.StatusOK, png)
		resp.Header.Set("Content-Type", "image/png")
		return resp, nil
	})
	d, err := c.DownloadImage(context.Background(), "s1", argos.ImageID)
	require.NoError(t, err)
	got, err := io.ReadAll(d.Body)
	require.NoError(t, err)
	require.NoError(t, d.Body.Close())
	assert.True(t, bytes.Equal(png, got))
	require.Len(t, m.ops, 1)
	assert.Equal(t, "/v2/image", m.ops[0].Route)
	assert.Equal(t, 1, m.ops[0].Attempts)

	t.Run("a middleware that fails a download after it was made closes its body", func(t *testing.T) {
		closed := false
		veto := errors.New("vetoed")
		cv, mt := newMockClient(t, argos.WithMiddleware(func(ctx context.Context, _ *argos.Operation, next func(context.Context) error) error {
			if err := next(ctx); err != nil {
				return err
			}
			return veto
		}))
		mt.RegisterResponder(http.MethodGet, mockBase+"/image", func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewBytesResponse(http.StatusOK, png)
			resp.Header.Set("Content-Type", "image/png")
			resp.Body = &closeSpy{Reader: bytes.NewReader(png), closed: &closed}
			return resp, nil
		})
		_, err := cv.DownloadImage(context.Background(), "s1", argos.ImageID)
		require.ErrorIs(t, err, veto)
		assert.True(t, closed, "the body the caller never got is closed")
	})
}

type closeSpy struct {
	io.Reader
	closed *bool
}

func (s *closeSpy) Close() error { *s.closed = true; return nil }

func TestMiddlewareOptionRefusesNil(t *testing.T) {
	_, err := argos.NewClient(testKey, argos.WithMiddleware(nil))
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, strings.Contains(err.Error(), "middleware"))
}

// BenchmarkMiddleware compares a GetSubmission with no middleware and with
// one that does nothing, over an in-memory transport (so that the
// difference is the middleware's alone): the goal is at most 2 allocations
// and no measurable time.
func BenchmarkMiddleware(b *testing.B) {
	body := fixture(b, "submission_single_guide.json")
	noop := func(ctx context.Context, _ *argos.Operation, next func(context.Context) error) error {
		return next(ctx)
	}
	for _, tc := range []struct {
		name string
		opts []argos.Option
	}{
		{"mw=none", nil},
		{"mw=noop", []argos.Option{argos.WithMiddleware(noop)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewBytesResponder(http.StatusOK, body))
			c, err := argos.NewClient(testKey, append([]argos.Option{argos.WithBaseURL(mockBase),
				argos.WithHTTPClient(&http.Client{Transport: mt})}, tc.opts...)...)
			require.NoError(b, err)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetSubmission(ctx, "gt7rcxx9l1o*****"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestMiddlewareSeesAnAnswerRefusedAfterDecoding(t *testing.T) {
	var trail []string
	m := &recording{name: "m", trail: &trail}
	c, mt := newMockClient(t, argos.WithMiddleware(m.mw))
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusOK, `{"Items":[]}`))
	_, err := c.GetSubmission(context.Background(), "s1")
	require.ErrorIs(t, err, argos.ErrNotFound, "GetSubmission's 200 answer with no item")
	require.Len(t, m.errs, 1)
	assert.ErrorIs(t, m.errs[0], argos.ErrNotFound, "the middleware sees the call fail, not succeed")
}

func TestMiddlewareGivenToOneCallRunsForThatCallOnly(t *testing.T) {
	var trail []string
	client := &recording{name: "client", trail: &trail}
	perCall := &recording{name: "call", trail: &trail}
	c, mt := newMockClient(t, argos.WithMiddleware(client.mw))
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusOK,
		`{"Items":[{"submission_id":"s1","kyc":{"result":"approved"}}]}`))

	_, err := c.GetSubmission(context.Background(), "s1", argos.WithMiddleware(perCall.mw))
	require.NoError(t, err)
	assert.Equal(t, []string{"client in", "call in", "call out", "client out"}, trail, "a call's own middleware run inside the client's")

	trail = nil
	_, err = c.GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, []string{"client in", "client out"}, trail, "the next call has the client's alone")
	require.Len(t, perCall.ops, 1)
	assert.Equal(t, "GetSubmission", perCall.ops[0].Name)
}
