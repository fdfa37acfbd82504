package argos_test

// Fault injection: every endpoint against every network and server fault the
// SDK must survive. Each case runs one call against fresh TLS test servers
// (httptest, or a closed port for "connection refused"); the rows about time
// or body sizes rather than sockets run in virtual time over in-memory
// connections instead (faultCase.virtual). Each case checks:
//
//   - a typed error (errors.Is / errors.As) or the correct result;
//   - GETs recover when the fault clears; a POST that was sent is never sent
//     again (requests are counted at the server);
//   - a call ends with its context or timeout, with the context's error
//     (how long it takes is checked in virtual time: retry_virtual_test.go);
//   - nothing panics; no goroutine is left behind (goleak per fault group,
//     and synctest for a virtual case);
//   - no error string carries the API key or the query's email / user ID.
//
// TestFaultMatrix logs a fault × endpoint table of outcomes at the end
// (go test -v -run TestFaultMatrix).

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/internal/endpoint"
)

// matrixEndpoints lists the matrix's columns: every endpoint of the table
// (endpoint.All) with its documented sample answer, and the variants.
func matrixEndpoints(t testing.TB) []endpointCase {
	var out []endpointCase
	for _, ep := range append(guideEndpoints(t), v3Endpoints(t)...) {
		out = append(out, column(ep))
	}
	return out
}

// column fills in what a case's row says: its name, method and path (the
// template filled with the case's ids), whether it changes state, is a
// download, is v3-only and sends the Add-on key.
func column(ep endpointCase) endpointCase {
	r := ep.row
	ep.name, ep.method, ep.path = r.Name, r.Method, fillPath(r.Path, ep.ids)
	if ep.variant != "" {
		ep.name += " via " + ep.variant
	}
	ep.post = !r.Repeatable()
	ep.download = r.Download != ""
	ep.v3 = r.V3Only
	ep.addOn = r.Key == endpoint.AddOnKey
	return ep
}

// fillPath replaces the {name} segments of a row's path with ids, in order;
// a segment left without an ID stays as it is.
func fillPath(template string, ids []string) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if len(ids) > 0 && strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i], ids = url.PathEscape(ids[0]), ids[1:]
		}
	}
	return strings.Join(segs, "/")
}

// TestFaultMatrixCoversTheTable: each row of the table has a column of its
// own (variants aside), every column is keyed by a row of endpoint.All, and
// its path has no template segment left.
func TestFaultMatrixCoversTheTable(t *testing.T) {
	own := map[*endpoint.Endpoint]int{}
	names := map[string]bool{}
	for _, col := range matrixEndpoints(t) {
		assert.True(t, slices.Contains(endpoint.All, col.row), "column %q is keyed by a row of endpoint.All", col.name)
		assert.NotContains(t, col.path, "{", "column %q fills its row's path template", col.name)
		assert.False(t, names[col.name], "column %q appears once", col.name)
		names[col.name] = true
		if col.variant == "" {
			own[col.row]++
		}
	}
	for _, r := range endpoint.All {
		assert.Equal(t, 1, own[r], "the row %s has one column of its own in the fault matrix", r.Name)
	}
}

// guideEndpoints are the API guide's ten endpoints.
func guideEndpoints(t testing.TB) []endpointCase {
	idFront := fixture(t, "images/id_front.png")
	selfie := fixture(t, "images/selfie.jpg")
	pdf := []byte("%PDF-1.4\n% argos fault-suite AML report\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	listParams := func() *argos.ListSubmissionsParams {
		return &argos.ListSubmissionsParams{Email: faultEmail, UserID: faultUserID}
	}
	return []endpointCase{
		{
			row:    endpoint.GetSubmission,
			okBody: fixture(t, "submission_single_guide.json"), okType: "application/json",
			okSummary: "gt7rcxx9l1o***** rejected",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				s, err := c.GetSubmission(ctx, "gt7rcxx9l1o*****")
				if err != nil {
					return "", nil, err
				}
				return s.ID + " " + string(s.KYC.Status), nil, nil
			},
		},
		{
			row:    endpoint.ListSubmissions,
			okBody: fixture(t, "submission_list_guide.json"), okType: "application/json",
			okSummary: "2 items",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				l, err := c.ListSubmissions(ctx, listParams())
				if err != nil {
					return "", nil, err
				}
				return fmt.Sprintf("%d items", len(l.Items)), nil, nil
			},
		},
		{
			row: endpoint.ListSubmissions, variant: "AllSubmissions",
			okBody: fixture(t, "submission_list_guide.json"), okType: "application/json",
			okSummary: "2 items",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				n := 0
				for s, err := range c.AllSubmissions(ctx, listParams()) {
					if err != nil {
						return "", nil, err
					}
					if s == nil {
						return "", nil, errors.New("nil submission without error")
					}
					n++
				}
				return fmt.Sprintf("%d items", n), nil, nil
			},
		},
		{
			row:    endpoint.DeleteSubmission,
			okBody: fixture(t, "delete_hash.json"), okType: "application/json",
			okSummary: "success",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde"})
				if err != nil {
					return "", nil, err
				}
				return r.Message, nil, nil
			},
		},
		{
			row:    endpoint.SubmitStep1,
			okBody: fixture(t, "step1_guide.json"), okType: "application/json",
			okSummary: "1cz94l9ksfi1bokk",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.SubmitStep1(ctx, &argos.Step1Request{
					IssuingCountry: "KOR", Email: faultEmail, IDType: argos.IDGovernmentID, UserID: faultUserID,
					IDImage: &argos.File{Name: "id_front.png", Body: bytes.NewReader(idFront)},
				})
				if err != nil {
					return "", nil, err
				}
				return r.SubmissionID, nil, nil
			},
		},
		{
			row:    endpoint.SubmitStep2,
			okBody: fixture(t, "step2_pending.json"), okType: "application/json",
			okSummary: "pending",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.SubmitStep2(ctx, &argos.Step2Request{
					SubmissionID: "1cz94l9ksfi1bokk", Name: "Alice Fault", DateOfBirth: "1990-01-02",
					FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(selfie)},
				})
				if err != nil {
					return "", nil, err
				}
				return string(r.Status), nil, nil
			},
		},
		{
			row:    endpoint.ListApplicantSubmissions,
			okBody: fixture(t, "applicant.json"), okType: "application/json",
			okSummary: "3 submissions",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				l, err := c.ListApplicantSubmissions(ctx, "applicant-fault-1")
				if err != nil {
					return "", nil, err
				}
				for _, s := range l {
					if s.SubmissionID == "" {
						return "", nil, fmt.Errorf("a result entry without a submission ID: %d entries", len(l))
					}
				}
				return fmt.Sprintf("%d submissions", len(l)), nil, nil
			},
		},
		{
			row:    endpoint.LookupAddressCode,
			okBody: fixture(t, "address_code.json"), okType: "application/json",
			okSummary: "8Q98HXPG+MP",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul", Language: "en"})
				if err != nil {
					return "", nil, err
				}
				return r.GlobalCode, nil, nil
			},
		},
		{
			row:    endpoint.DownloadAMLReport,
			okBody: pdf, okType: "application/pdf", okSummary: digest(pdf),
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				d, err := c.DownloadAMLReport(ctx, "resource-fault-1")
				return "", d, err
			},
		},
		{
			row:    endpoint.DownloadImage,
			okBody: idFront, okType: "image/png", okSummary: digest(idFront),
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				d, err := c.DownloadImage(ctx, "gt7rcxx9l1oabcde", argos.ImageID)
				return "", d, err
			},
		},
	}
}

// httpDateIn2s is a Retry-After HTTP date 1–2 s ahead (whole seconds).
func httpDateIn2s() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }

const (
	malformedJSON     = `{"Items":[{"submission_id":"x","kyc":{"result":`
	captivePortalPage = "<!DOCTYPE html><html><head><title>Sign in to the Wi-Fi</title></head><body>captive portal</body></html>"
	otherShapeObject  = `{"success":true,"data":{"id":"x","items":[]}}`
	otherShapeArray   = `[1,"two",null]`
)

func matrixFaults(t testing.TB) []faultCase {
	proxyPage := string(fixture(t, "errors/proxy_error.html"))
	statusOnce := func(status int) faultCase {
		return faultCase{
			name:   fmt.Sprintf("%d once, then OK", status),
			script: func(endpointCase) func(int) serverAction { return seq(actStatus(status, "", "")) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, status, 1)
					return
				}
				wantOK(t, e, o, 2)
			},
		}
	}
	statusAlways := func(status int) faultCase {
		return faultCase{
			name:   fmt.Sprintf("%d always", status),
			script: func(endpointCase) func(int) serverAction { return always(actStatus(status, "", "")) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				_ = wantAPIError(t, e, o, status, attemptsFor(e))
			},
		}
	}
	rateLimited := func(name string, retryAfter func() string, want time.Duration) faultCase {
		return faultCase{
			name: name,
			script: func(endpointCase) func(int) serverAction {
				return seq(func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
					actStatus(http.StatusTooManyRequests, "application/json", `{"message":"Too Many Requests"}`,
						"Retry-After", retryAfter())(e, w, r)
				})
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if !e.ep.post {
					wantOK(t, e, o, 2)
					return
				}
				if apiErr := wantAPIError(t, e, o, http.StatusTooManyRequests, 1); apiErr != nil {
					assert.ErrorIs(t, o.err, argos.ErrRateLimited)
					assert.InDelta(t, want.Seconds(), apiErr.RetryAfter.Seconds(), 1.01, "APIError.RetryAfter")
				}
			},
		}
	}
	return []faultCase{
		{
			name:  "connection refused",
			setup: dialClosedPort,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, syscall.ECONNREFUSED)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown, "a refused connection never sent anything")
				// Nothing was sent, so POSTs may be retried too.
				assert.EqualValues(t, 1+faultRetries.MaxRetries, e.dials.Load(), "dials")
			},
		},
		{
			name:   "reset before the response",
			script: func(endpointCase) func(int) serverAction { return always(actReset(false)) },
			check:  wantConnError,
		},
		{
			name:   "reset after the request body",
			script: func(endpointCase) func(int) serverAction { return always(actReset(true)) },
			check:  wantConnError,
		},
		{
			name:   "reset once, then OK",
			script: func(endpointCase) func(int) serverAction { return seq(actReset(true)) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					assert.ErrorIs(t, o.err, argos.ErrOutcomeUnknown)
					assert.EqualValues(t, 1, e.hits.Load())
					return
				}
				wantOK(t, e, o, 2)
			},
		},
		{
			name:      "TLS: untrusted certificate",
			untrusted: true,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				var cve *tls.CertificateVerificationError
				assert.ErrorAs(t, o.err, &cve, "want a certificate verification error")
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown, "nothing was sent")
				assert.EqualValues(t, 1, e.conns.Load(), "a bad certificate must not be retried")
				assert.Zero(t, e.hits.Load())
			},
		},
		{
			name:     "response slower than WithTimeout",
			ctxFault: true,
			virtual:  true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.timeout = shortTimeout },
			warm:     true,
			check:    wantTimeout,
		},
		{
			name:     "response slower than the caller's deadline",
			ctxFault: true,
			virtual:  true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.ctxTimeout = shortTimeout },
			warm:     true,
			check:    wantTimeout,
		},
		{
			name:     "headers, then a stalled body",
			ctxFault: true,
			virtual:  true,
			script:   func(endpointCase) func(int) serverAction { return always(actStall) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.timeout = shortTimeout },
			warm:     true,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantTimeout(t, e, o)
				if e.ep.download {
					assert.NoError(t, o.err, "the Download is handed over with the headers")
					assert.Error(t, o.readErr, "reading the stalled body fails")
				}
			},
		},
		{
			name:   "truncated body, always",
			script: func(endpointCase) func(int) serverAction { return always(actTruncate) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.final(), io.ErrUnexpectedEOF)
				assert.Equal(t, e.ep.post, errors.Is(o.final(), argos.ErrOutcomeUnknown), "POST: outcome unknown")
				if e.ep.post || e.ep.download {
					assert.EqualValues(t, 1, e.hits.Load())
				}
			},
		},
		{
			// A GET whose body was cut is as retryable as one whose
			// connection was reset: the call has not returned yet.
			name:   "truncated body once, then OK",
			script: func(endpointCase) func(int) serverAction { return seq(actTruncate) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				switch {
				case e.ep.post:
					assert.ErrorIs(t, o.err, argos.ErrOutcomeUnknown)
					assert.EqualValues(t, 1, e.hits.Load())
				case e.ep.download:
					// The body belongs to the caller once handed over.
					assert.ErrorIs(t, o.readErr, io.ErrUnexpectedEOF)
				default:
					wantOK(t, e, o, 2)
				}
			},
		},
		{
			name:         "malformed JSON",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", malformedJSON)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, malformedJSON) },
		},
		{
			name: "HTML error page from a proxy (502)",
			script: func(endpointCase) func(int) serverAction {
				return always(actStatus(http.StatusBadGateway, "text/html", proxyPage))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if apiErr := wantAPIError(t, e, o, http.StatusBadGateway, attemptsFor(e)); apiErr != nil {
					assert.Empty(t, apiErr.Message, "an HTML page is not a message")
					assert.NotContains(t, o.err.Error(), "<")
					assert.Equal(t, proxyPage, string(apiErr.Body))
				}
			},
		},
		{
			name:         "HTML page with 200 (captive portal)",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("text/html", captivePortalPage)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, captivePortalPage) },
		},
		{
			name:         "empty 200",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", "")) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, "") },
		},
		{
			name:         "200 with another JSON shape (object)",
			replacesBody: true,
			script: func(endpointCase) func(int) serverAction {
				return always(actBody("application/json", otherShapeObject))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, otherShapeObject) },
		},
		{
			name:         "200 with another JSON shape (array)",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", otherShapeArray)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, otherShapeArray) },
		},
		{
			name:         "huge 200 body (maxResponseSize+1MiB)",
			costly:       true,
			virtual:      true,
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actHuge(http.StatusOK)) },
			// Neither WithTimeout nor a deadline: how long 33 MiB take
			// depends on the machine, and this row is not about time.
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) { o.timeout, o.ctxTimeout = 0, 0 },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.EqualValues(t, 1, e.hits.Load())
				if e.ep.download {
					assert.NoError(t, o.final(), "downloads are streamed (the server holds the body back until "+
						"the caller has the Download) and not bounded by maxResponseSize")
					if e.ep.base64 {
						assert.EqualValues(t, hugeSize/4*3, o.readBytes, "bytes decoded")
						assert.EqualValues(t, -1, o.dl.ContentLength)
					} else {
						assert.EqualValues(t, hugeSize, o.readBytes, "bytes downloaded")
						assert.EqualValues(t, hugeSize, o.dl.ContentLength)
					}
					return
				}
				assert.ErrorIs(t, o.err, argos.ErrResponseTooLarge)
				var de *argos.DecodeError
				assert.ErrorAs(t, o.err, &de)
			},
		},
		{
			name:    "huge 500 error body",
			costly:  true,
			virtual: true,
			script:  func(endpointCase) func(int) serverAction { return always(actHuge(http.StatusInternalServerError)) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if apiErr := wantAPIError(t, e, o, http.StatusInternalServerError, attemptsFor(e)); apiErr != nil {
					assert.True(t, apiErr.Truncated, "APIError.Truncated")
					assert.Len(t, apiErr.Body, maxErrorBody, "APIError.Body is capped at maxErrorBody")
					assert.Less(t, len(o.err.Error()), 1024, "the error string stays short")
				}
			},
		},
		rateLimited("429 Retry-After: 1 (seconds), then OK", func() string { return "1" }, time.Second),
		rateLimited("429 Retry-After: HTTP date, then OK", httpDateIn2s, 2*time.Second),
		statusAlways(http.StatusTooManyRequests),
		statusOnce(http.StatusInternalServerError),
		statusOnce(http.StatusBadGateway),
		statusOnce(http.StatusServiceUnavailable),
		statusOnce(http.StatusGatewayTimeout),
		{
			name: "503, 500, then OK",
			script: func(endpointCase) func(int) serverAction {
				return seq(actStatus(http.StatusServiceUnavailable, "", ""), actStatus(http.StatusInternalServerError, "", ""))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, http.StatusServiceUnavailable, 1)
					return
				}
				wantOK(t, e, o, 3)
			},
		},
		statusAlways(http.StatusInternalServerError),
		statusAlways(http.StatusBadGateway),
		statusAlways(http.StatusServiceUnavailable),
		statusAlways(http.StatusGatewayTimeout),
		{
			name: "500, 502, 503, 504: retries exhausted",
			script: func(endpointCase) func(int) serverAction {
				return seq(actStatus(500, "", ""), actStatus(502, "", ""), actStatus(503, "", ""), actStatus(504, "", ""))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, 500, 1)
					return
				}
				_ = wantAPIError(t, e, o, 503, 3)
			},
		},
		{
			name: "redirect to another host",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusTemporaryRedirect, func(e *faultEnv, r *http.Request) string {
					return e.otherURL() + r.URL.RequestURI()
				}))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.EqualValues(t, 1, e.hits.Load())
				if e.ep.post {
					// A streamed POST body is never replayed to another URL.
					_ = wantAPIError(t, e, o, http.StatusTemporaryRedirect, 1)
					assert.Zero(t, e.otherHits.Load(), "the POST followed the redirect")
					return
				}
				wantOK(t, e, o, 1)
				assert.EqualValues(t, 1, e.otherHits.Load(), "requests at the other host")
			},
		},
		{
			name: "redirect to plain HTTP",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusFound, func(e *faultEnv, r *http.Request) string {
					return e.plainURL() + r.URL.RequestURI()
				}))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, argos.ErrInsecureRedirect)
				assert.EqualValues(t, 1, e.hits.Load(), "an insecure redirect is not retried")
			},
		},
		{
			name: "redirect loop",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusFound, func(_ *faultEnv, r *http.Request) string { return r.URL.RequestURI() }))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, http.StatusFound, 1)
					return
				}
				if assert.Error(t, o.err) {
					assert.Contains(t, o.err.Error(), "redirects")
				}
				assert.LessOrEqual(t, e.hits.Load(), int32(11), "a redirect loop is not retried")
			},
		},
		{
			name:     "context cancelled before send",
			ctxFault: true,
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.cancelBefore = true },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, context.Canceled)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown)
				assert.Zero(t, e.hits.Load()+e.conns.Load(), "nothing may be sent")
			},
		},
		{
			name:     "context cancelled during send",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
				o.cancelOn = func(e *faultEnv) <-chan struct{} { return e.signal }
			},
			check: func(t *testing.T, e *faultEnv, o *observation) { wantCtxError(t, e, o, context.Canceled, true) },
		},
		{
			name:     "context cancelled during a backoff wait",
			ctxFault: true,
			virtual:  true,
			script: func(endpointCase) func(int) serverAction {
				return seq(func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
					actStatus(http.StatusServiceUnavailable, "", "", "Retry-After", "60")(e, w, r)
					w.(http.Flusher).Flush()
					e.fire()
				})
			},
			setup: func(t *testing.T, e *faultEnv, o *callOptions) {
				o.policy = argos.RetryPolicy{MaxRetries: 2, MinWait: 30 * time.Second, MaxWait: time.Minute}
				if e.ep.post {
					// POSTs never wait after an answer; they do wait before
					// redialling a refused connection.
					dialClosedPort(t, e, o)
				}
				o.cancelOn = func(e *faultEnv) <-chan struct{} { return e.signal }
				o.cancelAfter = 30 * time.Millisecond
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantCtxError(t, e, o, context.Canceled, false)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown)
				if e.ep.post {
					assert.EqualValues(t, 1, e.dials.Load())
				} else {
					assert.EqualValues(t, 1, e.hits.Load())
				}
			},
		},
		{
			name:     "context cancelled while reading the body",
			ctxFault: true,
			virtual:  true,
			script:   func(endpointCase) func(int) serverAction { return always(actStall) },
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
				o.cancelOn = func(e *faultEnv) <-chan struct{} {
					if e.ep.download {
						return e.release // the caller holds the Download and reads its body
					}
					return e.signal // half the body is sent
				}
				o.cancelAfter = 30 * time.Millisecond
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantCtxError(t, e, o, context.Canceled, true)
				if e.ep.download {
					assert.NoError(t, o.err, "the Download is handed over with the headers")
				}
			},
		},
	}
}

// TestFaultMatrix runs every fault against every endpoint.
func TestFaultMatrix(t *testing.T) {
	eps := matrixEndpoints(t)
	faults := matrixFaults(t)
	for _, f := range faults {
		leakBaseline := goleak.IgnoreCurrent()
		t.Run(f.name, func(t *testing.T) { runRow(t, f, eps) })
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		goleak.VerifyNone(t, leakBaseline)
	}
	logMatrix(t, faults, eps)
}

// costlyColumns are the endpoints a costly row runs for by default: a JSON
// GET, a multipart POST and a download.
var costlyColumns = map[string]bool{endpoint.GetSubmission.Name: true, endpoint.SubmitStep1.Name: true, endpoint.DownloadImage.Name: true}
