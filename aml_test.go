package argos_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestMonitorAMLSendsTheIDsAndReturnsPartialSuccess(t *testing.T) {
	c, got := v3JSON(t, "v3/aml_monitor.json")
	ids := []string{"SUBMISSION_ID_00A", "SUBMISSION_ID_01B", "SUBMISSION_ID_02C"}
	res, err := c.MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: "worklist-7", SubmissionIDs: ids, Admin: "yourAdmin@sample.com"})
	require.NoError(t, err, "a submission that was not registered is a result, not an error")
	assert.EqualExportedValues(t, &argos.AMLMonitorResult{
		Success: true, SuccessCount: 2, FailedCount: 1,
		Succeeded: []argos.AMLMonitorItem{
			{SubmissionID: "SUBMISSION_ID_00A", RecordIDs: []string{"RECORD_ID_00A"}, Status: "success"},
			{SubmissionID: "SUBMISSION_ID_01B", RecordIDs: []string{"RECORD_ID_01B"}, Status: "success"},
		},
		Failed: []argos.AMLMonitorItem{{SubmissionID: "SUBMISSION_ID_02C", RecordIDs: []string{}, Status: "failed",
			Error: "This submission is not approved: SUBMISSION_ID_02C"}},
	}, res)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].method)
	assert.Equal(t, "/v3/submission/aml/monitor/worklist-7", reqs[0].path)
	assert.JSONEq(t, `{"submissionIds":["SUBMISSION_ID_00A","SUBMISSION_ID_01B","SUBMISSION_ID_02C"],"admin":"yourAdmin@sample.com"}`,
		string(reqs[0].body))

	t.Run("an answer about a submission that was not asked for is refused", func(t *testing.T) {
		c, _ := v3JSON(t, "v3/aml_monitor.json")
		_, err := c.MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: "w", SubmissionIDs: ids[:2], Admin: "a@example.com"})
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestMonitorAMLTakesOneToTwentyFiveIDs(t *testing.T) {
	many := make([]string, 26)
	for i := range many {
		many[i] = fmt.Sprintf("sub%02d", i)
	}
	for _, tc := range []struct {
		name            string
		worklist, admin string
		ids             []string
		field           string
	}{
		{"no ID", "w", "a@example.com", nil, "SubmissionIDs"},
		{"26 IDs", "w", "a@example.com", many, "SubmissionIDs"},
		{"an empty ID", "w", "a@example.com", []string{"s1", ""}, "SubmissionIDs[1]"},
		{"no worklist", "", "a@example.com", []string{"s1"}, "WorklistID"},
		{"no admin", "w", "", []string{"s1"}, "Admin"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/aml_monitor.json")
			_, err := c.MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: tc.worklist, SubmissionIDs: tc.ids, Admin: tc.admin})
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got())
		})
	}
}

func TestAMLMonitorRecordDecodesEveryField(t *testing.T) {
	c, got := v3JSON(t, "v3/aml_record.json")
	rec, err := c.GetAMLMonitorRecord(context.Background(), "worklist-7", "RECORD_ID_00A")
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.AMLMonitorRecord{ID: "RECORD_ID_00A", SubmissionID: "SUBMISSION_ID_00A", Name: "John Smith", Nationality: "USA",
		DateOfBirth: "1975-08-25", Email: "john.smith@example.com", Status: "screenedNoMatches", Tags: []string{"onboarding"},
		Admin: "yourAdmin@sample.com", UpdateTime: "2025-03-04T05:06:07.000Z", FalsePositiveCount: 1, DiscardedCount: 2}, rec)
	assert.Equal(t, "/v3/submission/aml/monitor/worklist-7/RECORD_ID_00A", got()[0].path)
	assert.Equal(t, http.MethodGet, got()[0].method)

	t.Run("an answer about another record is refused", func(t *testing.T) {
		c, _ := v3JSON(t, "v3/aml_record.json")
		_, err := c.GetAMLMonitorRecord(context.Background(), "worklist-7", "RECORD_ID_01B")
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestFakeAMLMonitoringReturnsRecordsThatReadBack(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	approved := fakeSubmission(t, c, srv, argostest.OutcomeApprove)
	pending := fakeSubmission(t, c, srv, argostest.OutcomePending)
	res, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "wl-1", SubmissionIDs: []string{approved, pending, "nosuchsubmission"}, Admin: argostest.DefaultAdmin})
	require.NoError(t, err)
	assert.Equal(t, 1, res.SuccessCount)
	assert.Equal(t, 2, res.FailedCount)
	require.Len(t, res.Succeeded, 1)
	require.Len(t, res.Succeeded[0].RecordIDs, 1)
	require.Len(t, res.Failed, 2)
	assert.Equal(t, "This submission is not approved: "+pending, res.Failed[0].Error)

	rec, err := c.GetAMLMonitorRecord(ctx, "wl-1", res.Succeeded[0].RecordIDs[0])
	require.NoError(t, err)
	assert.Equal(t, approved, rec.SubmissionID)
	assert.Equal(t, "Jane Doe", rec.Name)
	assert.Equal(t, "1990-01-02", rec.DateOfBirth)
	assert.Equal(t, "screenedNoMatches", rec.Status)

	_, err = c.GetAMLMonitorRecord(ctx, "wl-2", res.Succeeded[0].RecordIDs[0])
	assert.ErrorIs(t, err, argos.ErrBadRequest, "records belong to their worklist")
	_, err = c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "wl-1", SubmissionIDs: []string{approved}, Admin: "who@example.com"})
	assert.ErrorIs(t, err, argos.ErrInvalidAdmin)
}

func TestAMLMonitorIDsThatAreDotSegmentsAreRefusedBeforeSending(t *testing.T) {
	for _, id := range []string{".", ".."} {
		c, got := v3JSON(t, "v3/aml_monitor.json")
		_, err := c.MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: id, SubmissionIDs: []string{"s1"}, Admin: "a@example.com"})
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve, "worklist %q would send the request to another route", id)
		assert.Equal(t, "WorklistID", ve.Field)
		_, err = c.GetAMLMonitorRecord(context.Background(), "w", id)
		require.ErrorAs(t, err, &ve, "record %q", id)
		_, err = c.GetAMLMonitorRecord(context.Background(), id, "r")
		require.ErrorAs(t, err, &ve, "worklist %q", id)
		assert.Empty(t, got(), "nothing is sent")
	}
	t.Run("an ID that only holds dots among other characters is an ID", func(t *testing.T) {
		c, got := v3JSON(t, "v3/aml_monitor.json")
		_, _ = c.MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: "w..1", SubmissionIDs: []string{"s1"}, Admin: "a@example.com"})
		require.Len(t, got(), 1)
	})
}
