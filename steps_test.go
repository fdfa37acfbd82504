package argos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// received is what a test server read from one multipart request.
type received struct {
	header      http.Header
	contentLen  int64
	transferEnc []string
	fields      map[string]string
	files       map[string]receivedFile
}

type receivedFile struct {
	name, contentType string
	data              []byte
}

// multipartServer is a TLS server that parses each multipart request with
// mime/multipart and answers with a fixture.
func multipartServer(t *testing.T, answer string) (*argos.Client, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	body := fixture(t, answer)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := received{header: r.Header.Clone(), contentLen: r.ContentLength, transferEnc: r.TransferEncoding,
			fields: map[string]string{}, files: map[string]receivedFile{}}
		mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if assert.NoError(t, err) && assert.Equal(t, "multipart/form-data", mediaType) {
			mr := multipart.NewReader(r.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if errors.Is(err, io.EOF) {
					break
				}
				if !assert.NoError(t, err) {
					break
				}
				data, err := io.ReadAll(p)
				require.NoError(t, err)
				if p.FileName() != "" {
					rec.files[p.FormName()] = receivedFile{name: p.FileName(), contentType: p.Header.Get("Content-Type"), data: data}
				} else {
					rec.fields[p.FormName()] = string(data)
				}
			}
		}
		mu.Lock()
		got = append(got, rec)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()),
		argos.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	return c, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

func TestSubmitStep1SendsEveryFieldAsMultipart(t *testing.T) {
	c, got := multipartServer(t, "step1_guide.json")

	resp, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "john@example.com", IDType: argos.IDDriversLicense,
		IDImage:      image(t, "id_front.png"),
		IDBackImage:  &argos.File{Name: "back.png", ContentType: "image/png", Body: bytes.NewReader(readImage(t, "id_back.png"))},
		SubmissionID: "retry-1", UserID: "user1", CF1: "test", CF2: "two", CF3: "three",
		CustomOptions: map[string]any{"approvePeriod": false, "blacklistCountries": false},
	})
	require.NoError(t, err)

	assert.Equal(t, "1cz94l9ksfi1bokk", resp.SubmissionID)
	assert.True(t, resp.FileUpload)
	assert.Equal(t, "John Smith", resp.ReviewOCRData.Name)
	assert.Equal(t, "1975-08-25", resp.ReviewOCRData.DateOfBirth)
	assert.Equal(t, "USA", resp.ReviewOCRData.Nationality)
	assert.Equal(t, "male", resp.ReviewOCRData.Gender)
	assert.Equal(t, "2020-02-25", resp.ReviewOCRData.DateOfIssue)
	assert.False(t, resp.CanRetry())

	reqs := got()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, map[string]string{
		"issuingCountry": "USA", "email": "john@example.com", "idType": "drivers_license", "submissionId": "retry-1",
		"userid": "user1", "cf1": "test", "cf2": "two", "cf3": "three",
		"customOptions": `{"approvePeriod":false,"blacklistCountries":false}`,
	}, r.fields)
	require.Contains(t, r.files, "idImage")
	assert.Equal(t, "id_front.png", r.files["idImage"].name)
	assert.Equal(t, "image/png", r.files["idImage"].contentType, "the content type is detected from the bytes")
	assert.Equal(t, readImage(t, "id_front.png"), r.files["idImage"].data)
	assert.Equal(t, readImage(t, "id_back.png"), r.files["idBackImage"].data)
	assert.Equal(t, testKey, r.header.Get("x-api-key"))
	assert.Contains(t, r.header.Get("User-Agent"), "argos-go/")
	assert.Positive(t, r.contentLen, "files of known size give an exact Content-Length")
	assert.Empty(t, r.transferEnc)
}

func TestSubmitStep1StreamsAReaderOfUnknownSize(t *testing.T) {
	c, got := multipartServer(t, "step1_guide.json")
	data := readImage(t, "selfie.jpg")
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(data)
		_ = pw.Close()
	}()
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "KOR", Email: "a@example.com", IDType: "passport", IDImage: &argos.File{Body: pr},
	})
	require.NoError(t, err)
	r := got()[0]
	assert.Equal(t, data, r.files["idImage"].data)
	assert.Equal(t, "image/jpeg", r.files["idImage"].contentType)
	assert.Equal(t, "idImage.jpg", r.files["idImage"].name, "a nameless file gets a name from its type")
	assert.Equal(t, []string{"chunked"}, r.transferEnc)
}

func TestSubmitStep1KeepsQuotesInFileNamesWithoutBreakingTheForm(t *testing.T) {
	c, got := multipartServer(t, "step1_guide.json")
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "a@example.com", IDType: "passport",
		IDImage: &argos.File{Name: `my "id" \ card.png`, Body: bytes.NewReader(readImage(t, "id_front.png"))},
		CF1:     "line one\r\nContent-Disposition: form-data; name=\"evil\"",
	})
	require.NoError(t, err)
	r := got()[0]
	assert.Equal(t, `my "id" \ card.png`, r.files["idImage"].name)
	assert.Equal(t, "line one\r\nContent-Disposition: form-data; name=\"evil\"", r.fields["cf1"], "a value is data, not headers")
	assert.NotContains(t, r.fields, "evil")
}

func TestSubmitStep1DecodesTheDocumentedVariants(t *testing.T) {
	for _, tc := range []struct{ file, id string }{{"step1_Submissionid.json", "1cz94l9ksfi1bokk"}, {"step1_retry.json", "*"}} {
		t.Run(tc.file, func(t *testing.T) {
			c, _ := multipartServer(t, tc.file)
			resp, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
				IssuingCountry: "USA", Email: "a@example.com", IDType: "passport", IDImage: image(t, "id_front.png"),
			})
			require.NoError(t, err)
			if tc.id == "*" {
				assert.NotEmpty(t, resp.SubmissionID)
				assert.True(t, resp.CanRetry())
				require.NotEmpty(t, resp.Retry)
				assert.Equal(t, argos.RetryGlareDetected, resp.Retry[0].Code)
				assert.Equal(t, argos.KYCIncomplete, resp.Status)
				assert.Equal(t, 1, resp.RetryCount)
				return
			}
			assert.Equal(t, tc.id, resp.SubmissionID)
		})
	}
}

func TestSubmitStep1ChecksInputBeforeSending(t *testing.T) {
	png := readImage(t, "id_front.png")
	big := make([]byte, argos.MaxImageSize+1)
	copy(big, png)
	valid := func() *argos.Step1Request {
		return &argos.Step1Request{IssuingCountry: "USA", Email: "a@example.com", IDType: "passport",
			IDImage: &argos.File{Body: bytes.NewReader(png)}}
	}
	tests := []struct {
		name  string
		edit  func(*argos.Step1Request)
		field string
	}{
		{"no issuing country", func(r *argos.Step1Request) { r.IssuingCountry = "" }, "IssuingCountry"},
		{"a two-letter country", func(r *argos.Step1Request) { r.IssuingCountry = "US" }, "IssuingCountry"},
		{"a lower-case country", func(r *argos.Step1Request) { r.IssuingCountry = "usa" }, "IssuingCountry"},
		{"no email", func(r *argos.Step1Request) { r.Email = "" }, "Email"},
		{"a malformed email", func(r *argos.Step1Request) { r.Email = "a@" }, "Email"},
		{"an email with a display name", func(r *argos.Step1Request) { r.Email = "Jane <a@example.com>" }, "Email"},
		{"no ID type", func(r *argos.Step1Request) { r.IDType = "" }, "IDType"},
		{"no ID image", func(r *argos.Step1Request) { r.IDImage = nil }, "IDImage"},
		{"an ID image without a body", func(r *argos.Step1Request) { r.IDImage = &argos.File{Name: "x.png"} }, "IDImage"},
		{"an empty ID image", func(r *argos.Step1Request) { r.IDImage = &argos.File{Body: bytes.NewReader(nil)} }, "IDImage"},
		{"a text file as ID image", func(r *argos.Step1Request) {
			r.IDImage = &argos.File{Body: strings.NewReader("hello, this is not an image")}
		}, "IDImage"},
		{"a PDF as ID image", func(r *argos.Step1Request) { r.IDImage = &argos.File{Body: strings.NewReader("%PDF-1.4\n")} }, "IDImage"},
		{"a PNG labelled as JPEG", func(r *argos.Step1Request) {
			r.IDImage = &argos.File{ContentType: "image/jpeg", Body: bytes.NewReader(png)}
		}, "IDImage"},
		{"an image over 2 MB", func(r *argos.Step1Request) { r.IDImage = &argos.File{Body: bytes.NewReader(big)} }, "IDImage"},
		{"a file name with a newline", func(r *argos.Step1Request) {
			r.IDImage = &argos.File{Name: "a\r\nX-Evil: 1", Body: bytes.NewReader(png)}
		}, "IDImage"},
		{"a back image that is not an image", func(r *argos.Step1Request) {
			r.IDBackImage = &argos.File{Body: strings.NewReader("GIF89a......")}
		}, "IDBackImage"},
		{"custom options that are not JSON", func(r *argos.Step1Request) { r.CustomOptions = map[string]any{"f": func() {}} }, "CustomOptions"},
	}
	for _, tc := range tests {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			r := valid()
			tc.edit(r)
			_, err := c.SubmitStep1(context.Background(), r)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount(), "no round trip")
		})
	}
	t.Run("it refuses a nil request", func(t *testing.T) {
		c, _ := newMockClient(t)
		_, err := c.SubmitStep1(context.Background(), nil)
		assert.ErrorIs(t, err, argos.ErrValidation)
	})
}

func TestSubmitStep1RefusesAnOversizedStreamWhileSending(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step1", func(r *http.Request) (*http.Response, error) {
		_, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return nil, err
		}
		return httpmock.NewStringResponse(200, `{"submissionId":"x"}`), nil
	})
	png := readImage(t, "id_front.png")
	big := io.MultiReader(bytes.NewReader(png), bytes.NewReader(make([]byte, argos.MaxImageSize)))
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "a@example.com", IDType: "passport", IDImage: &argos.File{Body: io.NopCloser(big)},
	})
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve, "a reader of unknown size is cut off at 2 MB")
	assert.Equal(t, "IDImage", ve.Field)
	assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "a body cut short by the SDK cannot have been processed")
}

func TestSubmitStep2SendsEveryFieldAsMultipart(t *testing.T) {
	c, got := multipartServer(t, "step2_pending.json")
	req := &argos.Step2Request{
		SubmissionID: "1cz94l9ksfi1bokk", FaceImage: image(t, "selfie.jpg"), Name: "John Smith", DateOfBirth: "1975-08-25",
		Gender: "male", Nationality: "USA", DateOfIssue: "2020-02-25", DateOfExpiry: "2030-02-25",
		IdentityNumber: "750825-1234567", LicenseNumber: "11-22-333333-44", DocumentNumber: "D123", SerialNumber: "S9",
		AddressInput: "1 Sejongno", AddressDetail: "Apt 2", AddressImage: image(t, "address.png"),
	}
	req.SetAddress(&argos.AddressCode{FormattedAddress: "1 Sejongno, Seoul", CompoundCode: "HXPG+MP Seoul", GlobalCode: "8Q98HXPG+MP"})

	resp, err := c.SubmitStep2(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCPending, resp.Status)
	assert.Equal(t, ptr(99), resp.FaceSimilarityScore)
	assert.Equal(t, ptr(91), resp.LivenessScore)
	assert.Equal(t, "success", resp.VerificationResult)

	r := got()[0]
	assert.Equal(t, map[string]string{
		"submissionId": "1cz94l9ksfi1bokk", "name": "John Smith", "date_of_birth": "1975-08-25", "gender": "male",
		"nationality": "USA", "date_of_issue": "2020-02-25", "date_of_expiry": "2030-02-25",
		"identity_number": "750825-1234567", "license_number": "11-22-333333-44", "document_number": "D123",
		"serial_number": "S9", "globalCode": "8Q98HXPG+MP", "compoundCode": "HXPG+MP Seoul",
		"formatted_address": "1 Sejongno, Seoul", "address_input": "1 Sejongno", "address_detail": "Apt 2",
	}, r.fields)
	assert.Equal(t, readImage(t, "selfie.jpg"), r.files["faceImage"].data)
	assert.Equal(t, "image/jpeg", r.files["faceImage"].contentType)
	assert.Equal(t, readImage(t, "address.png"), r.files["addressImage"].data)
}

func TestSubmitStep2ChecksInputBeforeSending(t *testing.T) {
	jpg := readImage(t, "selfie.jpg")
	valid := func() *argos.Step2Request {
		return &argos.Step2Request{SubmissionID: "s1", FaceImage: &argos.File{Body: bytes.NewReader(jpg)}, Name: "J", DateOfBirth: "1990-01-31"}
	}
	tests := []struct {
		name  string
		edit  func(*argos.Step2Request)
		field string
	}{
		{"no submission ID", func(r *argos.Step2Request) { r.SubmissionID = "" }, "SubmissionID"},
		{"no face image", func(r *argos.Step2Request) { r.FaceImage = nil }, "FaceImage"},
		{"no name", func(r *argos.Step2Request) { r.Name = "" }, "Name"},
		{"no birth date", func(r *argos.Step2Request) { r.DateOfBirth = "" }, "DateOfBirth"},
		{"a birth date as DD/MM/YYYY", func(r *argos.Step2Request) { r.DateOfBirth = "31/01/1990" }, "DateOfBirth"},
		{"an impossible issue date", func(r *argos.Step2Request) { r.DateOfIssue = "2020-13-01" }, "DateOfIssue"},
		{"an expiry date with time", func(r *argos.Step2Request) { r.DateOfExpiry = "2030-01-01T00:00:00Z" }, "DateOfExpiry"},
		{"a two-letter nationality", func(r *argos.Step2Request) { r.Nationality = "KR" }, "Nationality"},
		{"an address image that is text", func(r *argos.Step2Request) {
			r.AddressImage = &argos.File{Body: strings.NewReader("utility bill")}
		}, "AddressImage"},
	}
	for _, tc := range tests {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			r := valid()
			tc.edit(r)
			_, err := c.SubmitStep2(context.Background(), r)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
}

func TestStep2ResultsAndTheRetryRule(t *testing.T) {
	tests := []struct {
		file        string
		status      argos.KYCStatus
		retryCount  int
		retriesLeft int
		canRetry    bool
		face, live  *float64
	}{
		{"step2_pending.json", argos.KYCPending, 0, 3, false, ptr(99), ptr(91)},
		{"step2_incomplete.json", argos.KYCIncomplete, 1, 2, true, nil, nil},
		{"step2_incomplete_no_reason.json", argos.KYCIncomplete, 1, 2, true, nil, nil},
		{"step2_rejected.json", argos.KYCRejected, 3, 0, false, ptr(0), ptr(99)},
		{"step2_approved.json", argos.KYCApproved, -1, -1, false, nil, nil},
		{"step2_quoted.json", "", -1, -1, false, ptr(99), ptr(91.5)},
	}
	for _, tc := range tests {
		t.Run(tc.file+" follows the guide's rule", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step2", jsonResponder(t, 200, tc.file))
			resp, err := c.SubmitStep2(context.Background(), &argos.Step2Request{
				SubmissionID: "s1", FaceImage: image(t, "selfie.png"), Name: "J", DateOfBirth: "1990-01-31"})
			require.NoError(t, err)
			var raw map[string]any
			require.NoError(t, json.Unmarshal(fixture(t, tc.file), &raw))
			if tc.status != "" {
				assert.Equal(t, tc.status, resp.Status)
			} else {
				assert.Equal(t, raw["kycStatus"], string(resp.Status))
			}
			if tc.retryCount >= 0 {
				assert.Equal(t, tc.retryCount, resp.RetryCount)
				assert.Equal(t, tc.retriesLeft, resp.RetriesLeft())
				assert.Equal(t, tc.canRetry, resp.CanRetry())
			}
			if tc.face != nil || tc.live != nil {
				assert.Equal(t, tc.face, resp.FaceSimilarityScore, "0 stays 0, a quoted number is parsed")
				assert.Equal(t, tc.live, resp.LivenessScore)
			}
			if tc.file == "step2_incomplete.json" {
				require.Len(t, resp.Retry, 1)
				assert.Equal(t, argos.RetryFaceCompare, resp.Retry[0].Code)
				assert.Contains(t, resp.Retry[0].Message, "doesn’t match")
				assert.Nil(t, resp.FaceSimilarityScore, "no score in the answer: nil, not 0")
			}
		})
	}
}

// TestNoExampleIndexesRetryReasonsWithoutALengthCheck reads the README and
// every example: CanRetry can be true with no retry reason (an incomplete
// answer with tries left and no retry array), so Retry[0] without a length
// check panics.
func TestNoExampleIndexesRetryReasonsWithoutALengthCheck(t *testing.T) {
	index := regexp.MustCompile(`\bRetry\[[^\]]+\]`)
	var files []string
	require.NoError(t, filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".":
			return filepath.SkipDir
		case d.IsDir():
			return nil
		case strings.HasSuffix(path, ".md"), strings.HasSuffix(path, "example_test.go"),
			strings.HasPrefix(path, "examples"+string(filepath.Separator)) && strings.HasSuffix(path, ".go"):
			files = append(files, path)
		}
		return nil
	}))
	require.Contains(t, files, "README.md")
	require.Contains(t, files, "example_test.go")
	for _, path := range files {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if !index.MatchString(line) {
				continue
			}
			guard := strings.Join(lines[max(i-2, 0):i+1], "\n")
			t.Run(fmt.Sprintf("%s:%d checks the length of Retry before indexing it", path, i+1), func(t *testing.T) {
				assert.Regexp(t, `len\([^)]*Retry\)|require\.(Len|NotEmpty)\(t, [\w.]*Retry\b`, guard, "%s:%d: %s", path, i+1, strings.TrimSpace(line))
			})
		}
	}
}

func TestRetriesLeftNeverGoesBelowZero(t *testing.T) {
	for count, want := range map[int]int{0: 3, 1: 2, 2: 1, 3: 0, 4: 0, 10: 0} {
		r := &argos.Step2Result{Status: argos.KYCIncomplete, RetryCount: count}
		assert.Equal(t, want, r.RetriesLeft(), "retryCount %d", count)
		assert.Equal(t, want > 0, r.CanRetry(), "retryCount %d", count)
	}
	assert.False(t, (&argos.Step2Result{Status: argos.KYCApproved}).CanRetry(), "a decided submission cannot be retried")
	assert.False(t, (&argos.Step2Result{Status: argos.KYCPending, RetryCount: 1}).CanRetry())
}

func TestStep1And2RefuseAnAnswerOfAnotherShape(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step1", httpmock.NewStringResponder(200, `{"ok":true}`))
	mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step2", httpmock.NewStringResponder(200, `{"Items":[]}`))
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{IssuingCountry: "USA", Email: "a@example.com",
		IDType: "passport", IDImage: image(t, "id_front.png")})
	assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	_, err = c.SubmitStep2(context.Background(), &argos.Step2Request{SubmissionID: "s", FaceImage: image(t, "selfie.jpg"),
		Name: "J", DateOfBirth: "1990-01-01"})
	assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
}

func TestStep1AndStep2AnswerMayIRetryTheSameWay(t *testing.T) {
	reasons := []argos.RetryReason{{Code: argos.RetryFaceCompare}}
	for _, tc := range []struct {
		status argos.KYCStatus
		retry  []argos.RetryReason
		count  int
		want   bool
	}{
		{argos.KYCIncomplete, reasons, 1, true},
		{argos.KYCIncomplete, reasons, 3, false},
		{"", reasons, 2, true},
		{"", nil, 1, false},
		{argos.KYCRejected, reasons, 1, false},
		{argos.KYCApproved, nil, 1, false},
		{argos.KYCIncomplete, reasons, -5, true},
	} {
		s1 := &argos.Step1Result{Status: tc.status, Retry: tc.retry, RetryCount: tc.count}
		s2 := &argos.Step2Result{Status: tc.status, Retry: tc.retry, RetryCount: tc.count}
		assert.Equal(t, tc.want, s1.CanRetry(), "%+v", tc)
		assert.Equal(t, tc.want, s2.CanRetry(), "%+v", tc)
		assert.Equal(t, s1.RetriesLeft(), s2.RetriesLeft())
		assert.LessOrEqual(t, s1.RetriesLeft(), argos.MaxAttempts)
	}
}

func TestStep2RequestIsPrefilledFromStep1sOCR(t *testing.T) {
	s1 := &argos.Step1Result{SubmissionID: "s1", ReviewOCRData: argos.OCRData{
		Name: "JOHN SMITH", Gender: "M", Nationality: "USA", DateOfBirth: "1975-08-25", DateOfIssue: "2020-01-01",
		DateOfExpiry: "2030-01-01", Other: map[string]string{"ocr_documentNumber": "D123"},
	}}
	face := image(t, "selfie.jpg")
	r := s1.Step2Request(face)
	assert.Equal(t, &argos.Step2Request{
		SubmissionID: "s1", FaceImage: face, Name: "JOHN SMITH", Gender: argos.GenderMale, Nationality: "USA",
		DateOfBirth: "1975-08-25", DateOfIssue: "2020-01-01", DateOfExpiry: "2030-01-01", DocumentNumber: "D123",
	}, r)

	t.Run("an undocumented gender is left out, not guessed", func(t *testing.T) {
		s1.ReviewOCRData.Gender = "X"
		assert.Empty(t, s1.Step2Request(face).Gender)
	})
	t.Run("against the fake, the prefilled request completes Step 2", func(t *testing.T) {
		c, _ := fakeClient(t)
		got, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
			IssuingCountry: "USA", Email: "prefill@example.com", IDType: argos.IDPassport, IDImage: image(t, "id_front.png"),
		})
		require.NoError(t, err)
		s2, err := c.SubmitStep2(context.Background(), got.Step2Request(image(t, "selfie.jpg")))
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, s2.Status)
	})
}
