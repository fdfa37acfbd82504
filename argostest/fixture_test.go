package argostest_test

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

var updateFixtures = flag.Bool("update", false, "rewrite testdata/recorded/quickstart by recording the quickstart flow against the fake server")

// TestRecordFixtures records the quickstart flow against a deterministic
// fake server and checks the committed set in testdata/recorded/quickstart
// is what it records. With -update it rewrites the committed set:
//
//	go test ./argostest -run TestRecordFixtures -update
func TestRecordFixtures(t *testing.T) {
	dir := t.TempDir()
	if *updateFixtures {
		dir = quickstartDir
	}
	n := 0
	srv := argostest.NewServer(
		argostest.WithClock(func() time.Time { return time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC) }),
		argostest.WithSubmissionIDs(func() string { n++; return fmt.Sprintf("quickstart%06d", n) }),
	)
	defer srv.Close()
	rec, err := argostest.NewRecorder(dir, srv.HTTPClient().Transport)
	require.NoError(t, err)
	runQuickstartFlow(t, clientVia(t, srv.BaseURL, srv.APIKey, rec))
	require.NoError(t, rec.Err())
	if *updateFixtures {
		t.Logf("rewrote %s", quickstartDir)
		return
	}
	got, want := fixtureFiles(t, dir), fixtureFiles(t, quickstartDir)
	const hint = "the committed fixtures are stale: run go test ./argostest -run TestRecordFixtures -update"
	require.Equal(t, sortedKeys(want), sortedKeys(got), hint)
	for name, data := range got {
		assert.Equal(t, string(want[name]), string(data), "%s: %s", name, hint)
	}
}

func TestReplayQuickstart(t *testing.T) {
	// No server anywhere: the committed fixtures answer.
	rep, err := argostest.NewReplayer(quickstartDir)
	require.NoError(t, err)
	c := clientVia(t, argos.DefaultBaseURL, "any-key", rep)
	res := runQuickstartFlow(t, c)

	t.Run("the replayed flow gets the recorded IDs and statuses", func(t *testing.T) {
		assert.Equal(t, "quickstart000001", res.Step1.SubmissionID)
		assert.Equal(t, argos.KYCApproved, res.Step2.Status)
		assert.Equal(t, argos.KYCApproved, res.Submission.KYC.Status)
		assert.Equal(t, "quickstart000001", res.Submission.ID)
		require.Len(t, res.List.Items, 1)
		assert.Equal(t, "quickstart000001", res.List.Items[0].ID)
		assert.Equal(t, "success", res.Delete.Message)
	})

	t.Run("the replayed data is scrubbed", func(t *testing.T) {
		assert.Equal(t, argostest.PseudoEmail(applicant.Email), res.Submission.Email)
		assert.Equal(t, argostest.PseudoUserID(applicant.UserID), res.Submission.UserID)
		assert.Equal(t, "Test Applicant", res.Submission.Data.Name)
		assert.Equal(t, "1990-01-01", res.Submission.Data.DateOfBirth)
		assert.Equal(t, "Test Applicant", res.Step1.ReviewOCRData.Name)
		cfg, err := png.DecodeConfig(bytes.NewReader(res.Image))
		require.NoError(t, err)
		assert.Equal(t, 1, cfg.Width)
	})

	t.Run("every fixture was used", func(t *testing.T) {
		assert.Empty(t, rep.Unused())
	})
}
