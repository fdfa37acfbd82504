package argos_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// endlessPager answers every list request with an empty page and a new
// 4,000-byte page key, as a hostile server can.
func endlessPager(pages *atomic.Int64) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		n := pages.Add(1)
		key := fmt.Sprintf("%d-%s", n, strings.Repeat("k", 4000))
		body := `{"Items": [], "nextpageKey": {"id": "` + key + `", "created_at": "2024-01-01"}}`
		resp := httpmock.NewStringResponse(http.StatusOK, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func TestAllSubmissionsStopsAServerThatKeepsPaging(t *testing.T) {
	t.Run("empty pages with ever new keys end after maxEmptyPages", func(t *testing.T) {
		c, mt := newMockClient(t)
		var pages atomic.Int64
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", endlessPager(&pages))
		var last error
		for _, err := range c.AllSubmissions(context.Background(), nil) {
			last = err
		}
		assert.ErrorIs(t, last, argos.ErrPaginationStalled)
		assert.Equal(t, int64(maxEmptyPages), pages.Load())
	})
	t.Run("slow empty pages stop once no item came within WithTimeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { // virtual time: each page takes exactly 50 ms
			c, mt := newMockClient(t, argos.WithTimeout(80*time.Millisecond))
			var pages atomic.Int64
			slow := endlessPager(&pages)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
				time.Sleep(50 * time.Millisecond) // each page within the per-call timeout
				return slow(r)
			})
			var last error
			for _, err := range c.AllSubmissions(context.Background(), nil) {
				last = err
			}
			require.ErrorIs(t, last, argos.ErrPaginationStalled)
			assert.Contains(t, last.Error(), "WithTimeout")
			assert.Equal(t, int64(2), pages.Load(), "the second page ends 100 ms after the last item, past WithTimeout")
		})
	})
	t.Run("a key that comes back ends the iteration", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(
			`{"Items": [{"submission_id": "s1"}], "nextpageKey": {"id": "same", "created_at": "x"}}`))
		var last error
		for _, err := range c.AllSubmissions(context.Background(), nil) {
			last = err
		}
		assert.ErrorIs(t, last, argos.ErrPaginationStalled)
	})
	t.Run("memory for remembered keys stays bounded", func(t *testing.T) {
		c, mt := newMockClient(t)
		var pages atomic.Int64
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(*http.Request) (*http.Response, error) {
			n := pages.Add(1)
			body := fmt.Sprintf(`{"Items": [{"submission_id": "s"}], "nextpageKey": {"id": "%d-%s", "created_at": "x"}}`,
				n, strings.Repeat("k", 4000))
			resp := httpmock.NewStringResponse(http.StatusOK, body)
			resp.Header.Set("Content-Type", "application/json")
			return resp, nil
		})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := 0
		for _, err := range c.AllSubmissions(context.Background(), nil) {
			require.NoError(t, err)
			if n++; n == 2000 {
				break
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		// 2,000 keys of 4 KB would be 8 MB if kept; 1,024 digests are 32 KB.
		assert.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(4<<20))
	})
}

func TestRedirectTargetsReachNoErrorOrLog(t *testing.T) {
	const email = "victim@example.com"
	target := "/v2/" + plantedKey + "/" + email + "/x"
	for name, location := range map[string]func(srv *httptest.Server) string{
		"to plain HTTP":    func(srv *httptest.Server) string { return "http://" + srv.Listener.Addr().String() + target },
		"to a closed port": func(*httptest.Server) string { return "https://127.0.0.1:1" + target },
		"in a loop":        func(*httptest.Server) string { return target },
	} {
		t.Run(name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, location(srv), http.StatusFound)
			}))
			srv.Config.ErrorLog = discardLog()
			srv.StartTLS()
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			c, err := argos.NewClient(plantedKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()),
				argos.WithRetryPolicy(fastRetries), argos.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, err)
			_, err = c.GetSubmission(context.Background(), "s1")
			require.Error(t, err)
			for _, out := range []string{err.Error(), fmt.Sprintf("%#v", err), logs.String()} {
				assert.NotContains(t, out, plantedKey)
				assert.NotContains(t, out, email)
			}
			assert.Contains(t, err.Error(), "redirect")
		})
	}
}

func TestDecodeErrorsPrintOnlyAKnownMediaType(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusOK, "<html>").
		HeaderSet(http.Header{"Content-Type": {"text/html; charset=" + plantedKey}}))
	_, err := c.GetSubmission(context.Background(), "s1")
	require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	assert.NotContains(t, err.Error(), plantedKey)
	assert.Contains(t, err.Error(), "(text/html)")

	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusOK, "<html>").
		HeaderSet(http.Header{"Content-Type": {"x-" + plantedUserID + "/html"}}))
	_, err = c.GetSubmission(context.Background(), "s1")
	require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	assert.NotContains(t, err.Error(), plantedUserID)
}

func TestErrorStringsShowOnlyDocumentedCodesAndWellFormedTraceIDs(t *testing.T) {
	c, mt := newMockClient(t)
	for _, tc := range []struct {
		body, want, notWant string
	}{
		{`{"errorCode": "Forbidden user uid-77 name Kim", "traceId": "trace user uid-77 name Kim"}`, "code withheld", "uid-77"},
		{`{"errorCode": "invalid_payload", "message": "Invalid payload.", "traceId": "0199cb93-1c2d-7e3f-8a9b-0c1d2e3f4a5b"}`,
			"invalid_payload: Invalid payload. (trace 0199cb93-1c2d-7e3f-8a9b-0c1d2e3f4a5b)", ""},
	} {
		mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", httpmock.NewStringResponder(http.StatusBadRequest, tc.body))
		_, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "s1"})
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Contains(t, err.Error(), tc.want)
		if tc.notWant != "" {
			assert.NotContains(t, err.Error(), tc.notWant)
			assert.Contains(t, apiErr.Code+apiErr.TraceID, tc.notWant, "the fields keep what the string withholds")
		}
	}
}

func TestDownloadsRefuseWhatCannotBeTheFile(t *testing.T) {
	png := readImage(t, "id_front.png")
	pdf := []byte("%PDF-1.4\n%…")
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		ok                bool
	}{
		{"an HTML page", "text/html; charset=utf-8", []byte("<html><body>Sign in</body></html>"), false},
		{"a JSON error page", "application/json", []byte(`{"message": "Internal"}`), false},
		{"an image", "image/png", png, true},
		{"no type, bytes of an image", "", png, true},
		{"a generic type, bytes of an image", "application/octet-stream", png, true},
		{"a generic type, bytes of HTML", "application/octet-stream", []byte("<!DOCTYPE html><html>"), false},
		{"a PDF where an image was asked for", "application/pdf", pdf, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/image", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewBytesResponse(http.StatusOK, tc.body)
				if tc.contentType != "" {
					resp.Header.Set("Content-Type", tc.contentType)
				}
				return resp, nil
			})
			d, err := c.DownloadImage(context.Background(), "s1", argos.ImageSelfie)
			if !tc.ok {
				assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
				assert.Nil(t, d)
				return
			}
			require.NoError(t, err)
			got, err := io.ReadAll(d.Body)
			require.NoError(t, err)
			require.NoError(t, d.Body.Close())
			assert.Equal(t, tc.body, got, "the sniffed bytes are handed back too")
		})
	}
	t.Run("an AML report that is a PDF", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/report/aml", httpmock.NewBytesResponder(http.StatusOK, pdf))
		d, err := c.DownloadAMLReport(context.Background(), "r1")
		require.NoError(t, err)
		require.NoError(t, d.Body.Close())
	})
}

func TestDownloadFilenamesAreSafeToJoinToADirectory(t *testing.T) {
	png := readImage(t, "id_front.png")
	for disposition, want := range map[string]string{
		`attachment; filename="selfie.jpg"`:                 "selfie.jpg",
		`attachment; filename*=UTF-8''a%00b.jpg`:            "",
		`attachment; filename*=UTF-8''a%0Ab.jpg`:            "",
		`attachment; filename="../../etc/passwd"`:           "",
		`attachment; filename="..\\..\\boot.ini"`:           "",
		`attachment; filename=".."`:                         "",
		`attachment; filename*=UTF-8''evil%E2%80%AEgpj.exe`: "",
		`attachment; filename*=UTF-8''%ED%99%8D.png`:        "홍.png",
	} {
		t.Run(disposition, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/image", httpmock.NewBytesResponder(http.StatusOK, png).
				HeaderSet(http.Header{"Content-Type": {"image/png"}, "Content-Disposition": {disposition}}))
			d, err := c.DownloadImage(context.Background(), "s1", argos.ImageSelfie)
			require.NoError(t, err)
			t.Cleanup(func() { _ = d.Body.Close() })
			assert.Equal(t, want, d.Filename)
		})
	}
}

// badCountReader reports an impossible byte count after its first bytes.
type badCountReader struct {
	head []byte
	n    int
}

func (r *badCountReader) Read(p []byte) (int, error) {
	if len(r.head) > 0 {
		n := copy(p, r.head)
		r.head = r.head[n:]
		return n, nil
	}
	return r.n, nil
}

func TestInputsThatUsedToPanicAreClearErrors(t *testing.T) {
	c, _ := fakeClient(t)
	step1 := func(f *argos.File) error {
		_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
			IssuingCountry: "USA", Email: "panic@example.com", IDType: argos.IDPassport, IDImage: image(t, "id_front.png"), IDBackImage: f,
		})
		return err
	}
	t.Run("a typed-nil body", func(t *testing.T) {
		assert.ErrorIs(t, step1(&argos.File{Body: (*bytes.Reader)(nil)}), argos.ErrValidation)
	})
	t.Run("a File with no Body is refused, not dropped", func(t *testing.T) {
		err := step1(&argos.File{})
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "IDBackImage", ve.Field)
	})
	for name, n := range map[string]int{"a negative count": -1, "a count past the buffer": 1 << 30} {
		t.Run("a Body that reports "+name, func(t *testing.T) {
			png := readImage(t, "id_front.png")
			err := step1(&argos.File{Name: "back.png", Body: &badCountReader{head: png[:16], n: n}})
			assert.ErrorIs(t, err, argos.ErrValidation)
		})
	}
	t.Run("the zero Client and a nil *Client", func(t *testing.T) {
		var zero argos.Client
		var nilClient *argos.Client
		for _, cl := range []*argos.Client{&zero, nilClient} {
			_, err := cl.GetSubmission(context.Background(), "s1")
			assert.ErrorIs(t, err, argos.ErrValidation)
			_, err = cl.DownloadImage(context.Background(), "s1", argos.ImageSelfie)
			assert.ErrorIs(t, err, argos.ErrValidation)
			for _, err := range cl.AllSubmissions(context.Background(), nil) {
				assert.ErrorIs(t, err, argos.ErrValidation)
			}
			require.NotPanics(t, func() {
				_, err = cl.UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{SubmissionID: "s1"})
			}, "a v3-only call checks the client first")
			assert.ErrorIs(t, err, argos.ErrValidation)
			require.NotPanics(t, func() { _, err = cl.DownloadFaceAuthImage(context.Background(), "a1") })
			assert.ErrorIs(t, err, argos.ErrValidation)
			require.NotPanics(t, func() {
				_, err = cl.GetSubmission(context.Background(), "s1", argos.WithTimeout(time.Second))
			}, "so does a call with options")
			assert.ErrorIs(t, err, argos.ErrValidation)
			assert.NotPanics(t, func() { _ = fmt.Sprint(cl); cl.CloseIdleConnections() })
		}
	})
}
