package argos_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestListSubmissionsSendsEveryFilter(t *testing.T) {
	tests := []struct {
		name   string
		params *argos.ListSubmissionsParams
		want   url.Values
	}{
		{"no params lists everything", nil, url.Values{}},
		{"zero params lists everything", &argos.ListSubmissionsParams{}, url.Values{}},
		{"every filter is sent under its wire name", &argos.ListSubmissionsParams{
			UserID: "user 1", Email: "a+b@example.com", Count: 20, StartDate: "2024-01-01", EndDate: "20240131",
			RequestType: argos.RequestKYC, Next: &argos.PageKey{ID: "abc", CreatedAt: "2024-01-02T00:00:00.000Z"},
		}, url.Values{
			"userid": {"user 1"}, "email": {"a+b@example.com"}, "count": {"20"}, "start_date": {"2024-01-01"},
			"end_date": {"20240131"}, "request_type": {"kyc"}, "nextpage_id": {"abc"}, "nextpage_date": {"2024-01-02T00:00:00.000Z"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			var got url.Values
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
				got = r.URL.Query()
				return jsonResponder(t, 200, "submission_list_guide.json")(r)
			})
			list, err := c.ListSubmissions(context.Background(), tc.params)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			require.Len(t, list.Items, 2)
			assert.Equal(t, argos.KYCApproved, list.Items[0].KYC.Status)
			assert.Nil(t, list.Next)
		})
	}
}

func TestListSubmissionsRefusesBadParams(t *testing.T) {
	tests := []struct {
		name   string
		params argos.ListSubmissionsParams
		field  string
	}{
		{"a negative count", argos.ListSubmissionsParams{Count: -1}, "Count"},
		{"a count above the maximum", argos.ListSubmissionsParams{Count: 2001}, "Count"},
		{"a start date in another format", argos.ListSubmissionsParams{StartDate: "01/02/2024"}, "StartDate"},
		{"an impossible end date", argos.ListSubmissionsParams{EndDate: "2024-02-31"}, "EndDate"},
		{"a page key without its date", argos.ListSubmissionsParams{Next: &argos.PageKey{ID: "x"}}, "Next"},
		{"a user ID with a newline", argos.ListSubmissionsParams{UserID: "a\nb"}, "userid"},
	}
	for _, tc := range tests {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			_, err := c.ListSubmissions(context.Background(), &tc.params)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, argos.ErrValidation)
			assert.Zero(t, mt.GetTotalCallCount(), "bad input costs no round trip")
		})
	}
}

func TestAllSubmissionsFollowsThePageKey(t *testing.T) {
	c, mt := newMockClient(t)
	var queries []url.Values
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.Query())
		if r.URL.Query().Get("nextpage_id") == "" {
			return jsonResponder(t, 200, "submission_list_page1.json")(r)
		}
		return jsonResponder(t, 200, "submission_list_page2.json")(r)
	})
	params := &argos.ListSubmissionsParams{UserID: "u1", Count: 2}
	before := *params

	var ids []string
	for sub, err := range c.AllSubmissions(context.Background(), params) {
		require.NoError(t, err)
		ids = append(ids, sub.ID)
	}

	assert.Len(t, ids, 3)
	require.Len(t, queries, 2)
	var page1 argos.SubmissionList
	require.NoError(t, json.Unmarshal(fixture(t, "submission_list_page1.json"), &page1))
	require.NotNil(t, page1.Next)
	assert.Equal(t, page1.Next.ID, queries[1].Get("nextpage_id"))
	assert.Equal(t, page1.Next.CreatedAt, queries[1].Get("nextpage_date"))
	assert.Equal(t, "u1", queries[1].Get("userid"), "filters are kept on every page")
	assert.Equal(t, before, *params, "the caller's params are not changed")
}

func TestAllSubmissionsEndsWhenTheCursorDoesNotAdvance(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_list_page1.json"))

	var n int
	var last error
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		if err != nil {
			last = err
			assert.Nil(t, sub)
			break
		}
		n++
	}
	require.ErrorIs(t, last, argos.ErrPaginationStalled)
	assert.Equal(t, 4, n, "two pages were read before the repeat was noticed")
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestAllSubmissionsStopsWhenTheLoopBreaks(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_list_page1.json"))
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		require.NoError(t, err)
		require.NotNil(t, sub)
		break
	}
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestAllSubmissionsYieldsTheFirstError(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(403, `{"message":"Forbidden"}`))
	var errs []error
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		assert.Nil(t, sub)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], argos.ErrForbidden)
}
