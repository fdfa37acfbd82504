package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

const testEmail = "applicant@example.com"

// backend is the handler under test, wired to a fresh fake Argos server.
type backend struct {
	t       *testing.T
	srv     *argostest.Server
	handler http.Handler
	logs    *bytes.Buffer
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := argos.NewClient(srv.APIKey,
		argos.WithBaseURL(srv.BaseURL),
		argos.WithHTTPClient(srv.HTTPClient()),
		argos.WithLogger(logger),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}),
	)
	require.NoError(t, err)
	return &backend{t: t, srv: srv, handler: NewHandler(client, logger), logs: &logs}
}

// field is one part of a multipart form; a file when file is true.
type field struct {
	name, value string
	file        bool
}

func text(name, value string) field       { return field{name: name, value: value} }
func file(name string, data []byte) field { return field{name: name, value: string(data), file: true} }

func (b *backend) post(path string, fields ...field) (*httptest.ResponseRecorder, map[string]any) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if f.file {
			w, err := mw.CreateFormFile(f.name, "Jane Doe passport.png")
			require.NoError(b.t, err)
			_, _ = io.WriteString(w, f.value)
		} else {
			require.NoError(b.t, mw.WriteField(f.name, f.value))
		}
	}
	require.NoError(b.t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (b *backend) do(req *http.Request) (*httptest.ResponseRecorder, map[string]any) {
	b.t.Helper()
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	var got map[string]any
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		require.NoError(b.t, json.Unmarshal(rec.Body.Bytes(), &got), rec.Body.String())
	}
	return rec, got
}

func (b *backend) get(path string) (*httptest.ResponseRecorder, map[string]any) {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// start runs a successful Step 1 and returns the submission ID and OCR data.
func (b *backend) start() (string, map[string]any) {
	b.t.Helper()
	rec, got := b.post("/kyc/start", text("email", testEmail), text("country", "USA"), text("idType", "government_id"),
		file("idImage", argostest.SamplePNG()))
	require.Equal(b.t, http.StatusOK, rec.Code, rec.Body.String())
	id, _ := got["submission_id"].(string)
	require.NotEmpty(b.t, id)
	ocr, _ := got["ocr"].(map[string]any)
	require.NotNil(b.t, ocr)
	return id, ocr
}

func (b *backend) selfie(id string, ocr map[string]any) (*httptest.ResponseRecorder, map[string]any) {
	b.t.Helper()
	return b.post("/kyc/selfie", text("submission_id", id), text("name", ocr["name"].(string)),
		text("date_of_birth", ocr["birth_date"].(string)), file("faceImage", argostest.SampleJPEG()))
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestKYCFlow(t *testing.T) {
	b := newBackend(t)
	b.srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)

	id, ocr := b.start()
	assert.NotEmpty(t, ocr["name"], "Step 1 answers the OCR data for review")
	assert.NotEmpty(t, ocr["birth_date"])

	t.Run("a face mismatch answers the retry reason and the tries left", func(t *testing.T) {
		rec, got := b.selfie(id, ocr)

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "incomplete", got["status"])
		assert.Equal(t, []any{map[string]any{"code": "face_compare_underscore",
			"message": "The face doesn’t match. Please retry with another face image."}}, got["retry"])
		assert.EqualValues(t, 2, got["retries_left"])
		assert.Equal(t, true, got["can_retry"])
	})

	t.Run("the second selfie is approved", func(t *testing.T) {
		rec, got := b.selfie(id, ocr)

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "approved", got["status"])
		assert.NotContains(t, got, "retry")
		assert.Equal(t, false, got["can_retry"])
	})

	t.Run("status answers the submission ID and status only", func(t *testing.T) {
		rec, got := b.get("/kyc/status?submission_id=" + id)

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, map[string]any{"submission_id": id, "status": "approved"}, got)
	})

	t.Run("the image was streamed to Argos as the browser sent it", func(t *testing.T) {
		var step1 *argostest.Request
		for _, r := range b.srv.Requests() {
			if r.Path == "/submission/step1" {
				step1 = &r
			}
		}
		require.NotNil(t, step1)
		assert.Equal(t, len(argostest.SamplePNG()), step1.Files["idImage"].Size)
		assert.NotContains(t, step1.Files["idImage"].Name, "Jane", "the browser's file name is not forwarded")
	})

	t.Run("logs carry no personal data", func(t *testing.T) {
		logs := b.logs.String()
		assert.Contains(t, logs, "kyc step 1")
		assert.Contains(t, logs, "kyc step 2")
		assert.Contains(t, logs, id)
		for _, pii := range []string{testEmail, ocr["name"].(string), ocr["birth_date"].(string), b.srv.APIKey} {
			assert.NotContains(t, logs, pii)
		}
	})
}

func TestErrorMapping(t *testing.T) {
	idForm := func(country string) []field {
		return []field{text("email", testEmail), text("country", country), text("idType", "government_id"),
			file("idImage", argostest.SamplePNG())}
	}
	tests := []struct {
		name       string
		fault      *argostest.Fault
		send       func(b *backend) (*httptest.ResponseRecorder, map[string]any)
		wantStatus int
		wantError  string
	}{
		{
			name: "input the SDK refuses is a 400 naming the field",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", idForm("usa")...)
			},
			wantStatus: http.StatusBadRequest,
			wantError:  "IssuingCountry",
		},
		{
			name: "a file that is not an image is a 400",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", text("email", testEmail), text("country", "USA"), text("idType", "passport"),
					file("idImage", []byte("%PDF-1.4 not an image")))
			},
			wantStatus: http.StatusBadRequest,
			wantError:  "JPEG or PNG",
		},
		{
			name: "fields after the file are a 400",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", file("idImage", argostest.SamplePNG()), text("email", testEmail))
			},
			wantStatus: http.StatusBadRequest,
			wantError:  "before the idImage file",
		},
		{
			name: "an image over 2 MB is a 400, stopped while it streams",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				big := append(argostest.SamplePNG(), make([]byte, argos.MaxImageSize)...)
				return b.post("/kyc/start", text("email", testEmail), text("country", "USA"), text("idType", "passport"),
					file("idImage", big))
			},
			wantStatus: http.StatusBadRequest,
			wantError:  "larger than 2097152 bytes",
		},
		{
			name: "an unknown submission is a 404",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.get("/kyc/status?submission_id=nosuchsubmission")
			},
			wantStatus: http.StatusNotFound,
		},
		{
			name: "a Step 2 for an unknown submission is a 404",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.selfie("nosuchsubmission", map[string]any{"name": "Sample Applicant", "birth_date": "1990-01-01"})
			},
			wantStatus: http.StatusNotFound,
		},
		{
			name:  "a dropped connection during Step 1 is a 202: check later",
			fault: &argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Drop: true},
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", idForm("USA")...)
			},
			wantStatus: http.StatusAccepted,
			wantError:  "check later",
		},
		{
			name:  "a gateway timeout after Step 1 was sent is a 202: check later",
			fault: &argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Status: http.StatusGatewayTimeout},
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", idForm("USA")...)
			},
			wantStatus: http.StatusAccepted,
			wantError:  "check later",
		},
		{
			name:  "a server error after Step 1 was sent is a 202: check later",
			fault: &argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Status: http.StatusInternalServerError},
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.post("/kyc/start", idForm("USA")...)
			},
			wantStatus: http.StatusAccepted,
			wantError:  "check later",
		},
		{
			name:  "an Argos server error on a read is a 502",
			fault: &argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusInternalServerError, Times: -1},
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.get("/kyc/status?submission_id=abc")
			},
			wantStatus: http.StatusBadGateway,
		},
		{
			name:  "a refused API key is a 502",
			fault: &argostest.Fault{Status: http.StatusForbidden, Times: -1},
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.get("/kyc/status?submission_id=abc")
			},
			wantStatus: http.StatusBadGateway,
		},
		{
			name: "a request that is not multipart is a 400",
			send: func(b *backend) (*httptest.ResponseRecorder, map[string]any) {
				return b.do(httptest.NewRequest(http.MethodPost, "/kyc/start", strings.NewReader("{}")))
			},
			wantStatus: http.StatusBadRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackend(t)
			if tt.fault != nil {
				b.srv.InjectFault(*tt.fault)
			}

			rec, got := tt.send(b)

			assert.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.NotNil(t, got, "errors are JSON")
			assert.Contains(t, got["error"], tt.wantError)
			assert.NotContains(t, rec.Body.String(), testEmail)
			assert.NotContains(t, b.logs.String(), testEmail)
			assert.NotContains(t, b.logs.String(), b.srv.APIKey)
		})
	}
}

func TestRequestContextReachesArgos(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // virtual time: how long the call took is exact
		fake := argostest.NewHandler()
		defer fake.Close()
		client, err := argos.NewClient(fake.APIKey(), argos.WithBaseURL("https://argos.test/v3"),
			argos.WithHTTPClient(&http.Client{Transport: inProcess{fake}}))
		require.NoError(t, err)
		b := &backend{t: t, handler: NewHandler(client, slog.New(slog.DiscardHandler))}
		fake.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Latency: 10 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req := httptest.NewRequest(http.MethodGet, "/kyc/status?submission_id=abc", nil).WithContext(ctx)
		start := time.Now()

		rec, _ := b.do(req)

		assert.Equal(t, 100*time.Millisecond, time.Since(start), "the browser's context ends the call to Argos")
		assert.Equal(t, http.StatusBadGateway, rec.Code)
		require.Len(t, fake.Requests(), 1, "the call reached Argos once")
		assert.Zero(t, fake.Requests()[0].Status, "and gave up before the answer")
	})
}

// inProcess serves requests with a handler in the calling goroutine: no
// network, so a testing/synctest bubble holds the client and the fake. A
// request whose context ended fails with the context's error, as on the
// network.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func TestPage(t *testing.T) {
	b := newBackend(t)

	rec, _ := b.get("/")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `action="/kyc/start"`)
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"ADDR": "127.0.0.1:0"}
	logs := syncBuffer{wrote: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, &logs) }()

	// Wait for the line run logs once it listens (or for run to fail).
	var url string
	for url == "" {
		select {
		case <-logs.wrote:
		case err := <-done:
			t.Fatalf("run ended before serving: %v", err)
		}
		if m := regexp.MustCompile(`msg=serving url=(\S+)`).FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		}
	}
	resp, err := http.Get(url + "kyc/status?submission_id=nosuchsubmission")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	cancel()

	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "argos=\"the in-process fake Argos server\"")
}

// syncBuffer is a bytes.Buffer safe for a writing server and a reading test;
// wrote gets a value after a write (one at most waits unread).
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		select {
		case s.wrote <- struct{}{}:
		default:
		}
	}()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
