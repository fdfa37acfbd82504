package argos_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// cutShort answers 200 with a Content-Length it never fills, then hangs up.
func cutShort(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "4096")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"Items": [`)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// scriptedServer answers the n-th request (from 1) with answer(n, w) and
// counts requests.
func scriptedServer(t *testing.T, answer func(n int, w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		answer(int(hits.Add(1)), w)
	}))
	srv.Config.ErrorLog = discardLog()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestACallSendsAtMostOnePlusMaxRetriesRequests(t *testing.T) {
	unavailable := func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }
	cases := []struct {
		name   string
		answer func(n int, w http.ResponseWriter)
		want   int // requests the server sees
		ok     bool
	}{
		{"503 three times then a body cut short", func(n int, w http.ResponseWriter) {
			if n <= 3 {
				unavailable(w)
				return
			}
			cutShort(w)
		}, 4, false},
		{"a body cut short every time", func(_ int, w http.ResponseWriter) { cutShort(w) }, 4, false},
		{"bodies cut short then 503s", func(n int, w http.ResponseWriter) {
			if n <= 2 {
				cutShort(w)
				return
			}
			unavailable(w)
		}, 4, false},
		{"two bodies cut short then a good answer", func(n int, w http.ResponseWriter) {
			if n <= 2 {
				cutShort(w)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"Items": [{"submission_id": "s1"}]}`)
		}, 3, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := scriptedServer(t, tc.answer)
			c, err := argos.NewClient("key", argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()),
				argos.WithRetryPolicy(fastRetries))
			require.NoError(t, err)
			_, err = c.GetSubmission(context.Background(), "s1")
			assert.Equal(t, tc.want, int(hits.Load()), "requests the server received")
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			if apiErr := (*argos.APIError)(nil); errors.As(err, &apiErr) {
				assert.Equal(t, tc.want, apiErr.Attempts, "APIError.Attempts counts every request")
			}
		})
	}
}

func TestAPIErrorAttemptsCountsEveryRequest(t *testing.T) {
	srv, hits := scriptedServer(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) })
	c, err := argos.NewClient("key", argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()),
		argos.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	_, err = c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "s1"})
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 4, apiErr.Attempts)
	assert.Equal(t, int32(4), hits.Load())
}

// h2Answer is what the hand-written HTTP/2 server does once it has read a
// whole request.
type h2Answer int

const (
	h2RefusedStream h2Answer = iota // RST_STREAM REFUSED_STREAM
	h2ProtocolError                 // RST_STREAM PROTOCOL_ERROR
	h2GoAway                        // GOAWAY (last stream 0) and close
)

// h2Server speaks just enough HTTP/2 over TLS to read whole requests and
// refuse them, the way a misbehaving server or proxy can. It counts the
// requests it read to their end.
type h2Server struct {
	ln       net.Listener
	answer   h2Answer
	requests atomic.Int32
	wg       sync.WaitGroup
	pool     *x509.CertPool
	mu       sync.Mutex
	conns    []net.Conn
}

func newH2Server(t *testing.T, answer h2Answer) *h2Server {
	t.Helper()
	cert := selfSignedCert(t)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12,
	})
	require.NoError(t, err)
	s := &h2Server{ln: ln, answer: answer, pool: pool}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *h2Server) url() string { return "https://" + s.ln.Addr().String() + "/v2" }

func (s *h2Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, conn)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.serve(conn)
		}()
	}
}

// HTTP/2 frame types and flags (RFC 9113 §6).
const (
	frameData, frameHeaders, frameRST, frameSettings, framePing, frameGoAway = 0x0, 0x1, 0x3, 0x4, 0x6, 0x7
	flagEndStream, flagAck                                                   = 0x1, 0x1
)

func writeFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) error {
	hdr := make([]byte, 9, 9+len(payload))
	hdr[0], hdr[1], hdr[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	hdr[3], hdr[4] = typ, flags
	binary.BigEndian.PutUint32(hdr[5:], stream)
	_, err := w.Write(append(hdr, payload...))
	return err
}

func (s *h2Server) serve(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	preface := make([]byte, 24)
	if _, err := io.ReadFull(r, preface); err != nil || !strings.HasPrefix(string(preface), "PRI * HTTP/2.0") {
		return
	}
	if writeFrame(conn, frameSettings, 0, 0, nil) != nil {
		return
	}
	hdr := make([]byte, 9)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return
		}
		n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags, stream := hdr[3], hdr[4], binary.BigEndian.Uint32(hdr[5:])&0x7fffffff
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return
		}
		switch {
		case typ == frameSettings && flags&flagAck == 0:
			if writeFrame(conn, frameSettings, flagAck, 0, nil) != nil {
				return
			}
		case typ == framePing && flags&flagAck == 0:
			if writeFrame(conn, framePing, flagAck, 0, payload) != nil {
				return
			}
		case (typ == frameHeaders || typ == frameData) && flags&flagEndStream != 0:
			s.requests.Add(1) // the whole request has arrived
			if !s.refuse(conn, stream) {
				return
			}
		}
	}
}

// refuse answers a complete request; false ends the connection.
func (s *h2Server) refuse(conn net.Conn, stream uint32) bool {
	code := make([]byte, 4)
	switch s.answer {
	case h2RefusedStream, h2ProtocolError:
		binary.BigEndian.PutUint32(code, map[h2Answer]uint32{h2RefusedStream: 0x7, h2ProtocolError: 0x1}[s.answer])
		return writeFrame(conn, frameRST, 0, stream, code) == nil
	default:
		payload := make([]byte, 8) // last stream ID 0: "nothing was processed", NO_ERROR
		_ = writeFrame(conn, frameGoAway, 0, 0, payload)
		return false
	}
}

func TestHTTP2RefusalsNeverResendAStateChangingRequest(t *testing.T) {
	for name, answer := range map[string]h2Answer{
		"REFUSED_STREAM": h2RefusedStream, "PROTOCOL_ERROR": h2ProtocolError, "GOAWAY": h2GoAway,
	} {
		t.Run("a Step 1 answered with "+name+" after its body arrived is sent once", func(t *testing.T) {
			s := newH2Server(t, answer)
			c, err := argos.NewClient("key", argos.WithBaseURL(s.url()), argos.WithRootCAs(s.pool),
				argos.WithRetryPolicy(fastRetries))
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)
			_, err = c.SubmitStep1(context.Background(), &argos.Step1Request{
				IssuingCountry: "USA", Email: "h2@example.com", IDType: argos.IDPassport, IDImage: image(t, "id_front.png"),
			})
			require.Error(t, err)
			assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
			var oe *argos.OutcomeUnknownError
			assert.ErrorAs(t, err, &oe)
			assert.Equal(t, int32(1), s.requests.Load(), "requests the server read")
		})
	}
}

func TestHTTP2ReplaysOfAGetCountInTheBudget(t *testing.T) {
	for name, answer := range map[string]h2Answer{"REFUSED_STREAM": h2RefusedStream, "GOAWAY": h2GoAway} {
		for _, maxRetries := range []int{0, 1} {
			t.Run(name+" forever, MaxRetries "+string(rune('0'+maxRetries)), func(t *testing.T) {
				s := newH2Server(t, answer)
				policy := fastRetries
				policy.MaxRetries = maxRetries
				c, err := argos.NewClient("key", argos.WithBaseURL(s.url()), argos.WithRootCAs(s.pool),
					argos.WithRetryPolicy(policy))
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)
				_, err = c.GetSubmission(context.Background(), "s1")
				require.Error(t, err)
				assert.NotErrorIs(t, err, context.Canceled, "the caller cancelled nothing")
				assert.LessOrEqual(t, int(s.requests.Load()), 1+maxRetries, "requests the server read")
				assert.GreaterOrEqual(t, int(s.requests.Load()), 1)
			})
		}
	}
}

func TestARequestWithNoParametersHasNoQuery(t *testing.T) {
	page := fixture(t, "submission_list_guide.json")
	var mu sync.Mutex
	var rawURLs []string
	srv := newConnCountingServerWith(t, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		rawURLs = append(rawURLs, r.RequestURI)
		mu.Unlock()
		_, _ = w.Write(page)
	}))
	c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRootCAs(srv.roots()))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{})
	require.NoError(t, err)
	_, err = c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"/v2/submission", "/v2/submission"}, rawURLs)
}

func TestTheKeyTravelsOnlyInTheHeader(t *testing.T) {
	var gotKey, gotURL string
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		gotKey, gotURL = r.Header.Get("x-api-key"), r.URL.String()
		okList(w)
	})
	_, err := clientFor(t, srv).GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, testKey, gotKey)
	assert.NotContains(t, gotURL, testKey)
	assert.Equal(t, "/v2/submission?submission_id=s1", gotURL)
}

func TestGetsAreRetriedUntilTheFaultClears(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprintf("a %d then success recovers", status), func(t *testing.T) {
			api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
				if n <= 2 {
					w.WriteHeader(status)
					return
				}
				okList(w)
			})
			sub, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
			require.NoError(t, err)
			assert.Equal(t, "s1", sub.ID)
			assert.Equal(t, int32(3), hits.Load())
		})
	}
}

func TestGetsGiveUpAfterMaxRetries(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message":"Service Unavailable"}`))
	})
	_, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr, "the last answer becomes the error")
	assert.ErrorIs(t, err, argos.ErrServer)
	assert.Equal(t, 4, apiErr.Attempts)
	assert.Equal(t, int32(4), hits.Load())
	assert.Equal(t, "Service Unavailable", apiErr.Message)
}

func TestAPostThatWasSentIsNeverRepeated(t *testing.T) {
	t.Run("a gateway error after sending is not retried and says the outcome is unknown", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"message":"Bad Gateway"}`))
		})
		_, err := clientFor(t, api).LookupAddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Main St"})
		assert.ErrorIs(t, err, argos.ErrServer)
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Equal(t, int32(1), hits.Load())
	})
	t.Run("a connection dropped after the body was read is not retried", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
			_, _ = bytes.NewBuffer(nil).ReadFrom(r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			_ = conn.Close()
		})
		_, err := clientFor(t, api).SubmitStep1(context.Background(), &argos.Step1Request{
			IssuingCountry: "USA", Email: "jane@example.com", IDType: "passport", IDImage: image(t, "id_front.png"), UserID: "u-77"})
		var unknown *argos.OutcomeUnknownError
		require.ErrorAs(t, err, &unknown)
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Equal(t, "SubmitStep1", unknown.Op)
		assert.Equal(t, int32(1), hits.Load())
		assert.NotContains(t, err.Error(), "jane@example.com")
	})
	t.Run("a 500 to a step 2 is not retried", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { w.WriteHeader(500) })
		_, err := clientFor(t, api).SubmitStep2(context.Background(), &argos.Step2Request{SubmissionID: "s",
			FaceImage: image(t, "selfie.jpg"), Name: "J", DateOfBirth: "1990-01-01"})
		assert.ErrorIs(t, err, argos.ErrServer)
		assert.Equal(t, int32(1), hits.Load())
	})
}

// writeCall is one call that changes state (a method other than GET and
// DELETE) and what its outcome-unknown hint must tell the caller to do.
type writeCall struct {
	name string
	// hint is what the error must suggest; notHint what would not fit.
	hint, notHint string
	run           func(ctx context.Context, c *argos.Client) error
}

func writeCalls(t *testing.T) []writeCall {
	jpeg := readImage(t, "selfie.jpg")
	return []writeCall{
		{"SubmitStep1", "Client.ResolveOutcome", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.SubmitStep1(ctx, &argos.Step1Request{IssuingCountry: "USA", Email: "jane@example.com", IDType: "passport",
				IDImage: &argos.File{Body: bytes.NewReader(readImage(t, "id_front.png"))}, UserID: "u-77"})
			return err
		}},
		{"SubmitStep2", "Client.ResolveOutcome, which tells whether it landed, before sending it again (a Step 2 sent again after one that landed uses up one of the applicant's tries)", "GetSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: "s1", FaceImage: &argos.File{Body: bytes.NewReader(jpeg)},
				Name: "Jane Doe", DateOfBirth: "1990-01-01"})
			return err
		}},
		{"LookupAddressCode", "sending it again", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Main St"})
			return err
		}},
		{"UpdateSubmission", "Client.ResolveOutcome", "GetSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: "s1", Admin: "a@example.com",
				Data: argos.SubmissionUpdate{FullName: "X"}})
			return err
		}},
		{"UpdateImages", "Client.ResolveOutcome", "GetSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com",
				SelfieImage: &argos.File{Body: bytes.NewReader(jpeg)}})
			return err
		}},
		{"MigrateSubmission", "Client.ResolveOutcome, which tells whether it landed, before sending it again (a repeat inserts a second submission)", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.MigrateSubmission(ctx, fullMigration())
			return err
		}},
		{"ReviewSubmission", "Client.ResolveOutcome", "GetSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCApproved})
			return err
		}},
		{"AddTokens", "adding the same token IDs again is safe", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"token-0001"}})
			return err
		}},
		{"MonitorAML", "worklist", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "w", SubmissionIDs: []string{"s1"}, Admin: "a@example.com"})
			return err
		}},
		{"FaceAuth", "new authentication", "ListSubmissions", func(ctx context.Context, c *argos.Client) error {
			_, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: &argos.File{Body: bytes.NewReader(jpeg)}})
			return err
		}},
	}
}

func TestAnyServerErrorToAWriteHasAnUnknownOutcome(t *testing.T) {
	for _, status := range []int{500, 501, 502, 503, 504, 507} {
		for _, call := range writeCalls(t) {
			t.Run(fmt.Sprintf("a %d to %s is outcome-unknown and not sent again", status, call.name), func(t *testing.T) {
				c, got := v3Server(t, status, "application/json", []byte(`{"message":"Internal Server Error"}`),
					argos.WithAddOnKey(testAddOnKey))

				err := call.run(context.Background(), c)

				assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
				assert.ErrorIs(t, err, argos.ErrServer)
				var unknown *argos.OutcomeUnknownError
				if assert.ErrorAs(t, err, &unknown) {
					assert.Equal(t, call.name, unknown.Op)
				}
				var apiErr *argos.APIError
				if assert.ErrorAs(t, err, &apiErr) {
					assert.True(t, apiErr.OutcomeUnknown)
				}
				assert.Len(t, got(), 1, "a write that may have reached Argos is never resent")
			})
		}
	}
	t.Run("a 500 to a DELETE is retried and its outcome is known", func(t *testing.T) {
		c, got := v3Server(t, http.StatusInternalServerError, "application/json", []byte(`{"message":"Internal Server Error"}`))

		_, err := c.DeleteTokens(context.Background(), &argos.TokensRequest{TokenIDs: []string{"token-0001"}})

		assert.ErrorIs(t, err, argos.ErrServer)
		assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Len(t, got(), 1+fastRetries.MaxRetries)
	})
	t.Run("a 4xx to a write has a known outcome", func(t *testing.T) {
		c, got := v3Server(t, http.StatusBadRequest, "application/json", []byte(`{"message":"Invalid payload"}`))

		_, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: []string{"token-0001"}})

		assert.ErrorIs(t, err, argos.ErrBadRequest)
		assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Len(t, got(), 1)
	})
}

func TestOutcomeUnknownErrorsSayOnceWhatFitsTheCall(t *testing.T) {
	failures := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"a 503", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"message":"Service Unavailable"}`))
		}},
		{"a connection reset after the body", func(w http.ResponseWriter, r *http.Request) { resetConnection(w, r, true) }},
	}
	for _, f := range failures {
		for _, call := range writeCalls(t) {
			t.Run(f.name+" to "+call.name+" has one prefix and one hint that fits the call", func(t *testing.T) {
				c := newTLSClient(t, "/v3", f.handler, argos.WithAddOnKey(testAddOnKey))

				err := call.run(context.Background(), c)

				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
				msg := err.Error()
				assert.True(t, strings.HasPrefix(msg, "argos: "+call.name+": "), "%s", msg)
				assert.Equal(t, 1, strings.Count(msg, "argos:"), "one prefix: %s", msg)
				assert.Equal(t, 1, strings.Count(msg, "was not sent again"), "one hint: %s", msg)
				assert.Contains(t, msg, call.hint)
				assert.NotContains(t, msg, call.notHint)
				assert.Contains(t, msg, "may still", "a lookup right away is no proof: %s", msg)
				for _, secret := range []string{"jane@example.com", "u-77", "Jane Doe", testKey} {
					assert.NotContains(t, msg, secret)
				}
				var apiErr *argos.APIError
				if errors.As(err, &apiErr) {
					alone := apiErr.Error()
					assert.Equal(t, 1, strings.Count(alone, "was not sent again"), "the APIError alone has the hint once: %s", alone)
					assert.Contains(t, alone, call.hint)
				}
			})
		}
	}
}

// recordingHandler keeps slog records for assertions.
type recordingHandler struct {
	mu      sync.Mutex
	records []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, b.String())
	h.mu.Unlock()
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *recordingHandler) WithGroup(string) slog.Handler { return h }

func (h *recordingHandler) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.records...)
}

func TestAPostIsRetriedWhenNoConnectionWasMade(t *testing.T) {
	logs := &recordingHandler{}
	c, err := argos.NewClient(testKey, argos.WithBaseURL("https://"+closedPort(t)+"/v2"), argos.WithRetryPolicy(fastRetries),
		argos.WithLogger(slog.New(logs)))
	require.NoError(t, err)
	_, err = c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: "passport", IDImage: image(t, "id_front.png")})
	require.Error(t, err)
	assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "nothing was sent, so the outcome is known")
	assert.Len(t, logs.all(), 4, "the first attempt and three retries")
	assert.Contains(t, logs.all()[3], "attempt=4")
}

func TestLogsCarryMetadataOnly(t *testing.T) {
	api, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { okList(w) })
	logs := &recordingHandler{}
	c := clientFor(t, api, argos.WithLogger(slog.New(logs)))
	_, err := c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Email: "jane.doe@example.com", UserID: "user-secret-42"})
	require.NoError(t, err)

	recs := logs.all()
	require.Len(t, recs, 1)
	for _, want := range []string{"method=GET", "path=/v2/submission", "status=200", "attempt=1", "duration="} {
		assert.Contains(t, recs[0], want)
	}
	for _, secret := range []string{"jane.doe", "user-secret-42", testKey, "email="} {
		assert.NotContains(t, recs[0], secret)
	}
}

func TestTransportErrorsCarryNoQueryValues(t *testing.T) {
	c, err := argos.NewClient(testKey, argos.WithBaseURL("https://"+closedPort(t)+"/v2"), argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)

	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Email: "jane.doe@example.com", UserID: "user-secret-42"})
	require.Error(t, err)
	var netErr *net.OpError
	assert.True(t, errors.As(err, &netErr), "the network error stays in the chain")
	for _, secret := range []string{"jane.doe", "user-secret-42", testKey} {
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestACancelledContextSendsNothing(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { okList(w) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := clientFor(t, api).GetSubmission(ctx, "s1")
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, hits.Load())
}

func TestRedirectHopsAreCountedAndBoundedForTheWholeCall(t *testing.T) {
	// Every attempt is answered with three redirects, then a 503.
	hopsThen503 := func(n int, w http.ResponseWriter) {
		if n%4 != 0 {
			w.Header().Set("Location", "/v2/submission?hop="+strconv.Itoa(n))
			w.WriteHeader(http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	call := func(t *testing.T, maxRetries int) (*atomic.Int32, error) {
		srv, hits := scriptedServer(t, hopsThen503)
		policy := fastRetries
		policy.MaxRetries = maxRetries
		c, err := argos.NewClient("key", argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()),
			argos.WithRetryPolicy(policy))
		require.NoError(t, err)
		_, err = c.GetSubmission(context.Background(), "s1")
		return hits, err
	}
	t.Run("three hops then 503, MaxRetries 1: Attempts counts every request", func(t *testing.T) {
		hits, err := call(t, 1)
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, int32(8), hits.Load(), "2 attempts, each with 3 hops")
		assert.Equal(t, int(hits.Load()), apiErr.Attempts)
	})
	t.Run("hops across retries stop at maxRedirects for the whole call", func(t *testing.T) {
		hits, err := call(t, 10)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "redirects")
		// Each attempt is 1 request and 3 hops: the 11th hop is refused
		// during the 4th attempt, so 4 attempts and 10 hops were sent.
		assert.Equal(t, int32(1+maxRedirects+3), hits.Load())
	})
}
