package argostest_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestStep1(t *testing.T) {
	t.Run("it creates an incomplete submission and returns OCR data", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(fixedClock))
		r := c.postMultipart("/submission/step1", step1Fields("a@example.com"),
			map[string]file{"idImage": pngPart("front.png"), "idBackImage": jpegPart("back.jpg")})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		m := r.JSON(t)
		assert.Regexp(t, `^[a-z0-9]{16}$`, m["submissionId"])
		assert.Equal(t, true, m["file_upload"])
		ocr, _ := m["reviewOCRData"].(map[string]any)
		require.NotNil(t, ocr)
		assert.Equal(t, "USA", ocr["ocr_nationality"])
		assert.Contains(t, []any{"male", "female"}, ocr["ocr_gender"])
		for _, k := range []string{"ocr_issueDate", "ocr_birthDate"} {
			_, err := time.Parse(time.DateOnly, ocr[k].(string))
			assert.NoError(t, err, k)
		}
		assert.NotEmpty(t, ocr["ocr_name"])

		it := c.item(m["submissionId"].(string))
		assert.Equal(t, "incomplete", path(it, "kyc", "result"))
		assert.Equal(t, "2024-03-01T09:30:00.123Z", it["created_at"])
		assert.Equal(t, "a@example.com", it["email"])
		assert.Equal(t, "user-1", it["userid"])
		assert.Equal(t, "test", path(it, "data", "cf1"))
		assert.Equal(t, "passport", path(it, "data", "idType"))
		assert.Equal(t, "USA", path(it, "data", "idcard_issuingCountry"))
		assert.Equal(t, "127.0.0.*", path(it, "data", "ip_address"))
		assert.Equal(t, ocr["ocr_name"], path(it, "data", "name"))
		assert.ElementsMatch(t, []string{"idImage", "idBackImage"}, keys(path(it, "image")))
	})
	t.Run("the same upload reads the same OCR data on another server", func(t *testing.T) {
		send := func() any {
			r := newRaw(t).postMultipart("/submission/step1", step1Fields("a@example.com"), map[string]file{"idImage": pngPart("x.png")})
			return r.JSON(t)["reviewOCRData"]
		}
		assert.Equal(t, send(), send())
	})
	t.Run("submission IDs come from WithSubmissionIDs", func(t *testing.T) {
		c := newRaw(t, argostest.WithSubmissionIDs(sequence("sub")))
		assert.Equal(t, "sub0001", c.step1("a@example.com"))
		assert.Equal(t, "sub0002", c.step1("b@example.com"))
	})
	t.Run("a repeated ID from WithSubmissionIDs is a data processing error", func(t *testing.T) {
		c := newRaw(t, argostest.WithSubmissionIDs(func() string { return "same" }))
		c.step1("a@example.com")
		r := c.postMultipart("/submission/step1", step1Fields("b@example.com"), map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "data processing error", r.Message(t))
	})

	big := bytes.Repeat([]byte{0}, 2<<20+1)
	copy(big, argostest.SamplePNG())
	tests := []struct {
		name       string
		fields     map[string]string // overrides; "-" deletes
		files      map[string]file   // replaces the default idImage set when not nil
		wantStatus int
		wantMsg    string
	}{
		{"a missing issuingCountry is a missing parameter", map[string]string{"issuingCountry": "-"}, nil, 400, "missing required parameters"},
		{"a missing email is a missing parameter", map[string]string{"email": "-"}, nil, 400, "missing required parameters"},
		{"a missing idType is a missing parameter", map[string]string{"idType": "-"}, nil, 400, "missing required parameters"},
		{"a missing idImage is a missing parameter", nil, map[string]file{}, 400, "missing required parameters"},
		{"an unknown idType is refused with the documented message", map[string]string{"idType": "library_card"}, nil, 400,
			"invalid id type : id type must be passport, government_id or drivers_license"},
		{"a client-guide idType such as residence_permit is accepted", map[string]string{"idType": "residence_permit"}, nil, 200, ""},
		{"a malformed email is refused", map[string]string{"email": "not-an-email"}, nil, 400, "invalid email address format"},
		{"an ID image that is not JPEG or PNG is invalid", nil, map[string]file{"idImage": {"id.txt", "text/plain", []byte("hello")}}, 400, "invalid id image"},
		{"a back image that is not JPEG or PNG is invalid", nil,
			map[string]file{"idImage": pngPart("a.png"), "idBackImage": {"b.gif", "image/gif", []byte("GIF89a....")}}, 400, "invalid id image"},
		{"an image over 2 MB is too large", nil, map[string]file{"idImage": {"big.png", "image/png", big}}, 413, "Request Entity Too Large"},
		{"customOptions that are not a JSON object cannot be parsed", map[string]string{"customOptions": "[1,2]"}, nil, 400, "failed to parse the input data"},
		{"customOptions that are not JSON cannot be parsed", map[string]string{"customOptions": "{approvePeriod:false"}, nil, 400, "failed to parse the input data"},
		{"customOptions as a JSON object are accepted", map[string]string{"customOptions": `{"approvePeriod":false}`}, nil, 200, ""},
		{"an unknown submissionId is invalid", map[string]string{"submissionId": "nosuchsubmission"}, nil, 400, "invalid submission id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newRaw(t)
			fields := step1Fields("a@example.com")
			for k, v := range tt.fields {
				if v == "-" {
					delete(fields, k)
				} else {
					fields[k] = v
				}
			}
			files := tt.files
			if files == nil {
				files = map[string]file{"idImage": pngPart("front.png")}
			}
			r := c.postMultipart("/submission/step1", fields, files)
			assert.Equal(t, tt.wantStatus, r.Status, "body: %s", r.Body)
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, r.Message(t))
			}
		})
	}

	t.Run("a body that is not multipart cannot be parsed", func(t *testing.T) {
		c := newRaw(t)
		r := c.postForm("/submission/step1", url.Values{"email": {"a@example.com"}})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "missing required parameters", r.Message(t))
		r = c.do(http.MethodPost, "/submission/step1", nil, "multipart/form-data; boundary=xyz", strings.NewReader("garbage"))
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "failed to parse the input data", r.Message(t))
	})
	t.Run("a body over 6 MB is too large", func(t *testing.T) {
		c := newRaw(t)
		fields := step1Fields("a@example.com")
		fields["cf1"] = strings.Repeat("x", 60<<10)
		files := map[string]file{}
		for i, name := range []string{"idImage", "idBackImage", "extra1", "extra2"} {
			data := bytes.Repeat([]byte{byte(i)}, 2<<20-10)
			copy(data, argostest.SamplePNG())
			files[name] = file{name + ".png", "image/png", data}
		}
		r := c.postMultipart("/submission/step1", fields, files)
		assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
		assert.Equal(t, "Request Entity Too Large", r.Message(t))
	})
	t.Run("an email already approved elsewhere is refused as a duplicate", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("dup@example.com")
		c.step2(id)
		r := c.postMultipart("/submission/step1", step1Fields("DUP@example.com"), map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "DUP@example.com had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions.", r.Message(t))
	})
	t.Run("approvePeriod false in customOptions allows a duplicate email", func(t *testing.T) {
		c := newRaw(t)
		c.step2(c.step1("dup@example.com"))
		fields := step1Fields("dup@example.com")
		fields["customOptions"] = `{"approvePeriod": false}`
		r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	})
	t.Run("a retry with the submissionId replaces the ID image and the failed try counts", func(t *testing.T) {
		c := newRaw(t)
		c.srv.ScriptStep1(argostest.Step1Glare)
		first := c.postMultipart("/submission/step1", step1Fields("a@example.com"), map[string]file{"idImage": pngPart("glare.png")})
		require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
		id, _ := first.JSON(t)["submissionId"].(string)
		require.NotEmpty(t, id)

		fields := step1Fields("a@example.com")
		fields["submissionId"] = id
		r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": jpegPart("retake.jpg")})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		assert.Equal(t, id, r.JSON(t)["submissionId"])
		assert.NotNil(t, r.JSON(t)["reviewOCRData"])

		img := c.get("/image", url.Values{"submission_id": {id}, "type": {"idImage"}})
		assert.Equal(t, "image/jpeg", img.Header.Get("Content-Type"))
		assert.Equal(t, argostest.SampleJPEG(), img.Body)

		// The failed Step 1 used a try: two Step 2 failures reach the limit.
		c.srv.ScriptStep2(argostest.OutcomeNoFace, argostest.OutcomeNoFace)
		assert.Equal(t, float64(2), c.step2(id)["retryCount"])
		assert.Equal(t, "rejected", c.step2(id)["kycStatus"])
	})
	t.Run("the third failed Step 1 try rejects the submission", func(t *testing.T) {
		c := newRaw(t)
		c.srv.ScriptStep1(argostest.Step1NoMRZ, argostest.Step1Expired, argostest.Step1BackMismatch)
		first := c.postMultipart("/submission/step1", step1Fields("a@example.com"), map[string]file{"idImage": pngPart("x.png")})
		id, _ := first.JSON(t)["submissionId"].(string)
		require.NotEmpty(t, id, "%s", first.Body)
		fields := step1Fields("a@example.com")
		fields["submissionId"] = id
		c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		require.Equal(t, http.StatusOK, r.Status)
		m := r.JSON(t)
		assert.Equal(t, "rejected", m["kycStatus"])
		assert.Equal(t, float64(3), m["retryCount"])
		assert.Equal(t, []any{"too_many_retry"}, path(c.item(id), "kyc", "commentCode"))

		r = c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, "this submission is already processed", r.Message(t))
	})
	t.Run("once Step 1 has read the ID it cannot be retried", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		fields := step1Fields("a@example.com")
		fields["submissionId"] = id
		r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "this submission is already processed", r.Message(t))
	})
}

func TestStep2(t *testing.T) {
	t.Run("an unscripted try is approved", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		m := c.step2(id)
		assert.Equal(t, map[string]any{
			"verificationResult": "success", "faceSimilarityScore": float64(99), "livenessScore": float64(95),
			"kycStatus": "approved", "retryCount": float64(0),
		}, m)
		it := c.item(id)
		assert.Equal(t, "approved", path(it, "kyc", "result"))
		assert.Equal(t, "John Smith", path(it, "data", "name"))
		assert.Equal(t, "1975-08-25", path(it, "data", "date_of_birth"))
		assert.Regexp(t, `^[a-z0-9]{16}$`, it["applicant_id"])
		assert.Regexp(t, `^[0-9a-f]{32}$`, it["duplicated_information"])
		assert.Equal(t, map[string]any{"currentstatus": "Not Screened", "risk_level_summary": "Not Screened"}, it["aml"])
		assert.Contains(t, keys(it["image"]), "selfieImage")
		attempts, _ := path(it, "kyc", "attempts").([]any)
		require.Len(t, attempts, 1)
		assert.Equal(t, float64(1), path(attempts[0], "attemptCnt"))
		assert.Equal(t, "John Smith", path(attempts[0], "verificationParams", "fullName"))
		assert.NotEmpty(t, it["kyc_result_at"])
		assert.Equal(t, "system", it["reviewer"])
	})
	t.Run("the optional fields are stored", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		fields := step2Fields(id)
		for k, v := range map[string]string{
			"identity_number": "981112-1234567", "date_of_issue": "2016-08-16", "date_of_expiry": "2030-01-01",
			"document_number": "D123", "globalCode": "8Q98HXPG+MP", "compoundCode": "HXPG+MP Seoul, South Korea",
			"formatted_address": "1 Sejongno", "address_input": "1 sejongno", "address_detail": "Apt 1",
		} {
			fields[k] = v
		}
		r := c.postMultipart("/submission/step2", fields, map[string]file{"faceImage": jpegPart("f.jpg"), "addressImage": pngPart("bill.png")})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		d := path(c.item(id), "data")
		assert.Equal(t, "981112-1******", path(d, "identityNumber"), "identity numbers are masked like the samples")
		assert.Equal(t, "2016-08-16", path(d, "idcard_issueDate"))
		assert.Equal(t, "2030-01-01", path(d, "idcard_expireDate"))
		assert.Equal(t, "D123", path(d, "documentNumber"))
		assert.Equal(t, "8Q98HXPG+MP", path(d, "address_globalCode"))
		assert.Equal(t, "HXPG+MP Seoul, South Korea", path(d, "address_compoundCode"))
		assert.Equal(t, "1 Sejongno", path(d, "address_formatted"))
		assert.Equal(t, "1 sejongno", path(d, "address_input"))
		assert.Equal(t, "Apt 1", path(d, "address_detail"))
		assert.Equal(t, "John", path(d, "first_name"))
		assert.Equal(t, "Smith", path(d, "last_name"))
		assert.Contains(t, keys(path(c.item(id), "image")), "addressImage")
	})

	tests := []struct {
		name    string
		fields  map[string]string
		files   map[string]file
		known   bool // use a real submission ID
		wantMsg string
	}{
		{"a missing submissionId is a missing parameter", map[string]string{"submissionId": "-"}, nil, true, "missing required parameters"},
		{"a missing name is a missing parameter", map[string]string{"name": "-"}, nil, true, "missing required parameters"},
		{"a missing date_of_birth is a missing parameter", map[string]string{"date_of_birth": "-"}, nil, true, "missing required parameters"},
		{"a missing face image is an invalid face image", nil, map[string]file{}, true, "invalid face image"},
		{"a face image that is not an image is invalid", nil, map[string]file{"faceImage": {"f.txt", "text/plain", []byte("nope")}}, true, "invalid face image"},
		{"a date of birth not in YYYY-MM-DD cannot be parsed", map[string]string{"date_of_birth": "25/08/1975"}, nil, true, "failed to parse the input data"},
		{"an address image that is not an image is invalid", nil,
			map[string]file{"faceImage": jpegPart("f.jpg"), "addressImage": {"a.pdf", "application/pdf", []byte("%PDF-1.4")}}, true,
			"invalid or missing an address image"},
		{"an unknown submissionId is invalid", nil, nil, false, "invalid submission id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newRaw(t)
			id := "nosuchsubmission"
			if tt.known {
				id = c.step1("a@example.com")
			}
			fields := step2Fields(id)
			for k, v := range tt.fields {
				if v == "-" {
					delete(fields, k)
				} else {
					fields[k] = v
				}
			}
			files := tt.files
			if files == nil {
				files = map[string]file{"faceImage": jpegPart("face.jpg")}
			}
			c.srv.ScriptStep2(argostest.OutcomeFaceMismatch)
			r := c.postMultipart("/submission/step2", fields, files)
			assert.Equal(t, http.StatusBadRequest, r.Status, "body: %s", r.Body)
			assert.Equal(t, tt.wantMsg, r.Message(t))
			if tt.known {
				assert.Equal(t, "incomplete", path(c.item(id), "kyc", "result"))
			}
			// A refused request does not use up the script.
			c2 := c.step1("other@example.com")
			assert.Equal(t, "incomplete", c.step2(c2)["kycStatus"])
		})
	}

	outcomes := []struct {
		outcome      argostest.Outcome
		retryCode    string
		wantScores   bool
		verification string
	}{
		{argostest.OutcomeFaceMismatch, "face_compare_underscore", true, "success"},
		{argostest.OutcomeLivenessFail, "liveness_fail", true, "success"},
		{argostest.OutcomeNoFace, "no_face_detected", false, "success"},
		{argostest.OutcomeMultipleFaces, "multiple_faces_detected", false, "success"},
		{argostest.OutcomeIDVerificationFail, "id_verification_fail", true, "fail"},
	}
	for _, o := range outcomes {
		t.Run(o.outcome.String()+" asks for a retry until the third try rejects", func(t *testing.T) {
			c := newRaw(t)
			id := c.step1("a@example.com")
			c.srv.ScriptStep2(o.outcome, o.outcome, o.outcome)
			for try := 1; try <= 2; try++ {
				m := c.step2(id)
				assert.Equal(t, "incomplete", m["kycStatus"])
				assert.Equal(t, float64(try), m["retryCount"])
				retry, _ := m["retry"].([]any)
				require.Len(t, retry, 1)
				assert.Equal(t, o.retryCode, path(retry[0], "retryCode"))
				assert.NotEmpty(t, path(retry[0], "retryMsg"))
				assert.NotContains(t, m, "verificationResult")
			}
			m := c.step2(id)
			assert.Equal(t, "rejected", m["kycStatus"])
			assert.Equal(t, float64(3), m["retryCount"])
			assert.Equal(t, o.verification, m["verificationResult"])
			_, hasFace := m["faceSimilarityScore"]
			assert.Equal(t, o.wantScores, hasFace)

			it := c.item(id)
			assert.Equal(t, "rejected", path(it, "kyc", "result"))
			assert.Equal(t, []any{"Multiple invalid KYC attempts"}, path(it, "kyc", "comment"))
			assert.Equal(t, []any{"too_many_retry"}, path(it, "kyc", "commentCode"))
			attempts, _ := path(it, "kyc", "attempts").([]any)
			require.Len(t, attempts, 3)
			for i, a := range attempts {
				assert.Equal(t, float64(i+1), path(a, "attemptCnt"))
				assert.Regexp(t, `^1\. `, path(a, "retryMsg"))
				_, hasLiveness := a.(map[string]any)["livenessScore"]
				assert.Equal(t, o.wantScores, hasLiveness)
			}
			assert.NotContains(t, it, "applicant_id", "only approved submissions get an applicant ID")

			r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpegPart("f.jpg")})
			assert.Equal(t, http.StatusBadRequest, r.Status)
			assert.Equal(t, "this submission is already processed", r.Message(t))
		})
	}

	t.Run("the face mismatch retry message is the documented one", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.srv.ScriptStep2(argostest.OutcomeFaceMismatch)
		m := c.step2(id)
		assert.Equal(t, "The face doesn’t match. Please retry with another face image.", path(m["retry"].([]any)[0], "retryMsg"))
	})
	t.Run("a retry that succeeds approves with the retry count so far", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.srv.ScriptStep2(argostest.OutcomeLivenessFail)
		c.step2(id)
		m := c.step2(id)
		assert.Equal(t, "approved", m["kycStatus"])
		assert.Equal(t, float64(1), m["retryCount"])
		assert.Len(t, path(c.item(id), "kyc", "attempts"), 2)
	})
	t.Run("a pending try waits for SetKYCResult", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.srv.ScriptStep2(argostest.OutcomePending)
		m := c.step2(id)
		assert.Equal(t, "pending", m["kycStatus"])
		assert.Equal(t, float64(88), m["faceSimilarityScore"])
		it := c.item(id)
		assert.Equal(t, "pending", path(it, "kyc", "result"))
		assert.NotEmpty(t, it["pending_at"])
		assert.NotContains(t, it, "aml")

		r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpegPart("f.jpg")})
		assert.Equal(t, "this submission is already processed", r.Message(t))

		require.NoError(t, c.srv.SetKYCResult(id, "approved"))
		it = c.item(id)
		assert.Equal(t, "approved", path(it, "kyc", "result"))
		assert.NotEmpty(t, it["applicant_id"])
		assert.NotNil(t, it["aml"])
		assert.Error(t, c.srv.SetKYCResult(id, "rejected"), "only pending submissions can be reviewed")
	})
	t.Run("a reviewer can reject a pending submission with a comment", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.srv.ScriptStep2(argostest.OutcomePending)
		c.step2(id)
		require.NoError(t, c.srv.SetKYCResult(id, "rejected", "Blurry ID photo"))
		it := c.item(id)
		assert.Equal(t, "rejected", path(it, "kyc", "result"))
		assert.Equal(t, []any{"Blurry ID photo"}, path(it, "kyc", "comment"))
		assert.Equal(t, []any{"other"}, path(it, "kyc", "commentCode"))
	})
	t.Run("SetKYCResult refuses what a reviewer could not do", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		assert.Error(t, c.srv.SetKYCResult("nosuch", "approved"))
		assert.Error(t, c.srv.SetKYCResult(id, "approved"), "incomplete is not pending")
		c.srv.ScriptStep2(argostest.OutcomePending)
		c.step2(id)
		assert.Error(t, c.srv.SetKYCResult(id, "incomplete"))
	})
	t.Run("OutcomeReject rejects at once with a data mismatch", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.srv.ScriptStep2(argostest.OutcomeReject)
		m := c.step2(id)
		assert.Equal(t, "rejected", m["kycStatus"])
		assert.Equal(t, float64(0), m["retryCount"])
		assert.Equal(t, []any{"id_info_dataMismatch"}, path(c.item(id), "kyc", "commentCode"))
	})
	t.Run("the same person gets the same applicant ID", func(t *testing.T) {
		c := newRaw(t)
		a, b := c.step1("a@example.com"), c.step1("b@example.com")
		c.step2(a)
		c.step2(b)
		ia, ib := c.item(a), c.item(b)
		assert.Equal(t, ia["applicant_id"], ib["applicant_id"])
		assert.Equal(t, ia["duplicated_information"], ib["duplicated_information"])

		other := c.step1("c@example.com")
		fields := step2Fields(other)
		fields["name"] = "Jane Doe"
		c.postMultipart("/submission/step2", fields, map[string]file{"faceImage": jpegPart("f.jpg")})
		assert.NotEqual(t, ia["applicant_id"], c.item(other)["applicant_id"])
	})
	t.Run("Outcome names print as their constants", func(t *testing.T) {
		assert.Equal(t, "OutcomeIDVerificationFail", argostest.OutcomeIDVerificationFail.String())
		assert.Equal(t, "Outcome(42)", argostest.Outcome(42).String())
	})
}

func TestApplicant(t *testing.T) {
	t.Run("it lists the approved submissions of one applicant", func(t *testing.T) {
		c := newRaw(t, argostest.WithSubmissionIDs(sequence("s")))
		a, b, pending := c.step1("a@example.com"), c.step1("b@example.com"), c.step1("c@example.com")
		c.step2(a)
		c.step2(b)
		c.srv.ScriptStep2(argostest.OutcomePending)
		c.step2(pending)
		appID := c.item(a)["applicant_id"].(string)

		r := c.get("/submission/applicant", url.Values{"applicant_id": {appID}})
		require.Equal(t, http.StatusOK, r.Status)
		assert.JSONEq(t, `[
			{"submission_id":"s0001","duplicated_information":"`+c.item(a)["duplicated_information"].(string)+`","email":"a@example.com"},
			{"submission_id":"s0002","duplicated_information":"`+c.item(b)["duplicated_information"].(string)+`","email":"b@example.com"}
		]`, string(r.Body))
	})
	t.Run("an unknown applicant has no submissions", func(t *testing.T) {
		r := newRaw(t).get("/submission/applicant", url.Values{"applicant_id": {"nobody"}})
		assert.Equal(t, http.StatusOK, r.Status)
		assert.JSONEq(t, `[]`, string(r.Body))
	})
	t.Run("a missing applicant_id is a bad request", func(t *testing.T) {
		r := newRaw(t).get("/submission/applicant", nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "missing required parameters", r.Message(t))
	})
}
