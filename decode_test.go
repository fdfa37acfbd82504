package argos_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func jsonAnswer(body string) httpmock.Responder {
	return httpmock.NewStringResponder(http.StatusOK, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

func TestSuccessBodiesWithTrailingCommasDecode(t *testing.T) {
	t.Run("a submission list", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
			jsonAnswer(`{"Items": [{"submission_id": "s1", "email": "a,]@example.com", "kyc": {"result": "approved",},},],}`))
		sub, err := c.GetSubmission(context.Background(), "s1")
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Result)
		assert.Equal(t, "a,]@example.com", sub.Email, "a comma inside a string is kept")
	})
	t.Run("the applicant sample's bare array", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant",
			jsonAnswer(`[{"submission_id": "s1", "email": "a@example.com",}, {"submission_id": "s2",},]`))
		subs, err := c.ApplicantSubmissions(context.Background(), "applicant-1")
		require.NoError(t, err)
		require.Len(t, subs, 2)
		assert.Equal(t, "s2", subs[1].SubmissionID)
	})
	t.Run("a body malformed in another way stays an error", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(`{"Items": [{"submission_id": "s1",}`))
		_, err := c.GetSubmission(context.Background(), "s1")
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestAPageOfMoreThanMaxPageSizeItemsIsRefusedBeforeDecoding(t *testing.T) {
	for name, item := range map[string]string{"empty objects": "{}", "numbers (the lenient path)": "1"} {
		t.Run(name, func(t *testing.T) {
			body := `{"Items": [` + strings.Repeat(item+",", 174_762) + item + `]}` // 512 KiB of tiny items
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := c.ListSubmissions(context.Background(), nil)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, argos.ErrResponseTooLarge)
			assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
			// Allocation, not timing: a decoded page of 174,763 Submissions
			// allocates hundreds of MiB; refusing it costs the body's copies.
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(16<<20), "bytes allocated: %d", allocated)
		})
	}
	t.Run("a page of exactly MaxPageSize items decodes", func(t *testing.T) {
		body := `{"Items": [` + strings.Repeat(`{"submission_id": "s"},`, argos.MaxPageSize-1) + `{"submission_id": "s"}]}`
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
		page, err := c.ListSubmissions(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Items, argos.MaxPageSize)
	})
	t.Run("brackets and commas inside strings do not count", func(t *testing.T) {
		body := `{"Items": [{"submission_id": "s1", "email": "` + strings.Repeat(`[,\",`, 3000) + `"}]}`
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
		page, err := c.ListSubmissions(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Items, 1)
	})
}
