package argostest_test

// The worked tests of docs/testing.md, one per journey. The guide quotes
// each function whole; TestTestingGuideQuotesTheJourneys keeps the two the
// same.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestJourneyStep1AndStep2(t *testing.T) {
	client, srv := argostest.NewClient(t)
	ctx := context.Background()
	idImage := func() *argos.File { return &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())} }

	// The first photo of the ID has glare: Step 1 asks for another.
	srv.ScriptStep1(argostest.Step1Glare)
	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: argos.IDPassport, IDImage: idImage(), UserID: "user-1",
	})
	require.NoError(t, err)
	require.True(t, s1.CanRetry())
	require.Len(t, s1.Retry, 1, "the scripted failure gives its reason")
	assert.Equal(t, argos.RetryGlareDetected, s1.Retry[0].Code)

	// The retake is read; the failed photo used one of the three tries.
	s1, err = client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: argos.IDPassport, IDImage: idImage(),
		UserID: "user-1", SubmissionID: s1.SubmissionID,
	})
	require.NoError(t, err)

	// The first selfie does not match, the second passes.
	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)
	face := &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())}
	s2, err := client.SubmitStep2(ctx, s1.Step2Request(face))
	require.NoError(t, err)
	require.True(t, s2.CanRetry())
	assert.Equal(t, 1, s2.RetriesLeft(), "Step 1's failed photo and this selfie used two tries")

	face = &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())}
	s2, err = client.SubmitStep2(ctx, s1.Step2Request(face))
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, s2.Status)
}

func TestJourneyLiveform(t *testing.T) {
	// Your webhook endpoint: here a test server that parses what arrives.
	var mu sync.Mutex
	var events []*argos.WebhookEvent
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e, err := argos.ParseWebhook(body)
		if err != nil {
			http.Error(w, "bad webhook", http.StatusBadRequest)
			return
		}
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	defer receiver.Close()

	srv := argostest.NewServer(
		argostest.WithReturnURL("https://app.example/kyc/done"),
		argostest.WithWebhookURL(receiver.URL+"/argos", receiver.Client()),
	)
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()))
	require.NoError(t, err)
	ctx := context.Background()

	// Your code builds the applicant's link.
	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID: "my-project", Email: "jane@example.com", UserID: "user-1", CF1: "plan-b",
	}, srv.APIKey)
	require.NoError(t, err)

	// The applicant fills in the form; their browser lands on the return URL.
	res, err := srv.Liveform(ctx, link, argostest.Applicant{Name: "Jane Doe", DateOfBirth: "1990-02-03"})
	require.NoError(t, err)

	// Your return-URL handler reads it, then confirms with the API.
	ret, err := argos.ParseReturnURL(res.ReturnURL)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, ret.Status)
	assert.Equal(t, "user-1", ret.UserID)
	sub, err := client.GetSubmission(ctx, ret.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, ret.Status, sub.KYC.Status)

	// The confirming webhook arrives too.
	require.NoError(t, srv.FlushWebhooks(ctx))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 3) // created, approved, aml
	assert.Equal(t, argos.WebhookApproved, events[1].Trigger)
	assert.Equal(t, ret.SubmissionID, events[1].SubmissionID)
	assert.Equal(t, "plan-b", events[1].CF1)
}

func TestJourneyTime(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	srv := argostest.NewServer(argostest.WithClock(func() time.Time { return start }))
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()))
	require.NoError(t, err)
	ctx := context.Background()

	// A private-mode token expires three minutes after its first use.
	_, err = client.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"token-for-jane"}})
	require.NoError(t, err)
	link, err := argos.LiveformURL(&argos.LiveformParams{ProjectID: "p", Email: "jane@example.com", Token: "token-for-jane"})
	require.NoError(t, err)
	// Jane fails the selfie and leaves: her submission waits for a retry.
	res, err := srv.Liveform(ctx, link, argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch})
	require.NoError(t, err)

	srv.Advance(3 * time.Minute)
	again, err := srv.Liveform(ctx, link, argostest.Applicant{})
	require.NoError(t, err)
	assert.Equal(t, argos.ReturnErrorTokenExpired, again.ErrorCode)

	// 24 hours after Step 1 an abandoned submission is rejected:
	// WaitForDecision sees it at its first read, nothing sleeps.
	srv.Advance(24 * time.Hour)
	sub, err := client.WaitForDecision(ctx, res.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCRejected, sub.KYC.Status)
	assert.Equal(t, []string{"KYC rejected due to timeout"}, sub.KYC.Comment)
}

func TestJourneyFaults(t *testing.T) {
	client, srv := argostest.NewClient(t)
	ctx := context.Background()

	// Two 503s with Retry-After, then the real answer: the read is retried.
	srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Times: 2,
		Status: http.StatusServiceUnavailable, RetryAfter: "0"})
	_, err := client.ListSubmissions(ctx, nil)
	require.NoError(t, err)

	// The connection drops after Step 1 took effect: the SDK never resends
	// a write, and says the outcome is unknown.
	srv.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
	_, err = client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: argos.IDPassport, UserID: "user-1",
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

	// Your recovery lists the user's submissions to find what landed.
	list, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "user-1"})
	require.NoError(t, err)
	assert.Len(t, list.Items, 1)
}

func TestJourneyV3AndTheAdmin(t *testing.T) {
	srv := argostest.NewServer(argostest.WithControlAPI())
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()))
	require.NoError(t, err)
	ctx := context.Background()

	// A populated project, and one submission held for review.
	srv.AddSubmissions(200)
	srv.ScriptStep2(argostest.OutcomePending)
	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	_, err = client.SubmitStep2(ctx, s1.Step2Request(&argos.File{Name: "f.jpg", Body: bytes.NewReader(argostest.SampleJPEG())}))
	require.NoError(t, err)

	// A v3 call: your reviewer approves it.
	rv, err := client.ReviewSubmission(ctx, &argos.ReviewRequest{
		SubmissionID: s1.SubmissionID, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved,
	})
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, rv.Status)

	// The admin endpoints drive the same fake over HTTP, for tools in other
	// languages: here the clock.
	req, err := http.NewRequest(http.MethodPost, srv.URL("")+strings.TrimPrefix(argostest.ControlPrefix, "/")+"advance",
		strings.NewReader(`{"duration": "48h"}`))
	require.NoError(t, err)
	req.Header.Set("x-api-key", srv.APIKey)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

// TestTestingGuideQuotesTheJourneys checks that every Go block of
// docs/testing.md is a function of this file, as it is here.
func TestTestingGuideQuotesTheJourneys(t *testing.T) {
	guideBytes, err := os.ReadFile(filepath.Join("..", "docs", "testing.md"))
	require.NoError(t, err)
	sourceBytes, err := os.ReadFile("journeys_test.go")
	require.NoError(t, err)
	guide, source := string(guideBytes), string(sourceBytes)
	blocks := strings.Split(guide, "```go\n")[1:]
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		code := b[:strings.Index(b, "```")]
		assert.Contains(t, source, code, "docs/testing.md quotes journeys_test.go as it is")
	}
	quoted := strings.Count(guide, "func TestJourney")
	assert.Equal(t, strings.Count(source, "\nfunc TestJourney"), quoted, "the guide quotes every journey")
}
