package argos

// Fuzz targets for every response decoder and for error-body parsing. Each
// decodes the input twice: directly, through decode and the type's
// UnmarshalJSON, and through the whole client (a Client whose transport
// answers with the input), so the checks the endpoints add after decoding
// run too.
//
// Seeds: testdata/fuzz/<FuzzName>/, made from the documented samples in
// testdata/*.json. Run one with, for example:
//
//	go test -run '^$' -fuzz '^FuzzDecodeSubmissionList$' -fuzztime 30s .

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzKey is the client's API key in the fuzz targets; "{{KEY}}" in an input
// is replaced by it, so a hostile server echoing the key is part of the
// search space.
const (
	fuzzKey         = "fzk_Q7w2LmN9xR4tVb8K"
	fuzzKeyHolder   = "{{KEY}}"
	fuzzEmailMarker = "marker.person@pii.example"
	fuzzEmailHolder = "{{EMAIL}}"
)

// fuzzTransport answers every request with one canned response.
type fuzzTransport struct {
	status int
	header http.Header
	body   []byte
}

func (t *fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: t.status, Status: fmt.Sprintf("%d %s", t.status, http.StatusText(t.status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: t.header.Clone(), Body: io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)), Request: req,
	}, nil
}

// fuzzClient returns a client whose every call gets status and body back.
func fuzzClient(t *testing.T, status int, header http.Header, body []byte) *Client {
	t.Helper()
	if header == nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	c, err := NewClient(fuzzKey,
		WithBaseURL("https://api.fuzz.example/v2"),
		WithHTTPClient(&http.Client{Transport: &fuzzTransport{status: status, header: header, body: body}}),
		WithRetryPolicy(RetryPolicy{MaxRetries: 0, MinWait: time.Millisecond, MaxWait: time.Millisecond}),
		WithTimeout(5*time.Second),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fuzzResp(status int, contentType string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}}
}

// fuzzExpand substitutes the key and email placeholders.
func fuzzExpand(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte(fuzzKeyHolder), []byte(fuzzKey))
	return bytes.ReplaceAll(b, []byte(fuzzEmailHolder), []byte(fuzzEmailMarker))
}

// fuzzCheckErr: a decoding failure of a 2xx is a *DecodeError matching
// ErrUnexpectedResponse, and no error string shows the key.
func fuzzCheckErr(t *testing.T, where string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrUnexpectedResponse) {
		if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrPaginationStalled) {
			t.Fatalf("%s: a 200 that cannot be used must be a *DecodeError, got %T: %v", where, err, err)
		}
	}
	if strings.Contains(err.Error(), fuzzKey) {
		t.Fatalf("%s: the error string shows the API key: %v", where, err)
	}
}

func fuzzFinite(t *testing.T, where string, p *float64) {
	t.Helper()
	if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
		t.Fatalf("%s: a score decoded as %v; a value that is not a finite number must be absent (nil)", where, *p)
	}
}

// fuzzExercise calls the methods a caller would call on a decoded submission.
func fuzzExercise(t *testing.T, s *Submission) {
	t.Helper()
	_ = fmt.Sprintf("%+v %#v %q", s, s, s)
	_ = s.LogValue().Resolve()
	_ = s.AMLResourceIDs()
	_, _ = s.Created()
	_ = s.KYC.Status.Final()
	if got := fmt.Sprintf("%+v", s.Data); got != redacted {
		t.Fatalf("ApplicantData printed as %q", got)
	}
	for i, a := range s.KYC.Attempts {
		fuzzFinite(t, fmt.Sprintf("attempt %d livenessScore", i), a.LivenessScore)
		fuzzFinite(t, fmt.Sprintf("attempt %d faceSimilarityScore", i), a.FaceSimilarityScore)
	}
	fuzzFinite(t, "recognition_score", s.RecognitionScore)
	fuzzFinite(t, "argos_score", s.ArgosScore)
}

func FuzzDecodeSubmissionList(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var list SubmissionList
		err := decode("ListSubmissions", fuzzResp(200, "application/json"), body, &list, false)
		fuzzCheckErr(t, "decodeLenient", err)
		if err == nil {
			for i := range list.Items {
				fuzzExercise(t, &list.Items[i])
			}
			// Decoding is a fixed point after one round: what the SDK makes
			// of its own encoding of a page is that page.
			m1, err := json.Marshal(list)
			if err != nil {
				t.Fatalf("a decoded page does not encode: %v", err)
			}
			var again SubmissionList
			if err := decode("ListSubmissions", fuzzResp(200, "application/json"), m1, &again, false); err != nil {
				t.Fatalf("the SDK cannot decode its own encoding %s: %v", m1, err)
			}
			m2, err := json.Marshal(again)
			if err != nil || !bytes.Equal(m1, m2) {
				t.Fatalf("decode∘encode is not stable:\n%s\n%s", m1, m2)
			}
		}

		ctx := context.Background()
		c := fuzzClient(t, 200, nil, body)
		l, err := c.ListSubmissions(ctx, &ListSubmissionsParams{Email: fuzzEmailMarker})
		fuzzCheckErr(t, "ListSubmissions", err)
		if err == nil && l.Items == nil {
			t.Fatal("ListSubmissions: no error and no Items")
		}
		if err == nil && l.Next != nil && *l.Next == (PageKey{}) {
			t.Fatal("ListSubmissions: an empty page key must be no page key")
		}
		s, err := c.GetSubmission(ctx, "sub-fuzz-1")
		fuzzCheckErr(t, "GetSubmission", err)
		if err == nil && s == nil {
			t.Fatal("GetSubmission: no error and no submission")
		}
		n := 0
		for s, err := range c.AllSubmissions(ctx, nil) {
			fuzzCheckErr(t, "AllSubmissions", err)
			if err == nil && s == nil {
				t.Fatal("AllSubmissions: nil submission without error")
			}
			if n++; n > 10000 {
				t.Fatal("AllSubmissions does not end")
			}
		}
	})
}

func FuzzDecodeStep1(f *testing.F) {
	img := fuzzImage(f, "id_front.png")
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var r Step1Result
		err := decode("SubmitStep1", fuzzResp(200, "application/json"), body, &r, false)
		fuzzCheckErr(t, "decodeLenient", err)
		if err == nil {
			failedTry := r.Status == KYCIncomplete || (r.Status == "" && len(r.Retry) > 0)
			if r.CanRetry() != (failedTry && r.RetriesLeft() > 0) {
				t.Fatalf("CanRetry() = %t with status %q, %d reasons, %d tries left", r.CanRetry(), r.Status, len(r.Retry), r.RetriesLeft())
			}
			for _, out := range []string{fmt.Sprint(r.ReviewOCRData), fmt.Sprintf("%+v", r.ReviewOCRData), r.ReviewOCRData.LogValue().String()} {
				if out != redacted {
					t.Fatalf("OCRData printed as %q", out)
				}
			}
		}
		c := fuzzClient(t, 200, nil, body)
		got, err := c.SubmitStep1(context.Background(), &Step1Request{IssuingCountry: "KOR", Email: "a@b.example",
			IDType: "passport", IDImage: &File{Body: bytes.NewReader(img)}})
		fuzzCheckErr(t, "SubmitStep1", err)
		if err == nil && got.SubmissionID == "" {
			t.Fatal("SubmitStep1: no error and no submission ID")
		}
	})
}

func FuzzDecodeStep2(f *testing.F) {
	img := fuzzImage(f, "selfie.jpg")
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var r Step2Result
		err := decode("SubmitStep2", fuzzResp(200, "application/json"), body, &r, false)
		fuzzCheckErr(t, "decodeLenient", err)
		if err == nil {
			fuzzFinite(t, "faceSimilarityScore", r.FaceSimilarityScore)
			fuzzFinite(t, "livenessScore", r.LivenessScore)
			if left := r.RetriesLeft(); left < 0 || left > MaxAttempts {
				t.Fatalf("RetriesLeft() = %d for retryCount %d; want 0..%d", left, r.RetryCount, MaxAttempts)
			}
			failedTry := r.Status == KYCIncomplete || (r.Status == "" && len(r.Retry) > 0)
			if r.CanRetry() != (failedTry && r.RetriesLeft() > 0) {
				t.Fatalf("CanRetry() = %t with status %q, %d reasons, %d tries left", r.CanRetry(), r.Status, len(r.Retry), r.RetriesLeft())
			}
		}
		c := fuzzClient(t, 200, nil, body)
		got, err := c.SubmitStep2(context.Background(), &Step2Request{SubmissionID: "sub-fuzz-1", Name: "Fuzz Person",
			DateOfBirth: "1990-01-02", FaceImage: &File{Body: bytes.NewReader(img)}})
		fuzzCheckErr(t, "SubmitStep2", err)
		if err == nil && got.Status == "" {
			t.Fatal("SubmitStep2: no error and no kycStatus")
		}
	})
}

func FuzzDecodeApplicant(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var list []ApplicantSubmission
		err := decode("ListApplicantSubmissions", fuzzResp(200, "application/json"), body, &list, true)
		fuzzCheckErr(t, "decodeLenient", err)

		c := fuzzClient(t, 200, nil, body)
		got, err := c.ListApplicantSubmissions(context.Background(), "applicant-fuzz-1")
		fuzzCheckErr(t, "ListApplicantSubmissions", err)
		if err == nil {
			if got == nil {
				t.Fatal("ListApplicantSubmissions: no error and a nil list")
			}
			for i, s := range got {
				if s.SubmissionID == "" {
					t.Fatalf("ListApplicantSubmissions returned entry %d of %d without a submission ID (from %q)", i, len(got), body)
				}
			}
		}
	})
}

func FuzzDecodeAddressCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var a AddressCode
		err := decode("LookupAddressCode", fuzzResp(200, "application/json"), body, &a, false)
		fuzzCheckErr(t, "decodeLenient", err)

		c := fuzzClient(t, 200, nil, body)
		got, err := c.LookupAddressCode(context.Background(), &AddressCodeRequest{Address: "1 Fuzz Road", Language: "en"})
		fuzzCheckErr(t, "LookupAddressCode", err)
		if err == nil && got.FormattedAddress == "" && got.CompoundCode == "" && got.GlobalCode == "" {
			t.Fatal("LookupAddressCode: no error and no address field")
		}
		if err == nil {
			var r Step2Request
			r.SetAddress(got)
			if r.GlobalCode != got.GlobalCode || r.CompoundCode != got.CompoundCode || r.FormattedAddress != got.FormattedAddress {
				t.Fatal("SetAddress does not copy the codes")
			}
		}
	})
}

func FuzzDecodeDelete(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		body = fuzzExpand(body)
		var d DeleteResult
		err := decode("DeleteSubmission", fuzzResp(200, "application/json"), body, &d, false)
		fuzzCheckErr(t, "decodeLenient", err)

		c := fuzzClient(t, 200, nil, body)
		got, err := c.DeleteSubmission(context.Background(), &DeleteSubmissionRequest{SubmissionID: "sub-fuzz-1"})
		fuzzCheckErr(t, "DeleteSubmission", err)
		if err == nil && got.Message == "" && got.Content == "" {
			t.Fatal("DeleteSubmission: no error and no message or content")
		}
	})
}

// FuzzAPIError: any status ≥ 400 with any body, content type and
// Retry-After. newAPIError never panics; errors.Is agrees with the status;
// RetryAfter stays within 0..24h; and no error string shows an email address
// from the body or the client's API key (which the input may echo through
// "{{KEY}}").
func FuzzAPIError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status uint16, contentType, retryAfter string, body []byte) {
		code := 400 + int(status)%200
		body = fuzzExpand(body)
		header := http.Header{}
		header.Set("Content-Type", strings.Map(fuzzHeaderRune, contentType))
		header.Set("Retry-After", strings.Map(fuzzHeaderRune, retryAfter))
		resp := &http.Response{StatusCode: code, Header: header}

		truncated := len(body) > maxErrorBody
		capped := body
		if truncated {
			capped = body[:maxErrorBody]
		}
		e := newAPIError(http.MethodGet, "/v2/submission", resp, capped, truncated)
		msg := e.Error()
		if !utf8.ValidString(msg) && utf8.Valid(capped) {
			t.Fatalf("Error() is not valid UTF-8: %q", msg)
		}
		if strings.Contains(msg, fuzzEmailMarker) {
			t.Fatalf("Error() shows the email: %q", msg)
		}
		if strings.ContainsAny(msg, "\r\n\x00") {
			t.Fatalf("Error() has control characters: %q", msg)
		}
		if e.RetryAfter < 0 || e.RetryAfter > 24*time.Hour {
			t.Fatalf("RetryAfter = %v from %q; want 0..24h", e.RetryAfter, retryAfter)
		}
		fuzzCheckIs(t, e, code)
		_ = e.Is(ErrOutcomeUnknown)

		// The same answer through the client, which knows its key and the
		// request's values.
		c := fuzzClient(t, code, header, body)
		_, err := c.ListSubmissions(context.Background(), &ListSubmissionsParams{Email: fuzzEmailMarker, UserID: "fuzz-user-77"})
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("a %d answer must be an *APIError, got %T: %v", code, err, err)
		}
		fuzzCheckIs(t, apiErr, code)
		for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
			for _, secret := range []string{fuzzKey, fuzzEmailMarker, "fuzz-user-77"} {
				if strings.Contains(out, secret) {
					t.Fatalf("the error string shows %q: %q", secret, out)
				}
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("failed", "err", err)
		if strings.Contains(buf.String(), fuzzKey) {
			t.Fatalf("the logged error shows the API key: %s", buf.String())
		}
	})
}

func fuzzCheckIs(t *testing.T, e *APIError, code int) {
	t.Helper()
	if e.StatusCode != code {
		t.Fatalf("StatusCode = %d, want %d", e.StatusCode, code)
	}
	checks := []struct {
		target error
		want   bool
	}{
		{ErrServer, code >= 500},
		{ErrRateLimited, code == 429},
		{ErrForbidden, code == 403},
		{ErrPayloadTooLarge, code == 413},
	}
	for _, c := range checks {
		if got := errors.Is(e, c.target); got != c.want {
			t.Fatalf("errors.Is(%d, %v) = %v", code, c.target, got)
		}
	}
	if code < 500 && errors.Is(e, ErrBadRequest) == (code == 403 || code == 413 || code == 429) {
		t.Fatalf("errors.Is(%d, ErrBadRequest) = %v", code, errors.Is(e, ErrBadRequest))
	}
}

// fuzzHeaderRune drops what http.Header.Set would let through but a real
// response could never carry.
func fuzzHeaderRune(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

func fuzzImage(f *testing.F, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "images", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}
