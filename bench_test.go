package argos

// Benchmarks of the SDK against a hand-written net/http + encoding/json
// baseline doing the same work against the same loopback TLS server in the
// same run. BENCHMARKS.md has the figures and how to read them:
//
//	go test -run '^$' -bench . -benchmem -count 6 . | tee bench.txt
//	benchstat -col /impl bench.txt

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const benchKey = "bench-api-key"

// benchServer is a loopback TLS server that counts the connections it
// accepts.
type benchServer struct {
	*httptest.Server
	pool  *x509.CertPool
	conns atomic.Int64
}

func newBenchServer(tb testing.TB, h http.Handler, http2 bool) *benchServer {
	tb.Helper()
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = http2
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the default client's churn logs handshake errors
	s.StartTLS()
	tb.Cleanup(s.Close)
	s.pool = x509.NewCertPool()
	s.pool.AddCert(s.Certificate())
	return s
}

// sdk returns a Client with the SDK's default transport, trusting the
// server.
func (s *benchServer) sdk(tb testing.TB) *Client {
	tb.Helper()
	c, err := NewClient(benchKey, WithBaseURL(s.URL+"/v2"), WithRootCAs(s.pool))
	require.NoError(tb, err)
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// baseline returns what a hand-written integration uses: an http.Client
// with net/http's default transport settings (http.DefaultClient), trusting
// the server.
func (s *benchServer) baseline(tb testing.TB) *http.Client {
	tb.Helper()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig.RootCAs = s.pool
	tb.Cleanup(t.CloseIdleConnections)
	return &http.Client{Transport: t}
}

// The baseline's model: plain structs with the SDK's fields and nothing
// else, decoded by encoding/json.
type (
	baseList struct {
		Items []baseSubmission `json:"Items"`
		Next  *struct {
			ID        string `json:"id"`
			CreatedAt string `json:"created_at"`
		} `json:"nextpageKey"`
	}
	baseSubmission struct {
		ID                    string            `json:"submission_id"`
		Email                 string            `json:"email"`
		UserID                string            `json:"userid"`
		ApplicantID           string            `json:"applicant_id"`
		DuplicatedInformation string            `json:"duplicated_information"`
		TokenID               string            `json:"tokenId"`
		CreatedAt             string            `json:"created_at"`
		UpdatedAt             string            `json:"updated_at"`
		KYCResultAt           string            `json:"kyc_result_at"`
		PendingAt             string            `json:"pending_at"`
		Reviewer              string            `json:"reviewer"`
		RecognitionScore      *float64          `json:"recognition_score"`
		ArgosScore            *float64          `json:"argos_score"`
		Data                  baseApplicantData `json:"data"`
		KYC                   struct {
			Result      string       `json:"result"`
			Comment     []string     `json:"comment"`
			CommentCode []RejectCode `json:"commentCode"`
			Attempts    []struct {
				Count               int                    `json:"attemptCnt"`
				LivenessScore       *float64               `json:"livenessScore"`
				FaceSimilarityScore *float64               `json:"faceSimilarityScore"`
				VerificationParams  baseVerificationParams `json:"verificationParams"`
				VerificationResult  string                 `json:"verificationResult"`
				RetryMsg            string                 `json:"retryMsg"`
			} `json:"attempts"`
		} `json:"kyc"`
		Images         ImageKeys       `json:"image"`
		OCR            OCRResult       `json:"ocr"`
		Memo           *Memo           `json:"memo"`
		AML            json.RawMessage `json:"aml"`
		ProjectOptions json.RawMessage `json:"project_options"`
		OCRRaw         json.RawMessage `json:"OCR_raw"`
		Review         json.RawMessage `json:"review"`
		Verification   json.RawMessage `json:"verification"`
		AdditionalList json.RawMessage `json:"additional_list"`
	}
	// The SDK's own field lists without their methods (the redacting
	// Format, String and LogValue), which encoding/json would check for.
	baseApplicantData      ApplicantData
	baseVerificationParams VerificationParams
	baseStep1              struct {
		SubmissionID  string            `json:"submissionId"`
		ReviewOCRData map[string]string `json:"reviewOCRData"`
		FileUpload    bool              `json:"file_upload"`
	}
)

// requireSame fails tb unless the SDK and the baseline decoded the same
// submission: the benchmarks compare equal work.
func requireSame(tb testing.TB, got *Submission, want *baseSubmission) {
	tb.Helper()
	require.Equal(tb, want.ID, got.ID)
	require.Equal(tb, want.Email, got.Email)
	require.Equal(tb, want.CreatedAt, got.CreatedAt)
	require.Equal(tb, want.Data.Name, got.Data.Name)
	require.Equal(tb, want.Data.IdentityNumber, got.Data.IdentityNumber)
	require.Equal(tb, want.Data.DateOfIssue, got.Data.DateOfIssue)
	require.Equal(tb, want.KYC.Result, string(got.KYC.Status))
	require.Equal(tb, want.KYC.CommentCode, got.KYC.CommentCode)
	require.Len(tb, got.KYC.Attempts, len(want.KYC.Attempts))
	for i, a := range want.KYC.Attempts {
		require.Equal(tb, a.Count, got.KYC.Attempts[i].Count)
		require.Equal(tb, a.LivenessScore, got.KYC.Attempts[i].LivenessScore)
		require.Equal(tb, a.FaceSimilarityScore, got.KYC.Attempts[i].FaceSimilarityScore)
		require.Equal(tb, a.RetryMsg, got.KYC.Attempts[i].RetryMsg)
		require.Equal(tb, a.VerificationParams.IdentityNumber, got.KYC.Attempts[i].VerificationParams.IdentityNumber)
	}
}

// baseGet is the hand-written GET: build the request, send it, check the
// status, decode the JSON body.
func baseGet(ctx context.Context, hc *http.Client, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", benchKey)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// jsonHandler answers every request with body as JSON, after draining the
// request body.
func jsonHandler(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != benchKey {
			http.Error(w, `{"message":"Forbidden"}`, http.StatusForbidden)
			return
		}
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(tb, err)
	return b
}

// BenchmarkGetSubmission fetches the API guide's full sample submission.
func BenchmarkGetSubmission(b *testing.B) {
	body := readTestdata(b, "submission_single_guide.json")
	srv := newBenchServer(b, jsonHandler(body), false)
	const id = "gt7rcxx9l1o*****"
	var want baseList
	require.NoError(b, json.Unmarshal(body, &want))

	// Each side runs with a background context (the SDK then adds its own
	// WithTimeout timer) and with a caller's context whose deadline comes
	// first (the SDK then adds none).
	for _, withDeadline := range []bool{false, true} {
		suffix := map[bool]string{false: "", true: "-callerdeadline"}[withDeadline]
		ctxFor := func(b *testing.B) context.Context {
			if !withDeadline {
				return context.Background()
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			b.Cleanup(cancel)
			return ctx
		}
		b.Run("impl=sdk"+suffix, func(b *testing.B) {
			c, ctx := srv.sdk(b), ctxFor(b)
			s, err := c.GetSubmission(ctx, id)
			require.NoError(b, err)
			requireSame(b, s, &want.Items[0])
			benchLoop(b, func() error { _, err := c.GetSubmission(ctx, id); return err })
		})
		b.Run("impl=nethttp"+suffix, func(b *testing.B) {
			hc, ctx := srv.baseline(b), ctxFor(b)
			u := srv.URL + "/v2/submission?submission_id=" + id
			var l baseList
			require.NoError(b, baseGet(ctx, hc, u, &l))
			require.Equal(b, want.Items[0].KYC.Result, l.Items[0].KYC.Result)
			benchLoop(b, func() error { var l baseList; return baseGet(ctx, hc, u, &l) })
		})
	}
}

// benchLoop times b.N calls of op, reporting allocations.
func benchLoop(b *testing.B, op func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// bigPage is a ListSubmissions answer with n items (the API's maximum page
// is 2,000), each a copy of the guide's list item with its own ID.
func bigPage(tb testing.TB, n int) []byte {
	tb.Helper()
	var page struct {
		Items []map[string]any `json:"Items"`
	}
	require.NoError(tb, json.Unmarshal(readTestdata(tb, "submission_single_guide.json"), &page))
	item := page.Items[0]
	items := make([]map[string]any, n)
	for i := range items {
		m := make(map[string]any, len(item))
		for k, v := range item {
			m[k] = v
		}
		m["submission_id"] = fmt.Sprintf("sub%013d", i)
		items[i] = m
	}
	out, err := json.Marshal(map[string]any{"Items": items, "nextpageKey": map[string]string{"id": "sub0000000001999", "created_at": "2022-04-07T00:30:35.919Z"}})
	require.NoError(tb, err)
	return out
}

// BenchmarkListSubmissions fetches and decodes one 2,000-item page.
func BenchmarkListSubmissions(b *testing.B) {
	body := bigPage(b, MaxPageSize)
	srv := newBenchServer(b, jsonHandler(body), false)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := srv.sdk(b)
		l, err := c.ListSubmissions(ctx, &ListSubmissionsParams{Count: MaxPageSize})
		require.NoError(b, err)
		var want baseList
		require.NoError(b, json.Unmarshal(body, &want))
		require.Len(b, l.Items, MaxPageSize)
		for _, i := range []int{0, MaxPageSize / 2, MaxPageSize - 1} {
			requireSame(b, &l.Items[i], &want.Items[i])
		}
		require.Equal(b, want.Next.ID, l.Next.ID)
		b.SetBytes(int64(len(body)))
		benchLoop(b, func() error { _, err := c.ListSubmissions(ctx, &ListSubmissionsParams{Count: MaxPageSize}); return err })
	})
	b.Run("impl=nethttp", func(b *testing.B) {
		hc := srv.baseline(b)
		u := srv.URL + "/v2/submission?count=2000"
		b.SetBytes(int64(len(body)))
		benchLoop(b, func() error { var l baseList; return baseGet(ctx, hc, u, &l) })
	})
}

// BenchmarkDecodeSubmissionList decodes the same 2,000-item page without
// the network: the SDK's lenient decoding against encoding/json into plain
// structs.
func BenchmarkDecodeSubmissionList(b *testing.B) {
	body := bigPage(b, MaxPageSize)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	b.Run("impl=sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		benchLoop(b, func() error { var l SubmissionList; return decode("ListSubmissions", resp, body, &l, false) })
	})
	b.Run("impl=nethttp", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		benchLoop(b, func() error { var l baseList; return json.Unmarshal(body, &l) })
	})
}

// fakeJPEG is size bytes that pass the SDK's content check (a JPEG
// signature, then random bytes); the server does not decode images.
func fakeJPEG(tb testing.TB, size int) []byte {
	tb.Helper()
	img := make([]byte, size)
	_, _ = rand.Read(img)
	copy(img, "\xff\xd8\xff\xe0")
	return img
}

// step1ID is the submission ID in testdata/step1_guide.json.
const step1ID = "1cz94l9ksfi1bokk"

// checkStep1ID reports an upload answered with another submission ID.
func checkStep1ID(id string) error {
	if id != step1ID {
		return fmt.Errorf("submission ID %q", id)
	}
	return nil
}

// BenchmarkSubmitStep1 uploads an ID image of 64 KiB and of 2 MiB (the
// API's limit). The baseline streams its multipart body the usual way, with
// mime/multipart writing into an io.Pipe from a goroutine.
func BenchmarkSubmitStep1(b *testing.B) {
	srv := newBenchServer(b, jsonHandler(readTestdata(b, "step1_guide.json")), false)
	ctx := context.Background()
	for _, size := range []int{64 << 10, MaxImageSize} {
		img := fakeJPEG(b, size)
		name := fmt.Sprintf("size=%dKiB", size>>10)
		b.Run("impl=sdk/"+name, func(b *testing.B) {
			c := srv.sdk(b)
			b.SetBytes(int64(size))
			benchLoop(b, func() error {
				r, err := c.SubmitStep1(ctx, &Step1Request{IssuingCountry: "USA", Email: "bench@example.com", IDType: IDPassport,
					IDImage: &File{Name: "id.jpg", Body: bytes.NewReader(img)}})
				if err != nil {
					return err
				}
				return checkStep1ID(r.SubmissionID)
			})
		})
		b.Run("impl=nethttp/"+name, func(b *testing.B) {
			hc := srv.baseline(b)
			u := srv.URL + "/v2/submission/step1"
			b.SetBytes(int64(size))
			benchLoop(b, func() error {
				var r baseStep1
				if err := basePostStep1(ctx, hc, u, bytes.NewReader(img), &r); err != nil {
					return err
				}
				return checkStep1ID(r.SubmissionID)
			})
		})
	}
}

// basePostStep1 is the hand-written streaming upload.
func basePostStep1(ctx context.Context, hc *http.Client, u string, img io.Reader, v any) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, f := range [][2]string{{"issuingCountry", "USA"}, {"email", "bench@example.com"}, {"idType", "passport"}} {
			if err := mw.WriteField(f[0], f[1]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		fw, err := mw.CreateFormFile("idImage", "id.jpg")
		if err == nil {
			_, err = io.Copy(fw, img)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, pr)
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", benchKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := hc.Do(req)
	if err != nil {
		_ = pr.CloseWithError(err)
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// BenchmarkImageDownload downloads a 64 MiB image and copies it to a
// writer: bytes allocated per download must stay far below its size.
func BenchmarkImageDownload(b *testing.B) {
	const size = 64 << 20
	img := fakeJPEG(b, size)
	srv := newBenchServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = w.Write(img)
	}), false)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := srv.sdk(b)
		b.SetBytes(size)
		b.ReportAllocs()
		for range b.N {
			d, err := c.DownloadImage(ctx, "sub1", ImageID)
			if err != nil {
				b.Fatal(err)
			}
			n, err := d.WriteTo(writerOnly{io.Discard})
			if err != nil || n != size {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("impl=nethttp", func(b *testing.B) {
		hc := srv.baseline(b)
		u := srv.URL + "/v2/image?submission_id=sub1&type=idImage"
		b.SetBytes(size)
		b.ReportAllocs()
		for range b.N {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("x-api-key", benchKey)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(writerOnly{io.Discard}, resp.Body)
			_ = resp.Body.Close()
			if err != nil || n != size {
				b.Fatal(n, err)
			}
		}
	})
}

// writerOnly hides io.Discard's ReaderFrom, so the copy's own buffer is
// what is measured, as when writing to a file or a network stream.
type writerOnly struct{ io.Writer }

// BenchmarkConcurrentCallers runs 64 goroutines sharing one client, each
// fetching a submission in a loop, over HTTP/1.1 and HTTP/2. It reports
// requests per second and the connections the server accepted.
func BenchmarkConcurrentCallers(b *testing.B) {
	const callers = 64
	body := readTestdata(b, "submission_single_guide.json")
	for _, proto := range []string{"http1", "http2"} {
		for _, impl := range []string{"sdk", "defaultclient"} {
			b.Run("impl="+impl+"/proto="+proto, func(b *testing.B) {
				srv := newBenchServer(b, jsonHandler(body), proto == "http2")
				var get func(context.Context) error
				if impl == "sdk" {
					c := srv.sdk(b)
					get = func(ctx context.Context) error { _, err := c.GetSubmission(ctx, "gt7rcxx9l1o*****"); return err }
				} else {
					hc := srv.baseline(b)
					u := srv.URL + "/v2/submission?submission_id=gt7rcxx9l1o*****"
					get = func(ctx context.Context) error { var l baseList; return baseGet(ctx, hc, u, &l) }
				}
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				runCallers(b, callers, b.N, get)
				elapsed := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(srv.conns.Load()), "conns")
			})
		}
	}
}

// runCallers makes n calls from callers goroutines and fails tb on the
// first error.
func runCallers(tb testing.TB, callers, n int, get func(context.Context) error) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, callers)
	)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := get(context.Background()); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}
