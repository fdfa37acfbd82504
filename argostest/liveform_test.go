package argostest_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// returnTo is the return URL the liveform tests configure.
const returnTo = "https://app.example/kyc/done?session=s-1"

// linkParams are the liveform parameters of an applicant of the tests.
func linkParams(email string) *argos.LiveformParams {
	return &argos.LiveformParams{ProjectID: "proj-1", Email: email, UserID: "user-7", CF1: "plan a", CF2: "b&c", CF3: "ü=1"}
}

func TestLiveformLandsOnTheReturnURL(t *testing.T) {
	t.Run("a plain link creates an approved submission the return URL and GetSubmission agree on", func(t *testing.T) {
		rc := newReceiver(t)
		srv, client := liveformServer(t, rc.option(), argostest.WithReturnURL(returnTo))
		link := plainLink(t, linkParams("ana@example.com"))

		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{Name: "Ana Lima", DateOfBirth: "1990-04-02"})
		require.NoError(t, err)
		require.NotEmpty(t, res.SubmissionID)
		assert.Empty(t, res.ErrorCode)

		ret, err := argos.ParseReturnURL(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, argos.ReturnParams{SubmissionID: res.SubmissionID, UserID: "user-7", Email: "ana@example.com",
			CF1: "plan a", CF2: "b&c", CF3: "ü=1", Status: argos.KYCApproved}, *ret)
		u, err := url.Parse(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, "s-1", u.Query().Get("session"), "the return URL's own query is kept")
		assert.Equal(t, "/kyc/done", u.Path)

		sub, err := client.GetSubmission(context.Background(), ret.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, ret.Status, sub.KYC.Status)
		assert.Equal(t, ret.UserID, sub.UserID)
		assert.Equal(t, ret.Email, sub.Email)
		assert.Equal(t, "Ana Lima", sub.Data.Name)
		assert.Equal(t, "1990-04-02", sub.Data.DateOfBirth)
		assert.Equal(t, []string{"plan a", "b&c", "ü=1"}, []string{sub.Data.CF1, sub.Data.CF2, sub.Data.CF3})

		got := flush(t, srv)
		assert.Equal(t, []argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookApproved, argos.WebhookAML}, triggers(got))
		e, err := argos.ParseWebhook(got[1].Body)
		require.NoError(t, err)
		assert.Equal(t, res.SubmissionID, e.SubmissionID)
		assert.Equal(t, argos.KYCApproved, e.Status)
		assert.Equal(t, "user-7", e.UserID)
	})
	t.Run("an encrypted link is decrypted with the project's API key", func(t *testing.T) {
		srv, _ := liveformServer(t, argostest.WithReturnURL(returnTo))
		p := linkParams("enc@example.com")
		p.AllowedCountries = []string{"KOR"}
		link, err := argos.LiveformURLEncrypted(p, srv.APIKey)
		require.NoError(t, err)

		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		ret, err := argos.ParseReturnURL(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, "enc@example.com", ret.Email)
		assert.Equal(t, "ü=1", ret.CF3)
		assert.Equal(t, "KOR", path(item(t, srv, res.SubmissionID), "data", "idcard_issuingCountry"),
			"the only allowed country is chosen")
	})
	t.Run("without a return URL the browser lands nowhere but the submission ID is given", func(t *testing.T) {
		srv, client := liveformServer(t)
		res, err := srv.Liveform(context.Background(), plainLink(t, linkParams("none@example.com")), argostest.Applicant{})
		require.NoError(t, err)
		assert.Empty(t, res.ReturnURL)
		sub, err := client.GetSubmission(context.Background(), res.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
	})
	t.Run("the applicant's email is used when the link carries none", func(t *testing.T) {
		srv, client := liveformServer(t)
		link := plainLink(t, &argos.LiveformParams{ProjectID: "p"})
		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{Email: "typed@example.com"})
		require.NoError(t, err)
		sub, err := client.GetSubmission(context.Background(), res.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, "typed@example.com", sub.Email)
	})
}

func TestParseReturnURLReadsEveryURLTheFakeMakes(t *testing.T) {
	values := []string{"plain", "two words", "a+b", "x&y=z", "100%", "#frag", "ü 한글", "?q", "a/b\\c", "'\"<>"}
	for _, base := range []string{"https://app.example/done", "https://app.example/done?session=1&x=2", "https://app.example/r?email=old#top"} {
		for _, v := range values {
			t.Run(fmt.Sprintf("%s with %q", base, v), func(t *testing.T) {
				srv, client := liveformServer(t, argostest.WithReturnURL(base))
				p := &argos.LiveformParams{ProjectID: "p", Email: "o'neil+tag@example.com", UserID: v, CF1: v, CF2: v + v, CF3: "-"}
				res, err := srv.Liveform(context.Background(), plainLink(t, p), argostest.Applicant{})
				require.NoError(t, err)

				ret, err := argos.ParseReturnURL(res.ReturnURL)
				require.NoError(t, err)
				assert.Equal(t, argos.ReturnParams{SubmissionID: res.SubmissionID, UserID: v, Email: p.Email,
					CF1: v, CF2: v + v, CF3: "-", Status: argos.KYCApproved}, *ret)
				sub, err := client.GetSubmission(context.Background(), ret.SubmissionID)
				require.NoError(t, err)
				assert.Equal(t, ret.Status, sub.KYC.Status)
				assert.Equal(t, ret.UserID, sub.UserID)
			})
		}
	}
}

func TestLiveformStartValidUntil(t *testing.T) {
	t.Run("a link opened after startValidUntil stops on PV-40018 before anything else", func(t *testing.T) {
		rc := newReceiver(t)
		at := time.Date(2026, 4, 30, 15, 0, 0, 0, time.UTC)
		srv, _ := liveformServer(t, rc.option(), argostest.WithReturnURL(returnTo), argostest.WithClock(func() time.Time { return at }))
		p := linkParams("late@example.com")
		p.StartValidUntil = at.Add(time.Minute)
		p.Token = "not-in-the-pool" // checked after startValidUntil
		link, err := argos.LiveformURLEncrypted(p, srv.APIKey)
		require.NoError(t, err)

		srv.Advance(time.Minute + time.Second)
		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		assert.Equal(t, argostest.LiveformResult{ErrorCode: argos.ReturnErrorStartLinkExpired, ReturnURL: res.ReturnURL}, *res)
		ret, err := argos.ParseReturnURL(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, argos.ReturnParams{ErrorCode: "PV-40018", UserID: "user-7", Email: "late@example.com",
			CF1: "plan a", CF2: "b&c", CF3: "ü=1"}, *ret)
		assert.Empty(t, flush(t, srv), "no submission, no webhook")
	})
	t.Run("a link opened up to startValidUntil opens", func(t *testing.T) {
		at := time.Date(2026, 4, 30, 15, 0, 0, 0, time.UTC)
		srv, _ := liveformServer(t, argostest.WithClock(func() time.Time { return at }))
		p := linkParams("ontime@example.com")
		p.StartValidUntil = at.Add(time.Minute)
		link, err := argos.LiveformURLEncrypted(p, srv.APIKey)
		require.NoError(t, err)
		srv.Advance(time.Minute)
		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		assert.Empty(t, res.ErrorCode)
		assert.NotEmpty(t, res.SubmissionID)
	})
	t.Run("startValidUntil in a plain link is ignored, as the form takes it only encrypted", func(t *testing.T) {
		srv, _ := liveformServer(t)
		link := plainLink(t, linkParams("plain@example.com")) + "&startValidUntil=2000-01-01T00%3A00%3A00Z"
		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		assert.Empty(t, res.ErrorCode)
	})
}

func TestLiveformPrivateModeTokens(t *testing.T) {
	t.Run("a token that is not in the pool stops on TK-10000", func(t *testing.T) {
		srv, _ := liveformServer(t, argostest.WithReturnURL(returnTo))
		p := linkParams("tok@example.com")
		p.Token = "never-added-1"
		res, err := srv.Liveform(context.Background(), plainLink(t, p), argostest.Applicant{})
		require.NoError(t, err)
		assert.Equal(t, "TK-10000", res.ErrorCode)
		assert.Empty(t, res.SubmissionID)
		ret, err := argos.ParseReturnURL(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, "TK-10000", ret.ErrorCode)
	})
	t.Run("a decided submission uses the token up: token_expired count, then TK-10001", func(t *testing.T) {
		rc := newReceiver(t)
		srv, client := liveformServer(t, rc.option())
		addTokens(t, client, "tok-count-1")
		p := linkParams("count@example.com")
		p.Token = "tok-count-1"
		link := plainLink(t, p)

		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		require.Empty(t, res.ErrorCode)
		sub, err := client.GetSubmission(context.Background(), res.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, "tok-count-1", sub.TokenID)

		again, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		assert.Equal(t, argos.ReturnErrorTokenExpired, again.ErrorCode)

		got := flush(t, srv)
		assert.Equal(t, []argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookApproved, argos.WebhookAML,
			argos.WebhookTokenExpired}, triggers(got))
		for _, d := range got[:3] {
			e, err := argos.ParseWebhook(d.Body)
			require.NoError(t, err)
			assert.Equal(t, "tok-count-1", e.TokenID, "%s carries the token", d.Trigger)
		}
		expired := jsonObject(t, got[3].Body)
		assert.Equal(t, "tok-count-1", expired["tokenId"])
		e, err := argos.ParseWebhook(got[3].Body)
		require.NoError(t, err)
		assert.Equal(t, "tok-count-1", e.TokenID, "the SDK reads the token the fake names")
		assert.Equal(t, "count", expired["expired_condition"])
		assert.Equal(t, "idCheck", expired["service"])
		assert.NotEmpty(t, expired["expired_at"])
	})
	t.Run("a token expires three minutes after its first use, with token_expired time", func(t *testing.T) {
		rc := newReceiver(t)
		start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		srv, client := liveformServer(t, rc.option(), argostest.WithClock(func() time.Time { return start }))
		addTokens(t, client, "tok-time-1")
		p := linkParams("time@example.com")
		p.Token = "tok-time-1"
		link := plainLink(t, p)

		// The applicant fails the selfie and leaves: nothing is decided.
		first, err := srv.Liveform(context.Background(), link, argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch})
		require.NoError(t, err)
		require.Empty(t, first.ErrorCode)

		// Within three minutes someone else may use the same token.
		srv.Advance(3*time.Minute - time.Second)
		second, err := srv.Liveform(context.Background(), link, argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch})
		require.NoError(t, err)
		assert.Empty(t, second.ErrorCode)

		srv.Advance(time.Second)
		third, err := srv.Liveform(context.Background(), link, argostest.Applicant{})
		require.NoError(t, err)
		assert.Equal(t, "TK-10001", third.ErrorCode)

		got := flush(t, srv)
		require.Equal(t, argos.WebhookTokenExpired, got[len(got)-1].Trigger)
		expired := jsonObject(t, got[len(got)-1].Body)
		assert.Equal(t, "time", expired["expired_condition"])
		assert.Equal(t, "2026-01-02T03:07:05.000Z", expired["expected_expired_at"])
		assert.Equal(t, 1, countTrigger(got, argos.WebhookTokenExpired), "a token expires once")
	})
	t.Run("time expiry wins over count when both apply", func(t *testing.T) {
		srv, client := liveformServer(t)
		addTokens(t, client, "tok-both-1")
		p := linkParams("both@example.com")
		p.Token = "tok-both-1"
		_, err := srv.Liveform(context.Background(), plainLink(t, p), argostest.Applicant{})
		require.NoError(t, err)
		srv.Advance(time.Hour)
		res, err := srv.Liveform(context.Background(), plainLink(t, p), argostest.Applicant{})
		require.NoError(t, err)
		assert.Equal(t, "TK-10001", res.ErrorCode)
	})
}

func TestLiveformApplicantChoices(t *testing.T) {
	encrypted := func(t *testing.T, srv *argostest.Server, edit func(*argos.LiveformParams)) string {
		p := linkParams("choice@example.com")
		edit(p)
		link, err := argos.LiveformURLEncrypted(p, srv.APIKey)
		require.NoError(t, err)
		return link
	}
	tests := []struct {
		name    string
		edit    func(*argos.LiveformParams)
		a       argostest.Applicant
		field   string // "" when the form is played
		country string // the issuing country chosen
		idType  string
	}{
		{"a country outside allowedCountries cannot be chosen", func(p *argos.LiveformParams) { p.AllowedCountries = []string{"KOR", "JPN"} },
			argostest.Applicant{IssuingCountry: "USA"}, "Applicant.IssuingCountry", "", ""},
		{"a country inside allowedCountries is chosen", func(p *argos.LiveformParams) { p.AllowedCountries = []string{"KOR", "JPN"} },
			argostest.Applicant{IssuingCountry: "jpn"}, "", "JPN", "passport"},
		{"selectedIssuingCountry is the only country", func(p *argos.LiveformParams) { p.SelectedIssuingCountry = "FRA" },
			argostest.Applicant{IssuingCountry: "DEU"}, "Applicant.IssuingCountry", "", ""},
		{"selectedIssuingCountry is taken when the applicant chooses none", func(p *argos.LiveformParams) { p.SelectedIssuingCountry = "FRA" },
			argostest.Applicant{}, "", "FRA", "passport"},
		{"selectedIdType is the only ID type", func(p *argos.LiveformParams) { p.SelectedIDType = argos.IDDriversLicense },
			argostest.Applicant{IDType: argos.IDPassport}, "Applicant.IDType", "", ""},
		{"selectedIdType is taken when the applicant chooses none", func(p *argos.LiveformParams) { p.SelectedIDType = argos.IDDriversLicense },
			argostest.Applicant{}, "", "USA", "drivers_license"},
		{"a birth date that is not a date is refused", func(*argos.LiveformParams) {},
			argostest.Applicant{DateOfBirth: "02/04/1990"}, "Applicant.DateOfBirth", "", ""},
		{"an unknown outcome is refused", func(*argos.LiveformParams) {},
			argostest.Applicant{Outcome: argostest.Outcome(99)}, "Applicant.Outcome", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := liveformServer(t)
			res, err := srv.Liveform(context.Background(), encrypted(t, srv, tt.edit), tt.a)
			if tt.field != "" {
				var ve *argos.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field)
				assert.Empty(t, srv.Webhooks())
				return
			}
			require.NoError(t, err)
			it := item(t, srv, res.SubmissionID)
			assert.Equal(t, tt.country, path(it, "data", "idcard_issuingCountry"))
			assert.Equal(t, tt.idType, path(it, "data", "idType"))
		})
	}
	t.Run("allowedCountries in a plain link is ignored, as the form takes it only encrypted", func(t *testing.T) {
		srv, _ := liveformServer(t)
		link := plainLink(t, linkParams("plain@example.com")) + "&allowedCountries=KOR"
		res, err := srv.Liveform(context.Background(), link, argostest.Applicant{IssuingCountry: "USA"})
		require.NoError(t, err)
		assert.Equal(t, "USA", path(item(t, srv, res.SubmissionID), "data", "idcard_issuingCountry"))
	})
	t.Run("an applicant without an email on a link without one is refused", func(t *testing.T) {
		srv, _ := liveformServer(t)
		_, err := srv.Liveform(context.Background(), plainLink(t, &argos.LiveformParams{ProjectID: "p"}), argostest.Applicant{})
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Applicant.Email", ve.Field)
	})
}

func TestLiveformPolicies(t *testing.T) {
	adult := time.Now().AddDate(-30, 0, 0).Format(time.DateOnly)
	minor := time.Now().AddDate(-17, 0, 0).Format(time.DateOnly)
	tests := []struct {
		name   string
		policy argostest.Policy
		before func(t *testing.T, srv *argostest.Server) // earlier submissions
		edit   func(*argos.LiveformParams)
		a      argostest.Applicant
		want   argos.KYCStatus
		code   string
	}{
		{"a blacklisted issuing country is rejected", argostest.Policy{BlacklistCountries: []string{"PRK"}}, nil, nil,
			argostest.Applicant{IssuingCountry: "PRK"}, argos.KYCRejected, "blacklistCountry"},
		{"blacklistCountries=false lets a blacklisted country through", argostest.Policy{BlacklistCountries: []string{"PRK"}}, nil,
			func(p *argos.LiveformParams) { p.DisableBlacklistCountries = true },
			argostest.Applicant{IssuingCountry: "PRK"}, argos.KYCApproved, ""},
		{"an applicant under the age limit is rejected", argostest.Policy{AgeLimit: 18}, nil, nil,
			argostest.Applicant{DateOfBirth: minor}, argos.KYCRejected, "under_ageLimit"},
		{"an applicant of age passes the age limit", argostest.Policy{AgeLimit: 18}, nil, nil,
			argostest.Applicant{DateOfBirth: adult}, argos.KYCApproved, ""},
		{"ageLimit=false lets an applicant under the age limit through", argostest.Policy{AgeLimit: 18}, nil,
			func(p *argos.LiveformParams) { p.DisableAgeLimit = true },
			argostest.Applicant{DateOfBirth: minor}, argos.KYCApproved, ""},
		{"an email already approved is a duplicate", argostest.Policy{}, approvedBefore("dup@example.com", "Someone Else"), nil,
			argostest.Applicant{}, argos.KYCRejected, "duplicate_user"},
		{"approvePeriod=false lets an approved email through", argostest.Policy{}, approvedBefore("dup@example.com", "Someone Else"),
			func(p *argos.LiveformParams) { p.DisableApprovePeriod = true },
			argostest.Applicant{}, argos.KYCApproved, ""},
		{"an email rejected within the reject period is a duplicate", argostest.Policy{RejectPeriod: 30 * 24 * time.Hour},
			rejectedBefore("dup@example.com", 10*24*time.Hour), nil, argostest.Applicant{}, argos.KYCRejected, "duplicate_user"},
		{"an email rejected before the reject period passes", argostest.Policy{RejectPeriod: 30 * 24 * time.Hour},
			rejectedBefore("dup@example.com", 31*24*time.Hour), nil, argostest.Applicant{}, argos.KYCApproved, ""},
		{"rejectPeriod=false lets a recently rejected email through", argostest.Policy{RejectPeriod: 30 * 24 * time.Hour},
			rejectedBefore("dup@example.com", time.Hour), func(p *argos.LiveformParams) { p.DisableRejectPeriod = true },
			argostest.Applicant{}, argos.KYCApproved, ""},
		{"a person already approved is a duplicate user", argostest.Policy{RejectDuplicateUser: true},
			approvedBefore("first@example.com", "Kim Min"), nil,
			argostest.Applicant{Name: "Kim Min", DateOfBirth: "1988-08-08"}, argos.KYCRejected, "duplicate_user"},
		{"rejectDuplicateUser=false turns the project's prevention off", argostest.Policy{RejectDuplicateUser: true},
			approvedBefore("first@example.com", "Kim Min"), func(p *argos.LiveformParams) { p.RejectDuplicateUser = new(bool) },
			argostest.Applicant{Name: "Kim Min", DateOfBirth: "1988-08-08"}, argos.KYCApproved, ""},
		{"rejectDuplicateUser=true turns it on for one link", argostest.Policy{},
			approvedBefore("first@example.com", "Kim Min"), func(p *argos.LiveformParams) { on := true; p.RejectDuplicateUser = &on },
			argostest.Applicant{Name: "Kim Min", DateOfBirth: "1988-08-08"}, argos.KYCRejected, "duplicate_user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, client := liveformServer(t, argostest.WithPolicy(tt.policy), argostest.WithReturnURL(returnTo))
			if tt.before != nil {
				tt.before(t, srv)
			}
			p := linkParams("dup@example.com")
			if tt.edit != nil {
				tt.edit(p)
			}
			res, err := srv.Liveform(context.Background(), plainLink(t, p), tt.a)
			require.NoError(t, err)
			ret, err := argos.ParseReturnURL(res.ReturnURL)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ret.Status)
			sub, err := client.GetSubmission(context.Background(), res.SubmissionID)
			require.NoError(t, err)
			assert.Equal(t, tt.want, sub.KYC.Status)
			if tt.code != "" {
				assert.Equal(t, []string{tt.code}, commentCodes(sub))
			}
		})
	}
}

// approvedBefore plays an approved liveform submission with that email and
// name, born 1988-08-08.
func approvedBefore(email, name string) func(t *testing.T, srv *argostest.Server) {
	return func(t *testing.T, srv *argostest.Server) {
		res, err := srv.Liveform(context.Background(), plainLink(t, &argos.LiveformParams{ProjectID: "p", Email: email}),
			argostest.Applicant{Name: name, DateOfBirth: "1988-08-08"})
		require.NoError(t, err)
		require.Contains(t, res.ReturnURL, "kycStatus=approved")
	}
}

// rejectedBefore plays a liveform submission with that email that is
// rejected, then lets ago pass.
func rejectedBefore(email string, ago time.Duration) func(t *testing.T, srv *argostest.Server) {
	return func(t *testing.T, srv *argostest.Server) {
		res, err := srv.Liveform(context.Background(), plainLink(t, &argos.LiveformParams{ProjectID: "p", Email: email}),
			argostest.Applicant{Outcome: argostest.OutcomeReject})
		require.NoError(t, err)
		require.Contains(t, res.ReturnURL, "kycStatus=rejected")
		srv.Advance(ago)
	}
}

func TestLiveformTriesAndWebhooks(t *testing.T) {
	tests := []struct {
		name   string
		step1  []argostest.Step1Outcome
		step2  []argostest.Outcome
		a      argostest.Applicant
		status argos.KYCStatus // "" when the applicant left
		tries  int
		want   []argos.WebhookTrigger
	}{
		{"an unreadable ID is taken again and counts as a try", []argostest.Step1Outcome{argostest.Step1Glare}, nil,
			argostest.Applicant{}, argos.KYCApproved, 1,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookApproved, argos.WebhookAML}},
		{"three unreadable IDs reject the submission",
			[]argostest.Step1Outcome{argostest.Step1NoMRZ, argostest.Step1Expired, argostest.Step1BackMismatch}, nil,
			argostest.Applicant{}, argos.KYCRejected, 3,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry, argos.WebhookRejected}},
		{"a failed selfie is retried with the outcomes ScriptStep2 queued", nil, []argostest.Outcome{argostest.OutcomeApprove},
			argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch}, argos.KYCApproved, 1,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry, argos.WebhookApproved, argos.WebhookAML}},
		{"three failed selfies reject the submission", nil,
			[]argostest.Outcome{argostest.OutcomeNoFace, argostest.OutcomeLivenessFail},
			argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch}, argos.KYCRejected, 3,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry, argos.WebhookRetry, argos.WebhookRejected}},
		{"an applicant who fails the selfie with nothing queued leaves", nil, nil,
			argostest.Applicant{Outcome: argostest.OutcomeLivenessFail}, "", 1,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry}},
		{"a pending outcome holds the submission for review", nil, nil,
			argostest.Applicant{Outcome: argostest.OutcomePending}, argos.KYCPending, 0,
			[]argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookSubmit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t)
			srv, client := liveformServer(t, rc.option(), argostest.WithReturnURL(returnTo))
			srv.ScriptStep1(tt.step1...)
			srv.ScriptStep2(tt.step2...)
			res, err := srv.Liveform(context.Background(), plainLink(t, linkParams("tries@example.com")), tt.a)
			require.NoError(t, err)
			sub, err := client.GetSubmission(context.Background(), res.SubmissionID)
			require.NoError(t, err)
			if tt.status == "" {
				assert.Empty(t, res.ReturnURL, "the browser never returns")
				assert.Equal(t, argos.KYCIncomplete, sub.KYC.Status)
			} else {
				ret, err := argos.ParseReturnURL(res.ReturnURL)
				require.NoError(t, err)
				assert.Equal(t, tt.status, ret.Status)
				assert.Equal(t, tt.status, sub.KYC.Status)
			}
			got := flush(t, srv)
			assert.Equal(t, tt.want, triggers(got))
			last, err := argos.ParseWebhook(got[len(got)-1].Body)
			require.NoError(t, err)
			if last.Trigger == argos.WebhookRetry {
				assert.Equal(t, tt.tries, last.Attempts)
			}
			first := jsonObject(t, got[0].Body)
			if len(tt.step1) > 0 {
				assert.NotEmpty(t, first["retryCode"], "a failed first capture names its retry code in created")
			}
		})
	}
}

func TestLiveformRefusesLinksItCannotPlay(t *testing.T) {
	srv, _ := liveformServer(t)
	good := plainLink(t, linkParams("secret.person@example.com"))
	other, err := argos.LiveformURLEncrypted(linkParams("secret.person@example.com"), "another-project-key")
	require.NoError(t, err)
	tests := []struct{ name, link string }{
		{"a link to another host", strings.Replace(good, "form.argosidentity.com", "evil.example", 1)},
		{"a plain http link", strings.Replace(good, "https://", "http://", 1)},
		{"a link without pid", strings.Replace(good, "pid=proj-1", "pid=", 1)},
		{"a link encrypted with another key", other},
		{"a link whose encrypted parameter is not Base64", good + "&encrypted=%%%"},
		{"the injection page", good + "&sid=abc&action=addveri"},
		{"not a URL", "://secret.person@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is a validation error that does not quote it", func(t *testing.T) {
			_, err := srv.Liveform(context.Background(), tt.link, argostest.Applicant{})
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.NotContains(t, err.Error(), "secret.person")
		})
	}
	t.Run("a cancelled context plays nothing", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := srv.Liveform(ctx, good, argostest.Applicant{})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, srv.Webhooks())
	})
	t.Run("a return URL that is not absolute is refused", func(t *testing.T) {
		srv, _ := liveformServer(t, argostest.WithReturnURL("/relative"))
		_, err := srv.Liveform(context.Background(), good, argostest.Applicant{})
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "WithReturnURL", ve.Field)
	})
}

func TestLiveformValuesPrintWithoutPersonalData(t *testing.T) {
	a := argostest.Applicant{Name: "Secret Name", Email: "secret@example.com", DateOfBirth: "1980-01-01", IssuingCountry: "KOR"}
	r := argostest.LiveformResult{ReturnURL: "https://app.example/?email=secret%40example.com", SubmissionID: "sub-1"}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "a", a, "r", r)
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%#v", a), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), logs.String()} {
		assert.NotContains(t, s, "secret")
		assert.NotContains(t, s, "Secret")
		assert.NotContains(t, s, "1980")
	}
	assert.Contains(t, fmt.Sprint(r), "sub-1")
	assert.Contains(t, fmt.Sprint(a), "KOR")
}
