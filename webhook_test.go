package argos_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

const webhookKey = "sk_test_webhook_key_0000" // the key testdata/webhooks/encrypted_rejected.json was encrypted with (by Node's crypto)

// placeholderApproved is the approved sample as published: every value is
// the placeholder "string".
var placeholderApproved = argos.WebhookEvent{
	Trigger: argos.WebhookApproved, SubmissionID: "string", Email: "string", UserID: "string", TokenID: "string",
	ApplicantID: "string", Status: "string", CF1: "string", CF2: "string", CF3: "string",
	UpdatedAt: "string", CreatedAt: "string", KYCResultAt: "string", PendingAt: "string", Reviewer: "string",
	IPAddress: "string", AgeGroup: "string", Gender: "string", DateOfBirth: "string", Nationality: "string",
	FullName: "string", IDType: "string", IssuingCountry: "string", DateOfIssue: "string", DateOfExpiry: "string",
	IdentityNumber: "string", DocumentNumber: "string",
}

var rejectedEvent = argos.WebhookEvent{
	Trigger: argos.WebhookRejected, SubmissionID: "sub_rejected_01", Email: "applicant@example.com", UserID: "user-7f3a",
	TokenID: "tok-2024-000004", Status: argos.KYCRejected,
	UpdatedAt: "2024-05-03T11:00:00.000Z", CreatedAt: "2024-05-03T10:52:17.441Z", KYCResultAt: "2024-05-03T11:00:00.000Z",
	PendingAt: "2024-05-03T10:55:02.010Z", Reviewer: "reviewer@example.com",
	Comment: []string{"Too many retry"}, CommentCode: []argos.RejectCode{argos.RejectTooManyRetry},
	IPAddress: "203.0.113.7", IDType: argos.IDDriversLicense, IssuingCountry: "KOR",
}

func TestParseWebhookSamples(t *testing.T) {
	placeholderCF := func(v string) (string, string, string) { return v, v, v }
	cf1, cf2, cf3 := placeholderCF("String")
	for _, tc := range []struct {
		name, file     string
		want           argos.WebhookEvent
		additionalList string // JSON, compared apart
	}{
		{
			name: "the created sample with a retry code carries the attempt count", file: "created_retry.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookCreated, SubmissionID: "{submission_id}", Status: argos.KYCIncomplete,
				CF1: "{custom_field1}", CF2: "{custom_field2}", CF3: "{custom_field3}", UserID: "{user_id}", TokenID: "{token_id}",
				RetryCode: "{retry_code}", Attempts: 1, IPAddress: "{ip_address}"},
		},
		{
			name: "the plain created sample is incomplete", file: "created.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookCreated, SubmissionID: "{submission_id}", Status: argos.KYCIncomplete,
				CF1: "{custom_field1}", CF2: "{custom_field2}", CF3: "{custom_field3}", UserID: "{user_id}", TokenID: "{token_id}",
				IPAddress: "{ip_address}"},
		},
		{
			//nolint:misspell // "imcomplete" is the vendor's spelling
			name: "the documented misspelling imcomplete reads as incomplete", file: "created_imcomplete.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookCreated, SubmissionID: "sub_misspelt_01", Status: argos.KYCIncomplete,
				UserID: "user-7f3a", TokenID: "tok-2024-000001", IPAddress: "203.0.113.7"},
		},
		{
			name: "a retry event with attempts sent as a string reads the number", file: "retry.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookRetry, SubmissionID: "sub_retry_01", Status: argos.KYCIncomplete,
				CF1: "order-991", UserID: "user-7f3a", TokenID: "tok-2024-000002", RetryCode: argos.RetryFaceCompare,
				Attempts: 2, IPAddress: "203.0.113.7"},
		},
		{
			name: "the approved sample as published fills every field", file: "approved.json", want: placeholderApproved,
			additionalList: `{"answer":"string","inputValue":"string","blockType":"string"}`,
		},
		{
			name: "an approved event spelling update_at as the key table does fills UpdatedAt", file: "approved_update_at.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookApproved, SubmissionID: "sub_approved_02", Email: "applicant@example.com",
				UserID: "user-7f3a", TokenID: "tok-2024-000003", ApplicantID: "app_5b1e0c", Status: argos.KYCApproved,
				CF1: "order-992", CF2: "plan-gold", UpdatedAt: "2024-05-02T09:14:03.120Z", CreatedAt: "2024-05-02T09:10:41.002Z",
				KYCResultAt: "2024-05-02T09:14:03.120Z", Reviewer: "auto", IPAddress: "203.0.113.7", AgeGroup: "30s",
				Gender: argos.GenderFemale, DateOfBirth: "1990-01-01", Nationality: "USA", FullName: "Test Applicant",
				IDType: argos.IDPassport, IssuingCountry: "USA", DateOfIssue: "2020-03-01", DateOfExpiry: "2030-02-28",
				IdentityNumber: "X1234567", DocumentNumber: "P000111"},
			additionalList: `[{"answer":"yes","inputValue":"","blockType":"checkbox"}]`,
		},
		{name: "a rejected event carries the reject comment and code", file: "rejected.json", want: rejectedEvent},
		{
			name: "the GitBook aml sample carries the screening result", file: "aml.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookAML, SubmissionID: "string", Email: "sample@test.com", UserID: "test",
				TokenID: "test", CF1: "cf1", CF2: "cf2", CF3: "cf3", AMLStatus: "Not Screened", AMLRiskLevel: "Not Screened"},
		},
		{
			name: "the developers aml sample adds duplicated_information", file: "aml_developers.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookAML, SubmissionID: "string", Email: "sample@test.com", UserID: "test",
				TokenID: "test", CF1: "cf1", CF2: "cf2", CF3: "cf3", AMLStatus: "Not Screened", AMLRiskLevel: "Not Screened",
				DuplicatedInformation: "string"},
		},
		{
			name: "the aml_monitor sample lists its records", file: "aml_monitor.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookAMLMonitor, SubmissionID: "string", Email: "string", UserID: "String",
				TokenID: "String", CF1: cf1, CF2: cf2, CF3: cf3, AMLRecords: []argos.WebhookAMLRecord{
					{RecordID: "String", WorklistID: "String", CreatedAt: "String"},
					{RecordID: "String", WorklistID: "String", CreatedAt: "String"},
				}},
		},
		{
			name: "the updated sample made valid reads the status and changed fields from data", file: "updated.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookUpdated, SubmissionID: "string", DuplicatedInformation: "string",
				Email: "string", Status: "string", PendingAt: "string", Reviewer: "string",
				UpdatedFields: []string{"kycStatus", "idType", "issuingCountry", "fullName", "first_name", "last_name", "gender",
					"nationality", "birthDate", "identityNumber", "issueDate", "expireDate", "documentNumber", "serialNumber",
					"privacyShield", "curpNumber", "version", "typeOfPermit"},
				Admin: "string", UpdateTime: "string", AgeGroup: "string", Gender: "string", DateOfBirth: "string",
				FullName: "string", FullNameEN: "string", FirstName: "string", LastName: "string", Nationality: "string",
				UserID: "string", TokenID: "string"},
		},
		{
			name: "the delete sample names the account and the time", file: "delete.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookDelete, SubmissionID: "string", AccountEmail: "string",
				DeleteTime: "string", Comment: []string{"string"}},
		},
		{
			name: "a token_expired event says which condition expired the token", file: "token_expired.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookTokenExpired, TokenID: "tok-2024-000005", ExpiredCondition: "time"},
		},
		{
			name: "an unknown trigger is kept as sent with the fields that are known", file: "unknown_trigger.json",
			want: argos.WebhookEvent{Trigger: "kyb_completed", SubmissionID: "sub_future_01", Status: argos.KYCApproved},
		},
		{
			name: "values of unexpected types are read where they make sense and skipped elsewhere", file: "odd_types.json",
			want: argos.WebhookEvent{Trigger: argos.WebhookApproved, SubmissionID: "20240501", Status: argos.KYCApproved,
				UserID: "42", Attempts: 3},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := fixture(t, "webhooks/"+tc.file)

			e, err := argos.ParseWebhook(body)

			require.NoError(t, err)
			assert.Equal(t, json.RawMessage(body), e.Raw, "Raw is the body as received")
			if tc.additionalList != "" {
				assert.JSONEq(t, tc.additionalList, string(e.AdditionalList))
			} else {
				assert.Nil(t, e.AdditionalList)
			}
			got := *e
			got.Raw, got.AdditionalList = nil, nil
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseWebhookKnowsTheDocumentedTriggers(t *testing.T) {
	for _, tr := range []argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry, argos.WebhookSubmit,
		argos.WebhookApproved, argos.WebhookRejected, argos.WebhookUpdated, argos.WebhookDelete, argos.WebhookInjection,
		argos.WebhookAML, argos.WebhookAMLMonitor, argos.WebhookTokenExpired} {
		assert.True(t, tr.Known(), tr)
	}
	assert.False(t, argos.WebhookTrigger("kyb_completed").Known())
	assert.Equal(t, argos.WebhookTrigger("aml_monitor"), argos.WebhookAMLMonitor)
	assert.Equal(t, argos.WebhookTrigger("token_expired"), argos.WebhookTokenExpired)
}

func TestParseWebhookRefusesBodiesThatAreNotEvents(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		body       string // when file is ""
		says       string
	}{
		{name: "a form-encoded body is not JSON", file: "not_json.txt", says: "the body is not JSON"},
		{name: "the updated sample as published, with its missing colons, is not JSON", file: "updated_as_published.txt", says: "the body is not JSON"},
		{name: "an empty body is not JSON", body: "", says: "the body is not JSON"},
		{name: "a JSON array is not an event", file: "array.json", says: "not a JSON object"},
		{name: "a JSON string is not an event", body: `"approved"`, says: "not a JSON object"},
		{name: "an object without webhook_trigger is not an event", file: "no_trigger.json", says: "no webhook_trigger"},
		{name: "an empty webhook_trigger is no trigger", body: `{"webhook_trigger": "", "submission_id": "s1"}`, says: "no webhook_trigger"},
		{name: "a null webhook_trigger is no trigger", body: `{"webhook_trigger": null}`, says: "no webhook_trigger"},
		{name: "an encrypted body without a key says to pass the key", file: "encrypted_rejected.json", says: "WithWebhookKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			if tc.file != "" {
				body = fixture(t, "webhooks/"+tc.file)
			}

			e, err := argos.ParseWebhook(body)

			require.ErrorIs(t, err, argos.ErrInvalidWebhook)
			assert.Nil(t, e)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "sub_no_trigger", "the error holds nothing from the body")
		})
	}
}

func TestParseWebhookReadsFieldsByTheirExactNames(t *testing.T) {
	t.Run("a field it reads, repeated in any letter case, refuses the body", func(t *testing.T) {
		for _, tc := range []struct{ name, body, field string }{
			{"the trigger in capitals after the trigger",
				`{"webhook_trigger":"approved","WEBHOOK_TRIGGER":"delete"}`, "webhook_trigger"},
			{"the trigger in capitals before the trigger",
				`{"Webhook_Trigger":"delete","webhook_trigger":"approved"}`, "webhook_trigger"},
			{"the trigger twice under its own name",
				`{"webhook_trigger":"approved","webhook_trigger":"delete"}`, "webhook_trigger"},
			{"the user ID in another case",
				`{"webhook_trigger":"approved","userid":"user-7f3a","UserID":"victim"}`, "userid"},
			{"the token ID with a Kelvin sign for its k",
				`{"webhook_trigger":"approved","tokenId":"tok-1","to\u212aenId":"tok-2"}`, "tokenId"},
			{"the status inside kyc_result",
				`{"webhook_trigger":"approved","kyc_result":{"status":"rejected","STATUS":"approved"}}`, "status"},
			{"kyc_result itself",
				`{"webhook_trigger":"approved","kyc_result":{"status":"rejected"},"KYC_RESULT":{"status":"approved"}}`, "kyc_result"},
			{"a custom field inside cf",
				`{"webhook_trigger":"approved","cf":{"cf1":"order-1","CF1":"order-2"}}`, "cf1"},
			{"the AML status inside aml_result",
				`{"webhook_trigger":"aml","aml_result":{"currentstatus":"Red Flag","CurrentStatus":"Not Screened"}}`, "currentstatus"},
			{"a record ID inside records",
				`{"webhook_trigger":"aml_monitor","records":[{"recordId":"r1","worklistId":"w1"},{"recordId":"r2","RECORDID":"r3"}]}`, "recordId"},
			{"the status inside the updated event's data",
				`{"webhook_trigger":"updated","data":{"kyc_result":"rejected","Kyc_Result":"approved"}}`, "kyc_result"},
			{"the ciphertext of an encrypted body",
				`{"data":"AAAA","DATA":"BBBB"}`, "data"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e, err := argos.ParseWebhook([]byte(tc.body))

				require.ErrorIs(t, err, argos.ErrInvalidWebhook)
				assert.Nil(t, e)
				assert.Contains(t, err.Error(), tc.field+" more than once")
				for _, v := range []string{"victim", "delete", "approved", "order-2", "r3", "tok-2", "BBBB"} {
					assert.NotContains(t, err.Error(), v, "the error holds nothing from the body")
				}
			})
		}
	})

	t.Run("a name in another letter case is not the field", func(t *testing.T) {
		for _, tc := range []struct {
			name, body string
			want       argos.WebhookEvent
		}{
			{"a user ID in capitals is not the user ID", `{"webhook_trigger":"approved","UserID":"victim"}`,
				argos.WebhookEvent{Trigger: argos.WebhookApproved}},
			{"a status in another case inside kyc_result is not the status",
				`{"webhook_trigger":"approved","submission_id":"s1","kyc_result":{"Status":"approved"}}`,
				argos.WebhookEvent{Trigger: argos.WebhookApproved, SubmissionID: "s1"}},
			{"a custom field in capitals is not the custom field", `{"webhook_trigger":"approved","cf":{"CF1":"order-2"}}`,
				argos.WebhookEvent{Trigger: argos.WebhookApproved}},
			{"an unknown field repeated in another case is ignored",
				`{"webhook_trigger":"approved","risk_score":1,"RISK_SCORE":2}`, argos.WebhookEvent{Trigger: argos.WebhookApproved}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e, err := argos.ParseWebhook([]byte(tc.body))

				require.NoError(t, err)
				got := *e
				got.Raw = nil
				assert.Equal(t, tc.want, got)
			})
		}
	})

	t.Run("a trigger only in capitals is no trigger", func(t *testing.T) {
		_, err := argos.ParseWebhook([]byte(`{"WEBHOOK_TRIGGER":"approved","submission_id":"s1"}`))

		require.ErrorIs(t, err, argos.ErrInvalidWebhook)
		assert.Contains(t, err.Error(), "no webhook_trigger")
	})

	t.Run("a field repeated in the decrypted body refuses it", func(t *testing.T) {
		body := encryptedBody(t, webhookKey, []byte(`{"webhook_trigger":"approved","WEBHOOK_TRIGGER":"delete"}`))

		_, err := argos.ParseWebhook(body, argos.WithWebhookKey(webhookKey))

		require.ErrorIs(t, err, argos.ErrInvalidWebhook)
		assert.Contains(t, err.Error(), "webhook_trigger more than once")
	})
}

func TestParseWebhookEncrypted(t *testing.T) {
	t.Run("a body encrypted by Node's aes-256-ecb with the SHA-256 of the key decrypts to the event", func(t *testing.T) {
		e, err := argos.ParseWebhook(fixture(t, "webhooks/encrypted_rejected.json"), argos.WithWebhookKey(webhookKey))

		require.NoError(t, err)
		assert.JSONEq(t, string(fixture(t, "webhooks/rejected.json")), string(e.Raw), "Raw is the decrypted JSON")
		got := *e
		got.Raw = nil
		assert.Equal(t, rejectedEvent, got)
	})

	t.Run("every sample round-trips through EncryptPayload", func(t *testing.T) {
		for _, file := range []string{"created_retry.json", "approved.json", "updated.json", "aml_monitor.json", "delete.json"} {
			plain := fixture(t, "webhooks/"+file)
			want, err := argos.ParseWebhook(plain)
			require.NoError(t, err)

			e, err := argos.ParseWebhook(encryptedBody(t, webhookKey, plain), argos.WithWebhookKey(webhookKey))

			require.NoError(t, err, file)
			assert.Equal(t, want, e, file)
		}
	})

	for _, tc := range []struct {
		name       string
		body       func(t *testing.T) []byte
		says       string
		decryptErr bool
	}{
		{name: "a body encrypted with another key is refused as undecryptable",
			body: func(t *testing.T) []byte {
				return encryptedBody(t, "another-key", fixture(t, "webhooks/rejected.json"))
			},
			says: "bad padding", decryptErr: true},
		{name: "data that is not Base64 is refused as undecryptable",
			body: func(*testing.T) []byte { return []byte(`{"data": "not base64!"}`) }, says: "Base64", decryptErr: true},
		{name: "a plaintext body is refused when a key was given",
			body: func(t *testing.T) []byte { return fixture(t, "webhooks/rejected.json") }, says: "not encrypted"},
		{name: "an encrypted body that decrypts to something other than JSON is refused",
			body: func(t *testing.T) []byte { return encryptedBody(t, webhookKey, []byte("approved")) }, says: "not JSON"},
		{name: "an encrypted body that decrypts to JSON without a trigger is refused",
			body: func(t *testing.T) []byte { return encryptedBody(t, webhookKey, []byte(`{"submission_id":"s"}`)) }, says: "no webhook_trigger"},
		{name: "an encrypted body inside an encrypted body is refused",
			body: func(t *testing.T) []byte {
				return encryptedBody(t, webhookKey, encryptedBody(t, webhookKey, fixture(t, "webhooks/rejected.json")))
			}, says: "no webhook_trigger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := argos.ParseWebhook(tc.body(t), argos.WithWebhookKey(webhookKey))

			require.ErrorIs(t, err, argos.ErrInvalidWebhook)
			assert.Equal(t, tc.decryptErr, errors.Is(err, argos.ErrDecrypt), "matches ErrDecrypt")
			assert.Nil(t, e)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), webhookKey)
		})
	}
}

func TestParseWebhookRefusesInvalidOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  argos.WebhookOption
	}{
		{"an empty key", argos.WithWebhookKey("")},
		{"a nil logger", argos.WithWebhookLogger(nil)},
		{"a nil confirm client", argos.WithConfirm(nil)},
		{"a nil option", nil},
	} {
		t.Run(tc.name+" is a validation error", func(t *testing.T) {
			_, err := argos.ParseWebhook(fixture(t, "webhooks/created.json"), tc.opt)

			require.ErrorIs(t, err, argos.ErrValidation)
		})
	}
}

func TestWebhookEventIsRedacted(t *testing.T) {
	e, err := argos.ParseWebhook(fixture(t, "webhooks/approved_update_at.json"))
	require.NoError(t, err)
	pii := []string{"applicant@example.com", "user-7f3a", "Test Applicant", "1990-01-01", "X1234567", "P000111", "203.0.113.7", "order-992"}

	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("got", "event", e)
	for _, out := range []string{
		fmt.Sprint(e), fmt.Sprintf("%v %+v %#v %s %q", e, e, e, e, e), fmt.Sprintf("%#v", *e), logged.String(),
	} {
		for _, p := range pii {
			assert.NotContains(t, out, p)
		}
		assert.Contains(t, out, "sub_approved_02")
	}
	assert.Contains(t, logged.String(), `"trigger":"approved"`)
	assert.Contains(t, logged.String(), `"status":"approved"`)
}

// encryptedBody wraps plain as Argos sends an encrypted webhook.
func encryptedBody(t *testing.T, key string, plain []byte) []byte {
	t.Helper()
	c, err := argos.EncryptPayload(key, plain)
	require.NoError(t, err)
	b, err := json.Marshal(map[string]string{"data": c})
	require.NoError(t, err)
	return b
}

func BenchmarkParseWebhook(b *testing.B) {
	plain, err := os.ReadFile(filepath.Join("testdata", "webhooks", "approved_update_at.json"))
	require.NoError(b, err)
	c, err := argos.EncryptPayload(webhookKey, plain)
	require.NoError(b, err)
	encrypted := []byte(`{"data":"` + c + `"}`)
	for _, bc := range []struct {
		name string
		body []byte
		opts []argos.WebhookOption
	}{
		{"plain", plain, nil},
		{"encrypted", encrypted, []argos.WebhookOption{argos.WithWebhookKey(webhookKey)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := argos.ParseWebhook(bc.body, bc.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
