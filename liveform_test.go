package argos_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

const liveformKey = "test_api_key_0123456789abcdefABCDEF"

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

// allLiveformParams sets every parameter, with values that need escaping.
func allLiveformParams() *argos.LiveformParams {
	return &argos.LiveformParams{
		ProjectID: "p4n42yhhy", Lang: "ko",
		Email: "hong.gildong+kyc@example.com", UserID: "홍길동 & co",
		CF1: "a+b=c", CF2: "서울", CF3: "#3", Token: "tok_12345678",
		DisableBlacklistCountries: true, DisableApprovePeriod: true, DisableRejectPeriod: true, DisableAgeLimit: true,
		RejectDuplicateUser: yes(),
		AllowedCountries:    []string{"USA", "KOR"}, AuxIDField: "phoneNumber",
		KnowledgeField: "skip", KnowledgePrefill: "prefill",
		AllowedIDTypes: "passport", AllowedDocumentFields: "name",
		ProjectionID: "proj_1", ProjectionName: "no_id_number", MainColor: "#112233", InnerColor: "#ffffff",
		StartValidUntil: time.Date(2026, 5, 1, 0, 0, 0, 999, time.FixedZone("KST", 9*3600)),
	}
}

// plainOnly is p without the parameters Argos accepts only encrypted.
func plainOnly(p *argos.LiveformParams) *argos.LiveformParams {
	c := *p
	c.AllowedCountries, c.AuxIDField, c.KnowledgeField, c.KnowledgePrefill, c.StartValidUntil = nil, "", "", "", time.Time{}
	return &c
}

func TestLiveformURLEncodesEveryParameter(t *testing.T) {
	got, err := argos.LiveformURL(plainOnly(allLiveformParams()))
	require.NoError(t, err)

	require.True(t, strings.HasPrefix(got, "https://form.argosidentity.com/?pid=p4n42yhhy&"), got)
	u, err := url.Parse(got)
	require.NoError(t, err)
	q := u.Query()
	want := map[string]string{
		"pid": "p4n42yhhy", "lang": "ko", "email": "hong.gildong+kyc@example.com", "userid": "홍길동 & co",
		"cf1": "a+b=c", "cf2": "서울", "cf3": "#3", "token": "tok_12345678",
		"blacklistCountries": "false", "approvePeriod": "false", "rejectPeriod": "false", "ageLimit": "false",
		"rejectDuplicateUser": "true", "allowedIdTypes": "passport", "allowedDocumentFields": "name",
		"projectionId": "proj_1", "projectionName": "no_id_number", "mainColor": "#112233", "innerColor": "#ffffff",
	}
	for name, v := range want {
		assert.Equal(t, []string{v}, q[name], name)
	}
	assert.Len(t, q, len(want), "no other parameter")
	assert.Empty(t, u.Fragment, "# in a value is escaped, not a fragment")

	for _, enc := range []string{"userid=%ED%99%8D%EA%B8%B8%EB%8F%99%20%26%20co", "cf1=a%2Bb%3Dc", "email=hong.gildong%2Bkyc%40example.com", "cf3=%233"} {
		assert.Contains(t, got, enc, "space as %20, + as %2B, & as %26, Korean as UTF-8 percent-escapes")
	}
	assert.NotContains(t, got, " ")
}

func TestLiveformURLSwitchesAndOrder(t *testing.T) {
	tests := []struct {
		name string
		p    argos.LiveformParams
		want string
	}{
		{"only the project ID gives the bare form URL", argos.LiveformParams{ProjectID: "pid1"},
			"https://form.argosidentity.com/?pid=pid1"},
		{"a disabled blacklist sends blacklistCountries=false", argos.LiveformParams{ProjectID: "pid1", DisableBlacklistCountries: true},
			"https://form.argosidentity.com/?pid=pid1&blacklistCountries=false"},
		{"rejectDuplicateUser can be false", argos.LiveformParams{ProjectID: "pid1", RejectDuplicateUser: no()},
			"https://form.argosidentity.com/?pid=pid1&rejectDuplicateUser=false"},
		{"the injection page carries sid and action", argos.LiveformParams{ProjectID: "pid1", SubmissionID: "sub1", Action: argos.LiveformInjection, Lang: "en"},
			"https://form.argosidentity.com/?pid=pid1&sid=sub1&action=addveri&lang=en"},
		{"a selected country and ID type skip the choices", argos.LiveformParams{ProjectID: "pid1", SelectedIssuingCountry: "KOR", SelectedIDType: argos.IDPassport},
			"https://form.argosidentity.com/?pid=pid1&selectedIssuingCountry=KOR&selectedIdType=passport"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := argos.LiveformURL(&tc.p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLiveformURLRejectsBadParams(t *testing.T) {
	base := func(mod func(*argos.LiveformParams)) *argos.LiveformParams {
		p := &argos.LiveformParams{ProjectID: "pid1", Email: "someone.private@example.com"}
		mod(p)
		return p
	}
	tests := []struct {
		name      string
		p         *argos.LiveformParams
		encrypted bool
		field     string
	}{
		{"nil params are refused", nil, false, "LiveformParams"},
		{"nil params are refused when encrypting", nil, true, "LiveformParams"},
		{"a missing project ID is refused", base(func(p *argos.LiveformParams) { p.ProjectID = "" }), false, "ProjectID"},
		{"a missing project ID is refused when encrypting", base(func(p *argos.LiveformParams) { p.ProjectID = "" }), true, "ProjectID"},
		{"a bad email is refused", base(func(p *argos.LiveformParams) { p.Email = "not-an-email" }), false, "Email"},
		{"an email with a display name is refused", base(func(p *argos.LiveformParams) { p.Email = "Hong <hong@example.com>" }), true, "Email"},
		{"a lower-case country is refused", base(func(p *argos.LiveformParams) { p.AllowedCountries = []string{"USA", "kor"} }), true, "AllowedCountries"},
		{"an alpha-2 country is refused", base(func(p *argos.LiveformParams) { p.AllowedCountries = []string{"KR"} }), true, "AllowedCountries"},
		{"an empty country is refused", base(func(p *argos.LiveformParams) { p.AllowedCountries = []string{""} }), true, "AllowedCountries"},
		{"a bad selected country is refused", base(func(p *argos.LiveformParams) { p.SelectedIssuingCountry = "Korea" }), false, "SelectedIssuingCountry"},
		{"an action without a submission is refused", base(func(p *argos.LiveformParams) { p.Action = argos.LiveformInjection }), false, "SubmissionID"},
		{"auxidField with a selected ID type is refused", base(func(p *argos.LiveformParams) { p.AuxIDField = "phoneNumber"; p.SelectedIDType = argos.IDPassport }), true, "AuxIDField"},
		{"a control character in a custom field is refused", base(func(p *argos.LiveformParams) { p.CF1 = "line\nbreak" }), false, "CF1"},
		{"invalid UTF-8 in a user ID is refused when encrypting", base(func(p *argos.LiveformParams) { p.UserID = "user-\xff1" }), true, "UserID"},
		{"invalid UTF-8 in a custom field is refused", base(func(p *argos.LiveformParams) { p.CF2 = "caf\xe9" }), false, "CF2"},
		{"invalid UTF-8 in the language is refused when encrypting", base(func(p *argos.LiveformParams) { p.Lang = "k\xfeo" }), true, "Lang"},
		{"invalid UTF-8 in the project ID is refused", base(func(p *argos.LiveformParams) { p.ProjectID = "pid\xc3" }), false, "ProjectID"},
		{"allowedCountries in a plain URL is refused", base(func(p *argos.LiveformParams) { p.AllowedCountries = []string{"USA"} }), false, "AllowedCountries"},
		{"auxidField in a plain URL is refused", base(func(p *argos.LiveformParams) { p.AuxIDField = "phoneNumber" }), false, "AuxIDField"},
		{"knowledgeField in a plain URL is refused", base(func(p *argos.LiveformParams) { p.KnowledgeField = "skip" }), false, "KnowledgeField"},
		{"knowledgePrefill in a plain URL is refused", base(func(p *argos.LiveformParams) { p.KnowledgePrefill = "x" }), false, "KnowledgePrefill"},
		{"startValidUntil in a plain URL is refused", base(func(p *argos.LiveformParams) { p.StartValidUntil = time.Now() }), false, "StartValidUntil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			var err error
			if tc.encrypted {
				got, err = argos.LiveformURLEncrypted(tc.p, liveformKey)
			} else {
				got, err = argos.LiveformURL(tc.p)
			}
			assert.Empty(t, got)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotContains(t, err.Error(), "someone.private")
		})
	}
}

func TestLiveformURLEncryptedNeedsAKey(t *testing.T) {
	_, err := argos.LiveformURLEncrypted(&argos.LiveformParams{ProjectID: "pid1"}, "")
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "key", ve.Field)
}

// decryptLiveform checks the shape of an encrypted liveform URL and returns
// its query and decrypted JSON.
func decryptLiveform(t *testing.T, raw string) (url.Values, string) {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "https://form.argosidentity.com/", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	for name := range q {
		assert.Contains(t, []string{"pid", "encrypted", "lang"}, name, "only pid, encrypted and lang are in clear")
	}
	require.Len(t, q["encrypted"], 1)
	pt, err := argos.DecryptPayload(liveformKey, q.Get("encrypted"))
	require.NoError(t, err)
	return q, string(pt)
}

func TestLiveformURLEncryptedCarriesEverythingElseInside(t *testing.T) {
	tests := []struct {
		name, fixture string
		p             *argos.LiveformParams
	}{
		{"every parameter goes into the JSON under its query name", "encrypted_all.json", allLiveformParams()},
		{"the injection page's sid and action go inside", "encrypted_injection.json", &argos.LiveformParams{
			ProjectID: "p4n42yhhy", Lang: "ko", SubmissionID: "1cz94l9ksfi1bokk", Action: argos.LiveformInjection,
			UserID: "user-42", CF1: "address update",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := argos.LiveformURLEncrypted(tc.p, liveformKey)
			require.NoError(t, err)
			q, payload := decryptLiveform(t, raw)
			assert.Equal(t, "p4n42yhhy", q.Get("pid"))
			assert.Equal(t, "ko", q.Get("lang"))
			want, err := os.ReadFile(filepath.Join("testdata", "liveform", tc.fixture))
			require.NoError(t, err)
			assert.JSONEq(t, string(want), payload)
			assert.NotContains(t, payload, `\u0026`, "JSON is not HTML-escaped")
			assert.True(t, strings.HasPrefix(raw, "https://form.argosidentity.com/?pid=p4n42yhhy&encrypted="), raw)
			assert.True(t, strings.HasSuffix(raw, "&lang=ko"), raw)
		})
	}
}

func TestLiveformURLEncryptedEscapesTheCiphertext(t *testing.T) {
	// Find parameters whose ciphertext holds '+' or '/': both must be
	// escaped, or the form would read '+' as a space.
	for i := range 200 {
		p := &argos.LiveformParams{ProjectID: "pid1", UserID: fmt.Sprint("user-", i)}
		raw, err := argos.LiveformURLEncrypted(p, liveformKey)
		require.NoError(t, err)
		_, payload := decryptLiveform(t, raw)
		require.JSONEq(t, fmt.Sprintf(`{"userid":"user-%d"}`, i), payload)
		enc := raw[strings.Index(raw, "encrypted=")+len("encrypted="):]
		if strings.Contains(enc, "%2B") && strings.Contains(enc, "%2F") {
			assert.NotContains(t, enc, "+")
			assert.NotContains(t, enc, "/")
			return
		}
	}
	t.Fatal("no ciphertext with both + and / in 200 tries")
}

func TestLiveformURLEncryptedWithOnlyAProjectIDEncryptsAnEmptyObject(t *testing.T) {
	raw, err := argos.LiveformURLEncrypted(&argos.LiveformParams{ProjectID: "pid1"}, liveformKey)
	require.NoError(t, err)
	q, payload := decryptLiveform(t, raw)
	assert.Equal(t, "{}", payload)
	assert.NotContains(t, q, "lang")
}

func TestLiveformParamsAreRedacted(t *testing.T) {
	p := allLiveformParams()
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("liveform", "params", *p)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", *p), "%+v": fmt.Sprintf("%+v", *p), "%#v": fmt.Sprintf("%#v", *p),
		"%s": fmt.Sprintf("%s", p), "slog": logs.String(),
	}
	for verb, out := range outputs {
		t.Run("printing with "+verb+" hides personal data", func(t *testing.T) {
			for _, secret := range []string{"hong.gildong", "홍길동", "a+b=c", "서울", "tok_12345678"} {
				assert.NotContains(t, out, secret)
			}
			assert.Contains(t, out, "p4n42yhhy")
		})
	}
}

func TestParseReturnURL(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want argos.ReturnParams
	}{
		{"a full return URL is read", "https://shop.example/kyc/done?submissionId=1cz94l9ksfi1bokk&kycStatus=approved&userid=user-42&email=hong%2Bkyc%40example.com&cf1=a%20b&cf2=%EC%84%9C%EC%9A%B8&cf3=x%26y",
			argos.ReturnParams{SubmissionID: "1cz94l9ksfi1bokk", Status: argos.KYCApproved, UserID: "user-42", Email: "hong+kyc@example.com", CF1: "a b", CF2: "서울", CF3: "x&y"}},
		{"a handler's path and query are read", "/kyc/done?submissionId=s1&kycStatus=pending",
			argos.ReturnParams{SubmissionID: "s1", Status: argos.KYCPending}},
		{"an error page's code is read", "https://shop.example/kyc/done?errorCode=DE-20000&userid=u1",
			argos.ReturnParams{ErrorCode: argos.ReturnErrorDeviceVerification, UserID: "u1"}},
		{"a + in the query is a space", "https://shop.example/?cf1=a+b",
			argos.ReturnParams{CF1: "a b"}},
		{"names are case-sensitive", "https://shop.example/?submissionid=s1&KYCStatus=approved&kycstatus=approved",
			argos.ReturnParams{}},
		{"unknown parameters are ignored", "https://shop.example/?utm_source=x&kycStatus=rejected",
			argos.ReturnParams{Status: argos.KYCRejected}},
		{"an undocumented status is kept as sent", "https://shop.example/?kycStatus=incomplete",
			argos.ReturnParams{Status: argos.KYCIncomplete}},
		{"a URL without a query gives empty parameters", "https://shop.example/kyc/done",
			argos.ReturnParams{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := argos.ParseReturnURL(tc.raw)
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestParseReturnURLRejectsBadURLs(t *testing.T) {
	tests := []struct {
		name, raw, field string
	}{
		{"a URL that does not parse is refused", "https://shop.example/%zz?email=private.person%40example.com", "rawURL"},
		{"a bad escape in the query is refused", "https://shop.example/?email=private.person%40example.com&cf1=%zz", "rawURL"},
		{"a semicolon separator is refused", "https://shop.example/?email=private.person%40example.com;kycStatus=approved", "rawURL"},
		{"a repeated status is refused", "https://shop.example/?kycStatus=rejected&kycStatus=approved&email=private.person%40example.com", "kycStatus"},
		{"a repeated submission ID is refused", "https://shop.example/?submissionId=a&submissionId=b", "submissionId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := argos.ParseReturnURL(tc.raw)
			assert.Nil(t, got)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotContains(t, err.Error(), "private.person")
			assert.NotContains(t, err.Error(), "shop.example")
		})
	}
}

func TestReturnParamsAreRedacted(t *testing.T) {
	r := argos.ReturnParams{SubmissionID: "s1", Status: argos.KYCApproved, ErrorCode: "TK-10001",
		UserID: "private-user", Email: "private@example.com", CF1: "private-cf1", CF2: "private-cf2", CF3: "private-cf3"}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("returned", "params", r)
	for verb, out := range map[string]string{
		"%v": fmt.Sprintf("%v", r), "%+v": fmt.Sprintf("%+v", &r), "%#v": fmt.Sprintf("%#v", r), "slog": logs.String(),
	} {
		t.Run("printing with "+verb+" shows only the ID, status and code", func(t *testing.T) {
			assert.NotContains(t, out, "private")
			assert.Contains(t, out, "s1")
			assert.Contains(t, out, "approved")
			assert.Contains(t, out, "TK-10001")
		})
	}
}

// FuzzParseReturnURL: ParseReturnURL never panics, fails only with a
// *ValidationError that does not quote its input, and what it reads
// survives being written back into a query string.
func FuzzParseReturnURL(f *testing.F) {
	for _, s := range []string{
		"https://shop.example/kyc/done?submissionId=1cz94l9ksfi1bokk&kycStatus=approved&userid=user-42&email=hong%2Bkyc%40example.com&cf1=a%20b",
		"/done?errorCode=DE-20000", "?kycStatus=rejected&kycStatus=approved", "https://x/%zz", "?cf1=%ED%99%8D", "", "?a;b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := argos.ParseReturnURL(raw)
		if err != nil {
			var ve *argos.ValidationError
			if !errors.As(err, &ve) || got != nil {
				t.Fatalf("want a *ValidationError and no result, got %v, %v", got, err)
			}
			if len(raw) > 12 && strings.Contains(err.Error(), raw) {
				t.Fatal("the error quotes the URL")
			}
			return
		}
		q := url.Values{}
		for name, v := range map[string]string{"submissionId": got.SubmissionID, "kycStatus": string(got.Status),
			"userid": got.UserID, "email": got.Email, "cf1": got.CF1, "cf2": got.CF2, "cf3": got.CF3, "errorCode": got.ErrorCode} {
			if v != "" {
				q.Set(name, v)
			}
		}
		again, err := argos.ParseReturnURL("https://shop.example/?" + q.Encode())
		if err != nil || *again != *got {
			t.Fatalf("re-encoded parameters read back differently: %v", err)
		}
	})
}
